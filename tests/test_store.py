"""The DuckDB store: schema versions, transactions, a run that dies, the embedding cache."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.embed import CachedEmbedder, HashingEmbedder, text_hash
from analyzer.errors import InputError
from analyzer.store import SCHEMA_VERSION, Store


def _calls(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "call_id": ids,
            "timestamp": pd.Timestamp("2026-03-02 09:00"),
            "text": "tekst",
            "channel": "telefoon",
            "duration_s": 1.0,
            "reason": None,
            "agent": None,
            "source_file": "f.csv",
            "source_row": range(2, 2 + len(ids)),
            "row_hash": "h",
        }
    )


def test_new_store_has_current_schema_and_salt(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    assert len(store.meta("hash_salt")) == 32
    for table in ("calls", "letters", "letter_paragraphs", "mailings", "quarantine", "embeddings", "runs"):
        assert store.count(table) == 0


def test_reopening_keeps_data_and_salt(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.insert_calls(_calls(["A"]), run_id=1)
        salt = s.meta("hash_salt")
    with Store(path, read_only=True) as s:
        assert s.count("calls") == 1
        assert s.meta("hash_salt") == salt


def test_failed_transaction_leaves_previous_state(store: Store) -> None:
    store.insert_calls(_calls(["A", "B"]), run_id=1)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_calls(_calls(["C", "D"]), run_id=2)
        store.add_quarantine(
            pd.DataFrame(
                [{"kind": "calls", "source_file": "f", "source_row": 3, "column_name": "x", "reason": "r", "raw": {}}]
            ),
            run_id=2,
        )
        raise RuntimeError("stroomstoring")
    assert sorted(store.table("calls")["call_id"]) == ["A", "B"]
    assert store.count("quarantine") == 0


def test_process_killed_mid_write_leaves_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.insert_calls(_calls(["A"]), run_id=1)
    script = textwrap.dedent(f"""
        import os, pandas as pd
        from analyzer.store import Store
        s = Store({str(path)!r})
        s.con.execute("BEGIN TRANSACTION")
        s.con.execute("INSERT INTO calls (call_id, \\"timestamp\\", text) VALUES ('X', now()::TIMESTAMP, 'half')")
        s.con.execute("DELETE FROM calls WHERE call_id = 'A'")
        os._exit(9)  # dies without commit or close
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    with Store(path, read_only=True) as s:
        assert s.table("calls")["call_id"].tolist() == ["A"]


def test_quarantine_is_not_repeated_on_reingest(store: Store) -> None:
    rows = pd.DataFrame(
        [
            {
                "kind": "calls",
                "source_file": "f.csv",
                "source_row": 3,
                "column_name": "text",
                "reason": "text is leeg",
                "raw": {"call_id": "X"},
            }
        ]
    )
    assert store.add_quarantine(rows, run_id=1) == 1
    assert store.add_quarantine(rows, run_id=2) == 0
    assert store.count("quarantine") == 1


def test_rejected_files_without_a_row_number_are_each_kept_and_block_nothing(store: Store) -> None:
    def rejected(kind: str, row: int | None, column: str | None, reason: str) -> dict:
        return {"kind": kind, "source_file": "brieven", "source_row": row, "column_name": column, "reason": reason,
                "raw": {"file": reason.split(":")[0]}}  # fmt: skip

    letters = pd.DataFrame(
        [rejected("letters", None, None, "kapot.docx: kan niet gelezen worden"),
         rejected("letters", None, None, "leeg.txt: bevat geen tekst")]
    )  # fmt: skip
    calls = pd.DataFrame([rejected("calls", 7, "timestamp", "onbekende datum/tijd: 'gisteren'")])
    assert store.add_quarantine(letters, run_id=1) == 2
    assert store.add_quarantine(calls, run_id=1) == 1  # rows after a letter file's are stored too
    assert store.add_quarantine(pd.concat([letters, calls]), run_id=2) == 0  # and none is repeated
    assert store.count("quarantine") == 3
    assert store.con.execute("SELECT count(*) FROM quarantine WHERE fingerprint IS NULL").fetchone()[0] == 0


def test_an_old_quarantine_row_without_fingerprint_is_repaired_not_blocking(store: Store) -> None:
    store.con.execute(
        "INSERT INTO quarantine (run_id, kind, source_file, source_row, column_name, reason, raw_json, fingerprint) "
        "VALUES (1, 'letters', 'brieven', NULL, NULL, 'kapot.docx: kan niet gelezen worden', '{}', NULL)"
    )  # what a store written before the fix holds after a rejected letter file
    fields = ["kind", "source_file", "source_row", "column_name", "reason", "raw"]
    calls = pd.DataFrame([["calls", "c.csv", 3, "text", "text is leeg", {}]], columns=fields)
    same_letter = pd.DataFrame(
        [["letters", "brieven", None, None, "kapot.docx: kan niet gelezen worden", {}]], columns=fields
    )
    assert store.add_quarantine(calls, run_id=2) == 1
    assert store.add_quarantine(same_letter, run_id=2) == 0
    assert store.count("quarantine") == 2


def test_read_only_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="database niet gevonden"):
        Store(tmp_path / "geen.duckdb", read_only=True)


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "tekst.duckdb"
    path.write_text("dit is geen database", encoding="utf-8")
    with pytest.raises(InputError, match="is geen DuckDB-database"):
        Store(path)


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(32)
        self.seen: list[str] = []

    def encode(self, texts, batch_size=64, show_progress=False):
        self.seen.extend(texts)
        return super().encode(texts, batch_size, show_progress)


def test_embedding_cache_never_embeds_a_text_twice(store: Store) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, store)
    first = cached.encode(["brief WOZ", "grofvuil", "brief WOZ"])
    assert inner.seen == ["brief WOZ", "grofvuil"]
    # Normalised text (spacing) shares the cache entry; a new text is embedded.
    second = cached.encode(["  brief   WOZ ", "paspoort"])
    assert inner.seen == ["brief WOZ", "grofvuil", "paspoort"]
    np.testing.assert_array_equal(first[0], second[0])
    assert first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-5)
    # ensure() only computes what is missing; a second cache over the same store sees it all.
    again = CachedEmbedder(CountingEmbedder(), store)
    assert again.ensure(["grofvuil", "paspoort", "nieuw"]) == (1, 2)
    assert again.inner.seen == ["nieuw"]
    assert store.count("embeddings") == 4


def test_cache_key_depends_on_model() -> None:
    assert text_hash("a", "m1") != text_hash("a", "m2")
    assert text_hash("a  b", "m1") == text_hash(" a b ", "m1")


def test_stored_score_columns_match_the_readability_engine() -> None:
    from analyzer.b1 import LETTER_COLUMNS
    from analyzer.store import SCORE_COLUMNS

    assert (*SCORE_COLUMNS, "b1_verdict") == tuple(LETTER_COLUMNS)
