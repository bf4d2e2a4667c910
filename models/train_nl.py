"""Train, evaluate and benchmark the Dutch spaCy pipeline in models/nl_ud/model (issue 7).

One command retrains from scratch (about 20-30 minutes on a busy 2-core machine; not run in CI):

    python models/train_nl.py            # split + convert + vectors + train + add lemmatizer + evaluate + bench
    python models/train_nl.py vectors    # only build the static word vectors (build/nl_ud/vectors)
    python models/train_nl.py evaluate   # only evaluate and benchmark the committed model
    python models/train_nl.py frog       # UPOS/head agreement with Frog on the demo letters (needs frog)

Data: the Dutch UD treebanks Alpino and LassySmall (dev and test files only, CC BY-SA 4.0) in
../shared/data/ud-dutch (override with $UD_DUTCH_DIR). The split is by *document*: the document id
is the part of ``sent_id`` before the backslash (Alpino: ``WR-P-P-H-0000000105``) or before
``.p.<n>.s.<n>`` (LassySmall: ``wiki-1181``). ``sha1(doc_id) % 100`` decides the part:
0-14 eval (held out, never trained on, not used for model selection), 15-19 dev (early stopping
and model selection), 20-99 train. Whole documents stay on one side, so no article is split.
Static word vectors (``include_static_vectors`` in the tok2vec): built offline by ``nl_vectors.py``
from the piece embeddings of the packaged multilingual Universal Sentence Encoder (Apache-2.0) for
the UD train forms and the 100,000 most frequent SUBTLEX-NL words (LiNT-II, EUPL-1.2); it needs the
``onnx`` package (training only). Nothing is downloaded.
Intermediate files go to build/nl_ud/ (git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "models" / "nl_ud"
CONFIG = MODEL_DIR / "config.cfg"
MODEL_OUT = MODEL_DIR / "model"
BUILD = ROOT / "build" / "nl_ud"
VECTORS = BUILD / "vectors"
UD_DIR = Path(os.environ.get("UD_DUTCH_DIR", ROOT.parent / "shared" / "data" / "ud-dutch"))
UD_FILES = [
    "nl_alpino-ud-dev.conllu",
    "nl_alpino-ud-test.conllu",
    "nl_lassysmall-ud-dev.conllu",
    "nl_lassysmall-ud-test.conllu",
]
EVAL_PCT, DEV_PCT = 15, 5
SENTS_PER_DOC = 10  # spacy convert -n: several sentences per Doc, so the parser learns sentence boundaries
_LASSY_DOC = re.compile(r"^(.*?)\.p\.\d+\.s\.\d+$")


def doc_id(sent_id: str) -> str:
    """The document a UD sentence comes from (see the module docstring)."""
    if "\\" in sent_id:
        return sent_id.split("\\", 1)[0]
    match = _LASSY_DOC.match(sent_id)
    return match.group(1) if match else sent_id


def part_of(doc: str) -> str:
    """Deterministic part ("train", "dev" or "eval") for a document id."""
    bucket = int(hashlib.sha1(doc.encode("utf-8")).hexdigest(), 16) % 100
    if bucket < EVAL_PCT:
        return "eval"
    return "dev" if bucket < EVAL_PCT + DEV_PCT else "train"


def read_conllu_blocks(path: Path) -> list[tuple[str, str]]:
    """(sent_id, block) for each sentence of a CoNLL-U file; block keeps its comment lines."""
    blocks = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        block = block.strip("\n")
        if not block:
            continue
        sent_id = next((ln.split("=", 1)[1].strip() for ln in block.splitlines() if ln.startswith("# sent_id")), "")
        blocks.append((sent_id, block))
    return blocks


def split_corpus(out: Path) -> dict[str, dict[str, int]]:
    """Write train/dev/eval .conllu files under out and return sentence and document counts."""
    out.mkdir(parents=True, exist_ok=True)
    parts: dict[str, list[str]] = {"train": [], "dev": [], "eval": []}
    docs: dict[str, set[str]] = {"train": set(), "dev": set(), "eval": set()}
    for name in UD_FILES:
        for sent_id, block in read_conllu_blocks(UD_DIR / name):
            doc = name.split("-")[0] + ":" + doc_id(sent_id)
            part = part_of(doc)
            parts[part].append(block)
            docs[part].add(doc)
    counts = {}
    for part, blocks in parts.items():
        (out / f"{part}.conllu").write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
        tokens = sum(
            1 for b in blocks for ln in b.splitlines() if ln and ln[0].isdigit() and "-" not in ln.split("\t")[0]
        )
        counts[part] = {"sentences": len(blocks), "documents": len(docs[part]), "tokens": tokens}
    return counts


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True)


def convert(corpus: Path) -> None:
    for part in ("train", "dev", "eval"):
        run(
            sys.executable,
            "-m",
            "spacy",
            "convert",
            str(corpus / f"{part}.conllu"),
            str(corpus),
            "--converter",
            "conllu",
            "-n",
            str(SENTS_PER_DOC),
        )


def ud_lemmas(conllu: Path) -> dict[str, str]:
    """Most frequent UD lemma per lower-cased word form in a CoNLL-U file (proper nouns left out)."""
    counts: dict[str, Counter[str]] = {}
    for line in conllu.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) != 10 or not cols[0].isdigit() or cols[3] in ("PROPN", "PUNCT", "NUM", "X", "SYM"):
            continue
        counts.setdefault(cols[1].lower(), Counter())[cols[2]] += 1
    return {form: c.most_common(1)[0][0] for form, c in counts.items()}


def add_lemmatizer(trained: Path, out: Path) -> None:
    """Add a lookup lemmatizer: the nl table of spacy-lookups-data plus the UD train part's lemmas.

    spaCy's Dutch lookup lemmatizer lower-cases the word and looks it up. The spacy-lookups-data
    table lacks many frequent forms (``is``, ``was``, ``werd``, ``verhalen``), so the most frequent
    UD lemma of each form in the *train* part (never the eval part) is added and wins over the
    table. The lemmatizer returns the word itself when it is not in the table, so entries whose
    lemma equals the form are dropped. The table is saved inside the pipeline: it works offline
    without spacy-lookups-data.
    """
    import spacy
    from spacy.lookups import Lookups, load_lookups
    from spacy.strings import hash_string

    nlp = spacy.load(trained)
    full = load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
    lookups = Lookups()
    table = lookups.add_table("lemma_lookup")
    # Table keys are hashes; keep an entry unless its lemma hashes to the key (form == lemma).
    for key, lemma in full.items():
        if hash_string(lemma) != key:
            table[key] = lemma
    from_ud = ud_lemmas(BUILD / "corpus" / "train.conllu")
    for form, lemma in from_ud.items():
        if lemma != form:
            table[form] = lemma
        elif form in table:
            del table[hash_string(form)]
    print(
        f"lemma_lookup: {len(full)} entries from spacy-lookups-data, {len(from_ud)} forms from UD train, "
        f"{len(table)} kept (form != lemma)",
        flush=True,
    )
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": True})
    lemmatizer.initialize(lookups=lookups)
    nlp.meta.update(
        {
            "name": "nl_ud",
            "version": "0.2.0",
            "description": "Dutch tagger, morphologizer, parser (UD Alpino + LassySmall dev/test) "
            "with static word vectors (USE piece embeddings, SUBTLEX-NL vocabulary) "
            "and lookup lemmatizer (spacy-lookups-data). See models/nl_ud/MODEL_CARD.md.",
            "license": "CC BY-SA 4.0",
            "author": "Letter Clarity Analyzer",
            "sources": [
                {
                    "name": "UD_Dutch-Alpino",
                    "url": "https://github.com/UniversalDependencies/UD_Dutch-Alpino",
                    "license": "CC BY-SA 4.0",
                },
                {
                    "name": "UD_Dutch-LassySmall",
                    "url": "https://github.com/UniversalDependencies/UD_Dutch-LassySmall",
                    "license": "CC BY-SA 4.0",
                },
                {
                    "name": "Universal Sentence Encoder multilingual v3 (piece embeddings, static vectors)",
                    "url": "https://www.kaggle.com/models/google/universal-sentence-encoder/tensorFlow2/multilingual",
                    "license": "Apache-2.0",
                },
                {
                    "name": "SUBTLEX-NL word frequencies via LiNT-II (vector vocabulary)",
                    "url": "https://github.com/vanboefer/lint_ii",
                    "license": "EUPL-1.2",
                },
                {
                    "name": "spacy-lookups-data (nl lemma_lookup)",
                    "url": "https://github.com/explosion/spacy-lookups-data",
                    "license": "MIT",
                },
            ],
        }
    )
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    # The training paths are machine-specific and not needed to load the model.
    cfg = out / "config.cfg"
    text = re.sub(r'(?m)^(train|dev|vectors) = ".*"$', r"\1 = null", cfg.read_text(encoding="utf-8"))
    cfg.write_text(text, encoding="utf-8")


def build_vectors(corpus: Path) -> dict:
    """Static word vectors for the tok2vec, from what ships offline (models/nl_vectors.py), to VECTORS."""
    sys.path.insert(0, str(ROOT))
    from models import nl_vectors

    info = nl_vectors.build(VECTORS, corpus / "train.conllu")
    print(json.dumps(info), flush=True)
    return info


def evaluate(model: Path, corpus: Path) -> dict:
    """Score the model on the held-out eval part (spacy evaluate) and save the scores."""
    scores_path = MODEL_DIR / "eval_scores.json"
    run(sys.executable, "-m", "spacy", "evaluate", str(model), str(corpus / "eval.spacy"), "--output", str(scores_path))
    scores = json.loads(scores_path.read_text())
    keep = ["token_acc", "pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f", "speed"]
    scores = {k: scores[k] for k in keep if k in scores}
    scores_path.write_text(json.dumps(scores, indent=2) + "\n")
    return scores


def bench(model: Path) -> dict:
    """Words/s with nlp.pipe over the demo letters (or the eval texts) and ms for a ~400-word letter."""
    import spacy

    nlp = spacy.load(model)
    letters = sorted((ROOT / "corpora" / "letters").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in letters]
    if not texts:
        corpus = BUILD / "corpus" / "eval.conllu"
        texts = [ln[9:] for ln in corpus.read_text().splitlines() if ln.startswith("# text = ")]
    words = " ".join(texts).split()
    letter = " ".join(words[:400])
    big = texts * (1 + 60000 // max(1, len(words)))
    nlp(letter)  # warm-up
    start = time.perf_counter()
    n_words = sum(len(doc) for doc in nlp.pipe(big, batch_size=64))
    pipe_s = time.perf_counter() - start
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        nlp(letter)
        timings.append(time.perf_counter() - start)
    timings.sort()
    result = {
        "tokens": n_words,
        "words_per_s_pipe": round(n_words / pipe_s),
        "letter_400_words_ms_median": round(1000 * timings[len(timings) // 2], 1),
        "letter_400_words_ms_max": round(1000 * timings[-1], 1),
        "source": "corpora/letters/*.md" if letters else "eval sentences",
        "model_size_mb": round(sum(f.stat().st_size for f in model.rglob("*") if f.is_file()) / 1e6, 2),
    }
    print(json.dumps(result, indent=2))
    return result


def frog_agreement(model: Path, n_letters: int | None = None) -> dict:
    """Agreement of our parser (as the readability engine runs it: analyzer.syntax_spacy.SpacySyntax) with
    Frog on the demo letters: same tokens and sentences (analyzer.syntax.split_sentences), «markers» and
    punctuation left out. Frog's CGN tags are mapped to UD by ``analyzer.syntax_frog.cgn_to_ud``; its
    Alpino-style heads are compared as Frog gives them and re-hung the UD way (``analyzer.syntax_frog.ud_heads``).
    Frog is not gold: this measures agreement, not accuracy.
    """
    import statistics

    import spacy

    sys.path.insert(0, str(ROOT))
    from analyzer import readability as rd
    from analyzer.ingest.letters import read_letter
    from analyzer.syntax_frog import FrogSyntax
    from analyzer.syntax_spacy import SpacySyntax

    ours = SpacySyntax(spacy.load(model))
    letters = sorted((ROOT / "corpora" / "letters").glob("*.md"))[:n_letters]
    texts = [read_letter(p).text for p in letters]
    frog = FrogSyntax()
    start = time.perf_counter()
    frog.prepare(texts)
    frog_s = time.perf_counter() - start
    raw = FrogSyntax(ud_heads=False)
    raw._cache = frog._cache
    n = pos_same = pos_loose = head_ud = head_raw = 0
    confusions: Counter[tuple[str, str]] = Counter()
    words: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    sdl: list[tuple[int, int]] = []
    for text in texts:
        for a, b, c in zip(ours.analyze(text), frog.analyze(text), raw.analyze(text)):
            keep = [i for i, t in enumerate(b.tokens) if t.is_word and a.tokens[i].is_word]
            for i in keep:
                mine, theirs = a.tokens[i], b.tokens[i]
                n += 1
                pos_same += mine.pos == theirs.pos
                pos_loose += mine.pos == theirs.pos or {mine.pos, theirs.pos} == {"AUX", "VERB"}
                if mine.pos != theirs.pos:
                    confusions[(theirs.pos, mine.pos)] += 1
                    words[(theirs.pos, mine.pos)][theirs.text] += 1
                head_ud += mine.head == theirs.head
                head_raw += mine.head == c.tokens[i].head
            x, y = rd.sentence_stats(a).max_dep_length, rd.sentence_stats(b).max_dep_length
            if x is not None and y is not None:
                sdl.append((x, y))
    result = {
        "letters": len(texts),
        "tokens": n,
        "upos_agreement": round(pos_same / n, 4),
        "upos_agreement_aux_as_verb": round(pos_loose / n, 4),
        "head_agreement_frog_ud_heads": round(head_ud / n, 4),
        "head_agreement_frog_as_is": round(head_raw / n, 4),
        "max_dep_length_sentences": len(sdl),
        "max_dep_length_pearson": round(statistics.correlation(*zip(*sdl)), 3),
        "max_dep_length_exact": round(sum(p == q for p, q in sdl) / len(sdl), 3),
        "frog_seconds": round(frog_s, 1),
        "top_pos_differences_frog_ours": [
            f"{a}->{b}: {k} ({', '.join(w for w, _ in words[(a, b)].most_common(4))})"
            for (a, b), k in confusions.most_common(8)
        ],
    }
    print(json.dumps(result, indent=2))
    return result


def main(argv: list[str]) -> int:
    corpus = BUILD / "corpus"
    if not argv or argv[0] == "train":
        counts = split_corpus(corpus)
        print(json.dumps(counts, indent=2))
        (MODEL_DIR / "split.json").write_text(json.dumps(counts, indent=2) + "\n")
        convert(corpus)
        build_vectors(corpus)
        run(
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(CONFIG),
            "--output",
            str(BUILD / "training"),
            "--paths.train",
            str(corpus / "train.spacy"),
            "--paths.dev",
            str(corpus / "dev.spacy"),
            "--paths.vectors",
            str(VECTORS),
        )
        add_lemmatizer(BUILD / "training" / "model-best", MODEL_OUT)
    elif argv[0] == "vectors":
        if not (corpus / "train.conllu").exists():
            split_corpus(corpus)
        build_vectors(corpus)
        return 0
    elif argv[0] == "lemmatizer":
        add_lemmatizer(BUILD / "training" / "model-best", MODEL_OUT)
    if not argv or argv[0] in ("train", "lemmatizer", "evaluate"):
        if not (corpus / "eval.spacy").exists():
            split_corpus(corpus)
            convert(corpus)
        print(json.dumps(evaluate(MODEL_OUT, corpus), indent=2))
        result = bench(MODEL_OUT)
        (MODEL_DIR / "speed.json").write_text(json.dumps(result, indent=2) + "\n")
        return 0
    if argv and argv[0] == "frog":
        result = frog_agreement(MODEL_OUT)
        (MODEL_DIR / "frog_agreement.json").write_text(json.dumps(result, indent=2) + "\n")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
