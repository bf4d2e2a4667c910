"""Letter links and attribution against the demo generator's ground truth.

Reads a store built by `analyzer analyze` on corpora/generated (e.g. by scripts/demo.sh) and the
generator's ground_truth.csv, re-runs the linking step (analyzer.pipeline.link_letters) and prints:
attributed calls per letter against the calls the generator caused (error in %), the share of
call-letter weight on the right letter, spike links (right letter top-1, unlinked, wrong), and
whether the top paragraph is the one the generator made unclear. With the generator's
mailings.csv (and bursts.csv, from a scenario) it also scores spikes as events: precision, recall
of the letter events, and whether each burst no letter caused stays unlinked.

    python benchmarks/bench_links.py --store demo.duckdb --truth corpora/generated/ground_truth.csv

The scoring is :func:`score`, which `bench_scenarios.py` uses too.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analyzer.pipeline import link_letters, topic_calls
from analyzer.settings import Settings
from analyzer.store import Store

ROOT = Path(__file__).resolve().parents[1]
LETTERS_DIR = ROOT / "corpora" / "letters"
MAX_LAG_DAYS = 16  # the generator's longest lag between sending a letter and the call
EVENT_GAP_DAYS = 3  # mailings of one template this close together make one event (26 and 27 Feb)
EVENT_CONTEXT = pd.Timedelta(days=28)  # an event holds at least EVENT_SHARE of its template's
EVENT_SHARE = 0.5  # letters sent within EVENT_CONTEXT of it (weekly batches are no events)


def read_truth(path: str | Path) -> pd.DataFrame:
    """ground_truth.csv as the scoring expects it: strings, empty cells as NaN."""
    return pd.read_csv(path, dtype=str)


def score(
    store: Store,
    truth: pd.DataFrame,
    letters_dir: str | Path = LETTERS_DIR,
    mailings: pd.DataFrame | None = None,
    bursts: pd.DataFrame | None = None,
    min_caused: int = 500,
    min_event_calls: int = 25,
) -> dict[str, Any]:
    """Score a store's letter links and attribution against the generator's truth.

    ``truth`` is ground_truth.csv (:func:`read_truth`); ``mailings`` the generator's mailings.csv
    and ``bursts`` its bursts.csv, both optional. A spike is *letter-caused* when at least half of
    its calls (its topic, its days) come from one letter, a *burst spike* when at least half are of
    a burst's topic and it overlaps the burst. A letter *event* is a group of one template's
    mailings at most ``EVENT_GAP_DAYS`` apart that holds at least half the template's letters sent
    within four weeks of it (so a bulk or monthly mailing, not one of a weekly series) and whose
    letter-caused calls within ``MAX_LAG_DAYS`` reach ``min_event_calls``; it is found when a
    spike mostly of its letter's calls overlaps that window, and linked when such a spike is
    linked to the letter. Letters with at least
    ``min_caused`` caused calls are the "big" ones whose counts should be within ±15%.
    """
    attribution = store.table("letter_attribution").set_index("template_id")
    weights = store.table("call_letters")
    spikes = store.table("spikes")
    calls = topic_calls(store, ("call_id", "timestamp"))
    result: dict[str, Any] = {}

    caused = truth[truth["template_id"].notna()]["template_id"].value_counts()
    table = pd.DataFrame({"caused": caused, "attributed": attribution["attributed_calls"]}).fillna(0)
    table["low"] = attribution["attributed_low"]
    table["high"] = attribution["attributed_high"]
    table["error_%"] = (100 * (table["attributed"] - table["caused"]) / table["caused"]).round(1)
    table["in_range"] = (table["low"] <= table["caused"]) & (table["caused"] <= table["high"])
    result["letters"] = table.sort_values("caused", ascending=False)
    big = table[table["caused"] >= min_caused]
    result["min_caused"] = min_caused
    result["big_letters"] = len(big)
    result["within_15"] = int((big["error_%"].abs() <= 15).sum())
    result["within_25"] = int((big["error_%"].abs() <= 25).sum())
    result["total_error_%"] = 100 * (big["attributed"].sum() / big["caused"].sum() - 1) if len(big) else float("nan")

    true_letter = truth.set_index("call_id")["template_id"]
    weights["true"] = weights["call_id"].map(true_letter)
    right_weight = weights.loc[weights["true"] == weights["template_id"], "weight"].sum()
    result["precision"] = right_weight / weights["weight"].sum() if len(weights) else float("nan")
    result["recall"] = right_weight / truth["template_id"].notna().sum()

    calls["truth"] = calls["call_id"].map(true_letter)
    calls["truth_topic"] = calls["call_id"].map(truth.set_index("call_id")["topic"])
    calls["day"] = pd.to_datetime(calls["timestamp"]).dt.normalize()
    spikes = spikes.assign(start=pd.to_datetime(spikes["start"]), end=pd.to_datetime(spikes["end"]))
    windows = []
    for b in [] if bursts is None else bursts.itertuples():
        windows.append((b.burst, b.topic, pd.Timestamp(b.start), pd.Timestamp(b.end)))
    ok = unlinked = wrong = caused_spikes = false_links = burst_spikes = 0
    causes, burst_of = [], []
    for spike in spikes.itertuples():
        column = "theme_id" if getattr(spike, "level", 1) == 0 else "topic_id"  # a theme's spike: all its topics
        inside = calls[(calls[column] == spike.topic_id) & calls["day"].between(spike.start, spike.end)]
        share = inside["truth"].value_counts(normalize=True, dropna=False)
        cause = share.index[0] if len(share) and isinstance(share.index[0], str) and share.iloc[0] >= 0.5 else None
        topics = inside["truth_topic"].value_counts(normalize=True)
        burst = next(
            (name for name, topic, start, end in windows
             if spike.start <= end and spike.end >= start and topics.get(topic, 0.0) >= 0.5),
            None,
        )  # fmt: skip
        causes.append(cause)
        burst_of.append(burst)
        linked = None if pd.isna(spike.template_id) else spike.template_id
        if cause is None:
            false_links += linked is not None
            burst_spikes += burst is not None
            continue
        caused_spikes += 1
        ok += linked == cause
        unlinked += linked is None
        wrong += linked is not None and linked != cause
    spikes = spikes.assign(cause=causes, burst=burst_of)
    n_linked = int(spikes["template_id"].notna().sum())
    result["spikes"] = {
        "spikes": len(spikes), "letter_caused": caused_spikes, "right_top1": ok, "unlinked": unlinked,
        "wrong": wrong, "false_links": false_links, "linked": n_linked, "burst_spikes": burst_spikes,
        "right_top1_share": ok / max(caused_spikes, 1), "false_link_share": false_links / max(n_linked, 1),
        "precision": (caused_spikes + burst_spikes) / max(len(spikes), 1),
    }  # fmt: skip
    if mailings is not None:
        result["events"] = _letter_events(mailings, calls, spikes, min_event_calls)
    if bursts is not None:
        result["bursts"] = [
            {
                "burst": name, "topic": topic, "start": start.date(), "end": end.date(),
                "spikes": int((spikes["burst"] == name).sum()),
                "linked": sorted(spikes.loc[spikes["burst"] == name, "template_id"].dropna().unique()),
            }
            for name, topic, start, end in windows
        ]  # fmt: skip

    hits = total = 0
    for path in sorted(Path(letters_dir).glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if front.get("confusing_paragraph") and path.stem in attribution.index:
            total += 1
            top = attribution.at[path.stem, "top_paragraph"]
            hits += pd.notna(top) and int(top) == int(front["confusing_paragraph"])
    result["top_paragraph"] = (hits, total)
    return result


def _letter_events(mailings: pd.DataFrame, calls: pd.DataFrame, spikes: pd.DataFrame, min_calls: int) -> dict:
    """Recall of letter events: which bulk mailings show up as a spike, and linked to their letter."""
    sent = mailings.assign(day=pd.to_datetime(mailings["sent_date"])).sort_values(["template_id", "day"])
    letter_days = calls[calls["truth"].notna()]
    rows = []
    for template, group in sent.groupby("template_id"):
        days = group["day"].tolist()
        starts = [0] + [i for i in range(1, len(days)) if (days[i] - days[i - 1]).days > EVENT_GAP_DAYS]
        mine = letter_days[letter_days["truth"] == template]
        counts = group["count"].astype(int).tolist()
        for a, b in zip(starts, starts[1:] + [len(days)]):
            first, last = days[a], days[b - 1] + pd.Timedelta(days=MAX_LAG_DAYS)
            near = group["day"].between(days[a] - EVENT_CONTEXT, days[b - 1] + EVENT_CONTEXT)
            if sum(counts[a:b]) < EVENT_SHARE * group.loc[near, "count"].astype(int).sum():
                continue  # one of a steady series of batches: a raised level, not a spike
            n = int(mine["day"].between(first, last).sum())
            if n < min_calls:
                continue
            near = spikes[(spikes["start"] <= last) & (spikes["end"] >= first) & (spikes["cause"] == template)]
            rows.append((template, first.date(), n, len(near) > 0, bool((near["template_id"] == template).any())))
    events = pd.DataFrame(rows, columns=["template_id", "sent", "calls", "found", "linked"])
    return {
        "table": events, "min_calls": min_calls, "events": len(events),
        "found": int(events["found"].sum()), "linked": int(events["linked"].sum()),
    }  # fmt: skip


def print_score(result: dict[str, Any]) -> None:
    """The figures of :func:`score`, as bench_links has always printed them."""
    table = result["letters"]
    print(table.round(0).to_string())
    print(f"letters with >= {result['min_caused']} caused calls: {result['big_letters']}; "
          f"within +-15%: {result['within_15']}; within +-25%: {result['within_25']}; "
          f"total error {result['total_error_%']:.1f}%")  # fmt: skip
    print(f"share of call-letter weight on the right letter (precision): {result['precision']:.3f}")
    print(f"letter-caused calls recovered with the right letter (recall, weighted): {result['recall']:.3f}")
    s = result["spikes"]
    print(f"spikes: {s['spikes']}; letter-caused (>= 50% of their calls from one letter): {s['letter_caused']}; "
          f"right letter top-1: {s['right_top1']} ({s['right_top1_share']:.1%}); unlinked: {s['unlinked']}; "
          f"wrong letter: {s['wrong']}; linked although not letter-caused: {s['false_links']}")  # fmt: skip
    if "events" in result:
        e = result["events"]
        print(f"spike precision (letter-caused or burst): {s['precision']:.1%}; letter events "
              f"(>= {e['min_calls']} calls): {e['events']}, found as a spike {e['found']}, "
              f"linked to the right letter {e['linked']}")  # fmt: skip
    for b in result.get("bursts", []):
        print(f"burst {b['burst']} ({b['topic']}, {b['start']}..{b['end']}): {b['spikes']} spikes, "
              f"linked to {', '.join(b['linked']) or 'no letter'}")  # fmt: skip
    hits, total = result["top_paragraph"]
    print(f"top paragraph = the generator's confusing paragraph: {hits} of {total} unclear letters")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="demo.duckdb")
    parser.add_argument("--truth", default="corpora/generated/ground_truth.csv")
    parser.add_argument("--mailings", default=None, help="the generator's mailings.csv (adds spike events)")
    parser.add_argument("--bursts", default=None, help="the generator's bursts.csv, from a scenario")
    args = parser.parse_args()
    truth = read_truth(args.truth)
    mailings = None if args.mailings is None else pd.read_csv(args.mailings, dtype={"template_id": str})
    bursts = None if args.bursts is None else pd.read_csv(args.bursts, dtype=str)
    with Store(args.store) as store:
        started = time.perf_counter()
        linked_letters, linked_spikes = link_letters(store, run_id=0, settings=Settings())
        seconds = time.perf_counter() - started
        result = score(store, truth, LETTERS_DIR, mailings, bursts)
    print(f"link_letters: {seconds:.1f} s, {linked_letters} letters with calls, {linked_spikes} spikes linked")
    print_score(result)


if __name__ == "__main__":
    main()
