"""The Streamlit app, page by page, headless (streamlit.testing.v1.AppTest) on the small store of
tests/test_explore.py, whose expected top letter is known."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_explore import OFFICIALESE, TOP_LETTER, TOP_TITLE, shared_app_store

from analyzer import explore
from analyzer.store import Store

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def app_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_app_store(tmp_path_factory)


def _app(monkeypatch: pytest.MonkeyPatch, store: Path, page: str | None = None) -> AppTest:
    monkeypatch.setenv("ANALYZER_STORE", str(store))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tables(at: AppTest) -> list:
    return [t.value for t in at.dataframe]


def test_overzicht_shows_totals_and_top_letter(monkeypatch, app_store) -> None:
    at = _app(monkeypatch, app_store)
    assert at.title[0].value == "Overzicht"
    metrics = {m.label: m.value for m in at.metric}
    with Store(app_store, read_only=True) as store:
        assert metrics["Gesprekken"] == str(store.count("calls"))
    assert metrics["Vermijdbaar"].endswith("%")
    assert metrics["Brieven verstuurd"] == "1.630"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1  # calls and letters per week, one panel above the other
    spec = json.loads(charts[0].proto.spec)
    assert [p["encoding"]["y"]["title"] for p in spec["vconcat"]] == ["gesprekken per week", "brieven verstuurd"]
    letters, spikes = _tables(at)
    assert letters["titel"].iloc[0] == TOP_TITLE
    assert spikes["gekoppelde brief"].iloc[0] == TOP_TITLE
    assert at.sidebar.text_input(key="store_path").value == str(app_store)
    assert at.sidebar.text_input(key="cost_per_call").value == "5,50"  # a Dutch amount, not 5.50


def test_tables_format_numbers_in_the_readers_locale(monkeypatch, app_store) -> None:
    """printf formats cannot group thousands (199603, 65.1 read wrongly in Dutch); the tables ask the
    browser's locale instead (a Dutch browser: 199.603, 65,1, € 54.221) with the decimals of the step."""
    import json

    at = _app(monkeypatch, app_store)
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["verstuurd"]["type_config"] == {"type": "number", "format": "localized", "step": 1}
    assert columns["gesprekken per 1.000 brieven"]["type_config"]["step"] == 0.1
    assert columns["geschatte kosten (€)"]["type_config"]["format"] == "euro"


def test_csv_downloads_open_in_dutch_excel() -> None:
    from views.common import to_csv_nl

    frame = pd.DataFrame({"titel": ["WOZ; brief", "Aanslag"], "per 1.000": [64.8, 12.0], "verstuurd": [199603, 5]})
    data = to_csv_nl(frame)
    assert data.startswith("\ufeff".encode()) and b"64,8" in data and b"64.8" not in data
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["titel;per 1.000;verstuurd", '"WOZ; brief";64,8;199603', "Aanslag;12,0;5"]


def test_overzicht_lists_rejected_input_with_place_and_reason(monkeypatch, app_store, tmp_path) -> None:
    import shutil

    store_path = tmp_path / "met-afgekeurd.duckdb"
    shutil.copy(app_store, store_path)
    fields = ["kind", "source_file", "source_row", "column_name", "reason", "raw"]
    rows = pd.DataFrame(
        [
            ["calls", "export.csv", 7, "timestamp", "onbekende datum/tijd: 'gisteren'", {}],
            ["calls", "export.csv", 9, "text", "text is leeg", {}],
            ["letters", "brieven", None, None, "kapot.docx: kan niet gelezen worden", {}],
        ],
        columns=fields,
    )
    with Store(store_path) as store:
        store.add_quarantine(rows, run_id=1)
    at = _app(monkeypatch, store_path)
    assert [e.label for e in at.expander] == ["Afgekeurde invoer: 3 regels (2 gesprekken, 1 brieven)"]
    rejected = _tables(at)[-1]
    assert list(rejected.columns) == ["soort", "bestand", "rij", "kolom", "reden", "analyse"]
    assert rejected["reden"].tolist()[0] == "kapot.docx: kan niet gelezen worden"  # newest first
    assert rejected.loc[rejected["rij"] == 7, "kolom"].tolist() == ["timestamp"]
    assert not _app(monkeypatch, app_store).expander  # nothing rejected: no list


