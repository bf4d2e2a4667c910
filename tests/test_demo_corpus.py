"""The whole analysis on a generated demo corpus, checked against the generator's ground truth.

Real components: the corpus generator, the packaged USE model, the DuckDB file store. The corpus
is smaller than the demo's (12,000 calls) to keep CI fast; the ground truth file is read only
here, never by the analysis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_corpus_generator import LETTERS, load_generator

from analyzer.embed import get_embedder, use_model_path
from analyzer.pipeline import analyze, topic_calls
from analyzer.settings import Settings
from analyzer.store import Store
from analyzer.text_nl import PLACEHOLDER, stop_words

pytestmark = pytest.mark.model

N_CALLS = 12_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    if not use_model_path().is_file():
        pytest.fail(f"embedding model missing at {use_model_path()}: run scripts/setup.sh")
    tmp = tmp_path_factory.mktemp("demo")
    out = load_generator().generate(tmp / "generated", n_calls=N_CALLS, seed=7, year=2026, letters_dir=LETTERS)
    settings = Settings(store_path=str(tmp / "demo.duckdb"), use_deduce=False)
    embedder = get_embedder(settings.embedding_model)
    with Store(settings.store_path) as store:
        summary = analyze(store, [out["calls"]], LETTERS, out["mailings"], settings, embedder=embedder, progress=False)
    truth = pd.read_csv(out["ground_truth"], dtype=str)
    return {"store": Path(settings.store_path), "truth": truth, "summary": summary}


def _topics_with_truth(demo: dict) -> pd.DataFrame:
    with Store(demo["store"], read_only=True) as store:
        assigned = store.con.execute(
            "SELECT a.call_id, a.topic_id, t.parent AS theme FROM call_topics a JOIN topics t USING (topic_id)"
        ).df()
    return assigned.merge(demo["truth"], on="call_id", validate="one_to_one")


def test_every_call_gets_a_topic(demo: dict) -> None:
    frame = _topics_with_truth(demo)
    assert len(frame) == N_CALLS
    assert frame["topic_id"].notna().all() and frame["theme"].notna().all()


def test_calls_about_one_letter_mostly_share_a_theme(demo: dict) -> None:
    """The issue's check: notes generated for the same letter mostly land in one topic (theme level)."""
    frame = _topics_with_truth(demo)
    letter_calls = frame[frame["template_id"].notna()]
    biggest_share = letter_calls.groupby("template_id")["theme"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    weights = letter_calls["template_id"].value_counts()
    weighted = float((biggest_share * weights).sum() / weights.sum())
    assert weighted >= 0.5, biggest_share.sort_values().to_dict()
    assert (biggest_share >= 0.5).mean() >= 0.5, biggest_share.sort_values().to_dict()
    # and themes are not one catch-all: no theme holds 40% of all calls. Measured: 32.3% while names at the start
    # of a note ("Nadia Demir vraagt ...") still reached the subjects without deduce, 34.5% since they are [NAAM]
    # (2026-12-07); the 100,000-call demo, pseudonymised with deduce, gives 27%.
    assert frame["theme"].value_counts(normalize=True).iloc[0] < 0.4


def test_topic_labels_are_dutch_words_without_filler(demo: dict) -> None:
    with Store(demo["store"], read_only=True) as store:
        topics = store.topics()
    stops = stop_words()
    for label, keywords in zip(topics["label"], topics["keywords"], strict=True):
        assert label and not PLACEHOLDER.search(label), label
        for word in keywords:
            assert not PLACEHOLDER.search(word), (label, word)
            assert not set(word.split()) & stops, (label, word)


# --------------------------------------------------------------------------- letters (issue #4)


def _confusing_paragraphs() -> dict[str, int]:
    """The paragraph the generator made unclear, per unclear letter (front matter the analysis never reads)."""
    import yaml

    out = {}
    for path in LETTERS.glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if front.get("confusing_paragraph"):
            out[path.stem] = int(front["confusing_paragraph"])
    return out


def _unclear_letters() -> set[str]:
    return set(_confusing_paragraphs())


def test_report_puts_unclear_letters_on_top(demo: dict) -> None:
    from analyzer.report import letter_ranking

    with Store(demo["store"], read_only=True) as store:
        ranking = letter_ranking(store)
    top = ranking.head(5)["template_id"].tolist()
    unclear = _unclear_letters()
    assert len(set(top) & unclear) >= 4, ranking[["template_id", "avoidable_calls", "attributed_calls"]].head(8)
    # the two letters the generator made cause the most calls lead the ranking
    truth = demo["truth"]
    caused = truth[truth["template_id"].notna()]["template_id"].value_counts()
    assert set(ranking.head(3)["template_id"]) >= set(caused.index[:2])
    # ... with the paragraph that causes the calls: for at least half of the unclear letters among the
    # top 6, the top paragraph is the one the generator made unclear (4 of 5 on this corpus on
    # 2026-12-06; 9 of 12 unclear letters on the 100,000-call demo, benchmarks/README.md)
    confusing = _confusing_paragraphs()
    leaders = ranking.head(6)
    leaders = leaders[leaders["template_id"].isin(confusing)]
    right = (leaders["top_paragraph"] == leaders["template_id"].map(confusing)).sum()
    assert len(leaders) >= 4 and right / len(leaders) >= 0.5, leaders[["template_id", "top_paragraph"]]


def test_attributed_calls_track_the_truth_for_the_big_letters(demo: dict) -> None:
    with Store(demo["store"], read_only=True) as store:
        attributed = store.table("letter_attribution").set_index("template_id")["attributed_calls"]
    truth = demo["truth"]
    caused = truth[truth["template_id"].notna()]["template_id"].value_counts()
    big = caused[caused >= 300].index
    ratio = attributed.reindex(big).fillna(0) / caused[big]
    # Measured on this corpus: within 0.5-1.3 for the big letters (benchmarks/README.md, "Letter links");
    # the goal of +-15% is not met yet, so this guards against regressions, not the goal.
    assert ratio.between(0.4, 1.5).mean() >= 0.7, ratio.round(2).to_dict()


def test_spikes_after_mailings_are_linked_to_the_letter(demo: dict) -> None:
    with Store(demo["store"], read_only=True) as store:
        spikes = store.table("spikes")
        calls = topic_calls(store, ("call_id", "timestamp"))
    truth = demo["truth"].set_index("call_id")["template_id"]
    calls["template_id"] = calls["call_id"].map(truth)
    calls["day"] = pd.to_datetime(calls["timestamp"]).dt.normalize()
    right = letter_caused = false_links = 0
    for spike in spikes.itertuples():
        column = "theme_id" if spike.level == 0 else "topic_id"  # a theme's spike covers all its topics
        inside = calls[(calls[column] == spike.topic_id) & calls["day"].between(spike.start, spike.end)]
        share = inside["template_id"].value_counts(normalize=True, dropna=False)
        cause = share.index[0] if len(share) and isinstance(share.index[0], str) and share.iloc[0] >= 0.5 else None
        if cause is not None:
            letter_caused += 1
            right += spike.template_id == cause
        elif spike.template_id is not None and not pd.isna(spike.template_id):
            false_links += 1
    assert letter_caused >= 5
    assert right / letter_caused >= 0.6, (right, letter_caused)
    assert false_links <= max(1, 0.1 * len(spikes))


def test_avoidable_contact_is_classified_for_every_call(demo: dict) -> None:
    with Store(demo["store"], read_only=True) as store:
        demand = store.table("call_demand")
    assert len(demand) == N_CALLS
    truth = demo["truth"].set_index("call_id")["demand_type"]
    avoidable_truth = (truth.reindex(demand["call_id"]) != "value").to_numpy()
    agree = (demand["avoidable"].to_numpy() == avoidable_truth).mean()
    assert agree >= 0.7, agree
