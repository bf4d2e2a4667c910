"""Column names of the three inputs and the parsers that validate their values.

The parsers are vectorised over a pandas Series of strings (as read from the file) and return the
parsed values plus a boolean mask of the rows that failed, so the ingest code can quarantine
exactly those rows with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

CALL_REQUIRED = ("call_id", "timestamp", "text")
CALL_OPTIONAL = ("channel", "duration_s", "reason", "agent")
CALL_COLUMNS = CALL_REQUIRED + CALL_OPTIONAL

MAILING_REQUIRED = ("template_id", "sent_date", "count")
MAILING_COLUMNS = MAILING_REQUIRED

LETTER_META = ("title", "department", "version", "valid_from", "kenmerk")

# Readability scores per letter and paragraph (analyzer.b1), as stored (analyzer.store).
READABILITY_SCORES = (
    "flesch_douma", "brouwer", "lint_score", "lint_level", "difficulty", "avg_sentence_length",
    "max_sentence_length", "share_sentences_over_15", "share_sentences_over_20", "rare_word_share",
    "long_compounds", "passives", "nominalisations", "officialese", "jargon", "n_sentences", "n_words",
)  # fmt: skip

# Timestamps before this are typing or export errors (Excel's 1900 epoch and the like).
EARLIEST_TIMESTAMP = pd.Timestamp("1990-01-01")
LATEST_TIMESTAMP = pd.Timestamp("2100-01-01")  # later than this is a typo, not a call or a mailing
_YEAR = re.compile(r"(?<!\d)(\d{4,})(?!\d)")

# Day-first formats as Dutch exports and Dutch Excel write them; ISO 8601 is tried first.
DUTCH_DATETIME_FORMATS = (
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%y %H:%M",
    "%d-%m-%y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_MONTHS_NL = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# "12 maart 2026", "3 okt. 2026 14:05": written out as Dutch letters and reports do
_MONTH_WORDS = "|".join(sorted(_MONTHS_NL, key=len, reverse=True))
_WRITTEN_DATE = re.compile(rf"(?i)^(\d{{1,2}})\s+({_MONTH_WORDS})\.?\s+(\d{{4}})(\s+\d{{1,2}}[:.]\d{{2}})?$")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's date serials (1900 system, after its leap-year bug)


@dataclass(frozen=True)
class Parsed:
    """Parsed values and the mask of rows whose value could not be parsed."""

    values: pd.Series
    failed: np.ndarray


def _numeric_date(text: str) -> str:
    """ "12 maart 2026 14:05" as "12-03-2026 14:05" (midnight when no time is given)."""
    m = _WRITTEN_DATE.match(text)
    assert m is not None
    time = (m.group(4) or " 00:00").strip().replace(".", ":")
    return f"{m.group(1)}-{_MONTHS_NL[m.group(2).lower()]:02d}-{m.group(3)} {time}"


def _native_timestamp(value: object) -> pd.Timestamp:
    """An XLSX cell's date or datetime, or an Excel date serial (46093.5 is 12 March 2026, 12:00) where the
    cell was formatted as a number; NaT where pandas cannot hold it (year 9999)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 20_000 <= value <= 80_000:  # 1954..2119: anything else is not a date serial
            return pd.NaT
        return EXCEL_EPOCH + pd.Timedelta(days=float(value))
    year = getattr(value, "year", None)
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        return pd.NaT
    return pd.Timestamp(value).as_unit("ns")


def parse_timestamps(raw: pd.Series) -> Parsed:
    """Parse ISO and Dutch day-first timestamps; timezone-aware values become Amsterdam time.

    Values that already are datetimes (from XLSX cells) pass through.
    """
    text = raw.astype("string").str.strip()
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    native = raw.map(
        lambda v: isinstance(v, pd.Timestamp) or hasattr(v, "isoformat") or (isinstance(v, int | float) and v == v)
    ).astype(bool)
    if native.any():
        result[native] = [_native_timestamp(v) for v in raw[native]]
    todo = (~native) & text.notna() & (text != "")
    # A year far outside the range pandas can hold ("9999-12-31", "0001-01-01") must fail here, per row:
    # parsing it would raise for the whole column.
    years = text.str.extract(_YEAR, expand=False).astype("float")
    todo &= ~(years.notna() & ((years < 1900) | (years > 2200))).fillna(False).astype(bool)
    iso = text[todo].str.match(r"^\d{4}-\d{2}-\d{2}")
    if iso.any():
        idx = iso[iso].index
        parsed = pd.to_datetime(text[idx], format="ISO8601", errors="coerce", utc=True)
        result[idx] = parsed.dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None)
        # Naive ISO values were read as UTC above; take them back literally.
        naive = ~text[idx].str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
        if naive.any():
            nidx = naive[naive].index
            result[nidx] = pd.to_datetime(text[nidx], format="ISO8601", errors="coerce")
    written = todo & result.isna() & text.str.match(_WRITTEN_DATE.pattern).fillna(False).astype(bool)
    if written.any():
        numeric = text[written].map(_numeric_date)
        result[written] = pd.to_datetime(numeric, format="%d-%m-%Y %H:%M", errors="coerce")
    for fmt in DUTCH_DATETIME_FORMATS:
        pending = todo & result.isna()
        if not pending.any():
            break
        result[pending] = pd.to_datetime(text[pending], format=fmt, errors="coerce")
    failed = (result.isna() | (result < EARLIEST_TIMESTAMP) | (result >= LATEST_TIMESTAMP)).to_numpy()
    return Parsed(result, failed)


_THOUSANDS = re.compile(r"(?<=\d)[.\s](?=\d{3}(?:\D|$))")


def parse_numbers(raw: pd.Series, *, integer: bool = False, allow_empty: bool = True) -> Parsed:
    """Parse numbers written the Dutch way ("1.250", "12,5") or the English way ("12.5").

    A dot followed by exactly three digits is read as a thousands separator; a comma as the
    decimal sign. Empty values are NaN and fail only when ``allow_empty`` is false.
    """
    values = []
    failed = np.zeros(len(raw), dtype=bool)
    for i, value in enumerate(raw.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
            values.append(np.nan)
            failed[i] = not allow_empty
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            s = _THOUSANDS.sub("", str(value).strip()).replace(",", ".")
            try:
                number = float(s)
            except ValueError:
                values.append(np.nan)
                failed[i] = True
                continue
        if number < 0 or not np.isfinite(number) or (integer and number != int(number)):
            values.append(np.nan)
            failed[i] = True
            continue
        values.append(number)
    return Parsed(pd.Series(values, index=raw.index, dtype="float64"), failed)


def clean_strings(raw: pd.Series) -> pd.Series:
    """Strip strings; empty and missing values become <NA>."""
    s = raw.astype("string").str.strip()
    return s.mask(s == "")
