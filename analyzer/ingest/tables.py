"""Read a tabular export (CSV, XLSX, JSON lines) into raw rows, keeping row numbers.

Nothing is validated here beyond "is this a readable table": values stay as strings (or the
cell values of a spreadsheet) so the ingest code can report each bad value with its row and
column. Row numbers are the ones a person sees when opening the file: in CSV and XLSX the
header is row 1; in JSON lines the line number.

Rows that cannot even be split into columns (a CSV line with too many fields, a JSON line that
is not an object) come back as ``broken`` rows with a reason, for the quarantine.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyzer.errors import InputError

SUPPORTED = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class RawTable:
    """The rows of one input file, before validation."""

    path: Path
    frame: pd.DataFrame  # one column per header, plus "_row" (row number in the file)
    broken: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, raw text)
    encoding: str | None = None
    delimiter: str | None = None

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
        if b"\x00" in data[:8192]:
            raise InputError(f"{path}: dit is geen tekstbestand (binaire inhoud); verwacht {kind.upper()}")
        text, encoding = _decode(path, data)
        table = _read_csv(path, text) if kind == "csv" else _read_jsonl(path, text)
        table.encoding = encoding
    table.frame = _rename(table.frame, column_mapping or {})
    return table


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: onbekende tekenset (geen UTF-8 of Windows-1252)")


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, text: str) -> RawTable:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    broken: list[tuple[int, str, str]] = []
    try:
        for record in reader:
            line_no = reader.line_num  # physical line where this record ends
            if header is None:
                if not any(cell.strip() for cell in record):
                    continue
                header = [cell.strip() for cell in record]
                header_line = line_no
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank line: nothing to lose
            row_no = line_no - header_line + 1
            if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
                broken.append((row_no, f"{len(record)} velden in plaats van {len(header)}", delimiter.join(record)))
                continue
            record = (record + [""] * len(header))[: len(header)]
            rows.append(record)
            numbers.append(row_no)
    except csv.Error as exc:
        raise InputError(f"{path}: CSV kan niet gelezen worden bij regel {reader.line_num}: {exc}") from None
    if header is None:
        raise InputError(f"{path}: bestand is leeg")
    _check_header(path, header)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_row"] = numbers
    return RawTable(path, frame, broken, delimiter=delimiter)


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
            broken.append((line_no, f"geen geldige JSON ({exc.msg})", line[:500]))
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
    sheet = workbook.worksheets[0]
    header: list[str] | None = None
    rows: list[list[object]] = []
    numbers: list[int] = []
    for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else v for v in values]
        if not any(str(c).strip() for c in cells):
            continue
        if header is None:
            header = [str(c).strip() for c in cells]
            continue
        rows.append((list(cells) + [""] * len(header))[: len(header)])
        numbers.append(row_no)
    workbook.close()
    if header is None:
        raise InputError(f"{path}: werkblad '{sheet.title}' is leeg")
    _check_header(path, header)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_row"] = numbers
    return RawTable(path, frame, [])


def _check_header(path: Path, header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        key = name.lower()
        if key and key in seen:
            raise InputError(f"{path}: kolom '{name}' komt twee keer voor in de kopregel")
        seen.add(key)


def _rename(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    lowered = {k.strip().lower(): v for k, v in mapping.items()}
    renamed = {}
    for col in frame.columns:
        if col == "_row":
            continue
        key = str(col).strip().lower()
        renamed[col] = lowered.get(key, key)
    return frame.rename(columns=renamed)


def require_columns(table: RawTable, required: tuple[str, ...], mapping: dict[str, str]) -> None:
    """Stop with one clear line when a required column is missing from the file."""
    missing = [c for c in required if c not in table.frame.columns]
    if missing:
        present = ", ".join(str(c) for c in table.frame.columns if c != "_row")
        hint = " Gebruik [columns] in het instellingenbestand om eigen kolomnamen te koppelen." if not mapping else ""
        raise InputError(f"{table.path}: verplichte kolom ontbreekt: {', '.join(missing)} (gevonden: {present}).{hint}")
