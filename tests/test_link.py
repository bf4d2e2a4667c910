"""analyzer.link: the content matcher gives what TfidfVectorizer fitted on the same texts gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer import link

PARAGRAPHS = pd.DataFrame(
    [
        ("woz", 1, "Geachte heer of mevrouw,"),  # too short: not a linkable paragraph
        ("woz", 2, "Wij hebben de WOZ-waarde van uw woning vastgesteld op de waardepeildatum 1 januari."),
        ("woz", 3, "De waarde is bepaald met een modelmatige waardebepaling en vergelijkbare verkochte woningen."),
        ("woz", 4, "Bent u het niet eens met de waarde? Dan kunt u binnen zes weken bezwaar maken."),
        ("aanslag", 1, "U betaalt de aanslag in tien termijnen met automatische incasso van uw rekening."),
        ("aanslag", 2, "Op de aanslag staan de onroerendezaakbelasting, de rioolheffing en de afvalstoffenheffing."),
        ("stempas", 1, "Met deze stempas kunt u stemmen. Neem een geldig identiteitsbewijs mee naar het stembureau."),
    ],
    columns=["template_id", "paragraph_no", "text"],
)
TOPIC_DOCS = [
    "woz waarde te hoog buurman lager waardepeildatum snapt niet",
    "taxatie modelmatige waardebepaling vergelijkingswoningen",
    "bezwaar maken woz termijn zes weken",
    "automatische incasso termijnen aanslag afgeschreven",
    "stempas kwijt identiteitsbewijs stembureau",
    "container kapot ophalen",
    "",
]


def _reference_content(docs: list[str], paragraphs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    table = link.paragraph_table(paragraphs)
    texts = link._subject_texts(table)
    vectorizer = link._char_tfidf().fit(texts + docs)
    sims = (vectorizer.transform(docs) @ vectorizer.transform(texts).T).toarray()
    templates = sorted(table["template_id"].unique())
    scores = np.column_stack([sims[:, (table["template_id"] == t).to_numpy()].max(axis=1) for t in templates])
    best = np.column_stack(
        [table["paragraph_no"].to_numpy()[(table["template_id"] == t).to_numpy()][
            sims[:, (table["template_id"] == t).to_numpy()].argmax(axis=1)] for t in templates]
    )  # fmt: skip
    return scores, best


def _reference_focus(docs: list[str], paragraphs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    table = link.paragraph_table(paragraphs)
    sentences, rows = link._sentence_texts(table)
    vectorizer = link._char_tfidf().fit(docs)  # weights from the topics: what sets them apart decides
    sims = (vectorizer.transform(docs) @ vectorizer.transform(sentences).T).toarray()
    return table["paragraph_no"].to_numpy()[rows][sims.argmax(axis=1)], sims.max(axis=1)


def test_sentences_keep_abbreviations_inside_and_drop_short_ones() -> None:
    table = link.paragraph_table(pd.DataFrame({
        "template_id": ["a", "a"], "paragraph_no": [1, 2],
        "text": ["U betaalt o.a. de rioolheffing en de afvalstoffenheffing. Dank u wel.",
                 "Bezwaar maken kan binnen zes weken. Stuur uw bezwaarschrift naar de heffingsambtenaar."],
    }))  # fmt: skip
    sentences, rows = link._sentence_texts(table)
    assert rows.tolist() == [0, 1, 1]  # "Dank u wel." has too few subject words
    assert "rioolheffing" in sentences[0] and "afvalstoffenheffing" in sentences[0]


def test_content_scores_equal_a_tfidf_vectorizer_fitted_on_paragraphs_and_topics() -> None:
    scores, best = link.ContentMatcher(TOPIC_DOCS, PARAGRAPHS).content_scores()
    ref_scores, ref_best = _reference_content(TOPIC_DOCS, PARAGRAPHS)
    assert list(scores.columns) == ["aanslag", "stempas", "woz"]
    np.testing.assert_allclose(scores.to_numpy(), ref_scores, rtol=1e-12, atol=1e-12)
    assert (best.to_numpy() == ref_best).all()
    assert scores.loc[4, "stempas"] > scores.loc[4, "woz"] > 0  # the polling-card topic: its letter
    assert scores.loc[6].eq(0).all()  # an empty topic text matches nothing


@pytest.mark.parametrize("template", ["woz", "aanslag"])
def test_paragraph_focus_equals_a_tfidf_vectorizer_fitted_on_the_topics(template: str) -> None:
    rows = [0, 1, 2, 3, 5]
    matcher = link.ContentMatcher(TOPIC_DOCS, PARAGRAPHS)
    numbers, sims = matcher.paragraph_focus(template, rows)
    own = PARAGRAPHS[PARAGRAPHS["template_id"] == template]
    ref_numbers, ref_sims = _reference_focus([TOPIC_DOCS[r] for r in rows], own)
    assert numbers.tolist() == ref_numbers.tolist()
    np.testing.assert_allclose(sims, ref_sims, rtol=1e-12, atol=1e-12)
    if template == "woz":  # value, valuation method, objection: one paragraph each
        assert numbers[:3].tolist() == [2, 3, 4]
    # the one-letter wrapper gives the same
    wrapped, _ = link.paragraph_focus([TOPIC_DOCS[r] for r in rows], own)
    assert wrapped.tolist() == numbers.tolist()


def test_from_notes_counts_like_the_joined_topic_texts() -> None:
    subjects = ["woz waarde hoog", "waardepeildatum snapt niet", "woz waarde hoog", "stempas kwijt", "",
                "incasso termijnen", "stempas kwijt", "woz bezwaar"]  # fmt: skip
    rows = np.array([0, 0, 0, 2, 2, 1, 2, 0])
    joined = link.topic_documents(subjects, rows, 3, per_topic=3)
    assert joined[0] == "woz waarde hoog waardepeildatum snapt niet woz waarde hoog"  # the first three notes
    a = link.ContentMatcher(joined, PARAGRAPHS)
    b = link.ContentMatcher.from_notes(subjects, rows, 3, PARAGRAPHS, per_topic=3)
    assert (a._topics != b._topics).nnz == 0
    assert a.content_scores()[0].equals(b.content_scores()[0])
    for template in ("woz", "aanslag", "stempas"):
        x, y = a.paragraph_focus(template, [0, 1, 2]), b.paragraph_focus(template, [0, 1, 2])
        assert x[0].tolist() == y[0].tolist() and np.array_equal(x[1], y[1])


def test_paragraph_focus_is_decided_by_what_sets_a_topic_apart_not_by_the_letters_subject() -> None:
    # Every caller about a parking fine says "parkeerboete"; only the introduction names it. With
    # weights from the letter's sentences that word drew every topic to the introduction; with
    # weights from the letter's topics it counts little, and what each topic asks decides.
    letter = pd.DataFrame(
        [
            ("nha", 1, "Uw auto stond geparkeerd zonder parkeerkaartje, daarom krijgt u deze parkeerboete."),
            ("nha", 2, "Betaling van de naheffing houdt geen erkenning van de schuld in."),
            ("nha", 3, "De foto's van de constatering staan op onze website bij uw aanslagnummer."),
            ("nha", 4, "U kunt binnen zes weken bezwaar maken tegen deze naheffing."),
        ],
        columns=["template_id", "paragraph_no", "text"],
    )
    asks = ["schuld erkennen", "foto's vinden website", "bezwaar maken", "parkeerapp betaald", "kenteken klopt"]
    topics = [" ".join(f"parkeerboete {ask}" for _ in range(3)) for ask in asks]  # three notes each
    numbers, _ = link.ContentMatcher(topics, letter).paragraph_focus("nha", range(len(topics)))
    assert numbers[:3].tolist() == [2, 3, 4]
    # the letter's own sentence weights (the method before) send all of them to the introduction
    sentences, rows = link._sentence_texts(link.paragraph_table(letter))
    old = link._char_tfidf().fit(sentences)
    sims = (old.transform(topics) @ old.transform(sentences).T).toarray()
    assert set(letter["paragraph_no"].to_numpy()[rows][sims.argmax(axis=1)][:3]) == {1}


def test_the_learned_lag_profile_finds_the_delay_of_the_calls() -> None:
    # A year of five letters: three bulk or monthly mailings, one mailed every Monday (its lags 7
    # days apart are one column), one a small monthly batch; each letter's best topic gets a few
    # dozen to a few hundred calls on top of a weekday background. The calls come 2 days after a
    # mailing at the earliest and peak on day 4-5: per-day weights fitted per topic came out flat.
    rng = np.random.default_rng(11)
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    params, profiles = link.lag_family(28)
    truth = profiles[params.index((2, 3.0, 4.0))]
    sent = np.zeros((len(days), 5))
    sent[days.get_loc(pd.Timestamp("2026-03-02")), 0] = 40_000
    sent[days.get_loc(pd.Timestamp("2026-09-14")), 1] = 25_000
    sent[[days.get_loc(d) for d in days if d.day == 1], 2] = 3_000
    sent[[days.get_loc(d) for d in days if d.day_of_week == 0], 3] = 800
    sent[[days.get_loc(d) for d in days if d.day == 15], 4] = 300
    rates = np.array([0.004, 0.003, 0.005, 0.004, 0.01])  # calls per letter sent
    weekday = np.array([1.3, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0])[days.day_of_week]
    expected = np.column_stack([link.pressure(sent[:, j], truth) * rates[j] for j in range(5)]) + 1.5
    counts = rng.poisson(expected * weekday[:, None]).astype(float)
    factor = link.day_factors(pd.Series(counts.sum(axis=1), index=days)).to_numpy()
    learned = link.learn_lag_profile(counts, sent, factor, days, 28)
    assert learned is not None and learned.shape == (28,) and np.isclose(learned.sum(), 1.0)
    lags = np.arange(28)
    assert abs(int(learned.argmax()) - int(truth.argmax())) <= 1
    assert abs(float(lags @ learned) - float(lags @ truth)) <= 1.0  # mean delay within a day
    assert learned[:2].sum() < 0.05  # nothing before delivery
    # without any response in the data there is nothing to learn
    flat = rng.poisson(np.full((len(days), 2), 3.0) * weekday[:, None]).astype(float)
    assert link.learn_lag_profile(flat, sent[:, :2] * 0, factor, days, 28) is None
    # nor on days without any open contact centre
    assert link.learn_lag_profile(counts[:5], sent[:5], np.zeros(5), days[:5], 28) is None
