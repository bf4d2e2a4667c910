"""Letter links on the generator's harder scenarios, scored against the known truth (issue #4).

For each scenario of corpora/kcc_model.yaml (and `default` as the reference) this generates N
calls (seed 7) into a temporary folder, runs analyzer.pipeline.analyze with the real embedding
model into a fresh store (rules-only pseudonymisation, `use_deduce=False`, to save time: it does
not change what linking sees beyond the odd masked name), and scores it with bench_links.score:
right letter top-1 per letter-caused spike, spikes linked although not letter-caused, whether the
bursts no letter caused stay unlinked, spike precision and recall of letter events, attributed
against caused calls per letter, and the scenario letters (clear, overlapping) one by one.

    python benchmarks/bench_scenarios.py --calls 20000
    python benchmarks/bench_scenarios.py --calls 20000 --scenarios default hard
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analyzer.embed import get_embedder
from analyzer.pipeline import analyze
from analyzer.settings import Settings
from analyzer.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import load_generator  # noqa: E402
from bench_links import LETTERS_DIR, read_truth, score  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.python_version()}"


def scenario_letters(gen, name: str) -> dict[str, list[str]]:
    """The letters a scenario is about: clear bulk ones (a rate override) and overlapping ones."""
    model = yaml.safe_load(gen.MODEL_PATH.read_text(encoding="utf-8"))
    mailings = (gen.scenario_spec(model, name) or {"mailings": []})["mailings"]
    return {
        "clear": sorted({m["template"] for m in mailings if "rate" in m}),
        "overlap": sorted({m["template"] for m in mailings if "rate" not in m}),
    }


def run_scenario(gen, name: str, n_calls: int, tmp: Path, embedder) -> dict[str, Any]:
    """Generate, analyze and score one scenario."""
    started = time.perf_counter()
    out = gen.generate(tmp / name, n_calls=n_calls, seed=7, year=2026, scenario=name)
    settings = Settings(store_path=str(tmp / f"{name}.duckdb"), use_deduce=False)
    with Store(settings.store_path) as store:
        summary = analyze(
            store, [out["calls"]], LETTERS_DIR, out["mailings"], settings, embedder=embedder, progress=False
        )
        result = score(
            store,
            read_truth(out["ground_truth"]),
            LETTERS_DIR,
            mailings=pd.read_csv(out["mailings"], dtype={"template_id": str}),
            bursts=pd.read_csv(out["bursts"], dtype=str) if "bursts" in out else None,
            min_caused=round(0.005 * n_calls),
            min_event_calls=max(15, n_calls // 1000),
        )
    result["seconds"] = time.perf_counter() - started
    result["analyze_seconds"] = summary.seconds
    return result


def _count(table: pd.DataFrame, template: str) -> str:
    if template not in table.index:
        return "—"
    row = table.loc[template]
    sign = f"{row['error_%']:+.0f}%" if row["caused"] else "n/a"
    return f"{row['attributed']:.0f} / {row['caused']:.0f} ({sign})"


def rows(results: dict[str, dict[str, Any]], focus: dict[str, list[str]]) -> pd.DataFrame:
    """One column per scenario, one row per measure (with the issue's goals); ``focus`` names the
    clear and overlapping letters of the scenarios, shown for every scenario to compare."""
    out: dict[str, dict[str, str]] = {}
    for name, r in results.items():
        s, e, table = r["spikes"], r["events"], r["letters"]
        col = {
            "spikes found": f"{s['spikes']}",
            "letter-caused spikes (≥ 50% one letter)": f"{s['letter_caused']}",
            "right letter top-1 (goal ≥ 95%)": f"{s['right_top1']} ({s['right_top1_share']:.0%})",
            "letter-caused: unlinked / wrong letter": f"{s['unlinked']} / {s['wrong']}",
            "linked although not letter-caused (goal ≤ 5% of linked)": (
                f"{s['false_links']} of {s['linked']} ({s['false_link_share']:.1%})"
            ),
            "spike precision (letter-caused or burst)": f"{s['precision']:.0%}",
            f"letter events found as a spike (≥ {e['min_calls']} calls)": f"{e['found']} of {e['events']}",
            "letter events linked to the right letter": f"{e['linked']} of {e['events']}",
        }
        bursts = r.get("bursts", [])
        col["bursts: spikes / linked to a letter"] = (
            "; ".join(f"{b['burst']} {b['spikes']} / {', '.join(b['linked']) or 'none'}" for b in bursts) or "—"
        )
        col[f"letters with ≥ {r['min_caused']} caused within ±15% (goal all)"] = (
            f"{r['within_15']} of {r['big_letters']}"
        )
        col["total attributed / caused − 1, those letters"] = f"{r['total_error_%']:+.1f}%"
        col["call-letter weight precision / recall"] = f"{r['precision']:.3f} / {r['recall']:.3f}"
        for kind in ("clear", "overlap"):
            for template in focus[kind]:
                col[f"{kind}: {template}, attributed / caused"] = _count(table, template)
        col["analyze + score (s)"] = f"{r['seconds']:.0f}"
        out[name] = col
    return pd.DataFrame(out).fillna("")


def markdown(frame: pd.DataFrame) -> str:
    """A GitHub table of ``frame`` (index as the first column), without the tabulate package."""
    lines = ["| measure | " + " | ".join(frame.columns) + " |", "|---|" + "---:|" * len(frame.columns)]
    lines += [f"| {index} | " + " | ".join(str(v) for v in row) + " |" for index, row in frame.iterrows()]
    return "\n".join(lines)


def main() -> None:
    gen = load_generator()
    names = gen.scenario_names()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--scenarios", nargs="+", default=names, choices=names)
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and stores in this folder")
    args = parser.parse_args()
    print(f"command: python benchmarks/bench_scenarios.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"machine: {machine()}; date: {dt.datetime.now().isoformat(timespec='minutes')}")
    settings = Settings()
    embedder = get_embedder(settings.embedding_model)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) if args.keep is None else args.keep
        for name in args.scenarios:
            results[name] = run_scenario(gen, name, args.calls, folder, embedder)
            r = results[name]
            print(f"\n== {name}: {args.calls:,} calls, {r['seconds']:.0f} s "
                  f"({', '.join(f'{k} {v:.0f}' for k, v in r['analyze_seconds'].items())})")  # fmt: skip
            if len(r["events"]["table"]):
                missed = r["events"]["table"].query("not linked")
                missed = ", ".join(f"{t.template_id} {t.sent} ({t.calls})" for t in missed.itertuples())
                print("letter events not linked to their letter:", missed or "none")
            big = r["letters"][r["letters"]["caused"] >= r["min_caused"]]
            print("big letters, attributed / caused:",
                  "; ".join(f"{t} {_count(r['letters'], t)}" for t in big.index))  # fmt: skip
    print()
    print(markdown(rows(results, scenario_letters(gen, "hard"))))


if __name__ == "__main__":
    main()
