"""Validate call exports: required columns, timestamps, numbers, duplicate call ids.

The result is a frame of accepted calls (still with raw text: the pipeline pseudonymises it
before anything is stored) and the rejected rows with their reasons. ``rows_in`` always equals
accepted plus rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.ingest.quarantine import Rejections, raw_record
from analyzer.ingest.tables import RawTable, read_table, require_columns
from analyzer.schema import CALL_COLUMNS, CALL_REQUIRED, clean_strings, parse_numbers, parse_timestamps

ACCEPTED_COLUMNS = ["call_id", "timestamp", "text", "channel", "duration_s", "reason", "agent", "source_row"]


@dataclass
class CallBatch:
    """The outcome of validating one calls file."""

    source: Path
    rows_in: int
    accepted: pd.DataFrame
    rejected: Rejections
    blank_rows: list[int] = field(default_factory=list)  # rows without a filled cell (not in rows_in)


MAX_TEXT_CHARS = 100_000  # longer than an hour-long transcript: an export error (a whole file in one cell)


def read_calls(path: str | Path, column_mapping: dict[str, str] | None = None) -> CallBatch:
    """Read and validate one calls file (CSV, XLSX or JSON lines)."""
    mapping = column_mapping or {}
    table = read_table(path, mapping)
    require_columns(table, CALL_REQUIRED, mapping)
    return validate_calls(table)


def validate_calls(table: RawTable) -> CallBatch:
    """Split a raw table into accepted calls and rejected rows (first reason per row)."""
    frame = table.frame
    rejected = Rejections("calls", table.path)
    for row_no, reason, line in table.broken:
        rejected.add(row_no, None, reason, line)

    bad = np.zeros(len(frame), dtype=bool)
    reasons: list[tuple[str, str] | None] = [None] * len(frame)

    def flag(mask: np.ndarray, column: str, reason_of: object) -> None:
        for i in np.flatnonzero(mask & ~bad):
            value = frame.iloc[i][column] if column in frame.columns else ""
            reasons[i] = (column, reason_of(value) if callable(reason_of) else str(reason_of))
        bad[:] |= mask

    call_id = clean_strings(frame["call_id"])
    flag(call_id.isna().to_numpy(), "call_id", "call_id is leeg")
    structured = frame["text"].map(lambda v: isinstance(v, (dict, list, bool))).to_numpy(dtype=bool)
    flag(structured, "text", lambda v: f"text is geen tekst maar {_kind_of(v)} (JSON)")
    text = clean_strings(frame["text"].where(~structured, ""))
    flag(text.isna().to_numpy(), "text", "text is leeg")
    too_long = text.str.len().fillna(0).to_numpy() > MAX_TEXT_CHARS
    flag(
        too_long,
        "text",
        lambda v: f"text is te lang ({len(str(v)):,} tekens; hooguit {MAX_TEXT_CHARS:,})".replace(",", "."),
    )
    stamps = parse_timestamps(frame["timestamp"])
    flag(
        stamps.failed, "timestamp", lambda v: f"onbekende datum/tijd: '{v}'" if str(v).strip() else "timestamp is leeg"
    )
    if "duration_s" in frame.columns:
        duration = parse_numbers(frame["duration_s"])
        flag(duration.failed, "duration_s", lambda v: f"geen geldige duur in seconden: '{v}'")
        duration_values = duration.values
    else:
        duration_values = pd.Series(np.nan, index=frame.index)

    # Duplicate call ids within the file: keep the first valid one.
    ids = call_id.where(~bad)
    row_numbers = frame["_row"].to_numpy()
    first_row: dict[str, int] = {}
    dup = np.zeros(len(frame), dtype=bool)
    for i, value in enumerate(ids.tolist()):
        if value is pd.NA or value is None:
            continue
        if value in first_row:
            dup[i] = True
            reasons[i] = ("call_id", f"dubbel call_id '{value}' (eerder op rij {first_row[value]})")
        else:
            first_row[value] = int(row_numbers[i])
    bad |= dup

    for i in np.flatnonzero(bad):
        column, reason = reasons[i]  # type: ignore[misc]
        rejected.add(int(row_numbers[i]), column, reason, raw_record(frame.iloc[i]))

    keep = ~bad
    accepted = pd.DataFrame(
        {
            "call_id": call_id[keep].astype(str),
            "timestamp": stamps.values[keep],
            "text": text[keep].astype(str),
            "channel": _optional(frame, "channel")[keep],
            "duration_s": duration_values[keep],
            "reason": _optional(frame, "reason")[keep],
            "agent": _optional(frame, "agent")[keep],
            "source_row": frame["_row"][keep].astype(int),
        }
    ).reset_index(drop=True)
    assert set(CALL_COLUMNS) <= set(accepted.columns)
    return CallBatch(table.path, table.rows_in, accepted, rejected, table.blank_rows)


def _kind_of(value: object) -> str:
    """What a JSON value that should have been text is, in Dutch."""
    if isinstance(value, bool):
        return "waar/onwaar"
    return "een lijst" if isinstance(value, list) else "een object"


def _optional(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return clean_strings(frame[column].map(lambda v: "" if v is None else str(v)))
