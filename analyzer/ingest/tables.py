"""Read a tabular export (CSV, XLSX, JSON lines) into raw rows, keeping row numbers.

Nothing is validated here beyond "is this a readable table": values stay as strings (or the
cell values of a spreadsheet) so the ingest code can report each bad value with its row and
column. Row numbers are the ones a person sees when opening the file: the line (CSV) or sheet row
(XLSX) number, so with the header on the first line the first data row is row 2; in JSON lines the
line number.

Exports often start with a title block above the table ("Rapport contactmomenten", "Periode: ...").
The header is found among the first non-empty rows as the first row nearly as full as the table's
rows (``header_position``); the title rows above it are skipped (they hold no data) and
``RawTable.header_row`` says where the header was found. A file of one column keeps its first row.

Rows that cannot even be split into columns (a CSV line with too many fields, a JSON line that
is not an object) come back as ``broken`` rows with a reason, for the quarantine.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer.errors import InputError

SUPPORTED = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class RawTable:
    """The rows of one input file, before validation."""

    path: Path
    frame: pd.DataFrame  # one column per header, plus "_row" (row number in the file)
    broken: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, raw text)
    blank_rows: list[int] = field(default_factory=list)  # rows after the header with no filled cell
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1  # where the header was found (title rows above it are skipped)

    @property
    def rows_in(self) -> int:
        return len(self.frame) + len(self.broken)


def read_table(path: str | Path, column_mapping: dict[str, str] | None = None) -> RawTable:
    """Read one file; headers are renamed by ``column_mapping`` and lower-cased otherwise."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: bestand niet gevonden")
    if not path.is_file():
        raise InputError(f"{path}: is geen bestand")
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{path}: bestandstype {path.suffix or '(geen)'} wordt niet ondersteund "
            f"(wel: {', '.join(sorted(SUPPORTED))})"
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: bestand is leeg")
    if kind == "xlsx":
        table = _read_xlsx(path, data)
    else:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark, as Excel saves "Unicode text"
            try:
                data = data.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{path}: UTF-16-bestand met onleesbare tekens") from None
        if b"\x00" in data[:8192]:
            raise InputError(f"{path}: dit is geen tekstbestand (binaire inhoud); verwacht {kind.upper()}")
        text, encoding = _decode(path, data)
        table = _read_csv(path, text) if kind == "csv" else _read_jsonl(path, text)
        table.encoding = encoding
    table.frame = _rename(path, table.frame, column_mapping or {})
    return table


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a file in UTF-8 or Windows-1252. A UTF-8 file with a few lines in Windows-1252 (pasted from
    an old system) is read line by line: decoding it all as Windows-1252 would garble every accented letter,
    and a garbled name ("Ã–zdemir") slips past pseudonymisation."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    decoded, utf8_beyond_ascii = [], False
    for line in data.removeprefix(b"\xef\xbb\xbf").splitlines(keepends=True):
        try:
            decoded.append(line.decode("utf-8"))
            utf8_beyond_ascii |= not line.isascii()
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", "replace"))
    if utf8_beyond_ascii:
        return "".join(decoded), "utf-8, enkele regels windows-1252"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InputError(f"{path}: onbekende tekenset (geen UTF-8 of Windows-1252)") from None


HEADER_SEARCH_ROWS = 20  # non-empty rows searched for the header below a title block
DELIMITERS = (";", ",", "\t", "|")


