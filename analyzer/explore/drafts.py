"""Concept controleren: read an uploaded draft, score it, and compare it with the stored letters."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.explore.base import nl_number
from analyzer.explore.letters import findings_table
from analyzer.store import Store

UPLOAD_SUFFIXES = (".txt", ".docx", ".pdf", ".md", ".odt")  # the letter formats analyze reads
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# What the browser lets through: larger than UPLOAD_MAX_BYTES so that a file of 5-50 MB reaches read_upload and
# gets its Dutch message; Streamlit's own (English) one is left for files over this size.
UPLOAD_WIDGET_MB = 50
DRAFT_MAX_CHARS = 50_000


def read_upload(name: str, data: bytes) -> str:
    """Text of an uploaded draft (UPLOAD_SUFFIXES, at most 5 MB); InputError with a Dutch message otherwise."""
    from analyzer.ingest.letters import read_letter

    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(f"{name}: dit bestandstype kan niet gecontroleerd worden (wel: {', '.join(UPLOAD_SUFFIXES)})")
    if len(data) > UPLOAD_MAX_BYTES:
        raise InputError(f"{name}: het bestand is groter dan {UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
    if not data:
        raise InputError(f"{name}: het bestand is leeg")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"concept{suffix}"
        path.write_bytes(data)
        try:
            return read_letter(path).text
        except InputError as exc:
            raise InputError(str(exc).replace(path.name, name)) from None


def check_draft(text: str) -> dict:
    """Readability, B1 verdict and findings of a draft, scored exactly like a stored letter."""
    from analyzer.b1 import analyze_document
    from analyzer.ingest.letters import clean_text

    if len(text) > DRAFT_MAX_CHARS:
        raise InputError(f"De tekst is te lang om te controleren (meer dan {nl_number(DRAFT_MAX_CHARS)} tekens).")
    cleaned = clean_text(text)
    result = analyze_document(cleaned)
    result["text"] = cleaned
    result["findings_table"] = findings_table(
        pd.DataFrame(
            [{"type": f["type"], "start_char": f["start"], "end_char": f["end"], "text": f["text"],
              "suggestion": f["suggestion"]} for f in result["findings"]],
            columns=["type", "start_char", "end_char", "text", "suggestion"],
        )
    )  # fmt: skip
    return result


def paragraph_vectors(store: Store, model_id: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Stored letter paragraphs and their cached vectors under ``model_id`` (rows without one dropped, and
    salutations and closings, which every letter shares: :func:`~analyzer.ingest.letters.is_boilerplate`)."""
    from analyzer.embed import text_hash
    from analyzer.ingest.letters import is_boilerplate, strip_markers

    paras = store.con.execute(
        "SELECT template_id, paragraph_no, text FROM letter_paragraphs ORDER BY template_id, paragraph_no"
    ).df()
    paras = paras[~paras["text"].map(is_boilerplate)].reset_index(drop=True)
    keys = [text_hash(strip_markers(t), model_id) for t in paras["text"]]
    found = store.get_embeddings(sorted(set(keys)), model_id)
    keep = [k in found for k in keys]
    paras = paras[keep].reset_index(drop=True)
    vectors = np.stack([found[k] for k, ok in zip(keys, keep) if ok]) if any(keep) else np.zeros((0, 1), np.float32)
    return paras, vectors


def similar_letters(
    draft_vectors: np.ndarray, paragraphs: pd.DataFrame, vectors: np.ndarray, ranking: pd.DataFrame, k: int = 5
) -> pd.DataFrame:
    """Stored letters most like a draft: for every letter the mean over the draft's paragraphs of the
    best cosine match among the letter's paragraphs; with the letter's call history from ``ranking``."""
    columns = ["template_id", "title", "similarity", "best_paragraph", "best_paragraph_text", "letters_sent",
               "attributed_calls", "calls_per_1000", "attributed_low", "attributed_high"]  # fmt: skip
    if not len(draft_vectors) or not len(vectors):
        return pd.DataFrame(columns=columns)
    sims = np.asarray(draft_vectors, np.float32) @ np.asarray(vectors, np.float32).T  # draft paras x stored paras
    rows = []
    for template_id, idx in paragraphs.groupby("template_id").indices.items():
        block = sims[:, idx]
        best = int(idx[int(np.argmax(block.max(axis=0)))])
        rows.append(
            {
                "template_id": template_id,
                "similarity": float(block.max(axis=1).mean()),
                "best_paragraph": int(paragraphs.at[best, "paragraph_no"]),
                "best_paragraph_text": paragraphs.at[best, "text"],
            }
        )
    frame = pd.DataFrame(rows).merge(
        ranking[["template_id", "title", "letters_sent", "attributed_calls", "calls_per_1000", "attributed_low",
                 "attributed_high"]], on="template_id", how="left")  # fmt: skip
    return frame.sort_values(["similarity", "template_id"], ascending=[False, True]).head(k).reindex(columns=columns)


def call_risk(similar: pd.DataFrame) -> dict | None:
    """Predicted calls per 1,000 letters for a draft: the similarity-weighted mean of its neighbours'
    calls per 1,000, with a range from the lowest to the highest neighbour's attribution interval.

    Only neighbours that were actually sent count. None when there are none: no prediction then.
    The range is deliberately wide: a handful of letters is all the evidence there is.
    """
    if similar.empty:
        return None
    sent = similar[(similar["letters_sent"].fillna(0) > 0)]
    if sent.empty:
        return None
    weights = np.clip(sent["similarity"].to_numpy(float), 0.0, None) ** 2
    if weights.sum() == 0:
        weights = np.ones(len(sent))
    rate = sent["calls_per_1000"].fillna(0).to_numpy(float)
    letters = sent["letters_sent"].to_numpy(float)
    low = np.minimum(sent["attributed_low"].fillna(0).to_numpy(float) / letters * 1000, rate)
    high = np.maximum(sent["attributed_high"].fillna(0).to_numpy(float) / letters * 1000, rate)
    return {
        "calls_per_1000": float(np.average(rate, weights=weights)),
        "low": float(low.min()),
        "high": float(high.max()),
        "neighbours": int(len(sent)),
        "mean_similarity": float(sent["similarity"].mean()),
    }
