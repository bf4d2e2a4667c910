"""Ingest + pseudonymisation throughput on generated KCC notes (not a test: prints figures).

    .venv/bin/python benchmarks/bench_ingest.py --calls 100000

Times each stage separately on one generated calls file: reading and validating, pseudonymising
(rules only, and rules + deduce), and writing to a DuckDB store; then the whole
``analyze`` ingest path (without embeddings), and prints rows/s per stage.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_analyze import load_generator  # noqa: E402  (this folder is on sys.path when run as a script)

from analyzer.ingest.calls import read_calls  # noqa: E402
from analyzer.pipeline import ingest_calls  # noqa: E402
from analyzer.privacy import Pseudonymiser  # noqa: E402
from analyzer.settings import Settings  # noqa: E402
from analyzer.store import Store  # noqa: E402


def timed(label: str, n: int, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"| {label:<42} | {n:>9,} | {seconds:8.1f} s | {n / seconds:>10,.0f} rows/s |")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-deduce", action="store_true")
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, cores: {__import__('os').cpu_count()}, "
        f"python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gen = load_generator()
        t0 = time.perf_counter()
        gen.generate(tmp / "data", n_calls=args.calls, seed=args.seed)
        print(f"generated {args.calls:,} calls in {time.perf_counter() - t0:.1f} s")
        calls_csv = tmp / "data" / "calls.csv"

        print("| stage                                      |      rows |     time |     throughput |")
        print("|---|---:|---:|---:|")
        batch, _ = timed("read + validate CSV", args.calls, lambda: read_calls(calls_csv))
        texts = batch.accepted["text"].tolist()
        rules = Pseudonymiser(use_deduce=False)
        timed("pseudonymise (rules only)", len(texts), lambda: rules.pseudonymise_many(texts))
        if not args.skip_deduce:
            full = Pseudonymiser(use_deduce=True)
            full.pseudonymise("warm-up: mevr. Jansen belt")
            _, deduce_s = timed("pseudonymise (rules + deduce)", len(texts), lambda: full.pseudonymise_many(texts))
        settings = Settings(use_deduce=not args.skip_deduce, embedding_model="hashing-64")
        pseudo = (full if not args.skip_deduce else rules).pseudonymise_many
        with Store(tmp / "bench.duckdb") as store:
            run_id = store.start_run("bench", {})
            counts, total = timed(
                "ingest_calls end to end (read..store)",
                args.calls,
                lambda: ingest_calls(store, calls_csv, settings, run_id, pseudo),
            )
            assert counts.reconciles()
            _, again = timed(
                "re-ingest same file (idempotent)",
                args.calls,
                lambda: ingest_calls(store, calls_csv, settings, run_id, pseudo),
            )
            print(f"\nstored calls: {store.count('calls'):,}, quarantined: {store.count('quarantine'):,}")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {peak_mb:,.0f} MB")
        print(f"re-ingest / first ingest time ratio: {again / total:.2f}")


if __name__ == "__main__":
    main()
