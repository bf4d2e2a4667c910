"""Calls ingest: every format and encoding, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import CALL_HEADER, CALL_ROWS, write_csv, write_jsonl, write_xlsx

from analyzer.errors import InputError
from analyzer.ingest.calls import read_calls

EXPECTED_TS = [
    pd.Timestamp("2026-03-02 09:15"),
    pd.Timestamp("2026-03-02 10:05"),
    pd.Timestamp("2026-03-03 11:00"),
    pd.Timestamp("2026-03-03 14:30"),
]


def _check_good(batch) -> None:
    assert batch.rows_in == 4
    assert len(batch.rejected) == 0
    assert batch.accepted["call_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert batch.accepted["timestamp"].tolist() == EXPECTED_TS
    assert batch.accepted["duration_s"].tolist()[:2] == [240.0, 180.5]
    assert pd.isna(batch.accepted["duration_s"].iloc[2])
    assert batch.accepted["text"].iloc[0] == "kl. belt ivm brief WOZ, snapt waarde niet"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [r[:] for r in CALL_ROWS]
    rows[3][2] = "dhr wil weten wanneer pas klaar is, café € 12"  # non-ASCII survives every encoding
    path = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows, delimiter=delimiter, encoding=encoding)
    batch = read_calls(path)
    assert batch.accepted["text"].iloc[3].endswith("café € 12")
    rows_back = batch.accepted["call_id"].tolist()
    assert rows_back == ["C1", "C2", "C3", "C4"]


def test_utf8_file_with_one_windows_1252_line_keeps_every_accent(tmp_path: Path) -> None:
    """Decoding the whole file as Windows-1252 for one stray byte garbled every other line's accents
    ("Öztürk" became "Ã–ztÃ¼rk"), and a garbled name escapes pseudonymisation."""
    rows = [r[:] for r in CALL_ROWS]
    rows[0][2] = "mevrouw Öztürk belt over aanslag"
    good = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows).read_bytes()
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + "C9,2026-03-05 10:00,vraag over café,,,,\n".encode("cp1252"))
    batch = read_calls(path)
    assert batch.accepted["text"].iloc[0] == "mevrouw Öztürk belt over aanslag"
    assert batch.accepted["text"].iloc[-1] == "vraag over café"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = write_csv(tmp_path / "c.csv", CALL_HEADER, CALL_ROWS, delimiter="\t").read_text(encoding="utf-8")
    path = tmp_path / "unicode.txt"
    path.write_bytes(("\ufeff" if encoding == "utf-16-be" else "").encode(encoding) + text.encode(encoding))
    _check_good(read_calls(path))


def test_a_huge_cell_rejects_its_row_not_the_file(tmp_path: Path) -> None:
    rows = [r[:] for r in CALL_ROWS]
    rows[1][2] = "bla " * 500_000  # 2 MB in one cell: Python's csv module stopped at 128 KiB, for the whole file
    batch = read_calls(write_csv(tmp_path / "calls.csv", CALL_HEADER, rows))
    assert batch.accepted["call_id"].tolist() == ["C1", "C3", "C4"]
    (row,) = batch.rejected.frame().itertuples()
    assert row.column_name == "text" and row.reason.startswith("text is te lang (2.000.000 tekens")


@pytest.mark.parametrize(
    ("written", "expected"),
    [("12 maart 2026", "2026-03-12 00:00"), ("3 okt. 2026 14:05", "2026-10-03 14:05"),
     ("2026/03/12 10:00", "2026-03-12 10:00"), ("12-3-2026 9:05", "2026-03-12 09:05")],
)  # fmt: skip
def test_dates_written_out_or_with_slashes(tmp_path: Path, written: str, expected: str) -> None:
    path = write_csv(tmp_path / "c.csv", ["call_id", "timestamp", "text"], [["A", written, "vraag"]])
    assert read_calls(path).accepted["timestamp"].tolist() == [pd.Timestamp(expected)]


def test_xlsx_date_serial_in_a_number_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in CALL_ROWS]
    rows[0][1] = 46093.5  # a date cell formatted as a number in Excel: 12 March 2026, 12:00
    batch = read_calls(write_xlsx(tmp_path / "calls.xlsx", CALL_HEADER, rows))
    assert batch.accepted["timestamp"].iloc[0] == pd.Timestamp("2026-03-12 12:00")


def test_xlsx_with_an_empty_cover_sheet_reads_the_first_sheet_with_a_table(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Voorblad"
    data = wb.create_sheet("Gesprekken")
    for row in [CALL_HEADER, *CALL_ROWS]:
        data.append(row)
    wb.create_sheet("Leeg")
    wb.save(tmp_path / "export.xlsx")
    _check_good(read_calls(tmp_path / "export.xlsx"))
    empty = Workbook()
    empty.create_sheet("Tweede")
    empty.save(tmp_path / "leeg.xlsx")
    with pytest.raises(InputError, match=r"geen tabel gevonden; de werkbladen \('Sheet', 'Tweede'\) zijn leeg"):
        read_calls(tmp_path / "leeg.xlsx")


def test_csv_good(tmp_path: Path) -> None:
    _check_good(read_calls(write_csv(tmp_path / "calls.csv", CALL_HEADER, CALL_ROWS)))


def test_jsonl_good(tmp_path: Path) -> None:
    _check_good(read_calls(write_jsonl(tmp_path / "calls.jsonl", CALL_HEADER, CALL_ROWS)))


def test_xlsx_good_with_native_datetimes(tmp_path: Path) -> None:
    rows = [list(r) for r in CALL_ROWS]
    rows[0][1] = EXPECTED_TS[0].to_pydatetime()  # a real Excel date cell
    rows[0][4] = 240  # a real number cell
    _check_good(read_calls(write_xlsx(tmp_path / "calls.xlsx", CALL_HEADER, rows)))


def test_column_mapping_for_kcc_export(tmp_path: Path) -> None:
    header = ["Contactmoment ID", "Datum/tijd", "Notitie", "Kanaal"]
    path = write_csv(
        tmp_path / "export.csv", header, [["K-1", "23-11-2026 09:15", "vraag over paspoort", "telefoon"]], delimiter=";"
    )
    mapping = {"Contactmoment ID": "call_id", "Datum/tijd": "timestamp", "Notitie": "text", "Kanaal": "channel"}
    batch = read_calls(path, mapping)
    assert batch.accepted.loc[0, "call_id"] == "K-1"
    assert batch.accepted.loc[0, "timestamp"] == pd.Timestamp("2026-11-23 09:15")
    assert batch.accepted.loc[0, "channel"] == "telefoon"


def test_mapping_onto_a_column_the_file_already_has_is_a_clear_error(tmp_path: Path) -> None:
    header = ["Contactmoment ID", "Datum/tijd", "Notitie", "text"]
    path = write_csv(tmp_path / "export.csv", header, [["K-1", "23-11-2026 09:15", "vraag", "ook tekst"]])
    mapping = {"Contactmoment ID": "call_id", "Datum/tijd": "timestamp", "Notitie": "text"}
    with pytest.raises(InputError, match=r"export\.csv: de kolommen 'Notitie' en 'text' heten na de koppeling"):
        read_calls(path, mapping)


def test_iso_with_timezone_becomes_amsterdam_time(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        ["call_id", "timestamp", "text"],
        [["A", "2026-07-01T07:00:00Z", "x"], ["B", "2026-01-15T09:00:00+01:00", "y"]],
    )
    ts = read_calls(path).accepted["timestamp"].tolist()
    assert ts == [pd.Timestamp("2026-07-01 09:00"), pd.Timestamp("2026-01-15 09:00")]


def test_bad_rows_are_quarantined_with_row_column_and_reason(tmp_path: Path) -> None:
    rows = [
        ["C1", "2026-03-02 09:15", "goede regel", "telefoon", "60", "", ""],
        ["", "2026-03-02 09:16", "geen id", "", "", "", ""],  # row 3
        ["C3", "31-02-2026 10:00", "datum bestaat niet", "", "", "", ""],  # row 4
        ["C4", "gisteren", "onzin datum", "", "", "", ""],  # row 5
        ["C5", "2026-03-02 09:20", "   ", "", "", "", ""],  # row 6
        ["C6", "2026-03-02 09:21", "negatieve duur", "", "-5", "", ""],  # row 7
        ["C7", "2026-03-02 09:22", "tekst duur", "", "lang", "", ""],  # row 8
        ["C1", "2026-03-02 09:23", "dubbel id", "", "", "", ""],  # row 9
        ["C9", "1899-12-31 00:00", "Excel-nuldatum", "", "", "", ""],  # row 10
    ]
    path = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    batch = read_calls(path)
    rejected = batch.rejected.frame().set_index("source_row")
    assert batch.rows_in == len(rows) == len(batch.accepted) + len(batch.rejected)
    assert batch.accepted["call_id"].tolist() == ["C1"]
    assert rejected.loc[3, "column_name"] == "call_id"
    assert rejected.loc[4, "column_name"] == "timestamp" and "31-02-2026" in rejected.loc[4, "reason"]
    assert rejected.loc[5, "column_name"] == "timestamp"
    assert rejected.loc[6, "column_name"] == "text"
    assert rejected.loc[7, "column_name"] == "duration_s"
    assert rejected.loc[8, "column_name"] == "duration_s"
    assert rejected.loc[9, "column_name"] == "call_id" and "rij 2" in rejected.loc[9, "reason"]
    assert rejected.loc[10, "column_name"] == "timestamp"
    assert set(rejected["source_file"]) == {str(path)}
    assert rejected.loc[9, "raw"]["text"] == "dubbel id"


def test_xlsx_title_block_above_the_table_is_skipped_and_rows_keep_their_sheet_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from analyzer.ingest.tables import read_table

    wb = Workbook()
    ws = wb.active
    ws.append(["Rapport contactmomenten KCC"])  # row 1: a title
    ws.append(["Periode:", "2-3-2026 t/m 3-3-2026"])  # row 2: metadata with two cells
    ws.append([])  # row 3: blank
    ws.append(CALL_HEADER)  # row 4: the header
    for row in CALL_ROWS:
        ws.append(row)  # rows 5-8
    ws.append(["C9", "gisteren", "datum klopt niet", "", "", "", ""])  # row 9
    ws.append([])  # row 10: blank
    ws.append(["", " ", None])  # row 11: blank cells
    wb.save(tmp_path / "export.xlsx")
    assert read_table(tmp_path / "export.xlsx").blank_rows == [10, 11]
    batch = read_calls(tmp_path / "export.xlsx")
    assert batch.rows_in == 5 and batch.accepted["call_id"].tolist() == ["C1", "C2", "C3", "C4"]
    rejected = batch.rejected.frame()
    assert rejected["source_row"].tolist() == [9] and rejected["column_name"].tolist() == ["timestamp"]


def test_csv_title_lines_do_not_decide_the_delimiter_or_the_header(tmp_path: Path) -> None:
    from analyzer.ingest.tables import read_table

    lines = ["Export contactmomenten, gemeente Voorbeeld", "", ";".join(CALL_HEADER)]
    lines += [";".join(row) for row in CALL_ROWS] + ["C5;gisteren;datum klopt niet;;;;", ";;;;;;"]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == ";" and table.header_row == 3
    assert table.blank_rows == [9]  # the blank line above the header is not a data row
    batch = read_calls(path)
    assert batch.accepted["call_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert batch.rejected.frame()["source_row"].tolist() == [8]  # the line a person sees in the file


def test_a_file_of_one_column_keeps_its_first_row_as_header(tmp_path: Path) -> None:
    from analyzer.ingest.tables import header_position, read_table

    path = tmp_path / "texts.csv"
    path.write_text("tekst\nbrief WOZ niet begrepen\nwanneer komt mijn paspoort\n", encoding="utf-8")
    table = read_table(path)
    assert table.header_row == 1 and table.frame["tekst"].tolist()[0] == "brief WOZ niet begrepen"
    assert header_position([["titel"], ["a", "b", "c"], ["1", "2", "3"], ["1", "2", "3", "4", "5", "6"]]) == 1
    assert header_position([["a", "", "c", "d"], ["1", "2", "3", "4"]]) == 0  # a blank header name is fine
    assert header_position([["titel"], ["alleen"], ["tekst"]]) == 0


def test_a_missing_column_below_a_title_block_names_the_header_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Rapport december\nid;datum;notitie\nC1;2026-03-02 09:15;tekst\n", encoding="utf-8")
    with pytest.raises(InputError, match="kopregel op rij 2: id, datum, notitie"):
        read_calls(path)


def test_csv_line_with_too_many_fields_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,timestamp,text\nA,2026-01-05 10:00,ok\nB,2026-01-05 10:01,te,veel,velden\n", encoding="utf-8"
    )
    batch = read_calls(path)
    assert batch.rows_in == 2 and len(batch.accepted) == 1
    row = batch.rejected.frame().iloc[0]
    assert row["source_row"] == 3 and "5 velden in plaats van 3" in row["reason"]


def test_csv_quote_left_open_is_quarantined_not_merged_silently(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "calls.csv", CALL_HEADER, CALL_ROWS[:2])
    good = write_csv(tmp_path / "c3.csv", CALL_HEADER, CALL_ROWS[2:3]).read_text(encoding="utf-8").splitlines()[1]
    head = path.read_text(encoding="utf-8")
    path.write_text(head + 'C9,2026-03-03 09:00,"klant belt over aanslag,telefoon,60,,\r\n' + good + "\r\n")
    batch = read_calls(path)
    assert batch.accepted["call_id"].tolist() == ["C1", "C2"]
    rejected = batch.rejected.frame()
    assert rejected["source_row"].tolist() == [4]
    assert "aanhalingsteken niet afgesloten: regels 4 t/m 5" in rejected["reason"].iloc[0]
    assert batch.rows_in == len(batch.accepted) + len(rejected) == 3  # the joined lines are one rejected row
    # a quoted cell over two lines is fine
    path.write_text(head + 'C9,2026-03-03 09:00,"klant belt\nover aanslag",telefoon,60,,\r\n' + good + "\r\n")
    assert read_calls(path).accepted["call_id"].tolist() == ["C1", "C2", "C9", "C3"]


def test_jsonl_broken_line_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text(
        '{"call_id": "A", "timestamp": "2026-01-05 10:00", "text": "ok"}\n{kapot\n[1, 2]\n', encoding="utf-8"
    )
    batch = read_calls(path)
    assert batch.rows_in == 3 and len(batch.accepted) == 1
    assert batch.rejected.frame()["source_row"].tolist() == [2, 3]


def test_jsonl_text_that_is_not_text_is_quarantined(tmp_path: Path) -> None:
    lines = [
        {"call_id": "A", "timestamp": "2026-01-05 10:00", "text": "brief WOZ niet begrepen"},
        {"call_id": "B", "timestamp": "2026-01-05 10:01", "text": {"notitie": "genest"}},
        {"call_id": "C", "timestamp": "2026-01-05 10:02", "text": ["a", "b"]},
        {"call_id": "D", "timestamp": "2026-01-05 10:03", "text": True},
        {"call_id": "E", "timestamp": "2026-01-05 10:04", "text": 12345},  # a number is text enough
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    batch = read_calls(path)
    assert batch.accepted["call_id"].tolist() == ["A", "E"] and batch.accepted["text"].tolist()[1] == "12345"
    rejected = batch.rejected.frame()
    assert rejected["source_row"].tolist() == [2, 3, 4] and set(rejected["column_name"]) == {"text"}
    assert rejected["reason"].tolist() == [
        "text is geen tekst maar een object (JSON)",
        "text is geen tekst maar een lijst (JSON)",
        "text is geen tekst maar waar/onwaar (JSON)",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.csv", b"", "bestand is leeg"),
        ("spaties.csv", b"  \n\n", "bestand is leeg"),
        ("binair.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binaire inhoud"),
        ("kolom.csv", b"call_id,datum,text\nA,2026-01-01,x\n", "verplichte kolom ontbreekt: timestamp"),
        ("dubbel.csv", b"call_id,text,text,timestamp\n", "twee keer"),
        ("nep.xlsx", b"dit is geen excel", "geen geldig Excel-bestand"),
        ("kapot.xlsx", b"PK\x03\x04kapot", "Excel-bestand kan niet gelezen worden"),
        ("calls.parquet", b"PAR1", "wordt niet ondersteund"),
        ("alleen-kapot.jsonl", b"{kapot\n", "geen enkele regel"),
    ],
)
def test_unreadable_files_stop_with_one_clear_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_calls(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bestand niet gevonden"):
        read_calls(tmp_path / "bestaat-niet.csv")
