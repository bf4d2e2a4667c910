"""Letter links and attribution against the demo generator's ground truth.

Reads a store built by `analyzer analyze` on corpora/generated (e.g. by scripts/demo.sh) and the
generator's ground_truth.csv, re-runs the linking step (analyzer.pipeline.link_letters) and prints:
attributed calls per letter against the calls the generator caused (error in %), the share of
call-letter weight on the right letter, spike links (right letter top-1, unlinked, wrong), and
whether the top paragraph is the one the generator made unclear.

    python benchmarks/bench_links.py --store demo.duckdb --truth corpora/generated/ground_truth.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
import yaml

from analyzer.pipeline import link_letters
from analyzer.settings import Settings
from analyzer.store import Store

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="demo.duckdb")
    parser.add_argument("--truth", default="corpora/generated/ground_truth.csv")
    args = parser.parse_args()
    truth = pd.read_csv(args.truth, dtype=str)
    with Store(args.store) as store:
        started = time.perf_counter()
        linked_letters, linked_spikes = link_letters(store, run_id=0, settings=Settings())
        seconds = time.perf_counter() - started
        attribution = store.table("letter_attribution").set_index("template_id")
        weights = store.table("call_letters")
        spikes = store.table("spikes")
        calls = store.con.execute(
            'SELECT call_id, "timestamp", topic_id FROM calls JOIN call_topics USING (call_id)'
        ).df()
    print(f"link_letters: {seconds:.1f} s, {linked_letters} letters with calls, {linked_spikes} spikes linked")

    caused = truth[truth["template_id"].notna()]["template_id"].value_counts()
    table = pd.DataFrame({"caused": caused, "attributed": attribution["attributed_calls"]}).fillna(0)
    table["low"] = attribution["attributed_low"]
    table["high"] = attribution["attributed_high"]
    table["error_%"] = (100 * (table["attributed"] - table["caused"]) / table["caused"]).round(1)
    table["in_range"] = (table["low"] <= table["caused"]) & (table["caused"] <= table["high"])
    print(table.sort_values("caused", ascending=False).round(0).to_string())
    big = table[table["caused"] >= 500]
    total_error = 100 * (big["attributed"].sum() / big["caused"].sum() - 1)
    within15, within25 = (big["error_%"].abs() <= 15).sum(), (big["error_%"].abs() <= 25).sum()
    print(f"letters with >= 500 caused calls: {len(big)}; within +-15%: {within15}; within +-25%: {within25}; "
          f"total error {total_error:.1f}%")  # fmt: skip

    true_letter = truth.set_index("call_id")["template_id"]
    weights["true"] = weights["call_id"].map(true_letter)
    right = weights.loc[weights["true"] == weights["template_id"], "weight"].sum() / weights["weight"].sum()
    print(f"share of call-letter weight on the right letter (precision): {right:.3f}")
    letter_calls = truth["template_id"].notna().sum()
    got = weights.loc[weights["true"] == weights["template_id"], "weight"].sum()
    print(f"letter-caused calls recovered with the right letter (recall, weighted): {got / letter_calls:.3f}")

    calls["truth"] = calls["call_id"].map(true_letter)
    calls["day"] = pd.to_datetime(calls["timestamp"]).dt.normalize()
    ok = unlinked = wrong = caused_spikes = false_links = 0
    for spike in spikes.itertuples():
        inside = calls[(calls["topic_id"] == spike.topic_id) & calls["day"].between(spike.start, spike.end)]
        share = inside["truth"].value_counts(normalize=True, dropna=False)
        cause = share.index[0] if len(share) and isinstance(share.index[0], str) and share.iloc[0] >= 0.5 else None
        linked = None if pd.isna(spike.template_id) else spike.template_id
        if cause is None:
            false_links += linked is not None
            continue
        caused_spikes += 1
        ok += linked == cause
        unlinked += linked is None
        wrong += linked is not None and linked != cause
    print(f"spikes: {len(spikes)}; letter-caused (>= 50% of their calls from one letter): {caused_spikes}; "
          f"right letter top-1: {ok} ({ok / max(caused_spikes, 1):.1%}); unlinked: {unlinked}; wrong letter: {wrong}; "
          f"linked although not letter-caused: {false_links}")  # fmt: skip

    hits = total = 0
    for path in sorted((ROOT / "corpora" / "letters").glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if front.get("confusing_paragraph") and path.stem in attribution.index:
            total += 1
            top = attribution.at[path.stem, "top_paragraph"]
            hits += pd.notna(top) and int(top) == int(front["confusing_paragraph"])
    print(f"top paragraph = the generator's confusing paragraph: {hits} of {total} unclear letters")


if __name__ == "__main__":
    main()
