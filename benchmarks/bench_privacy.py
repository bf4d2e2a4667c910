"""Leaks and false alarms of the pseudonymiser on hand-written red-team notes (not a test: prints figures).

    .venv/bin/python benchmarks/bench_privacy.py [--skip-deduce] [--show]

``benchmarks/data/privacy_redteam/`` holds 321 KCC-style notes with personal data (``positive.jsonl``: each
piece marked with its kind and offsets) and 164 without (``negative.jsonl``), written for this project on
2026-12-07 to find what the rules miss: lower-case and foreign names, typed-by-hand numbers, odd date
spellings, street-like words. A marked piece *leaks* when any of its words keeps a letter or digit outside
every finding (a title or name particle such as "mevr" or "de" may stay). A clean note is a *false alarm*
when anything in it is replaced. ``--show`` prints every leak and false alarm.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.privacy import Pseudonymiser  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "privacy_redteam"
MAY_STAY = frozenset(
    "van de der den het 't ’t te ten ter el al ben bin ait abu v.d. en de heer mijnheer meneer dhr dhr. hr hr. "
    "mevrouw mevr mevr. mw mw. mej familie fam fam. dr mr mr.".split()
)


def load(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def leaked_words(text: str, piece: dict, covered: list[bool]) -> list[str]:
    """The words of a marked piece that keep a letter or digit outside every finding."""
    out = []
    for m in re.finditer(r"\S+", text[piece["start"] : piece["end"]]):
        start, end = piece["start"] + m.start(), piece["start"] + m.end()
        if piece["kind"] == "name" and m.group().lower().strip(",.()") in MAY_STAY:
            continue
        if any(text[i].isalnum() and not covered[i] for i in range(start, end)):
            out.append(m.group())
    return out


def run(pseudonymiser: Pseudonymiser, positive: list[dict], negative: list[dict], show: bool) -> dict:
    pieces, leaks = Counter(), Counter()
    started = time.perf_counter()
    for note in positive:
        text = note["text"]
        covered = [False] * len(text)
        for f in pseudonymiser.find(text):
            covered[f.start : f.end] = [True] * (f.end - f.start)
        for piece in note["spans"]:
            pieces[piece["kind"]] += 1
            if words := leaked_words(text, piece, covered):
                leaks[piece["kind"]] += 1
                if show:
                    print(f"  leak [{piece['kind']}] {words}: {pseudonymiser.pseudonymise(text)!r}")
    alarms = 0
    for note in negative:
        if found := pseudonymiser.find(note["text"]):
            alarms += 1
            if show:
                print(f"  false alarm {[(f.kind, f.text) for f in found]}: {note['text']!r}")
    seconds = time.perf_counter() - started
    return {"pieces": pieces, "leaks": leaks, "alarms": alarms, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-deduce", action="store_true", help="rules only")
    parser.add_argument("--show", action="store_true", help="print every leak and false alarm")
    args = parser.parse_args()
    positive, negative = load("positive"), load("negative")
    modes = {"rules only": Pseudonymiser(use_deduce=False)}
    if not args.skip_deduce:
        modes["rules + deduce"] = Pseudonymiser(use_deduce=True)
        modes["rules + deduce"].find("Dhr. Jan de Vries belt.")  # load deduce before timing
    results = {}
    for name, pseudonymiser in modes.items():
        print(f"\n{name}:" if args.show else "", end="\n" if args.show else "")
        results[name] = run(pseudonymiser, positive, negative, args.show)
    pieces = next(iter(results.values()))["pieces"]
    print(f"\n{len(positive)} notes with {sum(pieces.values())} pieces of personal data; {len(negative)} clean notes\n")
    print("| kind | pieces | " + " | ".join(f"leaked, {name}" for name in results) + " |")
    print("|---|---:|" + "---:|" * len(results))
    for kind, n in pieces.most_common():
        cells = " | ".join(f"{r['leaks'][kind]} ({r['leaks'][kind] / n:.0%})" for r in results.values())
        print(f"| {kind} | {n} | {cells} |")
    total = sum(pieces.values())
    cells = " | ".join(
        f"**{sum(r['leaks'].values())} ({sum(r['leaks'].values()) / total:.1%})**" for r in results.values()
    )
    print(f"| **all** | {total} | {cells} |")
    alarms = " | ".join(f"{r['alarms']} ({r['alarms'] / len(negative):.1%})" for r in results.values())
    print(f"| clean notes with something replaced | {len(negative)} | {alarms} |")
    print("\n" + ", ".join(f"{name}: {r['seconds']:.1f} s" for name, r in results.items()))


if __name__ == "__main__":
    main()