def header_position(rows: list[list[Any]]) -> int:
    """Index (in ``rows``, the first non-empty rows of a file) of the header row: the first row with at
    least three quarters as many filled cells as a typical row (the median), and at least two. Title and
    metadata rows above a table ("Rapport contactmomenten"; "Periode:", "1-12 t/m 31-12") have fewer and
    are skipped; a header with a blank name or two still qualifies, and a broken row with too many
    fields does not move the bar. 0 for a file of one column."""
    filled = [sum(1 for c in cells if str(c).strip()) for cells in rows]
    if not filled or max(filled) < 2:
        return 0
    need = max(2, math.ceil(0.75 * statistics.median(filled)))
    return next(i for i, n in enumerate(filled) if n >= need)


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter of a CSV from its first non-empty lines: the candidate whose most common non-zero
    count per line occurs on the most lines (so a title line without delimiters above the table, or a
    comma inside a title, does not decide it); ties go to the order of ``DELIMITERS``."""
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        counts = [line.count(d) for line in lines if line.count(d)]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = d, score
    return best


# Python's csv module refuses a cell over 128 KiB and with it the whole file; allow any cell the file can
# hold, and let the validation reject a row whose note is too long (analyzer.ingest.calls.MAX_TEXT_CHARS).
csv.field_size_limit(2**31 - 1)


def _read_csv(path: Path, text: str) -> RawTable:
    first_lines = [line for line in text.splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    delimiter = _sniff_delimiter(first_lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Non-empty records with the physical line where each ends; the blank ones are counted, not kept.
    blank: list[int] = []
    records = _filled(((reader.line_num, record) for record in reader), blank)
    rows: list[list[str]] = []
    numbers: list[int] = []
    broken: list[tuple[int, str, str]] = []
    # Where a strict parse fails: looked up once, at the first record over several lines.
    quote_error = cache(lambda: _first_quote_error(text, delimiter))
    try:
        header, header_line, data = _split_header(records)
        if header is None:
            raise InputError(f"{path}: bestand is leeg")
        previous = header_line
        for row_no, record in data:
            start, previous = previous + 1, row_no
            quote_line = quote_error() if row_no > start else None
            if quote_line is not None and start <= quote_line <= row_no:
                # A quote left open joins the lines after it into one cell: the row is kept whole for review.
                reason = f"aanhalingsteken niet afgesloten: regels {start} t/m {row_no} zijn tot één rij samengevoegd"
                broken.append((start, reason, delimiter.join(record)[:2000]))
                continue
            if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
                broken.append((row_no, f"{len(record)} velden in plaats van {len(header)}", delimiter.join(record)))
                continue
            rows.append((record + [""] * len(header))[: len(header)])
            numbers.append(row_no)
    except csv.Error as exc:
        raise InputError(f"{path}: CSV kan niet gelezen worden bij regel {reader.line_num}: {exc}") from None
    _check_header(path, header)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_row"] = numbers
    blank_rows = [n for n in blank if n > header_line]
    return RawTable(path, frame, broken, blank_rows, delimiter=delimiter, header_row=header_line)


def _first_quote_error(text: str, delimiter: str) -> int | None:
    """The line where a strict CSV parse first fails, or None. The lenient parse used for the rows reads
    on past such a place; an open quote then swallows the lines after it into one cell."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error:
        return reader.line_num
    return None


def blank_rows_note(rows: list[int]) -> str:
    """One Dutch line about the blank rows of a file (``rows``: their numbers; at most 10 are named)."""
    shown = ", ".join(str(n) for n in rows[:10])
    more = f" en {len(rows) - 10} meer" if len(rows) > 10 else ""
    return f"{len(rows)} lege rij(en) overgeslagen (rij {shown}{more})"


def _filled(rows: Iterator[tuple[int, list[Any]]], blank: list[int]) -> Iterator[tuple[int, list[Any]]]:
    """The rows with at least one filled cell; the numbers of the others are appended to ``blank``."""
    for row_no, cells in rows:
        if any(str(cell).strip() for cell in cells):
            yield row_no, cells
        else:
            blank.append(row_no)


def _split_header(
    rows: Iterator[tuple[int, list[Any]]],
) -> tuple[list[str] | None, int, Iterator[tuple[int, list[Any]]]]:
    """From a file's non-empty rows (row number, cells): the header (stripped text; None for no rows),
    its row number, and the rows after it. The header is looked for among the first
    ``HEADER_SEARCH_ROWS`` rows (``header_position``); the title rows above it are dropped."""
    lead = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not lead:
        return None, 1, iter(())
    at = header_position([cells for _, cells in lead])
    row_no, cells = lead[at]
    return [str(cell).strip() for cell in cells], row_no, itertools.chain(lead[at + 1 :], rows)


