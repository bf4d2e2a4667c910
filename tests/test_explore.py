"""analyzer.explore: the reads and computations behind the app, on a small store with a known ranking.

:func:`build_app_store` is shared with tests/test_app.py and tests/test_app_browser.py: it runs the
real analysis (hashing embedder, no deduce) on three letters and a few weeks of calls, then writes
demand and attribution rows directly, so the expected ranking is known: ``bezwaar-besluit`` has the
most avoidable calls although it was sent least.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import CALL_HEADER, LETTER_MD, write_csv

from analyzer import explore
from analyzer.embed import USE_MODEL_ID, HashingEmbedder, get_embedder
from analyzer.errors import InputError
from analyzer.ingest.letters import is_boilerplate
from analyzer.pipeline import analyze
from analyzer.settings import Settings
from analyzer.store import Store

OFFICIALESE = (
    "Indien u niet akkoord gaat met onderhavige beschikking, dient u derhalve middels het formulier bezwaar te maken."
)
BEZWAAR_TXT = f"""Besluit op bezwaar

Geachte heer/mevrouw,

Wij hebben uw bezwaarschrift ontvangen en beoordeeld.

{OFFICIALESE} Tevens wordt u erop gewezen dat de termijn zes weken bedraagt.

Met vriendelijke groet,
Team Bezwaar
"""
GROFVUIL_TXT = (
    "Afspraak grofvuil\n\nBeste [NAAM],\n\nWij halen uw grofvuil op [DATUM].\n\nZet het om 7.00 uur buiten.\n"
)
TOP_LETTER = "bezwaar-besluit"
TOP_TITLE = "Besluit op bezwaar"

NOTES = {
    "woz": ["kl. belt ivm brief WOZ, snapt waarde niet", "vraag over WOZ waarde woning, te hoog",
            "mevr begrijpt WOZ beschikking niet"],
    "bezwaar": ["klant snapt besluit op bezwaar niet", "dhr vraagt wat onderhavige beschikking betekent",
                "vraag over termijn bezwaar, brief onduidelijk"],
    "grofvuil": ["vraag over grofvuil afspraak, verwezen naar website", "grofvuil niet opgehaald, nieuwe afspraak"],
    "paspoort": ["dhr wil weten wanneer pas klaar is", "afspraak paspoort aanvragen"],
}  # fmt: skip


def _calls() -> list[list[str]]:
    rows, n = [], 0
    start = dt.datetime(2026, 2, 2, 9, 0)
    for day in range(56):
        date = start + dt.timedelta(days=day)
        burst = 12 if dt.date(2026, 3, 9) <= date.date() <= dt.date(2026, 3, 11) else 0
        for kind, per_day in (("woz", 1), ("bezwaar", 1 + burst), ("grofvuil", 1), ("paspoort", 1)):
            for i in range(per_day):
                n += 1
                note = NOTES[kind][(day + i) % len(NOTES[kind])]
                stamp = date + dt.timedelta(minutes=7 * i)
                rows.append([f"C{n:05d}", stamp.strftime("%Y-%m-%d %H:%M"), note, "telefoon" if i % 2 else "chat",
                             "120", "", "AG01"])  # fmt: skip
    return rows


def build_app_store(folder: Path, embedding_model: str = "hashing-64") -> Path:
    """A small analysed store with demand and attribution written by hand (see the module docstring)."""
    letters = folder / "letters"
    letters.mkdir(parents=True)
    (letters / "woz-beschikking.md").write_text(LETTER_MD, encoding="utf-8")
    (letters / "grofvuil.txt").write_text(GROFVUIL_TXT, encoding="utf-8")
    (letters / "bezwaar-besluit.txt").write_text(BEZWAAR_TXT, encoding="utf-8")
    mailings = write_csv(
        folder / "mailings.csv",
        ["template_id", "sent_date", "count"],
        [["woz-beschikking", "2026-02-27", "1250"], ["grofvuil", "2026-03-01", "300"],
         ["bezwaar-besluit", "2026-03-06", "80"]],
    )  # fmt: skip
    calls = write_csv(folder / "calls.csv", CALL_HEADER, _calls())
    path = folder / "app.duckdb"
    settings = Settings(store_path=str(path), embedding_model=embedding_model, use_deduce=False)
    with Store(path) as store:
        analyze(store, [calls], letters, mailings, settings, embedder=get_embedder(embedding_model),
                pseudonymise=lambda texts: list(texts), progress=False)  # fmt: skip
        frame = store.con.execute(
            "SELECT c.call_id, c.text, t.topic_id FROM calls c JOIN call_topics t USING (call_id)"
        ).df()
        kind = frame["text"].map(lambda t: next(k for k, notes in NOTES.items() if t in notes))
        demand = pd.DataFrame({
            "call_id": frame["call_id"],
            "demand_type": kind.map({"woz": "clarification", "bezwaar": "clarification", "grofvuil": "progress_chasing",
                                     "paspoort": "value"}),
            "confidence": 0.9, "method": "test"})  # fmt: skip
        demand["avoidable"] = demand["demand_type"] != "value"
        store.replace_demand(demand, run_id=1)
        letter_of = {"woz": "woz-beschikking", "bezwaar": "bezwaar-besluit", "grofvuil": "grofvuil"}
        call_letters = pd.DataFrame({"call_id": frame["call_id"], "template_id": kind.map(letter_of), "weight": 1.0})
        call_letters = call_letters.dropna()
        topic = {k: int(frame.loc[kind == k, "topic_id"].mode()[0]) for k in letter_of}
        counts = call_letters.groupby("template_id").size()
        sent = {"woz-beschikking": 1250, "grofvuil": 300, "bezwaar-besluit": 80}
        paragraph = {"woz-beschikking": 3, "grofvuil": 2, "bezwaar-besluit": 4}
        attribution = pd.DataFrame([
            {"template_id": t, "letters_sent": sent[t], "attributed_calls": float(counts[t]),
             "attributed_low": 0.7 * counts[t], "attributed_high": 1.3 * counts[t],
             "avoidable_calls": float(counts[t]), "calls_per_1000": 1000 * counts[t] / sent[t],
             "estimated_cost_eur": 5.5 * counts[t], "top_topic": topic[k], "top_paragraph": paragraph[t],
             "demand_json": json.dumps({"clarification" if k != "grofvuil" else "progress_chasing": float(counts[t])})}
            for k, t in letter_of.items()
        ])  # fmt: skip
        links = pd.DataFrame([
            {"template_id": t, "topic_id": topic[k], "link_score": 0.8, "paragraph_no": paragraph[t],
             "attributed_calls": float(counts[t]), "evidence_json": json.dumps(NOTES[k][:2])}
            for k, t in letter_of.items()
        ])  # fmt: skip
        store.replace_attribution(links, attribution, call_letters, run_id=1)
        # The burst as the spike detector and letter linking would report it (too short a history to detect).
        spike = {"topic_id": topic["bezwaar"], "start": "2026-03-09", "peak": "2026-03-10", "end": "2026-03-11",
                 "days": 3, "observed": 39.0, "expected": 3.0, "excess": 36.0, "template_id": TOP_LETTER,
                 "link_score": 0.8}  # fmt: skip
        store.replace_spikes(pd.concat([store.table("spikes"), pd.DataFrame([spike])], ignore_index=True), run_id=1)
    return path


_BUILT: dict[str, Path] = {}


def shared_app_store(factory: pytest.TempPathFactory) -> Path:
    """:func:`build_app_store` once per test session, for every module that reads it (tests that
    write copy it first)."""
    if "path" not in _BUILT:
        _BUILT["path"] = build_app_store(factory.mktemp("appstore"))
    return _BUILT["path"]


@pytest.fixture(scope="session")
def app_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_app_store(tmp_path_factory)


@pytest.fixture
def store(app_store: Path):
    with explore.open_store(app_store) as s:
        yield s


def test_ranking_puts_most_avoidable_letter_first(store) -> None:
    ranking = explore.ranking(store)
    assert ranking["template_id"].iloc[0] == TOP_LETTER
    assert ranking["letters_sent"].iloc[0] == 80
    assert list(ranking["rank"]) == [1, 2, 3]
    # Cost follows the app's cost per call: double the cost per call, double the cost.
    double = explore.ranking(store, cost_factor=2.0)
    assert np.allclose(double["estimated_cost_eur"], 2 * ranking["estimated_cost_eur"])


def test_ranking_narrowed_to_a_period_and_channel(store) -> None:
    whole = explore.ranking(store).set_index("template_id")
    # Before the bezwaar burst and mailing: its calls shrink to the few background ones, WOZ keeps its mailing.
    early = explore.ranking(store, dt.date(2026, 2, 1), dt.date(2026, 3, 5)).set_index("template_id")
    assert early.loc[TOP_LETTER, "letters_sent"] == 0
    assert whole.loc[TOP_LETTER, "attributed_calls"] == 56 + 3 * 12  # one a day plus the burst
    assert early.loc[TOP_LETTER, "attributed_calls"] == pytest.approx(32)  # 2 February to 5 March
    assert early.loc["woz-beschikking", "letters_sent"] == 1250
    assert early.index[0] != TOP_LETTER
    # No bezwaar letter sent in the period or the four weeks before: no rate (shown as "–"), not 0 calls per 1,000
    assert pd.isna(early.loc[TOP_LETTER, "calls_per_1000"])
    # March's calls about WOZ come from February's mailing: the rate divides by those letters, not by none
    march = explore.ranking(store, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).set_index("template_id")
    assert march.loc["woz-beschikking", "letters_sent"] == 0
    assert march.loc["woz-beschikking", "calls_per_1000"] == pytest.approx(
        1000 * march.loc["woz-beschikking", "attributed_calls"] / 1250
    )
    phone = explore.ranking(store, channel="telefoon").set_index("template_id")
    assert 0 < phone.loc[TOP_LETTER, "attributed_calls"] < whole.loc[TOP_LETTER, "attributed_calls"]
    only_tax = explore.ranking(store, department="Belastingen")
    assert list(only_tax["template_id"]) == ["woz-beschikking"]


def test_overview_totals(store) -> None:
    totals = explore.overview(store)
    n_calls = store.count("calls")
    assert totals["calls"] == n_calls == len(_calls())
    paspoort = 56  # one value call a day: the only calls that are not avoidable
    assert totals["avoidable_calls"] == n_calls - paspoort
    assert totals["avoidable_share"] == pytest.approx((n_calls - paspoort) / n_calls)
    assert totals["letters_sent"] == 1250 + 300 + 80
    march = explore.overview(store, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march["letters_sent"] == 380 and 0 < march["calls"] < n_calls


def test_weekly_totals_add_up_to_the_overview(store) -> None:
    weeks = explore.weekly_totals(store)
    totals = explore.overview(store)
    assert (weeks["week"].dt.weekday == 0).all() and weeks["week"].is_monotonic_increasing
    assert weeks["week"].diff().dropna().eq(pd.Timedelta(days=7)).all()  # no week left out
    assert weeks["calls"].sum() == totals["calls"] and weeks["avoidable"].sum() == totals["avoidable_calls"]
    assert (weeks["avoidable"] + weeks["other"] == weeks["calls"]).all()
    assert weeks["other"].sum() == 56  # the paspoort calls, one a day
    # WOZ mailed Friday 27 February (week of 23 February); grofvuil Sunday 1 March, same week.
    by_week = weeks.set_index("week")["letters_sent"]
    assert by_week[pd.Timestamp("2026-02-23")] == 1250 + 300
    assert by_week[pd.Timestamp("2026-03-02")] == 80 and by_week.sum() == 1630
    burst = weeks.set_index("week")["calls"]
    assert burst[pd.Timestamp("2026-03-09")] == 7 * 4 + 3 * 12  # four calls a day plus the burst
    march = explore.weekly_totals(store, dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert march["week"].tolist() == [pd.Timestamp("2026-03-02")] and march["calls"].tolist() == [28]
    late = explore.weekly_totals(store, dt.date(2026, 3, 16), dt.date(2026, 3, 29))  # calls, no mailings
    assert late["calls"].tolist() == [28, 28] and late["letters_sent"].tolist() == [0, 0]


def test_numbers_are_written_the_dutch_way() -> None:
    assert explore.nl_number(1229771) == "1.229.771"
    assert explore.nl_number(64.8, 1) == "64,8" and explore.nl_number(12942.5, 1) == "12.942,5"
    assert explore.nl_number(999.6) == "1.000" and explore.nl_number(-1500) == "-1.500"
    assert explore.nl_number(None) == "–" and explore.nl_number(float("nan"), 2) == "–"


def test_overview_on_an_empty_store(tmp_path) -> None:
    Store(tmp_path / "empty.duckdb").close()
    with explore.open_store(tmp_path / "empty.duckdb") as store:
        assert explore.overview(store)["calls"] == 0
        assert explore.overview(store)["avoidable_share"] is None
        assert explore.weekly_totals(store).empty
        assert explore.date_range(store) is None
        assert explore.ranking(store).empty
        assert explore.topic_table(store).empty
        assert explore.topic_map(store).empty
        assert explore.top_spikes(store).empty


def test_open_store_errors_are_dutch(tmp_path) -> None:
    with pytest.raises(InputError, match="niet gevonden"):
        explore.open_store(tmp_path / "missing.duckdb")
    with Store(tmp_path / "old.duckdb") as store:
        store.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with pytest.raises(InputError, match="oudere versie.*analyseer opnieuw"):
        explore.open_store(tmp_path / "old.duckdb")
    con = duckdb.connect(str(tmp_path / "old.duckdb"), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "4"  # not migrated
    con.close()


def test_letter_detail_markup_and_notes(store) -> None:
    detail = explore.letter_detail(store, TOP_LETTER)
    assert detail["top_paragraph"] == 4
    assert not detail["findings"].empty and "officialese" in set(detail["findings"]["type"])
    assert detail["demand"]["soort"].tolist() == ["uitleg over brief of besluit"]
    html = explore.letter_markup(detail["letter"]["text"], detail["findings"], detail["paragraphs"], 4)
    assert html.count('<div class="hot"') == 1 and "<mark" in html
    hot = html.split('<div class="hot"', 1)[1].split("</div>", 1)[0]
    assert "onderhavige" in hot  # the officialese paragraph is the highlighted one
    notes = explore.example_notes(store, TOP_LETTER, n=5)
    assert notes[0] == NOTES["bezwaar"][0] and len(notes) == 3
    daily, source = explore.letter_calls_daily(store, TOP_LETTER)
    assert source == "attributed" and daily["calls"].max() >= 12
    assert explore.letter_detail(store, "bestaat-niet") is None


def test_letter_topics_show_where_a_letters_calls_come_from(app_store, tmp_path) -> None:
    path = tmp_path / "topics.duckdb"
    path.write_bytes(app_store.read_bytes())
    with Store(path) as s:
        own = s.con.execute("SELECT topic_id FROM letter_links WHERE template_id = ?", [TOP_LETTER]).fetchone()[0]
        other = s.con.execute("SELECT topic_id FROM letter_links WHERE template_id = 'grofvuil'").fetchone()[0]
        assert own != other
        theme = s.con.execute(
            "SELECT p.label FROM topics t JOIN topics p ON p.topic_id = t.parent WHERE t.topic_id = ?", [own]
        ).fetchone()
        # The bezwaar letter also gets 20 calls in grofvuil's topic, and a crumb that is not worth a row.
        s.con.execute(
            "INSERT INTO letter_links (template_id, topic_id, link_score, content_score, timing_score, mention_score, "
            "paragraph_no, attributed_calls, evidence_json, run_id) VALUES "
            "(?, ?, 0.3, 0.2, 0.6, 0.0, 2, 20.0, ?, 1), (?, 9999, 0.1, 0.1, 0.1, 0.0, 1, 0.2, NULL, 1)",
            [TOP_LETTER, other, json.dumps(["vraag over de afspraak in de brief"]), TOP_LETTER],
        )
    with explore.open_store(path) as s:
        topics = explore.letter_topics(s, TOP_LETTER)
        ranking = explore.ranking(s).set_index("template_id")
        assert explore.letter_topics(s, "bestaat-niet").empty
    own_calls = 56 + 3 * 12
    total = own_calls + 20 + 0.2
    assert topics["topic_id"].tolist() == [own, other]  # most calls first; the 0.2-call crumb is left out
    assert topics["attributed_calls"].tolist() == [own_calls, 20]
    assert topics["share"].tolist() == pytest.approx([own_calls / total, 20 / total])
    # All of the letter's calls in its own topic were typed as clarification; none of them are in the other topic.
    assert topics["avoidable_calls"].iloc[0] == pytest.approx(own_calls)
    assert pd.isna(topics["avoidable_calls"].iloc[1])
    assert topics["example"].tolist() == [NOTES["bezwaar"][0], "vraag over de afspraak in de brief"]
    assert topics["theme"].iloc[0] == (theme[0] if theme else None) or (
        theme is None and pd.isna(topics["theme"].iloc[0])
    )
    assert topics["paragraph_no"].tolist() == [4, 2] and topics["timing_score"].iloc[1] == pytest.approx(0.6)
    # The ranking says how much of each letter its top topic holds.
    assert ranking.loc[TOP_LETTER, "top_topic_share"] == pytest.approx(own_calls / total)
    assert ranking.loc[TOP_LETTER, "n_topics"] == 2
    assert ranking.loc["grofvuil", "top_topic_share"] == pytest.approx(1.0) and ranking.loc["grofvuil", "n_topics"] == 1


def test_letter_markup_escapes_and_skips_overlaps() -> None:
    findings = explore.findings_table(
        pd.DataFrame(
            [{"type": "officialese", "start_char": 0, "end_char": 6, "text": "Indien", "suggestion": "Als <b>"},
             {"type": "jargon", "start_char": 3, "end_char": 8, "text": "ien u", "suggestion": "x"}]
        )
    )  # fmt: skip
    html = explore.letter_markup("Indien <u> gaat", findings)
    assert html.count("<mark") == 1
    assert "&lt;u&gt;" in html and "Als &lt;b&gt;" in html
    assert explore.letter_markup("", findings.iloc[0:0]) == '<div class="letter"></div>'


def test_letter_markup_nests_words_in_long_sentences_in_the_paragraph() -> None:
    text = "Indien abc def.\n\nTweede zin."
    findings = explore.findings_table(
        pd.DataFrame(
            [{"type": "long_sentence", "start_char": 0, "end_char": 15, "text": text[:15], "suggestion": "Splits"},
             {"type": "officialese", "start_char": 0, "end_char": 6, "text": "Indien", "suggestion": "als"}]
        )
    )  # fmt: skip
    paragraphs = pd.DataFrame({"paragraph_no": [1, 2], "start_char": [0, 17], "end_char": [15, 28]})
    html = explore.letter_markup(text, findings, paragraphs, highlight=1)
    assert html == (
        '<div class="letter"><div class="hot" title="Over dit stuk wordt het meest gebeld">'
        '<span class="f-long_sentence" title="lange zin: Splits"><mark class="f-officialese" title="ambtelijk: als">'
        "Indien</mark> abc def.</span></div><br><br>Tweede zin.</div>"
    )


def test_trend_text_says_new_instead_of_an_empty_ratio() -> None:
    meta = pd.DataFrame({"topic_id": [1, 2, 3, 4], "label": list("abcd")})
    day = pd.Timestamp("2026-03-31")
    counts = pd.DataFrame({
        "topic_id": [1, 1, 2, 3],
        "day": [day, day - pd.Timedelta(days=30), day, day - pd.Timedelta(days=30)],
        "calls": [10, 8, 5, 4],
    })  # fmt: skip
    topics = explore.summarise_topics(meta, counts).set_index("topic_id", drop=False)
    shown = explore.trend_text(topics)
    # 10 calls now against 8 before; new now; gone now; never any calls
    assert shown.to_dict() == {1: "1,25", 2: "nieuw", 3: "0,00", 4: "–"}


def test_topics_table_map_daily_and_notes(store) -> None:
    topics = explore.topic_table(store)
    assert topics["calls"].sum() == store.count("calls")
    assert topics["share"].sum() == pytest.approx(1.0)
    biggest = int(topics["topic_id"].iloc[0])
    daily = explore.topic_daily(store, biggest)
    assert daily["calls"].sum() == topics["calls"].iloc[0]
    assert (pd.to_datetime(daily["day"]).diff().dropna() == pd.Timedelta(days=1)).all()
    notes = explore.topic_notes(store, biggest, n=3)
    assert len(notes) == 3
    points = explore.topic_map(store)
    if len(topics) >= 3:
        assert len(points) == len(topics) and points[["x", "y"]].notna().all().all()


def test_topic_letters_name_the_letters_behind_a_topic(store) -> None:
    own = store.con.execute("SELECT topic_id FROM letter_links WHERE template_id = ?", [TOP_LETTER]).fetchone()[0]
    size = store.con.execute("SELECT count(*) FROM call_topics WHERE topic_id = ?", [own]).fetchone()[0]
    letters = explore.topic_letters(store, own)
    assert letters["template_id"].tolist() == [TOP_LETTER] and letters["title"].tolist() == [TOP_TITLE]
    assert letters["attributed_calls"].iloc[0] == 56 + 3 * 12
    assert letters["share"].iloc[0] == pytest.approx((56 + 3 * 12) / size)
    assert letters["paragraph_no"].iloc[0] == 4 and "onderhavige" in letters["paragraph_text"].iloc[0]
    linked = set(store.con.execute("SELECT topic_id FROM letter_links").df()["topic_id"])
    unlinked = next(int(t) for t in explore.topic_table(store)["topic_id"] if int(t) not in linked)
    assert explore.topic_letters(store, unlinked).empty


def test_top_spikes_with_linked_letter(store) -> None:
    spikes = explore.top_spikes(store)
    assert len(explore.top_spikes(store, n=None)) >= len(spikes) >= len(explore.top_spikes(store, n=1)) == 1
    assert len(spikes)
    assert pd.Timestamp(spikes["peak"].iloc[0]).date() == dt.date(2026, 3, 10)
    assert spikes["letter_title"].iloc[0] == TOP_TITLE
    assert explore.top_spikes(store, dt.date(2026, 2, 1), dt.date(2026, 3, 1)).empty
    assert not spikes["topic_label"].str.startswith("thema: ").any()


def test_a_theme_spike_is_labelled_as_a_theme(app_store, tmp_path) -> None:
    path = tmp_path / "themes.duckdb"
    path.write_bytes(app_store.read_bytes())
    with Store(path) as s:
        theme, label = s.con.execute("SELECT topic_id, label FROM topics WHERE level = 0 LIMIT 1").fetchone()
        s.con.execute(
            'INSERT INTO spikes (topic_id, start, peak, "end", days, observed, expected, excess, level) '
            "VALUES (?, DATE '2026-03-16', DATE '2026-03-17', DATE '2026-03-18', 3, 400, 100, 300, 0)",
            [theme],
        )
    with explore.open_store(path) as s:
        top = explore.top_spikes(s).iloc[0]
    assert top["topic_id"] == theme and top["topic_label"] == f"thema: {label}"


def test_edit_topic_rename_and_merge(app_store, tmp_path) -> None:
    path = tmp_path / "copy.duckdb"
    path.write_bytes(app_store.read_bytes())
    with explore.open_store(path) as store:
        topics = explore.topic_table(store)
    first, second = (int(t) for t in topics["topic_id"].iloc[:2])
    explore.edit_topic(path, "rename", first, label="  Vragen over bezwaar  ")
    explore.edit_topic(path, "merge", second, target_id=first)
    with explore.open_store(path) as store:
        after = explore.topic_table(store).set_index("topic_id")
        assert after.loc[first, "label"] == "Vragen over bezwaar"
        assert second not in after.index
        assert after.loc[first, "calls"] == topics.set_index("topic_id").loc[[first, second], "calls"].sum()
        assert store.topic_edits()[0] == {first: "Vragen over bezwaar"}
    with pytest.raises(InputError, match="leeg"):
        explore.edit_topic(path, "rename", first, label=" ")
    with pytest.raises(InputError):
        explore.edit_topic(path, "merge", first, target_id=first)


def test_read_upload_types_and_limits(tmp_path) -> None:
    assert "bezwaar" in explore.read_upload("concept.txt", OFFICIALESE.encode("utf-8"))
    with pytest.raises(InputError, match="bestandstype"):
        explore.read_upload("concept.exe", b"MZ")
    with pytest.raises(InputError, match="groter dan"):
        explore.read_upload("groot.txt", b"a" * (explore.UPLOAD_MAX_BYTES + 1))
    with pytest.raises(InputError, match="leeg"):
        explore.read_upload("leeg.txt", b"")
    with pytest.raises(InputError, match="kapot.pdf"):
        explore.read_upload("kapot.pdf", b"%PDF-1.4 dit is geen pdf")


def test_check_draft_finds_officialese() -> None:
    result = explore.check_draft(OFFICIALESE)
    assert result["b1_verdict"] != "B1"
    types = set(result["findings_table"]["type"])
    assert "officialese" in types
    found = result["findings_table"]
    assert all(result["text"][s:e] == t for s, e, t in zip(found["start_char"], found["end_char"], found["text"]))
    assert explore.check_draft("")["b1_verdict"] == "onbekend"
    with pytest.raises(InputError, match=r"te lang om te controleren \(meer dan 50\.000 tekens\)"):
        explore.check_draft("woord " * 20_000)


def test_similar_letters_and_call_risk(store) -> None:
    model_id = explore.embedding_model(store)
    assert model_id == "hashing-64"
    paragraphs, vectors = explore.paragraph_vectors(store, model_id)
    assert len(paragraphs) == len(vectors) > 0
    # salutations and closings are stored, but every letter has them: they are not compared
    stored = store.con.execute("SELECT text FROM letter_paragraphs").df()["text"]
    assert stored.str.startswith(("Geachte", "Met vriendelijke groet")).sum() >= 2
    assert not paragraphs["text"].str.startswith(("Geachte", "Met vriendelijke groet")).any()
    draft = HashingEmbedder(64).encode([OFFICIALESE])
    similar = explore.similar_letters(draft, paragraphs, vectors, explore.ranking(store), k=3)
    assert similar["template_id"].iloc[0] == TOP_LETTER
    assert similar["similarity"].is_monotonic_decreasing
    risk = explore.call_risk(similar)
    rates = similar["calls_per_1000"]
    assert rates.min() <= risk["calls_per_1000"] <= rates.max()
    assert risk["low"] <= risk["calls_per_1000"] <= risk["high"]
    assert risk["neighbours"] == 3
    assert explore.call_risk(similar.iloc[0:0]) is None
    unsent = similar.assign(letters_sent=0)
    assert explore.call_risk(unsent) is None


def test_version_comparison_needs_a_previous_version(store) -> None:
    # The WOZ letter's version is valid from 2026-01-01, before every mailing: nothing to compare.
    assert explore.version_comparison(store, "woz-beschikking").empty


@pytest.mark.model
def test_similar_letters_with_the_real_model(tmp_path) -> None:
    path = build_app_store(tmp_path, embedding_model=USE_MODEL_ID)
    with explore.open_store(path) as store:
        assert explore.embedding_model(store) == USE_MODEL_ID
        paragraphs, vectors = explore.paragraph_vectors(store, USE_MODEL_ID)
        ranking = explore.ranking(store)
    draft = "Als u het niet eens bent met dit besluit, kunt u binnen zes weken bezwaar maken met het formulier."
    similar = explore.similar_letters(get_embedder(USE_MODEL_ID).encode([draft]), paragraphs, vectors, ranking, k=3)
    assert similar["template_id"].iloc[0] in {TOP_LETTER, "woz-beschikking"}  # both explain how to object
    assert similar["template_id"].iloc[-1] == "grofvuil"
    assert explore.call_risk(similar)["calls_per_1000"] > 0
    # A greeting and a closing in the draft must not decide what it resembles
    framed = [draft, "Geachte heer/mevrouw,", "Met vriendelijke groet,\nTeam Afval"]
    framed_sim = explore.similar_letters(
        get_embedder(USE_MODEL_ID).encode([p for p in framed if not is_boilerplate(p)]), paragraphs, vectors, ranking
    )
    assert not framed_sim["best_paragraph_text"].map(is_boilerplate).any()


def test_analysis_cost_per_call_comes_from_the_run_settings(store, tmp_path) -> None:
    assert explore.analysis_cost_per_call(store) == 5.5
    Store(tmp_path / "empty.duckdb").close()
    with explore.open_store(tmp_path / "empty.duckdb") as empty:
        assert explore.analysis_cost_per_call(empty) is None


def test_version_comparison_before_and_after_a_rewrite(app_store, tmp_path) -> None:
    path = tmp_path / "rewritten.duckdb"
    path.write_bytes(app_store.read_bytes())
    with Store(path) as store:
        store.con.execute("UPDATE letters SET valid_from = DATE '2026-03-15' WHERE template_id = ?", [TOP_LETTER])
        store.con.execute("INSERT INTO mailings VALUES (?, DATE '2026-03-20', 200, 'test', 1, 1)", [TOP_LETTER])
    with explore.open_store(path) as store:
        versions = explore.version_comparison(store, TOP_LETTER).set_index("periode")
    # Calls before 15 March: 41 background days + the 36-call burst; after: 15 days of one call.
    assert versions.loc["vorige versie", "letters_sent"] == 80
    assert versions.loc["vorige versie", "attributed_calls"] == 41 + 36
    assert versions.loc["huidige versie", "calls_per_1000"] == pytest.approx(1000 * 15 / 200)


def test_lag_profile_of_the_last_attribution(app_store, tmp_path) -> None:
    with explore.open_store(app_store) as s:  # written by analyze's linking step
        lags = explore.lag_profile(s)
    assert lags is not None and len(lags["profile"]) == 28
    assert lags["profile"]["share"].sum() == pytest.approx(1.0)
    assert 0 <= lags["peak"] < lags["most"] and lags["half"] <= lags["most"] <= 28
    # a known profile: nothing on the first two days, a quarter on each of days 2-5
    path = tmp_path / "writable.duckdb"
    path.write_bytes(app_store.read_bytes())
    profile = np.zeros(28)
    profile[2:6] = [0.2, 0.4, 0.2, 0.2]
    with Store(path) as s:
        s.replace_lag_profile(profile, learned=True, run_id=9)
        lags = explore.lag_profile(s)
        assert (lags["peak"], lags["half"], lags["most"], lags["learned"]) == (3, 4, 6, True)
        s.replace_lag_profile(np.zeros(0), learned=False, run_id=10)
        assert explore.lag_profile(s) is None  # nothing stored: no chart


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("5,50", 5.5), ("€ 5,50", 5.5), ("5.50", 5.5), ("5", 5.0), ("1.000", 1000.0), ("12,-", 12.0), (" 0,75 ", 0.75)],
)
def test_amounts_are_read_as_dutch_readers_type_them(typed: str, amount: float) -> None:
    assert explore.parse_nl_amount(typed) == pytest.approx(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "is geen bedrag"),
        ("vijf", "is geen bedrag"),
        ("5,5,0", "is geen bedrag"),
        ("-2", "is geen bedrag"),
        ("2.000,00", "valt buiten 0,00 tot 1.000,00"),
    ],
)
def test_other_input_is_refused_in_dutch(typed: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        explore.parse_nl_amount(typed)


def test_spikes_and_ranking_of_a_merged_topic_show_the_topic_it_went_into(app_store, tmp_path) -> None:
    path = tmp_path / "merged.duckdb"
    path.write_bytes(app_store.read_bytes())
    with Store(path) as store:
        spiked = int(explore.top_spikes(store, n=1)["topic_id"].iloc[0])
        other = int(store.topics().query("topic_id != @spiked and level == 1")["topic_id"].iloc[0])
        store.apply_topic_edit("rename", other, label="Samengevoegd onderwerp")
        store.apply_topic_edit("merge", spiked, target_id=other)
        assert explore.top_spikes(store, n=1)["topic_label"].iloc[0] == "Samengevoegd onderwerp"
        ranking = explore.ranking(store).set_index("template_id")
        tops = ranking.loc[ranking["top_topic"] == spiked, "top_topic_label"]
        assert (tops == "Samengevoegd onderwerp").all()
