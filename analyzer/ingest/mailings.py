"""Validate the mailing log (send log): which template went out on which day, how many letters.

A template id that is not in the letters folder is rejected with that reason (so it is shown in
the quarantine and the counts, not silently dropped). Several rows for the same template and day
are added up: a mailing may go out in batches.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.ingest.quarantine import Rejections, raw_record
from analyzer.ingest.tables import read_table, require_columns
from analyzer.schema import MAILING_REQUIRED, clean_strings, parse_numbers, parse_timestamps


@dataclass
class MailingBatch:
    source: Path
    rows_in: int
    accepted: pd.DataFrame  # template_id, sent_date, count, source_row (one row per input row)
    rejected: Rejections
    unknown_templates: list[str]
    blank_rows: list[int] = field(default_factory=list)  # rows without a filled cell (not in rows_in)

    def repeated_rows(self) -> list[int]:
        """Source rows identical to an earlier row (same letter, day and count): they are added up like
        any other batch of the same day, but may be a line copied twice, so the user is told."""
        same = self.accepted.duplicated(["template_id", "sent_date", "count"])
        return self.accepted.loc[same, "source_row"].astype(int).tolist()

    def per_day(self) -> pd.DataFrame:
        """Accepted rows summed per (template_id, sent_date)."""
        return (
            self.accepted.groupby(["template_id", "sent_date"], as_index=False)
            .agg(count=("count", "sum"), source_row=("source_row", "min"))
            .sort_values(["sent_date", "template_id"], ignore_index=True)
        )


def read_mailings(
    path: str | Path,
    known_templates: set[str],
    column_mapping: dict[str, str] | None = None,
    rejected_templates: Collection[str] = (),
) -> MailingBatch:
    """Read and validate a mailing log against the templates that were ingested; ``rejected_templates``
    are letter files of the same run that went to the quarantine (their mailings say so)."""
    mapping = column_mapping or {}
    table = read_table(path, mapping)
    require_columns(table, MAILING_REQUIRED, mapping)
    frame = table.frame
    rejected = Rejections("mailings", table.path)
    for row_no, reason, line in table.broken:
        rejected.add(row_no, None, reason, line)

    template = clean_strings(frame["template_id"].map(lambda v: "" if v is None else str(v)))
    dates = parse_timestamps(frame["sent_date"])
    counts = parse_numbers(frame["count"], integer=True, allow_empty=False)
    unknown: list[str] = []
    keep = np.ones(len(frame), dtype=bool)
    for i in range(len(frame)):
        row = frame.iloc[i]
        tid = template.iloc[i]
        if tid is pd.NA:
            column, reason = "template_id", "template_id is leeg"
        elif dates.failed[i]:
            column, reason = "sent_date", f"onbekende datum: '{row['sent_date']}'"
        elif counts.failed[i] or counts.values.iloc[i] == 0:
            column, reason = "count", f"aantal brieven moet een positief geheel getal zijn: '{row['count']}'"
        elif tid not in known_templates and tid in rejected_templates:
            column, reason = "template_id", f"brief '{tid}' is afgekeurd bij het inlezen (zie de quarantaine)"
        elif tid not in known_templates:
            column, reason = (
                "template_id",
                f"sjabloon '{tid}' staat niet in de brievenmap{_did_you_mean(tid, known_templates)}",
            )
            if tid not in unknown:
                unknown.append(tid)
        else:
            continue
        keep[i] = False
        rejected.add(int(row["_row"]), column, reason, raw_record(row))

    accepted = pd.DataFrame(
        {
            "template_id": template[keep].astype(str),
            "sent_date": dates.values[keep].dt.normalize(),
            "count": counts.values[keep].astype("int64"),
            "source_row": frame["_row"][keep].astype(int),
        }
    ).reset_index(drop=True)
    return MailingBatch(table.path, table.rows_in, accepted, rejected, unknown, table.blank_rows)


def _did_you_mean(template: str, known: Collection[str]) -> str:
    """A hint at the letter a mistyped template id probably means (other case, a typo), or nothing."""
    import difflib

    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(template.lower(), list(by_lower), n=1, cutoff=0.85)
    match = template.lower() if template.lower() in by_lower else (close[0] if close else None)
    return f" (bedoelt u '{by_lower[match]}'?)" if match is not None else ""