def _read_jsonl(path: Path, text: str) -> RawTable:
    records: list[dict] = []
    numbers: list[int] = []
    broken: list[tuple[int, str, str]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            broken.append((line_no, f"geen geldige JSON (fout bij teken {exc.colno} van de regel)", line[:500]))
            continue
        if not isinstance(obj, dict):
            broken.append((line_no, "regel is geen JSON-object", line[:500]))
            continue
        records.append({str(k).strip(): ("" if v is None else v) for k, v in obj.items()})
        numbers.append(line_no)
    if not records and not broken:
        raise InputError(f"{path}: bestand is leeg")
    if not records:
        raise InputError(f"{path}: geen enkele regel is een geldig JSON-object (is dit wel JSON lines?)")
    frame = pd.DataFrame.from_records(records).astype(object)
    frame = frame.where(frame.notna(), "")
    frame["_row"] = numbers
    return RawTable(path, frame, broken)


def _read_xlsx(path: Path, data: bytes) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    if not data.startswith(b"PK"):
        raise InputError(f"{path}: geen geldig Excel-bestand (.xlsx)")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path}: Excel-bestand kan niet gelezen worden ({exc})") from None
    rows: list[list[object]] = []
    numbers: list[int] = []
    try:
        # The first sheet with a table: an empty cover sheet before the data is common in exports
        for sheet in workbook.worksheets:
            cells = (["" if v is None else v for v in values] for values in sheet.iter_rows(values_only=True))
            blank: list[int] = []
            header, header_row, data = _split_header(_filled(enumerate(cells, start=1), blank))
            if header is not None:
                break
        else:
            names = ", ".join(f"'{s.title}'" for s in workbook.worksheets)
            raise InputError(f"{path}: geen tabel gevonden; de werkbladen ({names}) zijn leeg")
        for row_no, row in data:
            rows.append((list(row) + [""] * len(header))[: len(header)])
            numbers.append(row_no)
    finally:
        workbook.close()
    _check_header(path, header)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_row"] = numbers
    return RawTable(path, frame, [], [n for n in blank if n > header_row], header_row=header_row)


def _check_header(path: Path, header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        key = name.lower()
        if key and key in seen:
            raise InputError(f"{path}: kolom '{name}' komt twee keer voor in de kopregel")
        seen.add(key)


def _rename(path: Path, frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Columns lower-cased and renamed by the settings' [columns] mapping; two columns that end up with the
    same name (the mapping's "Notitie" → text in a file that also has a column "text") stop the read."""
    lowered = {k.strip().lower(): v for k, v in mapping.items()}
    renamed: dict[Any, str] = {}
    origin: dict[str, Any] = {}
    for col in frame.columns:
        if col == "_row":
            continue
        key = str(col).strip().lower()
        renamed[col] = lowered.get(key, key)
        if renamed[col] in origin:
            raise InputError(
                f"{path}: de kolommen '{origin[renamed[col]]}' en '{col}' heten na de koppeling in [columns] "
                f"allebei '{renamed[col]}'; koppel er één of hernoem de andere"
            )
        origin[renamed[col]] = col
    return frame.rename(columns=renamed)


def require_columns(table: RawTable, required: tuple[str, ...], mapping: dict[str, str]) -> None:
    """Stop with one clear line when a required column is missing from the file."""
    missing = [c for c in required if c not in table.frame.columns]
    if missing:
        present = ", ".join(str(c) for c in table.frame.columns if c != "_row")
        hint = " Gebruik [columns] in het instellingenbestand om eigen kolomnamen te koppelen." if not mapping else ""
        where = f" in de kopregel op rij {table.header_row}" if table.header_row > 1 else ""
        raise InputError(
            f"{table.path}: verplichte kolom ontbreekt: {', '.join(missing)} (gevonden{where}: {present}).{hint}"
        )
