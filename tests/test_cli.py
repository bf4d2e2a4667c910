"""The ``analyzer`` command end to end: analyze, report, quarantine, errors, idempotence."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import CALL_HEADER, CALL_ROWS, write_csv

from analyzer.cli import main
from analyzer.store import Store

FAST_CONFIG = """
[embedding]
model = "hashing-64"

[privacy]
use_deduce = false
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "analyzer.toml"
    path.write_text(FAST_CONFIG, encoding="utf-8")
    return path


def _analyze(tmp_path: Path, calls: list[Path], letters: Path, mailings: Path, config: Path, *extra: str) -> int:
    args = [
        "analyze",
        "--letters",
        str(letters),
        "--mailings",
        str(mailings),
        "--store",
        str(tmp_path / "s.duckdb"),
        "--config",
        str(config),
        "--quiet",
        *extra,
    ]
    for c in calls:
        args += ["--calls", str(c)]
    return main(args)


def test_analyze_report_and_reingest(tmp_path, letters_dir, mailings_csv, config, capsys) -> None:
    rows = [*CALL_ROWS, ["C5", "geen datum", "kapotte regel", "", "", "", ""], [""] * 7]
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows, delimiter=";", encoding="cp1252")
    args = [
        "analyze",
        "--calls",
        str(calls),
        "--letters",
        str(letters_dir),
        "--mailings",
        str(mailings_csv),
        "--store",
        str(tmp_path / "s.duckdb"),
        "--config",
        str(config),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"calls     {calls}: ingelezen 5, geaccepteerd 4 (nieuw 4, al aanwezig 0), quarantaine 1" in out
    assert "let op: 1 lege rij(en) overgeslagen (rij 7)" in out  # a row of empty cells: shown, not counted
    assert "mailings" in out and "ingelezen 3, geaccepteerd 3" in out

    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.count("calls") == 4 and s.count("letters") == 5 and s.count("quarantine") == 1
        n_embeddings = s.count("embeddings")
        assert _embedded_texts(s) <= _stored_keys(s)
        runs = s.table("runs")
        assert runs["status"].tolist() == ["completed"]

    # Re-ingesting the same files adds nothing: no calls, no quarantine rows, no embeddings.
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "ingelezen 5, geaccepteerd 4 (nieuw 0, al aanwezig 4), quarantaine 1" in out
    assert "0 berekend" in out
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert (s.count("calls"), s.count("quarantine"), s.count("embeddings")) == (4, 1, n_embeddings)

    assert main(["report", "--store", str(tmp_path / "s.duckdb"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # Four calls say little about letters; what must hold is the shape and order of the ranking.
    assert len(report) == 5 and [r["rank"] for r in report] == [1, 2, 3, 4, 5]
    fields = {"template_id", "title", "letters_sent", "attributed_calls", "avoidable_calls", "calls_per_1000",
              "estimated_cost_eur", "top_topic", "top_paragraph"}  # fmt: skip
    assert fields <= set(report[0])
    keys = [(r["avoidable_calls"], r["attributed_calls"]) for r in report]
    assert keys == sorted(keys, reverse=True)
    woz = next(r for r in report if r["template_id"] == "woz-beschikking")
    assert woz["letters_sent"] == 1250 and woz["title"] == "WOZ-beschikking 2027"
    assert woz["b1_verdict"] in {"B1", "bijna B1", "boven B1"}
    first = report[0]["template_id"]

    assert main(["report", "--store", str(tmp_path / "s.duckdb"), "--top", "1"]) == 0
    table = capsys.readouterr().out
    assert first in table and report[1]["template_id"] not in table

    xlsx = tmp_path / "rapport.xlsx"
    assert main(["report", "--store", str(tmp_path / "s.duckdb"), "--format", "xlsx", "--out", str(xlsx)]) == 0
    sheet = pd.read_excel(xlsx)
    assert sheet["sjabloon"].tolist()[0] == first and "verzonden" in sheet.columns

    assert main(["report", "--store", str(tmp_path / "s.duckdb"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("rank,template_id,title,")


def test_readability_scores_and_findings_are_stored(tmp_path, letters_dir, mailings_csv, config) -> None:
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, CALL_ROWS)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        scores = s.table("letter_readability").set_index("template_id")
        paragraphs = s.table("paragraph_readability")
        findings = s.table("letter_findings")
        letters = s.table("letters").set_index("template_id")
    assert set(scores.index) == set(letters.index)
    assert scores.loc["aanmaning", "officialese"] >= 1  # "Indien" in the docx letter
    hit = findings[(findings["template_id"] == "aanmaning") & (findings["type"] == "officialese")].iloc[0]
    text = letters.loc["aanmaning", "text"]
    assert text[hit["start_char"] : hit["end_char"]] == hit["text"]
    assert "als" in hit["suggestion"].lower()
    woz = paragraphs[paragraphs["template_id"] == "woz-beschikking"]
    assert woz["paragraph_no"].tolist() == list(range(1, len(woz) + 1))


def test_readability_command(tmp_path, letters_dir, capsys) -> None:
    assert main(["readability", str(letters_dir / "aanmaning.docx"), "--format", "json"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    expected = {"path", "flesch_douma", "brouwer", "lint_score", "lint_level", "avg_sentence_length", "b1_verdict"}
    assert expected <= set(doc)
    assert any(f["type"] == "officialese" and f["text"].lower() == "indien" for f in doc["findings"])
    assert all({"type", "start", "end", "text", "suggestion"} <= set(f) for f in doc["findings"])
    assert all(doc["text"][f["start"] : f["end"]] == f["text"] for f in doc["findings"])  # offsets into "text"
    assert main(["readability", str(letters_dir)]) == 0
    table = capsys.readouterr().out
    assert "woz-beschikking.md" in table and "B1-oordeel" in table
    assert main(["readability", str(tmp_path / "geen.txt")]) == 2


def test_readability_skips_bad_files_and_writes_excel_with_the_findings(tmp_path, letters_dir, capsys) -> None:
    import openpyxl

    empty = tmp_path / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    letter = str(letters_dir / "aanmaning.docx")
    # One bad file among others is skipped with its reason; the others are still scored
    assert main(["readability", str(empty), letter]) == 0
    out = capsys.readouterr()
    assert "let op, overgeslagen: leeg.txt: bevat geen tekst" in out.err and "aanmaning.docx" in out.out
    assert "- " in out.out.split("aanmaning.docx: ", 1)[1]  # the verdict's reasons under the table
    # Nothing readable at all: a Dutch error, not a crash on an empty table
    folder = tmp_path / "slecht"
    folder.mkdir()
    (folder / "leeg.txt").write_text("", encoding="utf-8")
    assert main(["readability", str(folder)]) == 2
    assert "geen brief kon gelezen worden (1 overgeslagen" in capsys.readouterr().err
    assert main(["readability", letter, "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err
    book = tmp_path / "leesbaarheid.xlsx"
    assert (
        main(["readability", letter, str(letters_dir / "woz-beschikking.md"), "--format", "xlsx", "--out", str(book)])
        == 0
    )
    sheets = openpyxl.load_workbook(book).sheetnames
    scores, found = (pd.read_excel(book, sheet_name=name) for name in sheets)
    assert sheets == ["Leesbaarheid", "Bevindingen"] and len(scores) == 2 and scores["redenen"].str.len().gt(0).all()
    assert {"bestand", "zin", "soort", "tekst", "suggestie"} == set(found.columns)
    assert "indien" in set(found.loc[found["soort"] == "Ambtelijk woord", "tekst"].str.lower())
    assert main(["readability", letter, "--format", "json", "--out", str(tmp_path / "r.json")]) == 0
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))[0]["b1_verdict"]


def test_a_letter_whose_file_name_is_not_utf8_is_read_and_named(tmp_path, capsys) -> None:
    import os

    folder = tmp_path / "brieven"
    folder.mkdir()
    name = os.fsdecode(b"brief_caf\xe9.txt")  # written on an old Windows system: the name is Windows-1252
    (folder / name).write_text("Wij hebben uw aanvraag ontvangen. U hoort binnen twee weken van ons.", encoding="utf-8")
    assert main(["readability", str(folder)]) == 0
    assert "brief_café.txt" in capsys.readouterr().out
    assert main(["readability", str(folder), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["path"].endswith("brief_café.txt")
    (folder / name).write_text("", encoding="utf-8")
    assert main(["readability", str(folder / name)]) == 2
    assert "brief_café.txt: bevat geen tekst" in capsys.readouterr().err


def test_a_calls_file_whose_name_is_not_utf8_is_analysed(tmp_path, letters_dir, mailings_csv, config, capsys) -> None:
    import os

    rows = [*CALL_ROWS, ["k9", "gisteren", "vraag over de brief", "telefoon", "", "", ""]]
    calls = write_csv(tmp_path / os.fsdecode(b"gesprekken_\xe9.csv"), CALL_HEADER, rows)
    store = str(tmp_path / "s.duckdb")
    args = ["analyze", "--calls", str(calls), "--letters", str(letters_dir), "--mailings", str(mailings_csv),
            "--store", store, "--config", str(config)]  # fmt: skip
    assert main(args) == 0
    assert "gesprekken_é.csv: ingelezen" in capsys.readouterr().out
    assert main(["quarantine", "--store", store, "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["source_file"].endswith("gesprekken_é.csv") and row["column_name"] == "timestamp"


def test_same_call_id_with_other_content_is_quarantined(tmp_path, letters_dir, mailings_csv, config, capsys) -> None:
    first = write_csv(tmp_path / "a.csv", CALL_HEADER, CALL_ROWS)
    changed = [r[:] for r in CALL_ROWS]
    changed[0][2] = "andere tekst onder hetzelfde id"
    second = write_csv(tmp_path / "b.csv", CALL_HEADER, changed)
    assert _analyze(tmp_path, [first, second], letters_dir, mailings_csv, config) == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        q = s.quarantine()
        assert s.count("calls") == 4
    assert len(q) == 1 and q.loc[0, "source_row"] == 2 and "bestaat al met andere inhoud" in q.loc[0, "reason"]
    assert str(first) in q.loc[0, "reason"]


def test_quarantine_command_and_pseudonymised_raw_values(tmp_path, letters_dir, mailings_csv, config, capsys) -> None:
    rows = [*CALL_ROWS, ["C9", "kapot", "mevr. Jansen, bsn 111222333, tel 06-12345678", "", "", "", ""]]
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    assert main(["quarantine", "--store", str(tmp_path / "s.duckdb"), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    assert rows[0]["source_row"] == 6 and rows[0]["column_name"] == "timestamp"
    assert "111222333" not in rows[0]["raw"]["text"] and "06-12345678" not in rows[0]["raw"]["text"]
    assert "[BSN]" in rows[0]["raw"]["text"]
    assert main(["quarantine", "--store", str(tmp_path / "s.duckdb")]) == 0
    assert "onbekende datum/tijd: 'kapot'" in capsys.readouterr().out


def test_quarantine_reason_quoting_a_cell_holds_no_personal_data(tmp_path, letters_dir, mailings_csv, config, capsys):
    """The reason quotes the bad cell; a BSN or a name typed in the wrong column must not be stored through it."""
    rows = [*CALL_ROWS, ["C9", "bsn 111222333 mevr jansen", "vraag over aanslag", "", "", "", ""]]
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    assert main(["quarantine", "--store", str(tmp_path / "s.duckdb"), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["reason"].startswith("onbekende datum/tijd:")
    assert "111222333" not in row["reason"] and "jansen" not in row["reason"]
    assert "[BSN]" in row["reason"] and "[NAAM]" in row["reason"]


@pytest.mark.parametrize("stamp", ["9999-12-31 10:00", "0001-01-01", "1677-01-01", "2300-01-01", "2126-01-01"])
def test_a_date_out_of_range_is_quarantined_not_fatal(tmp_path, letters_dir, mailings_csv, config, capsys, stamp):
    rows = [*CALL_ROWS, ["C9", stamp, "vraag over aanslag", "", "", "", ""]]
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    assert main(["quarantine", "--store", str(tmp_path / "s.duckdb"), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["column_name"] == "timestamp" and stamp in row["reason"]


def test_every_rejected_letter_file_and_row_reaches_the_quarantine(tmp_path, letters_dir, mailings_csv, config, capsys):
    (letters_dir / "kapot.docx").write_bytes(b"PK\x03\x04 niet echt")
    (letters_dir / "leeg.txt").write_text("  \n", encoding="utf-8")
    rows = [*CALL_ROWS, ["C9", "gisteren", "datum klopt niet", "", "", "", ""]]
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        stored = s.quarantine()
    assert sorted(stored["kind"]) == ["calls", "letters", "letters"]  # two letter files and one call row
    assert any(stored["reason"].str.startswith("kapot.docx")) and any(stored["reason"].str.startswith("leeg.txt"))
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0  # again: nothing repeated
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.count("quarantine") == 3


def test_mailings_of_a_rejected_letter_say_so(tmp_path, letters_dir, config, capsys) -> None:
    (letters_dir / "kapot.docx").write_bytes(b"PK\x03\x04 niet echt")
    mailings = write_csv(tmp_path / "m.csv", ["template_id", "sent_date", "count"],
                         [["kapot", "2026-03-01", "50"], ["onbekend", "2026-03-01", "5"]])  # fmt: skip
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, CALL_ROWS)
    assert _analyze(tmp_path, [calls], letters_dir, mailings, config) == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        reasons = s.quarantine().query("kind == 'mailings'").set_index("source_row")["reason"]
    assert reasons[2] == "brief 'kapot' is afgekeurd bij het inlezen (zie de quarantaine)"
    assert reasons[3].startswith("sjabloon 'onbekend' staat niet in de brievenmap")


def test_column_mapping_from_settings_file(tmp_path, letters_dir, mailings_csv, capsys) -> None:
    config = tmp_path / "kcc.toml"
    config.write_text(
        FAST_CONFIG + '\n[columns]\n"Contactmoment ID" = "call_id"\n"Datum/tijd" = "timestamp"\n"Notitie" = "text"\n',
        encoding="utf-8",
    )
    calls = write_csv(
        tmp_path / "export.csv",
        ["Contactmoment ID", "Datum/tijd", "Notitie"],
        [["K1", "23-11-2026 09:15", "vraag over aanslag"]],
        delimiter=";",
    )
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.table("calls")["call_id"].tolist() == ["K1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("call_id,text\nA,x\n", "verplichte kolom ontbreekt: timestamp"),
        ("", "bestand is leeg"),
    ],
)
def test_bad_input_file_exit_code_and_one_line(tmp_path, letters_dir, mailings_csv, config, content, message) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyzer.cli",
            "analyze",
            "--calls",
            str(calls),
            "--letters",
            str(letters_dir),
            "--mailings",
            str(mailings_csv),
            "--store",
            str(tmp_path / "s.duckdb"),
            "--config",
            str(config),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith(f"fout: {calls}: {message}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--store", "bestaat-niet.duckdb"], "database niet gevonden"),
        (["analyze", "--calls", "x.csv", "--letters", ".", "--config", "geen.toml"], "niet gevonden"),
    ],
)
def test_other_user_errors(tmp_path, monkeypatch, capsys, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("fout: ") and message in err


def test_a_calls_file_that_cannot_be_read_leaves_nothing_of_the_run(
    tmp_path, letters_dir, mailings_csv, config, capsys
):
    good = write_csv(tmp_path / "c.csv", CALL_HEADER, CALL_ROWS)
    broken = write_csv(tmp_path / "kapot.csv", ["call_id", "datum", "notitie"], [["C1", "2026-03-02", "x"]])
    assert _analyze(tmp_path, [good, broken], letters_dir, mailings_csv, config) == 2
    assert "verplichte kolom ontbreekt" in capsys.readouterr().err
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert [s.count(t) for t in ("letters", "mailings", "calls", "letter_readability")] == [0, 0, 0, 0]
        runs = s.con.execute("SELECT status FROM runs").fetchall()
    assert runs == [("failed",)]  # the run itself is recorded, with its error


def test_bad_settings_file(tmp_path, letters_dir, mailings_csv, capsys) -> None:
    config = tmp_path / "fout.toml"
    config.write_text('[embedding]\nbatch_size = "veel"\n', encoding="utf-8")
    calls = write_csv(tmp_path / "c.csv", CALL_HEADER, CALL_ROWS)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 2
    assert "embedding.batch_size moet van het type int zijn" in capsys.readouterr().err


def test_every_command_is_documented_in_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    from analyzer.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in commands.items():
        assert re.search(rf"analyzer {name}\b", readme), f"'analyzer {name}' missing from README"
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in readme, f"{name} {flag} missing from README"


def test_topics_listing_rename_and_merge_survive_reanalysis(tmp_path, letters_dir, mailings_csv, config, capsys):
    rows = [
        [f"T{i}", f"2026-03-0{1 + i % 5} 10:00", text, "telefoon", "60", "", ""]
        for i, text in enumerate(
            ["brief WOZ waarde woning klopt niet"] * 6
            + ["grofvuil afspraak ophalen matras"] * 6
            + ["paspoort aanvragen afspraak balie"] * 6
        )
    ]
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    store = str(tmp_path / "s.duckdb")
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    assert main(["topics", "--store", store, "--format", "json"]) == 0
    topics = json.loads(capsys.readouterr().out)
    assert sum(t["size"] for t in topics) == 18
    assert all({"topic_id", "label", "size", "keywords", "share"} <= set(t) for t in topics)
    first, *rest = topics
    assert main(["topics", "--store", store, "--rename", str(first["topic_id"]), "Vragen over WOZ"]) == 0
    if rest:
        assert main(["topics", "--store", store, "--merge", str(rest[0]["topic_id"]), str(first["topic_id"])]) == 0
    capsys.readouterr()
    # A new analysis re-fits the topics; the manual label and merge are applied again.
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    assert main(["topics", "--store", store, "--format", "json"]) == 0
    after = {t["topic_id"]: t for t in json.loads(capsys.readouterr().out)}
    assert after[first["topic_id"]]["label"] == "Vragen over WOZ"
    if rest:
        assert rest[0]["topic_id"] not in after
        assert after[first["topic_id"]]["size"] >= first["size"] + rest[0]["size"]
    with Store(store, read_only=True) as s:
        assert s.count("call_topics") == 18
    assert main(["topics", "--store", store, "--rename", "999", "x"]) == 2
    assert "onderwerp 999 bestaat niet" in capsys.readouterr().err


def test_printed_tables_write_numbers_the_dutch_way() -> None:
    from analyzer.cli import dutch_table

    frame = pd.DataFrame({"sent": [199603, 5], "calls": [12942.5, 3.0], "score": [0.754, 1.0], "new": [True, False],
                          "share": [12.0, 0.5], "name": ["a", "b"]})  # fmt: skip
    out = dutch_table(frame, {"share": 1})
    assert out["sent"].tolist() == ["199.603", "5"] and out["calls"].tolist() == ["12.942,5", "3,0"]
    assert out["score"].tolist() == ["0,75", "1,00"] and out["new"].tolist() == ["ja", "nee"]
    assert out["share"].tolist() == ["12,0", "0,5"] and out["name"].tolist() == ["a", "b"]
    missing = dutch_table(pd.DataFrame({"topic": ["WOZ", None], "level": [2.0, float("nan")]}))
    assert missing["topic"].tolist() == ["WOZ", "–"] and missing["level"].tolist() == ["2", "–"]  # not "None"


def test_cluster_command(tmp_path, config, capsys) -> None:
    texts = ["afval niet opgehaald container vol"] * 5 + ["paspoort verlopen afspraak maken"] * 5 + [""]
    path = write_csv(
        tmp_path / "teksten.csv", ["id", "Tekst"], [[str(i), t] for i, t in enumerate(texts)], delimiter=";"
    )
    out = tmp_path / "uit.xlsx"
    args = ["cluster", "--input", str(path), "--text-column", "Tekst", "--config", str(config), "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "rij 12: kolom 'Tekst' is leeg" in err
    result = pd.read_excel(out)
    assert list(result.columns) == ["id", "tekst", "topic_id", "topic_label", "confidence"]
    assert len(result) == 10
    assert result.groupby("topic_id")["tekst"].nunique().max() == 1  # the two subjects are not mixed
    assert main(["cluster", "--input", str(path), "--text-column", "Notitie", "--config", str(config)]) == 2
    assert "kolom 'Notitie' niet gevonden" in capsys.readouterr().err


def test_cluster_command_pseudonymises_before_labelling_and_writing(tmp_path, config, capsys) -> None:
    texts = [f"mevr jansen belt over WOZ beschikking {i}" for i in range(5)]
    texts += [f"dhr pietersen vraagt wanneer grofvuil wordt opgehaald {i}" for i in range(5)]
    path = write_csv(tmp_path / "teksten.csv", ["tekst"], [[t] for t in texts])
    out = tmp_path / "uit.csv"
    args = ["cluster", "--input", str(path), "--text-column", "tekst", "--config", str(config), "--out", str(out)]
    assert main(args) == 0
    written = out.read_text(encoding="utf-8").lower()
    assert "jansen" not in written and "pietersen" not in written and "[naam]" in written


def test_bad_out_paths_stop_before_the_work_with_a_dutch_message(tmp_path, config, capsys) -> None:
    path = write_csv(tmp_path / "teksten.csv", ["tekst"], [["afval"], ["paspoort"], ["afval"]])
    base = ["cluster", "--input", str(path), "--text-column", "tekst", "--config", str(config), "--out"]
    assert main([*base, str(tmp_path / "geen-map" / "uit.csv")]) == 2
    assert "de map" in capsys.readouterr().err
    assert main([*base, str(tmp_path)]) == 2
    assert "is een map" in capsys.readouterr().err
    assert main([*base, str(tmp_path / "uit.doc")]) == 2
    assert "gebruik .csv, .tsv, .xlsx of .jsonl" in capsys.readouterr().err


def test_a_store_that_is_an_input_file_is_refused(tmp_path, letters_dir, mailings_csv, config, capsys) -> None:
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, CALL_ROWS)
    before = calls.read_bytes()
    args = ["analyze", "--calls", str(calls), "--letters", str(letters_dir), "--mailings", str(mailings_csv),
            "--store", str(calls), "--config", str(config), "--quiet"]  # fmt: skip
    assert main(args) == 2
    assert "geen database" in capsys.readouterr().err
    assert calls.read_bytes() == before
    other = tmp_path / "analyse.db"
    other.write_bytes(b"dit is geen database, maar wel een bestand met tekst erin\n")
    assert main(["report", "--store", str(other)]) == 2
    assert "is geen DuckDB-database" in capsys.readouterr().err


def test_the_same_calls_file_twice_is_refused(tmp_path, letters_dir, mailings_csv, config, capsys, monkeypatch) -> None:
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, CALL_ROWS)
    store = tmp_path / "s.duckdb"
    monkeypatch.chdir(tmp_path)
    for twice in (["calls.csv", "calls.csv"], ["calls.csv", str(calls)]):
        args = ["analyze", "--calls", twice[0], "--calls", twice[1], "--letters", str(letters_dir), "--mailings",
                str(mailings_csv), "--store", str(store), "--config", str(config), "--quiet"]  # fmt: skip
        assert main(args) == 2
        err = capsys.readouterr().err
        assert f"{twice[1]}: staat twee keer bij --calls" in err and "Traceback" not in err
    assert "(ook als calls.csv)" in err  # the other spelling of the same file is named
    assert not store.exists()  # refused before anything was read or stored


def test_empty_store_lists_and_top_argument(tmp_path, config, capsys) -> None:
    Store(tmp_path / "leeg.duckdb").close()
    assert main(["topics", "--store", str(tmp_path / "leeg.duckdb"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["report", "--store", str(tmp_path / "leeg.duckdb"), "--top", "0"]) == 2
    assert "--top moet 1 of groter zijn" in capsys.readouterr().err


def test_cluster_command_counts_blank_rows_of_a_one_column_file(tmp_path, config, capsys) -> None:
    # In a file with one column a blank text is a blank row; it is reported, and the counts add up.
    texts = ["afval niet opgehaald container vol"] * 4 + [""] + ["paspoort verlopen afspraak maken"] * 4
    path = write_csv(tmp_path / "teksten.csv", ["tekst"], [[t] for t in texts])
    out = tmp_path / "uit.csv"
    args = ["cluster", "--input", str(path), "--text-column", "tekst", "--config", str(config), "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "1 lege rij(en) overgeslagen (rij 6)" in err
    assert "9 rijen ingelezen: 8 teksten" in err and "1 overgeslagen" in err
    assert len(pd.read_csv(out)) == 8


def test_spikes_are_found_stored_and_listed(tmp_path, letters_dir, mailings_csv, config, capsys) -> None:
    days = pd.date_range("2026-01-05", "2026-03-06", freq="B")  # working days
    subjects = ["afval container niet geleegd", "paspoort afspraak maken balie", "parkeren vergunning bezoek"]
    rows, n = [], 0
    for day in days:
        for subject in subjects:
            for _ in range(3):
                n += 1
                rows.append([f"S{n}", f"{day:%Y-%m-%d} 10:00", subject, "telefoon", "60", "", ""])
        if pd.Timestamp("2026-03-02") <= day <= pd.Timestamp("2026-03-04"):  # a surge after a mailing
            for _ in range(30):
                n += 1
                rows.append(
                    [f"S{n}", f"{day:%Y-%m-%d} 11:00", "brief WOZ waarde woning klopt niet", "telefoon", "", "", ""]
                )
    calls = write_csv(tmp_path / "calls.csv", CALL_HEADER, rows)
    assert _analyze(tmp_path, [calls], letters_dir, mailings_csv, config) == 0
    assert main(["spikes", "--store", str(tmp_path / "s.duckdb"), "--format", "json"]) == 0
    spikes = json.loads(capsys.readouterr().out)
    assert len(spikes) == 1
    spike = spikes[0]
    expected = {"topic_id", "topic_label", "start", "peak", "end", "excess_calls", "template_id", "link_score"}
    assert expected <= set(spike)
    assert (spike["start"], spike["end"]) == ("2026-03-02", "2026-03-04")
    assert spike["excess_calls"] == 90
    # WOZ letters went out on Friday 27 February; the surge is about the WOZ value
    assert spike["template_id"] == "woz-beschikking" and spike["link_score"] >= 0.5
    assert "woz" in spike["topic_label"].lower()
    assert main(["spikes", "--store", str(tmp_path / "s.duckdb")]) == 0
    assert "2026-03-02" in capsys.readouterr().out
    # within the day: the surge came at 11:00 on each of the three days, the other topics are steady
    assert main(["spikes", "--store", str(tmp_path / "s.duckdb"), "--hourly", "--format", "json"]) == 0
    hourly = json.loads(capsys.readouterr().out)
    assert sorted(h["start"] for h in hourly) == ["2026-03-02 11:00", "2026-03-03 11:00", "2026-03-04 11:00"]
    assert all(h["hours"] == 1 and h["excess_calls"] == 30 and h["topic_id"] == spike["topic_id"] for h in hourly)
    assert main(["spikes", "--store", str(tmp_path / "s.duckdb"), "--hourly"]) == 0
    assert "uren" in capsys.readouterr().out


def _embedded_texts(store) -> set[str]:
    """Cache keys of what analyze embeds: each note's subject and the whole note, every letter
    paragraph (the demand prototypes are cached too, so the store may hold more)."""
    from analyzer.embed import text_hash
    from analyzer.ingest.letters import strip_markers
    from analyzer.notes import subject_texts

    (model_id,) = {r[0] for r in store.con.execute("SELECT DISTINCT model_id FROM embeddings").fetchall()}
    notes = store.table("calls")["text"].tolist()
    paragraphs = [strip_markers(t) for t in store.table("letter_paragraphs")["text"]]
    return {text_hash(t, model_id) for t in subject_texts(notes) + notes + paragraphs}


def _stored_keys(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT key FROM embeddings").fetchall()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--top", "veel"], "fout: --top verwacht een geheel getal, niet 'veel'"),
        (["analyze", "--store", "x.duckdb"], "fout: deze opties zijn verplicht: --calls, --letters"),
        (["report", "--format", "pdf"], "fout: --format: 'pdf' kan niet; kies uit"),
        (["report", "--bla"], "fout: onbekende opties: --bla"),
    ],
)
def test_argument_errors_are_dutch(args: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("gebruik: analyzer")
