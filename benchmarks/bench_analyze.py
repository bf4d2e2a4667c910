"""The whole `analyze` on generated calls: seconds per step, peak memory, and the issue's ratio.

Generates N calls with the demo generator (seed 7) into a temporary folder, runs
analyzer.pipeline.analyze with the real embedding model into a fresh store, and prints the time
of each step, the peak resident memory of the process, and how much the steps after embedding
add to the embedding time (issue #4's goal: at most 25%).

    python benchmarks/bench_analyze.py --calls 100000
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import tempfile
import time
from pathlib import Path

from analyzer.pipeline import analyze
from analyzer.settings import Settings
from analyzer.store import Store

ROOT = Path(__file__).resolve().parents[1]
AFTER_EMBEDDING = ("topics", "spikes", "demand", "links")


def load_generator():
    spec = importlib.util.spec_from_file_location("kcc_corpus_generate", ROOT / "corpora" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--no-deduce", action="store_true", help="rules-only pseudonymisation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        out = load_generator().generate(tmp / "generated", n_calls=args.calls, seed=7, year=2026)
        print(f"generated {args.calls:,} calls in {time.perf_counter() - started:.0f} s")
        settings = Settings(store_path=str(tmp / "bench.duckdb"), use_deduce=not args.no_deduce)
        started = time.perf_counter()
        with Store(settings.store_path) as store:
            summary = analyze(
                store, [out["calls"]], ROOT / "corpora" / "letters", out["mailings"], settings, progress=False
            )
        total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"analyze: {total:.0f} s in all, peak RSS {peak:.2f} GiB")
    for name, seconds in summary.seconds.items():
        print(f"  {name:<8} {seconds:8.1f} s")
    embed = summary.seconds.get("embed", 0.0)
    after = sum(summary.seconds.get(name, 0.0) for name in AFTER_EMBEDDING)
    print(f"embedded {summary.embedded:,} texts; steps after embedding: {after:.0f} s = "
          f"{after / embed:.0%} of the embedding time (goal <= 25%)")  # fmt: skip
    print(f"topics {summary.topics}, spikes {summary.spikes} ({summary.linked_spikes} linked), "
          f"avoidable {summary.avoidable_calls:,}, letters with calls {summary.linked_letters}")  # fmt: skip


if __name__ == "__main__":
    main()
