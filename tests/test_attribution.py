"""analyzer.attribution on small synthetic years with known causes (fast; no model, no store).

Two letters and three call topics: a tax assessment mailed once in bulk (its calls follow the
mailing, so timing shows them), a benefit decision mailed every Tuesday in the same volume (its
calls look like the topic's background, so timing cannot show them), and a topic no letter
causes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer import link
from analyzer.attribution import _fit_topic, _version_parts, attribute, current_version_since
from analyzer.link import LinkSettings

YEAR = pd.date_range("2026-01-01", "2026-12-31", freq="D")
LAG = np.array([0.0, 0.05, 0.2, 0.25, 0.2, 0.12, 0.08, 0.05, 0.03, 0.02])  # calls per day after a mailing

SUBJECTS = {  # fmt: skip
    1: [
        "aanslag termijnen betalen automatische incasso",
        "aanslag termijnen incasso vraag",
        "termijnen aanslag betalen",
    ],
    2: [
        "bijstandsuitkering inlichtingenplicht inkomsten",
        "inlichtingenplicht bijstand boete",
        "bijstandsuitkering inkomsten",
    ],
    3: ["paspoort afspraak maken balie", "afspraak paspoort ophalen", "paspoort aanvragen afspraak"],
    # little in common with any letter: "rekening" and "afgeschreven" only faintly recall the tax letter
    4: ["geld van rekening afgeschreven bedrag klopt", "bedrag afgeschreven klopt niet", "rekening geld weg"],
    5: ["geld van rekening afgeschreven bedrag klopt", "bedrag afgeschreven klopt niet", "rekening geld weg"],
}
PARAGRAPHS = {
    "aanslag": ["U betaalt de aanslag in tien termijnen met automatische incasso van uw rekening."],
    "bijstand": ["U krijgt een bijstandsuitkering. U hebt een inlichtingenplicht: geef inkomsten op tijd door."],
}


def _series(rng: np.random.Generator, mailings: pd.DataFrame, template: str, rate: float) -> np.ndarray:
    """Expected letter-caused calls per day of ``template``."""
    sent = np.zeros(len(YEAR))
    for row in mailings[mailings["template_id"] == template].itertuples():
        sent[YEAR.get_loc(pd.Timestamp(row.sent_date))] += row.count
    return np.convolve(sent, LAG)[: len(YEAR)] * rate


def _year(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    rng = np.random.default_rng(seed)
    tuesdays = [d for d in YEAR if d.day_of_week == 1]
    mailings = pd.DataFrame(
        [("aanslag", "2026-03-02", 40_000)] + [("bijstand", d.date().isoformat(), 300) for d in tuesdays],
        columns=["template_id", "sent_date", "count"],
    )
    weekday = np.array([1.3, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0])[YEAR.day_of_week]
    expected = {
        (1, "aanslag"): _series(rng, mailings, "aanslag", 0.02),
        (1, None): np.full(len(YEAR), 3.0),
        (2, "bijstand"): _series(rng, mailings, "bijstand", 0.01),
        (2, None): np.full(len(YEAR), 2.0),
        (3, None): np.full(len(YEAR), 6.0),
        (4, "aanslag"): _series(rng, mailings, "aanslag", 0.005),
        (4, None): np.full(len(YEAR), 1.0),
        (5, None): np.full(len(YEAR), 3.0),
    }
    rows, caused = [], {"aanslag": 0, "bijstand": 0, "aanslag_weak": 0}
    for (topic, template), mean in expected.items():
        n = rng.poisson(mean * weekday)
        for day in np.flatnonzero(n):
            for _ in range(n[day]):
                subject = SUBJECTS[topic][rng.integers(len(SUBJECTS[topic]))]
                rows.append((YEAR[day] + pd.Timedelta(hours=10), topic, subject))
        if template:
            caused[template if topic != 4 else "aanslag_weak"] += int(n.sum())
    calls = pd.DataFrame(rows, columns=["timestamp", "topic_id", "subject"])
    calls["text"] = "kl belt, " + calls["subject"]
    calls.insert(0, "call_id", [f"C{i:06d}" for i in range(len(calls))])
    return calls, mailings, caused


@pytest.fixture(scope="module")
def result():
    calls, mailings, caused = _year()
    paragraphs = pd.DataFrame(
        [(t, i + 1, text) for t, texts in PARAGRAPHS.items() for i, text in enumerate(texts)],
        columns=["template_id", "paragraph_no", "text"],
    )
    letters = pd.DataFrame(
        {"template_id": ["aanslag", "bijstand"], "title": ["Aanslag gemeentelijke belastingen", "Besluit bijstand"],
         "kenmerk": [None, None]}
    )  # fmt: skip
    out = attribute(calls, paragraphs, letters, mailings)
    return out, caused


def test_a_bulk_mailing_is_attributed_and_shown_by_timing(result) -> None:
    out, caused = result
    row = out.letters.set_index("template_id").loc["aanslag"]
    total = caused["aanslag"] + caused["aanslag_weak"]
    assert abs(row["attributed_calls"] / total - 1) <= 0.15, (row["attributed_calls"], caused)
    assert row["timing_shown_calls"] >= 0.9 * row["attributed_calls"]
    assert row["attributed_low"] <= total <= row["attributed_high"]


def test_a_steady_weekly_mailing_is_not_shown_by_timing_and_its_range_says_so(result) -> None:
    out, caused = result
    row = out.letters.set_index("template_id").loc["bijstand"]
    assert row["timing_shown_calls"] < 0.5 * max(row["attributed_calls"], 1.0)
    assert row["attributed_low"] <= caused["bijstand"] <= row["attributed_high"]
    # the range is wide because timing cannot decide: it spans at least the topic's background
    assert row["attributed_high"] - row["attributed_low"] >= 0.5 * caused["bijstand"]


def test_a_topic_no_letter_causes_gets_no_calls_attributed(result) -> None:
    out, _ = result
    assert not {3, 5} & set(out.links["topic_id"])
    weights = out.call_letters
    assert weights["weight"].between(0, 1).all()


def test_fit_topic_keeps_a_response_timing_shows_and_drops_one_the_baseline_imitates() -> None:
    rng = np.random.default_rng(0)
    n = 200
    weekday = np.eye(7)[np.arange(n) % 7]
    burst = np.zeros(n)
    burst[60:75] = np.linspace(40, 0, 15)
    steady = np.tile([0.0, 5.0, 3.0, 2.0, 1.0, 1.0, 1.0], n // 7 + 1)[:n]  # weekly, same every week
    X = np.column_stack([burst, steady, weekday])
    y = rng.poisson(burst + 0.8 * steady + 4.0).astype(float)
    coef, shown = _fit_topic(X, y, n_letters=2, min_f=10.0)
    assert coef[0] > 0.5
    assert 0 in shown and 1 not in shown


def test_weak_content_links_only_where_timing_shows_the_letter(result) -> None:
    calls, _, caused = _year()
    topic_ids, rows = np.unique(calls["topic_id"].to_numpy(), return_inverse=True)
    docs = link.topic_documents(calls["subject"], rows, len(topic_ids))
    paragraphs = pd.DataFrame([("aanslag", 1, PARAGRAPHS["aanslag"][0]), ("bijstand", 1, PARAGRAPHS["bijstand"][0])],
                              columns=["template_id", "paragraph_no", "text"])  # fmt: skip
    content, _ = link.content_scores(docs, paragraphs)
    settings = LinkSettings()
    for topic in (4, 5):  # below a candidate's minimum, above the weak tier's
        score = content.at[list(topic_ids).index(topic), "aanslag"]
        assert settings.weak_content <= score < settings.min_content, score
    out, _ = result
    linked = out.links.set_index("topic_id")
    assert linked.loc[4, "template_id"] == "aanslag"  # its calls follow the mailing
    assert abs(linked.loc[4, "attributed_calls"] / caused["aanslag_weak"] - 1) <= 0.3
    assert 5 not in linked.index  # same words, no response to the mailing: stays unlinked


def test_a_theme_spike_is_linked_through_its_topics() -> None:
    calls, mailings, _ = _year()
    calls["theme_id"] = calls["topic_id"].map({1: 100, 4: 100}).fillna(calls["topic_id"]).astype(int)
    paragraphs = pd.DataFrame([("aanslag", 1, PARAGRAPHS["aanslag"][0]), ("bijstand", 1, PARAGRAPHS["bijstand"][0])],
                              columns=["template_id", "paragraph_no", "text"])  # fmt: skip
    letters = pd.DataFrame({"template_id": ["aanslag", "bijstand"], "title": ["Aanslag", "Bijstand"], "kenmerk": None})
    spikes = pd.DataFrame([
        {"topic_id": 100, "start": "2026-03-03", "peak": "2026-03-05", "end": "2026-03-10", "excess": 500.0,
         "level": 0},
        {"topic_id": 3, "start": "2026-06-02", "peak": "2026-06-02", "end": "2026-06-03", "excess": 30.0,
         "level": 1},
    ])  # fmt: skip
    out = attribute(calls, paragraphs, letters, mailings, spikes=spikes).spikes.set_index("topic_id")
    assert out.loc[100, "template_id"] == "aanslag" and out.loc[100, "link_score"] >= 0.5
    assert pd.isna(out.loc[3, "template_id"])


def test_top_paragraph_is_where_the_avoidable_calls_come_from() -> None:
    calls, mailings, _ = _year()
    paragraphs = pd.DataFrame(
        [("aanslag", 1, PARAGRAPHS["aanslag"][0]),
         ("aanslag", 2, "Is er geld van uw rekening afgeschreven en klopt het bedrag niet? Bel ons dan."),
         ("bijstand", 1, PARAGRAPHS["bijstand"][0])],
        columns=["template_id", "paragraph_no", "text"],
    )  # fmt: skip
    letters = pd.DataFrame({"template_id": ["aanslag", "bijstand"], "title": ["Aanslag", "Bijstand"], "kenmerk": None})
    plain = attribute(calls, paragraphs, letters, mailings)
    links = plain.links[plain.links["template_id"] == "aanslag"].set_index("topic_id")
    assert links.loc[1, "paragraph_no"] == 1 and links.loc[4, "paragraph_no"] == 2
    # without demand types: the paragraph with the most calls (topic 1 has five times topic 4's)
    assert plain.letters.set_index("template_id").at["aanslag", "top_paragraph"] == 1
    # topic 4's callers need an explanation, topic 1's only ask for a service: paragraph 2 is the one to rewrite
    demand = pd.DataFrame({"call_id": calls["call_id"], "demand_type": "value", "avoidable": calls["topic_id"] == 4})
    demand.loc[demand["avoidable"], "demand_type"] = "clarification"
    typed = attribute(calls, paragraphs, letters, mailings, demand=demand)
    assert typed.letters.set_index("template_id").at["aanslag", "top_paragraph"] == 2


def test_fit_topic_shows_a_letter_whose_twin_mailed_the_same_days_explains_nothing() -> None:
    """Two letters mailed on the same days (a WOZ decision and the tax assessment) have nearly the
    same pressure. NNLS gives the calls to one; leaving that one out then only moves the weight to
    its twin, so testing it against the twin would find nothing. The twin leaves first."""
    rng = np.random.default_rng(1)
    n = 200
    weekday = np.eye(7)[np.arange(n) % 7]
    response = np.zeros(n)
    response[60:75] = np.linspace(30, 0, 15)
    twin = 1.02 * response + rng.normal(0, 0.05, n).clip(0)  # the other letter, mailed the same days
    y = rng.poisson(response + 2.0).astype(float)
    coef, shown = _fit_topic(np.column_stack([response, twin, weekday]), y, n_letters=2, min_f=10.0)
    assert (coef[:2] > 0).sum() == 1  # NNLS picks one of the twins
    assert shown == {int(np.argmax(coef[:2]))}
    quiet = rng.poisson(np.full(n, 2.0)).astype(float)  # no response at all: neither is shown
    assert _fit_topic(np.column_stack([response, twin, weekday]), quiet, n_letters=2, min_f=10.0)[1] == set()


def test_weak_candidates_bring_the_theme_letters_in_the_topic_own_content_order() -> None:
    combined = pd.DataFrame(
        {"woz": [0.6, 0.02, 0.03, 0.0], "aanslag": [0.5, 0.04, 0.0, 0.0], "paspoort": [0.1, 0.08, 0.0, 0.4]}
    )
    settings = LinkSettings()
    candidates = link.link_candidates(combined, settings)
    assert candidates == [["woz", "aanslag"], [], [], ["paspoort"]]
    siblings = [[0, 1, 2], [0, 1, 2], [0, 1, 2], [3]]
    weak = link.weak_candidates(combined, candidates, settings, siblings, sizes=[100, 10, 10, 50])
    # topic 1: the theme names woz and aanslag; its own faint content ranks paspoort, aanslag, woz
    assert weak[1] == ["paspoort", "aanslag", "woz"]
    assert weak[2] == ["woz", "aanslag"]
    assert weak[0] == ["paspoort"]  # its own candidates are left out; paspoort is faint content
    assert weak[3] == []  # alone in its theme, nothing faint
    assert link.weak_candidates(combined, candidates, settings)[2] == []  # without themes: content only


def test_a_paraphrasing_topic_is_linked_through_its_theme_only_when_timing_shows_the_letter() -> None:
    """Topic 6 shares no words with any letter (callers paraphrase) but sits in the theme of the
    tax letter's topic 1; its calls follow the mailing, so it is linked. Topic 7, same theme and
    same words, gets calls all year round: it stays unlinked."""
    calls, mailings, caused = _year()
    rng = np.random.default_rng(9)
    weekday = np.array([1.3, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0])[YEAR.day_of_week]
    extra = []
    for topic, mean in ((6, _series(rng, mailings, "aanslag", 0.004) + 0.2), (7, np.full(len(YEAR), 1.5))):
        n = rng.poisson(mean * weekday)
        for day in np.flatnonzero(n):
            extra += [(YEAR[day] + pd.Timedelta(hours=11), topic, "waarom zo veel ineens vorig jaar minder")] * n[day]
    more = pd.DataFrame(extra, columns=["timestamp", "topic_id", "subject"])
    more["text"] = "kl belt, " + more["subject"]
    more.insert(0, "call_id", [f"X{i:06d}" for i in range(len(more))])
    calls = pd.concat([calls, more], ignore_index=True)
    calls["theme_id"] = calls["topic_id"].map({1: 1, 4: 1, 5: 1, 6: 1, 7: 1}).fillna(calls["topic_id"]).astype(int)
    paragraphs = pd.DataFrame([("aanslag", 1, PARAGRAPHS["aanslag"][0]), ("bijstand", 1, PARAGRAPHS["bijstand"][0])],
                              columns=["template_id", "paragraph_no", "text"])  # fmt: skip
    letters = pd.DataFrame({"template_id": ["aanslag", "bijstand"], "title": ["Aanslag", "Besluit bijstand"],
                            "kenmerk": [None, None]})  # fmt: skip
    out = attribute(calls, paragraphs, letters, mailings)
    linked = out.links.set_index("topic_id")
    assert linked.loc[6, "template_id"] == "aanslag" and linked.loc[6, "content_score"] < 0.05
    assert 7 not in linked.index
    assert 3 not in linked.index and 5 not in linked.index


def _rewritten_year(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[bool, float]]:
    """A monthly letter rewritten on 1 June (calls per letter 0.03 before, 0.004 after) in a topic
    with a steady background; returns calls, mailings, letters and the true calls per 1,000 letters
    sent before and after the rewrite (calls split by their date, as the app's version table does)."""
    rng = np.random.default_rng(seed)
    since = pd.Timestamp("2026-06-01")
    firsts = [d for d in YEAR if d.day == 2]
    mailings = pd.DataFrame(
        [("paspoort", d.date().isoformat(), 4_000) for d in firsts], columns=["template_id", "sent_date", "count"]
    )
    before = mailings.assign(count=np.where(pd.to_datetime(mailings["sent_date"]) < since, mailings["count"], 0))
    after = mailings.assign(count=mailings["count"] - before["count"])
    caused = rng.poisson(_series(rng, before, "paspoort", 0.03) + _series(rng, after, "paspoort", 0.004))
    background = rng.poisson(np.full(len(YEAR), 4.0))
    days = np.repeat(np.arange(len(YEAR)), caused + background)
    subjects = ["paspoort verloopt wat moet ik meenemen", "paspoort afspraak maken", "id-kaart verloopt brief"]
    calls = pd.DataFrame({
        "call_id": [f"C{i:06d}" for i in range(len(days))],
        "timestamp": YEAR[days] + pd.Timedelta(hours=10), "topic_id": 1,
        "subject": [subjects[i % 3] for i in range(len(days))],
    })  # fmt: skip
    calls["text"] = calls["subject"]
    letters = pd.DataFrame({"template_id": ["paspoort"], "title": ["Uw paspoort verloopt"], "kenmerk": [None],
                            "version": ["2"], "valid_from": [since.date()]})  # fmt: skip
    sent_before = before["count"].sum()
    truth = {
        True: 1000 * caused[YEAR < since].sum() / sent_before,
        False: 1000 * caused[YEAR >= since].sum() / (mailings["count"].sum() - sent_before),
    }
    return calls, mailings, letters, truth


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_rewritten_letter_gets_a_call_rate_per_version(seed: int) -> None:
    calls, mailings, letters, truth = _rewritten_year(seed)
    text = "Uw paspoort verloopt. Maak een afspraak en neem uw oude paspoort mee."
    paragraphs = pd.DataFrame({"template_id": ["paspoort"], "paragraph_no": [1], "text": [text]})
    out = attribute(calls, paragraphs, letters, mailings)
    weights = out.call_letters.merge(calls[["call_id", "timestamp"]], on="call_id")
    early = pd.to_datetime(weights["timestamp"]) < pd.Timestamp("2026-06-01")
    sent = pd.to_datetime(mailings["sent_date"]) < pd.Timestamp("2026-06-01")
    rate = {
        True: 1000 * weights.loc[early, "weight"].sum() / mailings.loc[sent, "count"].sum(),
        False: 1000 * weights.loc[~early, "weight"].sum() / mailings.loc[~sent, "count"].sum(),
    }
    # one coefficient for both versions would average them: the old text's rate too low, the new
    # one's far too high, and the rewrite's effect (truth: about 7x fewer calls) shrunk to ~1.5x
    assert rate[False] <= 2.0 * truth[False], (rate, truth)
    assert rate[True] / rate[False] >= 0.5 * truth[True] / truth[False], (rate, truth)


def test_version_parts_split_the_mailings_where_the_new_text_took_effect() -> None:
    days = pd.date_range("2026-01-01", periods=10, freq="D")
    sent = np.array([0, 5, 0, 0, 7, 0, 3, 0, 0, 0], dtype=float)
    before, after = _version_parts(sent, days, pd.Timestamp("2026-01-05"))
    assert before.tolist() == [0, 5, 0, 0, 0, 0, 0, 0, 0, 0]
    assert after.tolist() == [0, 0, 0, 0, 7, 0, 3, 0, 0, 0]
    assert len(_version_parts(sent, days, None)) == 1
    assert len(_version_parts(sent, days, pd.Timestamp("2025-06-01"))) == 1  # all mailings of the new text
    frame = pd.DataFrame({
        "template_id": ["a", "b", "c", "d", "e"], "version": ["1", "2", "v3", "1.1", None],
        "valid_from": ["2026-01-01", "2026-06-01", "2026-07-01", "2026-06-01", "2026-06-01"],
    })  # fmt: skip
    assert current_version_since(frame) == {"b": pd.Timestamp("2026-06-01"), "c": pd.Timestamp("2026-07-01")}


PASSPORT = "Uw paspoort verloopt binnenkort. Maak op tijd een afspraak bij burgerzaken en neem een pasfoto mee."
PASSPORT_SUBJECTS = {
    1: ["paspoort verloopt pasfoto meenemen", "paspoort verlopen wat meenemen afspraak", "pasfoto paspoort verloopt"],
    2: ["briefadres aanvragen bij burgerzaken", "inschrijving adres burgerzaken", "briefadres afspraak maken"],
}


def _seasonal_year(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """A letter mailed monthly in seasonal volumes (topic 1 answers it) and a topic that shares a few words
    with it (topic 2, "briefadres") whose calls no letter causes but that rise and fall with the same season."""
    rng = np.random.default_rng(seed)
    volume = np.array([300, 400, 700, 1000, 1300, 1300, 1000, 700, 400, 300, 300, 300]) * 10
    sends = [pd.Timestamp(2026, month, 5) + pd.offsets.BDay(0) for month in range(1, 13)]
    mailings = pd.DataFrame({"template_id": "paspoort", "sent_date": [d.date().isoformat() for d in sends],
                             "count": volume})  # fmt: skip
    sent = np.zeros(len(YEAR))
    sent[[YEAR.get_loc(d) for d in sends]] = volume
    weekday = np.array([1.3, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0])[YEAR.day_of_week]
    caused_mean = np.convolve(sent, LAG)[: len(YEAR)] * 0.002
    means = {1: caused_mean + 1.0, 2: 1.0 + 6.0 * volume[YEAR.month - 1] / volume.max()}
    rows, caused = [], 0
    for topic, mean in means.items():
        for part, part_mean in ((True, caused_mean), (False, mean - caused_mean)) if topic == 1 else ((False, mean),):
            n = rng.poisson(part_mean * weekday)
            caused += int(n.sum()) if part else 0
            for day in np.repeat(np.arange(len(YEAR)), n):
                subject = PASSPORT_SUBJECTS[topic][rng.integers(3)]
                rows.append((YEAR[day] + pd.Timedelta(hours=10), topic, subject))
    calls = pd.DataFrame(rows, columns=["timestamp", "topic_id", "subject"])
    calls["text"] = "kl belt, " + calls["subject"]
    calls.insert(0, "call_id", [f"C{i:06d}" for i in range(len(calls))])
    return calls, mailings, caused


@pytest.mark.parametrize("seed", [1, 3])
def test_a_letter_timing_shows_elsewhere_gets_no_calls_where_it_only_shares_words_and_a_season(seed: int) -> None:
    calls, mailings, caused = _seasonal_year(seed)
    paragraphs = pd.DataFrame([("paspoort", 1, PASSPORT)], columns=["template_id", "paragraph_no", "text"])
    letters = pd.DataFrame({"template_id": ["paspoort"], "title": ["Uw paspoort verloopt"], "kenmerk": [None]})
    topic_ids, rows = np.unique(calls["topic_id"].to_numpy(), return_inverse=True)
    content, _ = link.content_scores(link.topic_documents(calls["subject"], rows, len(topic_ids)), paragraphs)
    firm = 0.25
    assert LinkSettings().min_content <= content.at[1, "paspoort"] < firm < content.at[0, "paspoort"]

    def attributed(settings: LinkSettings) -> dict[int, float]:
        out = attribute(calls, paragraphs, letters, mailings, settings=settings)
        return out.links.set_index("topic_id")["attributed_calls"].to_dict()

    loose = attributed(LinkSettings(firm_content=0.0))
    assert loose.get(2, 0.0) >= 10  # without the rule, NNLS hands the letter part of topic 2's season
    firm_links = attributed(LinkSettings(firm_content=firm))
    assert 2 not in firm_links  # timing shows the letter in topic 1, not in topic 2: no calls there
    assert abs(firm_links[1] / caused - 1) <= 0.15 and firm_links[1] == pytest.approx(loose[1])