def test_brieven_ranking_detail_and_filters(monkeypatch, app_store) -> None:
    at = _app(monkeypatch, app_store, "views/brieven.py")
    ranking = _tables(at)[0]
    assert ranking["titel"].iloc[0] == TOP_TITLE
    assert list(ranking["#"]) == [1, 2, 3]
    assert at.selectbox(key="brieven_brief").value == TOP_LETTER
    html = "".join(m.value for m in at.markdown)
    assert '<div class="hot"' in html and "<mark" in html and "onderhavige" in html
    assert any("B1-oordeel" in w.value for w in at.warning)
    assert "Wanneer bellen mensen na een verzending?" in [h.value for h in at.subheader]
    # Onderwerpen: the topics the letter's calls come from, with the reasons and an example note.
    topics = next(t for t in _tables(at) if "noemt de brief" in t.columns)
    assert len(topics) == 1 and topics["aandeel"].iloc[0] == pytest.approx(1.0)
    assert topics["voorbeeld"].iloc[0] == "klant snapt besluit op bezwaar niet"
    assert any("komen uit één onderwerp" in m.value for m in at.markdown)
    assert any("lijdende vorm" in m.value and "te lange zinnen" in m.value for m in at.markdown)  # the legend
    narrowed = "de andere tabbladen tonen de hele analyse"
    assert not any(narrowed in c.value for c in at.caption)
    at.selectbox(key="brieven_kanaal").select("telefoon").run()
    assert any(narrowed in c.value for c in at.caption)  # the channel does not reach the tabs: said so
    at.selectbox(key="brieven_kanaal").select("(alle)").run()
    # The cost per call in the sidebar changes the costs shown.
    cost = ranking["geschatte kosten (€)"].iloc[0]
    at.sidebar.text_input(key="cost_per_call").set_value("11,00").run()
    assert _tables(at)[0]["geschatte kosten (€)"].iloc[0] == pytest.approx(2 * cost)
    # Not an amount: a Dutch message, and the analysis's own cost per call is used
    at.sidebar.text_input(key="cost_per_call").set_value("elf euro").run()
    assert not at.exception
    assert any("'elf euro' is geen bedrag" in e.value for e in at.sidebar.error)
    assert _tables(at)[0]["geschatte kosten (€)"].iloc[0] == pytest.approx(cost)
    at.sidebar.text_input(key="cost_per_call").set_value("11,00").run()
    at.selectbox(key="brieven_afdeling").select("Belastingen").run()
    assert not at.exception
    assert list(_tables(at)[0]["titel"]) == ["WOZ-beschikking 2027"]
    assert at.selectbox(key="brieven_brief").value == "woz-beschikking"


