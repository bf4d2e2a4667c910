"""Rejected input rows: every one keeps its file, row, column and the reason it was rejected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyzer.errors import printable

QUARANTINE_COLUMNS = ["kind", "source_file", "source_row", "column_name", "reason", "raw"]


@dataclass
class Rejections:
    """Collects rejected rows of one input file."""

    kind: str
    source: Path
    rows: list[dict] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, reason: str, raw: dict | str | None) -> None:
        raw = raw if isinstance(raw, dict) else {"_line": raw or ""}
        self.rows.append(
            {  # printable: a file name that is not UTF-8 could be neither shown nor stored
                "kind": self.kind,
                "source_file": printable(str(self.source)),
                "source_row": row,
                "column_name": column,
                "reason": printable(reason),
                "raw": {k: printable(v) if isinstance(v, str) else v for k, v in raw.items()},
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=QUARANTINE_COLUMNS)

    def __len__(self) -> int:
        return len(self.rows)


def raw_record(row: pd.Series) -> dict:
    """A row's original values as strings, for the quarantine (pseudonymised before storing)."""
    return {str(k): "" if v is None else str(v) for k, v in row.items() if k != "_row"}
