"""Page render time of the Streamlit app (AppTest, headless): first load, a re-run, and a new period.

    .venv/bin/python benchmarks/bench_app.py --store demo.duckdb [--scale 15] [--repeats 3]

The store is copied to a temporary folder first and the copy migrated to the current schema. With
``--scale N`` the copy's calls are replicated N times (new call ids, same timestamps and texts, the
same topics, demand and letter weights), so ``--scale 15`` on the 100k-call demo store gives 1.5M
calls for the page queries without re-running the analysis; topic and spike tables keep their size.
Where the store has no attribution yet, stand-in demand and letter rows are written first
(:func:`fill_attribution`) so the letter queries do their full work.

Per page it prints: ``first`` (cold: empty data cache, models not loaded in that page yet), ``rerun``
(the same page again: cached data, what a user sees when clicking around) and ``new period`` (the
sidebar's period changed: every query runs again, models stay loaded). Goal of issue #6: <= 2 s
per page after the first load. The draft check (Concept controleren) is timed on a one-page letter
(corpora/letters/woz-beschikking.md); its ``first`` includes loading the word lists and the model,
which scripts/serve.sh does in the background when the server starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = [None, "views/brieven.py", "views/gesprekken.py", "views/concept.py"]
# A one-page letter (about 400 words) as the draft: every re-run scores and embeds it again (not cached).
DRAFT = (ROOT / "corpora" / "letters" / "woz-beschikking.md").read_text(encoding="utf-8").split("---", 2)[2]


def fill_attribution(con) -> bool:
    """Stand-in demand and attribution rows where the analysis has not made them yet: every call a
    demand type by a hash of its id, a third of the calls attributed to a letter, so that the pages'
    queries touch as many rows as with real attribution (the figures themselves mean nothing)."""
    if con.execute("SELECT count(*) FROM call_letters").fetchone()[0]:
        return False
    types = ["value", "clarification", "progress_chasing", "repeat", "wrong_channel", "error_correction"]
    letters = [r[0] for r in con.execute("SELECT template_id FROM letters ORDER BY 1").fetchall()]
    con.execute(
        "INSERT INTO call_demand SELECT call_id, list_extract(?, (hash(call_id) % 6)::INTEGER + 1), "
        "hash(call_id) % 6 <> 0, 0.9, 'bench', 0 FROM calls",
        [types],
    )
    con.execute(
        "INSERT INTO call_letters SELECT call_id, list_extract(?, (hash(call_id) // 3 % ?)::INTEGER + 1), 1.0, 0 "
        "FROM calls WHERE hash(call_id) % 3 = 0",
        [letters, len(letters)],
    )
    con.execute(
        """
        INSERT INTO letter_attribution
        SELECT cl.template_id, m.sent, sum(cl.weight), 0.8 * sum(cl.weight), 1.2 * sum(cl.weight),
               sum(cl.weight) FILTER (WHERE d.avoidable), 1000 * sum(cl.weight) / m.sent,
               5.5 * sum(cl.weight) FILTER (WHERE d.avoidable), NULL, 1, '{}', 0
        FROM call_letters cl JOIN call_demand d USING (call_id)
        JOIN (SELECT template_id, sum(count) AS sent FROM mailings GROUP BY 1) m USING (template_id)
        GROUP BY cl.template_id, m.sent
        """
    )
    return True


def scale_store(path: Path, factor: int) -> None:
    """Replicate every call (and its topic, demand and letter rows) ``factor`` times in place."""
    import duckdb

    con = duckdb.connect(str(path))
    if fill_attribution(con):
        print("no attribution in the store: stand-in demand and letter rows written")
    for table, cols in [
        ("calls", '"timestamp", text, channel, duration_s, reason, agent, source_file, source_row, row_hash, run_id'),
        ("call_topics", "topic_id, confidence, low_confidence, run_id"),
        ("call_demand", "demand_type, avoidable, confidence, method, run_id"),
    ]:
        con.execute(
            f"INSERT INTO {table} SELECT call_id || '-x' || k AS call_id, {cols} "  # noqa: S608 — fixed names
            f"FROM {table}, range(1, {factor}) r(k)"
        )
    con.execute(
        "INSERT INTO call_letters SELECT call_id || '-x' || k, template_id, weight, run_id "
        f"FROM call_letters, range(1, {factor}) r(k)"
    )
    con.execute("UPDATE topics SET size = size * ?", [factor])
    con.close()


def timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"de pagina gaf een fout: {at.exception[0].value}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", default=str(ROOT / "demo.duckdb"))
    parser.add_argument("--scale", type=int, default=1, help="replicate the calls N times (1: as they are)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        shutil.copyfile(args.store, store)
        from analyzer import explore
        from analyzer.store import Store

        Store(store).close()  # the copy is migrated to the current schema (the app itself never migrates)
        t = time.perf_counter()
        scale_store(store, max(args.scale, 1))
        if args.scale > 1:
            print(f"store x{args.scale} in {time.perf_counter() - t:.1f} s")
        with explore.open_store(store) as s:
            calls, span = s.count("calls"), explore.date_range(s)
        print(f"store: {calls:,} calls, {span[0]} .. {span[1]}; cpu cores: {os.cpu_count()}")

        os.environ["ANALYZER_STORE"] = str(store)
        from streamlit.testing.v1 import AppTest

        print(f"{'page':<22} {'first':>8} {'rerun':>8} {'new period':>11}")
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            if page:
                at.run()
                at.switch_page(page)
            first = timed_run(at)
            if page == "views/concept.py":
                at.text_area(key="concept_tekst").input(DRAFT)
                first = timed_run(at)  # first draft check: loads the readability lexicons and the model
            reruns = []
            for i in range(args.repeats):
                if page == "views/concept.py":  # a new text each time: nothing of the check is cached
                    at.text_area(key="concept_tekst").input(f"{DRAFT}\nVersie {i}.")
                reruns.append(timed_run(at))
            periods = []
            for i in range(args.repeats):
                start = span[0] + dt.timedelta(days=7 * (i + 1))
                at.sidebar.date_input(key="period").set_value((start, span[1] - dt.timedelta(days=i)))
                periods.append(timed_run(at))
            name = (page or "views/overzicht.py").removeprefix("views/").removesuffix(".py")
            print(f"{name:<22} {first:>7.2f}s {statistics.median(reruns):>7.2f}s {statistics.median(periods):>10.2f}s")


if __name__ == "__main__":
    main()