def test_gesprekken_topics_chart_and_rename(monkeypatch, app_store, tmp_path) -> None:
    store = tmp_path / "writable.duckdb"
    store.write_bytes(app_store.read_bytes())
    with Store(store) as s:  # a surge within a day for every topic, so the chosen one has one
        ids = s.con.execute("SELECT DISTINCT topic_id FROM call_topics").df()["topic_id"]
        hour = pd.Timestamp("2026-03-02 11:00")
        s.replace_hourly_spikes(
            pd.DataFrame({"topic_id": ids, "start": hour, "peak": hour, "end": hour, "hours": 1, "observed": 40.0,
                          "expected": 4.0, "excess": 36.0}), run_id=1)  # fmt: skip
    at = _app(monkeypatch, store, "views/gesprekken.py")
    topics = _tables(at)[0]
    assert topics["gesprekken"].sum() > 0
    trend = topics["trend (4 weken)"]  # text: a Dutch ratio, "nieuw" or "–"; never Streamlit's "None"
    assert trend.map(lambda v: v in ("nieuw", "–") or re.fullmatch(r"\d+,\d\d", v) is not None).all(), trend
    first = int(topics["id"].iloc[0])
    assert at.selectbox(key="gesprekken_onderwerp").value == first
    behind = next(t for t in _tables(at) if "tekst van de alinea" in t.columns)  # the biggest topic is bezwaar's
    assert behind["titel"].tolist() == [TOP_TITLE] and behind["alinea"].tolist() == [4]
    every_spike = next(t for t in _tables(at) if "gekoppelde brief" in t.columns)  # the expander with all spikes
    assert every_spike["gekoppelde brief"].tolist()[0] == TOP_TITLE and every_spike["extra gesprekken"].iloc[0] == 36
    hourly = next(t for t in _tables(at) if list(t.columns)[:2] == ["begin", "eind"])
    shaded = next(c.value for c in at.caption if "rood gearceerd" in c.value)
    assert re.match(r"(1 piek|(?!1 )[\d.]+ pieken) rood", shaded), shaded  # Dutch singular and plural, no "piek(en)"
    assert len(at.get("download_button")) == 6  # Excel and CSV of the topics, of all spikes, of the notes
    assert hourly.iloc[0].to_dict() == {"begin": "02-03-2026 11:00", "eind": "12:00", "gesprekken": 40.0,
                                        "verwacht": 4.0, "extra": 36.0}  # fmt: skip
    at.text_input(key="gesprekken_nieuwe_naam").input("Vragen over bezwaar").run()
    at.button(key="gesprekken_hernoem").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Vragen over bezwaar" in s.value for s in at.success)
    assert _tables(at)[0].set_index("id").loc[first, "onderwerp"] == "Vragen over bezwaar"
    with Store(store, read_only=True) as s:
        assert s.topic_edits()[0] == {first: "Vragen over bezwaar"}
    # Merge the biggest other topic into it: it disappears from the list, its calls move over.
    second = int(topics["id"].iloc[1])
    at.selectbox(key="gesprekken_onderwerp").set_value(second).run()
    at.selectbox(key="gesprekken_samenvoegen_doel").set_value(first).run()
    at.button(key="gesprekken_samenvoegen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    merged = next(s.value for s in at.success if "samengevoegd" in s.value)
    second_label = topics.set_index("id").loc[second, "onderwerp"]
    assert f"('{second_label}')" in merged and "('Vragen over bezwaar')" in merged, merged
    after = _tables(at)[0].set_index("id")
    assert second not in after.index
    assert after.loc[first, "gesprekken"] == topics.set_index("id").loc[[first, second], "gesprekken"].sum()
    assert at.selectbox(key="gesprekken_onderwerp").value == first


def test_concept_finds_officialese_and_similar_letters(monkeypatch, app_store) -> None:
    at = _app(monkeypatch, app_store, "views/concept.py")
    assert any("Nog geen tekst" in i.value for i in at.info)
    at.text_area(key="concept_tekst").input(OFFICIALESE)
    at.button(key="concept_controleer").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["B1-oordeel"] != "B1"
    findings, similar = _tables(at)
    assert "ambtelijk" in set(findings["soort"])
    assert len(at.get("download_button")) == 2  # the findings as Excel and CSV
    assert similar["titel"].iloc[0] == TOP_TITLE
    per_1000 = metrics["Gesprekken per 1.000 brieven (schatting)"]
    assert "." not in per_1000 and float(per_1000.replace(",", ".")) > 0  # Dutch decimal comma


@pytest.mark.parametrize("page", [None, "views/brieven.py", "views/gesprekken.py", "views/concept.py"])
def test_pages_on_a_missing_store_give_a_dutch_message(monkeypatch, tmp_path, page) -> None:
    at = _app(monkeypatch, tmp_path / "bestaat-niet.duckdb", page)
    assert any("database" in e.value.lower() for e in at.error)


@pytest.mark.parametrize("page", [None, "views/brieven.py", "views/gesprekken.py"])
def test_pages_on_an_empty_store_explain_what_is_missing(monkeypatch, tmp_path, page) -> None:
    Store(tmp_path / "leeg.duckdb").close()
    at = _app(monkeypatch, tmp_path / "leeg.duckdb", page)
    assert at.info and any("analyse" in i.value for i in at.info)


def test_concept_upload_docx_and_a_broken_pdf(monkeypatch, app_store, tmp_path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(OFFICIALESE)
    document.save(tmp_path / "concept.docx")
    at = _app(monkeypatch, app_store, "views/concept.py")
    # The widget lets up to 50 MB through, so that a file over the 5 MB of the caption gets a Dutch message
    assert at.file_uploader(key="concept_bestand").proto.max_upload_size_mb == explore.UPLOAD_WIDGET_MB == 50
    big = b"Geachte heer,\n" * (explore.UPLOAD_MAX_BYTES // 14 + 1)
    at.file_uploader(key="concept_bestand").upload("groot concept.txt", big, "text/plain").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("groot concept.txt: het bestand is groter dan 5 MB" in e.value for e in at.error), at.error
    at.file_uploader(key="concept_bestand").upload(
        "concept.docx", (tmp_path / "concept.docx").read_bytes(), "application/octet-stream"
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "ambtelijk" in set(_tables(at)[0]["soort"])
    at.file_uploader(key="concept_bestand").upload("kapot.pdf", b"%PDF-1.4 geen pdf", "application/pdf").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("kapot.pdf" in e.value and "kan niet" in e.value for e in at.error)


def test_switching_to_another_store_resets_the_period(monkeypatch, app_store, tmp_path) -> None:
    import datetime as dt

    at = _app(monkeypatch, app_store)
    at.sidebar.date_input(key="period").set_value((dt.date(2026, 3, 1), dt.date(2026, 3, 20))).run()
    assert not at.exception
    Store(tmp_path / "leeg.duckdb").close()
    at.sidebar.text_input(key="store_path").input(str(tmp_path / "leeg.duckdb")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("analyse" in i.value for i in at.info)
    at.sidebar.text_input(key="store_path").input(str(app_store)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.date_input(key="period").value == (dt.date(2026, 2, 2), dt.date(2026, 3, 29))


def test_brieven_says_when_timing_does_not_show_a_letters_calls(monkeypatch, app_store, tmp_path) -> None:
    store = tmp_path / "timing.duckdb"
    store.write_bytes(app_store.read_bytes())
    at = _app(monkeypatch, store, "views/brieven.py")
    assert not any("laat het tijdstip" in i.value for i in at.info)  # unknown (null): no caveat
    with Store(store) as s:
        s.con.execute(
            "UPDATE letter_attribution SET timing_shown_calls = 0.1 * attributed_calls WHERE template_id = ?",
            [TOP_LETTER],
        )
    at = _app(monkeypatch, store, "views/brieven.py")
    assert at.selectbox(key="brieven_brief").value == TOP_LETTER
    caveat = [i.value for i in at.info if "laat het tijdstip" in i.value]
    assert len(caveat) == 1 and "toegerekend op inhoud" in caveat[0]


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _walk(node: object, key: str) -> list:
    """Every value under ``key`` anywhere in a Vega-Lite spec."""
    if isinstance(node, dict):
        return [*([node[key]] if key in node else []), *(v for x in node.values() for v in _walk(x, key))]
    if isinstance(node, list):
        return [v for x in node for v in _walk(x, key)]
    return []


@pytest.mark.parametrize("page", [None, "views/brieven.py", "views/gesprekken.py"])
def test_charts_speak_dutch(monkeypatch, app_store, page) -> None:
    """Every chart carries the Dutch Vega locale (14.509, 10,2, maart), tooltips have Dutch formats and
    titles, date axes tick at most once a day; every selectbox has a Dutch placeholder."""
    at = _app(monkeypatch, app_store, page)
    specs = _specs(at)
    assert specs
    for spec in specs:
        locale = spec["config"]["locale"]
        assert locale["number"] == {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}
        assert locale["time"]["months"][2] == "maart" and locale["time"]["days"][1] == "maandag"
        tips = [t for tips in _walk(spec, "tooltip") for t in (tips if isinstance(tips, list) else [tips])]
        for tip in tips:
            assert isinstance(tip, dict) and tip.get("title") not in (None, "%", "template_id"), tip
            if tip.get("type") == "temporal":
                assert tip["format"] == "%d-%m-%Y", tip
            if tip.get("type") == "quantitative" and tip["title"] not in ("alinea", "id"):
                assert "," in tip["format"], tip  # grouped: 14.509, not 14509
        for axis in _walk(spec, "axis"):
            if isinstance(axis, dict) and axis.get("format") == "%d-%m":
                assert axis["tickMinStep"] == 86_400_000
    assert all(s.proto.placeholder.startswith("Kies een") for s in at.selectbox)


def test_gesprekken_chart_caption_and_spikes_follow_the_period(monkeypatch, app_store) -> None:
    import datetime as dt

    at = _app(monkeypatch, app_store, "views/gesprekken.py")  # bezwaar first: its letter went out on 6 March,
    # its spike is 9 to 11 March

    def caption() -> str:
        return next(c.value for c in at.caption if "brieven" in c.value and "gekoppeld" in c.value)

    assert caption() == "1 piek rood gearceerd; gestreepte lijnen: verzenddata van gekoppelde brieven."
    at.sidebar.date_input(key="period").set_value((dt.date(2026, 3, 10), dt.date(2026, 3, 16))).run()
    assert caption() == "1 piek rood gearceerd; geen verzendingen van de gekoppelde brieven in deze periode."
    chart = next(s for s in _specs(at) if "layer" in s)
    x = next(a for a in _walk(chart, "axis") if isinstance(a, dict) and a.get("format") == "%d-%m")
    assert x["tickCount"] == {"interval": "day", "step": 1}  # a week: a tick a day, no day twice
    shaded = next(layer for layer in chart["layer"] if layer["mark"]["type"] == "rect")
    assert shaded["encoding"]["x"]["field"] == "x0"  # cut to the period, so the axis stays inside it
    at.sidebar.date_input(key="period").set_value((dt.date(2026, 3, 16), dt.date(2026, 3, 22))).run()
    assert caption() == "Geen pieken in deze periode; geen verzendingen van de gekoppelde brieven in deze periode."
    # A topic no letter explains: only then "nog geen brieven gekoppeld"
    for topic in at.selectbox(key="gesprekken_onderwerp").options:
        at.selectbox(key="gesprekken_onderwerp").select(topic).run()
        if any("Geen brief verklaart" in c.value for c in at.caption):
            assert caption().endswith("; nog geen brieven gekoppeld.")
            break
    else:
        pytest.fail("geen onderwerp zonder brieven in de test-database")


def test_key_figures_come_right_after_the_name(monkeypatch, app_store) -> None:
    at = _app(monkeypatch, app_store)
    letters, spikes = _tables(at)
    assert list(letters.columns)[:4] == ["#", "titel", "vermijdbare gesprekken", "gesprekken per 1.000 brieven"]
    assert list(spikes.columns)[:2] == ["onderwerp", "extra gesprekken"]  # the table is sorted by it
    at = _app(monkeypatch, app_store, "views/brieven.py")
    ranking = _tables(at)[0]
    assert list(ranking.columns)[:5] == ["#", "titel", "vermijdbare gesprekken", "gesprekken per 1.000 brieven",
                                         "geschatte kosten (€)"]  # fmt: skip
    assert len(ranking.columns) == 11  # nothing dropped


def test_downloads_are_rounded_with_dutch_dates() -> None:
    import io

    import openpyxl

    from views.common import to_csv_nl, to_xlsx

    frame = pd.DataFrame(
        {
            "titel": ["WOZ", "Aanslag"],
            "toegerekende gesprekken": [12942.005616140868, 3.4],
            "aandeel": [0.05633525313884378, 0.5],
            "gesprekken per 1.000 brieven": [64.8123, 12.0],
            "eerst verstuurd": pd.to_datetime(["2026-02-27", "2026-03-01"]),
            "tijdstip": pd.to_datetime(["2026-02-27 09:15", "2026-03-01 10:00"]),
        }
    )
    lines = to_csv_nl(frame).decode("utf-8-sig").splitlines()
    assert lines[1] == "WOZ;12942;0,056;64,8;27-02-2026;27-02-2026 09:15"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, "Ranglijst"))).active
    calls, share, rate, sent, stamp = (sheet.cell(2, c) for c in range(2, 7))
    assert calls.value == 12942 and calls.number_format == "#,##0"
    assert share.value == 0.056 and share.number_format == "0.0%"
    assert rate.value == 64.8 and rate.number_format == "#,##0.0"
    assert sent.value.date() == pd.Timestamp("2026-02-27").date() and sent.number_format == "DD-MM-YYYY"
    assert stamp.number_format == "DD-MM-YYYY HH:MM"
    assert sheet.column_dimensions["B"].width >= len("toegerekende gesprekken")


def test_concept_upload_lets_the_analyzer_judge_the_file(monkeypatch, app_store) -> None:
    at = _app(monkeypatch, app_store, "views/concept.py")
    assert list(at.file_uploader(key="concept_bestand").proto.type) == []  # no English "files are not allowed"
    at.file_uploader(key="concept_bestand").upload("concept.rtf", b"{\\rtf1}", "application/rtf").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("concept.rtf: dit bestandstype kan niet gecontroleerd worden" in e.value for e in at.error)
    # the formats analyze reads are all accepted: a Markdown draft with a heading is checked
    at.file_uploader(key="concept_bestand").upload(
        "concept.md", f"# Uw bezwaar\n\n{OFFICIALESE}".encode(), "text/markdown"
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "ambtelijk" in set(_tables(at)[0]["soort"])
    # A file and pasted text: the file is checked, and the page says so
    at.file_uploader(key="concept_bestand").upload("concept.txt", OFFICIALESE.encode(), "text/plain")
    at.text_area(key="concept_tekst").input("Een heel andere tekst.").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("niet de geplakte tekst" in i.value for i in at.info)
    assert "ambtelijk" in set(_tables(at)[0]["soort"])


def test_a_rewritten_letter_is_marked_in_the_rankings(monkeypatch, app_store, tmp_path) -> None:
    """Its figures mix the old and the new text; the ranking says since when the new one is sent."""
    store = tmp_path / "rewritten.duckdb"
    store.write_bytes(app_store.read_bytes())
    with Store(store) as s:
        s.con.execute("UPDATE letters SET version = '2', valid_from = DATE '2026-03-15' WHERE template_id = ?",
                      [TOP_LETTER])  # fmt: skip
    at = _app(monkeypatch, store)
    assert f"{TOP_TITLE} (nieuwe tekst sinds 15-03-2026)" in _tables(at)[0]["titel"].tolist()
    at = _app(monkeypatch, store, "views/brieven.py")
    assert f"{TOP_TITLE} (nieuwe tekst sinds 15-03-2026)" in _tables(at)[0]["titel"].tolist()
    assert not any("nieuwe tekst" in t for t in _tables(_app(monkeypatch, app_store))[0]["titel"])
