"""Static Dutch word vectors for the nl_ud pipeline, built offline from what ships with the analyzer.

Source: the sentencepiece embedding table inside the packaged multilingual Universal Sentence
Encoder (``analyzer.embed.use_model_path()``, Apache-2.0). The ONNX file holds the table as 17
uint8-quantized shards of shape (7530, 512); TensorFlow's ``embedding_lookup`` partitioned it
"mod"-wise (piece id ``i`` is row ``i // 17`` of shard ``i % 17``), and each shard has its own
DequantizeLinear scale and zero point. Its sentencepiece model is the ``model`` attribute of the
graph's ``SentencepieceTokenizer`` node (onnxruntime-extensions), which segments the words here too.

A word's vector is the mean of its pieces' vectors (without BOS/EOS), reduced by PCA and
L2-normalised. The words: the lower-cased forms of the UD *train* part plus the most frequent
words of SUBTLEX-NL (``analyzer/data/subtlex_nl_zipf.tsv.gz``, from LiNT-II, EUPL-1.2). Each word
is keyed as written and capitalised (``gemeente``, ``Gemeente``): spaCy 3.8 does not save a
vectors ``attr`` such as LOWER in default mode, so the keys are ORTH. Only the hashes are stored,
not the word strings, which keeps the pipeline small.

Needs the ``onnx`` package to read the graph (training only; the analyzer does not need it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def use_onnx_path() -> Path:
    """The packaged USE ONNX file (the analyzer's own lookup, so $ANALYZER_USE_ONNX applies)."""
    sys.path.insert(0, str(ROOT))
    from analyzer.embed import use_model_path

    return Path(use_model_path())


def piece_table(graph) -> np.ndarray:
    """The dequantized (n_pieces, 512) float32 piece-embedding table of the USE graph."""
    from onnx import numpy_helper

    inits = {t.name: t for t in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    shards: dict[int, np.ndarray] = {}
    for node in graph.node:
        if node.op_type != "Gather" or not node.input[0].endswith("_quantized") or node.input[0] not in inits:
            continue
        quantized = numpy_helper.to_array(inits[node.input[0]])
        # Shard number: Compress(ids // 17, Split(Equal(ids % 17, range))[k]) -> k
        compress = producer[node.input[1]]
        cond = compress.input[1]
        while producer[cond].op_type != "Split":
            cond = producer[cond].input[0]
        shard = list(producer[cond].output).index(cond)
        dq = next(c for c in consumers[node.output[0]] if c.op_type == "DequantizeLinear")
        scale = float(numpy_helper.to_array(inits[dq.input[1]]))
        zero = float(numpy_helper.to_array(inits[dq.input[2]]))
        shards[shard] = (quantized.astype(np.float32) - zero) * scale
    n_shards = len(shards)
    rows = sum(s.shape[0] for s in shards.values())
    table = np.zeros((rows, shards[0].shape[1]), dtype=np.float32)
    for k, shard in shards.items():
        table[k::n_shards] = shard  # "mod" partitioning: id = row * n_shards + k
    return table


def segmenter(graph):
    """A function words -> list of piece-id arrays, using the graph's own sentencepiece model."""
    import onnxruntime as ort
    from onnx import TensorProto, helper
    from onnxruntime_extensions import get_library_path

    sp_node = next(n for n in graph.node if n.op_type == "SentencepieceTokenizer")
    model = next(a.s for a in sp_node.attribute if a.name == "model")
    node = helper.make_node(
        "SentencepieceTokenizer",
        ["text", "nbest", "alpha", "bos", "eos", "reverse"],
        ["ids", "splits"],
        domain="ai.onnx.contrib",
        model=model,
    )
    inputs = [
        helper.make_tensor_value_info("text", TensorProto.STRING, [None]),
        helper.make_tensor_value_info("nbest", TensorProto.INT64, [None]),
        helper.make_tensor_value_info("alpha", TensorProto.FLOAT, [None]),
        helper.make_tensor_value_info("bos", TensorProto.BOOL, [None]),
        helper.make_tensor_value_info("eos", TensorProto.BOOL, [None]),
        helper.make_tensor_value_info("reverse", TensorProto.BOOL, [None]),
    ]
    outputs = [
        helper.make_tensor_value_info("ids", TensorProto.INT32, [None]),
        helper.make_tensor_value_info("splits", TensorProto.INT64, [None]),
    ]
    tiny = helper.make_model(
        helper.make_graph([node], "sp", inputs, outputs),
        opset_imports=[helper.make_opsetid("", 12), helper.make_opsetid("ai.onnx.contrib", 1)],
    )
    options = ort.SessionOptions()
    options.register_custom_ops_library(get_library_path())
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(tiny.SerializeToString(), options)

    def segment(words: list[str]) -> list[np.ndarray]:
        false = np.array([False])
        ids, splits = session.run(
            None,
            {
                "text": np.array(words, dtype=object),
                "nbest": np.array([0], dtype=np.int64),
                "alpha": np.array([1.0], dtype=np.float32),
                "bos": false,
                "eos": false,
                "reverse": false,
            },
        )
        return [ids[a:b] for a, b in zip(splits[:-1], splits[1:])]

    return segment


def vocabulary(train_conllu: Path, n_subtlex: int) -> list[str]:
    """Lower-cased UD train forms, then the n_subtlex most frequent SUBTLEX-NL words (no duplicates)."""
    words = dict.fromkeys(
        cols[1].lower()
        for line in train_conllu.read_text(encoding="utf-8").splitlines()
        if len(cols := line.split("\t")) == 10 and cols[0].isdigit()
    )
    from analyzer.nl_lexicon import zipf_table

    freq = sorted((-zipf, word.lower()) for word, zipf in zipf_table().items())
    for _, word in freq[:n_subtlex]:
        words.setdefault(word)
    return [w for w in words if w.strip()]


def word_vectors(words: list[str], dims: int, onnx_path: Path | None = None) -> np.ndarray:
    """(len(words), dims) float32: mean piece vector per word, PCA to dims, L2-normalised rows."""
    import onnx
    from sklearn.decomposition import PCA

    graph = onnx.load(str(onnx_path or use_onnx_path())).graph
    table = piece_table(graph)
    segment = segmenter(graph)
    out = np.zeros((len(words), table.shape[1]), dtype=np.float32)
    for start in range(0, len(words), 5000):
        for i, ids in enumerate(segment(words[start : start + 5000]), start):
            if len(ids):
                out[i] = table[ids].mean(axis=0)
    reduced = PCA(n_components=dims, random_state=0).fit_transform(out).astype(np.float32)
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-8)
    return reduced


def prune(data: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first n_rows vectors; every later word gets the row of its nearest kept vector (cosine).

    Returns (kept rows, row index per word). Rows are L2-normalised, so a dot product is the cosine.
    """
    kept = data[:n_rows]
    rows = np.arange(len(data))
    for start in range(n_rows, len(data), 4096):
        rows[start : start + 4096] = np.argmax(data[start : start + 4096] @ kept.T, axis=1)
    return kept, rows


def build(out_dir: Path, train_conllu: Path, n_subtlex: int = 100_000, dims: int = 64, n_rows: int = 16_000) -> dict:
    """Write a blank Dutch spaCy pipeline with the vectors to out_dir (for ``[initialize] vectors``).

    The UD train forms come first and then SUBTLEX-NL by frequency, so pruning to n_rows keeps its own
    vector for every train form and the most frequent other words; the rarer words share the row of
    their nearest kept word (the table stays small: n_rows x dims float32 plus 8-byte keys).
    """
    import spacy
    from spacy.strings import hash_string
    from spacy.vectors import Vectors

    words = vocabulary(train_conllu, n_subtlex)
    kept, rows = prune(word_vectors(words, dims), n_rows)
    nlp = spacy.blank("nl")
    vectors = Vectors(data=kept, name="nl_use_subword_vectors")
    for word, row in zip(words, rows):
        for form in dict.fromkeys((word, word[:1].upper() + word[1:])):
            vectors.add(hash_string(form), row=int(row))
    nlp.vocab.vectors = vectors
    nlp.to_disk(out_dir)
    return {"words": len(words), "rows": len(kept), "dims": dims, "n_subtlex": n_subtlex}
