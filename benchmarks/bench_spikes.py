"""Spike detection on generated daily series with known surges: precision and recall per method.

    .venv/bin/python benchmarks/bench_spikes.py --years 200 --hourly-years 200

Each series is a year of daily calls for one topic: a weekday pattern (busy Mondays, little on
weekends), a slow trend, a summer dip, holidays closed, Poisson noise at a random level (2-80
calls on a Monday), and with probability 0.5 one surge of 2-6 working days at x1.5-x3. A found
spike is a true positive when it overlaps a planted surge. Methods differ only in the baseline;
the spike test (Poisson tail < alpha and excess >= 5) is the same.

Hourly (``--hourly-years``): a year of hourly calls per topic (opening hours 8-17 with busy
mornings, busy Mondays, closed weekends and holidays, 2-80 calls on a Monday), and with
probability 0.5 one surge of 1-4 consecutive working hours at x2-x6 the hour's usual level.
Reported for HourlySpikeDetector, and for the daily detector on the same calls summed per day
(how many of these short surges a daily view would miss).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzer.calendar_nl import holidays  # noqa: E402
from analyzer.spikes import HourlySpikeDetector, SpikeDetector  # noqa: E402


class MedianBaseline(SpikeDetector):
    """Same weekday, plain median (no trimming)."""

    def _trimmed_mean(self, values: np.ndarray) -> float:
        return float(np.nanmedian(values))


class RollingMeanBaseline(SpikeDetector):
    """No weekday knowledge: mean of the previous 28 days, holidays left out."""

    def expected(self, counts: pd.Series) -> pd.Series:
        index = pd.DatetimeIndex(counts.index)
        closed = index.isin(pd.DatetimeIndex(list(holidays(index[0].year))))
        history = counts.astype("float64").where(~closed)
        out = history.shift(1).rolling(28, min_periods=14).mean()
        out[closed] = 0.0
        return out


def make_series(rng: np.random.Generator, year: int = 2026) -> tuple[pd.Series, list[tuple]]:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    monday = rng.uniform(2, 80)
    weekday = np.array([1.0, 0.7, 0.65, 0.6, 0.5, 0.06, 0.04]) * monday
    level = weekday[days.day_of_week] * np.linspace(1.0, rng.uniform(0.9, 1.3), len(days))
    level *= np.where(days.month.isin([7, 8]), 0.8, 1.0)
    surges = []
    if rng.random() < 0.5:
        open_days = [d for d in days[60:-30] if d.weekday() < 5 and d.date() not in holidays(year)]
        start = open_days[rng.integers(len(open_days))]
        length, factor = int(rng.integers(2, 7)), float(rng.uniform(1.5, 3.0))
        span = [d for d in days[days >= start] if d.weekday() < 5][:length]
        level[days.isin(span)] *= factor
        surges.append((span[0], span[-1], factor, monday))
    level[[d.date() in holidays(year) for d in days]] = 0.3
    return pd.Series(rng.poisson(level), index=days), surges


def match(found: list[tuple], planted: list[tuple]) -> tuple[int, int, list[bool]]:
    """Found spans against planted ones (start, end): true positives (a found span overlapping a
    planted surge not hit before), false positives (overlapping none), and which surges were hit."""
    tp = fp = 0
    hit = [False] * len(planted)
    for start, end in found:
        overlaps = [i for i, (a, b) in enumerate(planted) if start <= b and end >= a]
        if overlaps:
            tp += not any(hit[i] for i in overlaps)
            for i in overlaps:
                hit[i] = True
        else:
            fp += 1
    return tp, fp, hit


def score(method: SpikeDetector, data: list[tuple[pd.Series, list[tuple]]]) -> dict:
    tp = fp = fn = 0
    strong_found = strong_total = 0
    start = time.perf_counter()
    for series, surges in data:
        found = method.detect(series.to_frame("t"))
        true_pos, false_pos, hit = match(list(zip(found["start"], found["end"])), [(a, b) for a, b, _, _ in surges])
        tp, fp, fn = tp + true_pos, fp + false_pos, fn + hit.count(False)
        for (_, _, factor, monday), h in zip(surges, hit):
            if factor * monday - monday >= 15:  # at least 15 extra calls on a Monday-level day
                strong_total += 1
                strong_found += h
    seconds = time.perf_counter() - start
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {
        "precision": precision,
        "recall": recall,
        "recall_strong": strong_found / max(strong_total, 1),
        "false_per_year": fp / len(data),
        "seconds": seconds,
    }


OPENING = np.array([0] * 8 + [1.2, 1.6, 1.5, 1.3, 0.8, 1.0, 1.0, 0.9, 0.7] + [0] * 7)


def make_hourly(rng: np.random.Generator, n: int, year: int = 2026) -> tuple[pd.DataFrame, list[list[tuple]]]:
    """``n`` topic-years of hourly calls (columns) and each one's planted surges (first, last hour)."""
    hours = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:00", freq="h")
    closed = hours.normalize().isin(pd.DatetimeIndex(list(holidays(year)))) | (hours.day_of_week >= 5)
    weekday = np.array([1.0, 0.7, 0.65, 0.6, 0.5, 0.0, 0.0])[hours.day_of_week]
    shape = OPENING[hours.hour] / OPENING.sum() * weekday
    shape[closed] = 0.0
    columns, surges = {}, []
    for j in range(n):
        level = shape * rng.uniform(2, 80)
        planted = []
        if rng.random() < 0.5:
            open_hours = np.flatnonzero(level[60 * 24 : -30 * 24] > 0) + 60 * 24
            first = int(open_hours[rng.integers(len(open_hours))])
            span = [h for h in range(first, first + 12) if level[h] > 0][: int(rng.integers(1, 5))]
            level = level.copy()
            factor = rng.uniform(2.0, 6.0)
            planted.append((hours[span[0]], hours[span[-1]], float(level[span].sum() * (factor - 1))))
            level[span] *= factor
        columns[j] = rng.poisson(level)
        surges.append(planted)
    return pd.DataFrame(columns, index=hours), surges


def score_hourly(found: pd.DataFrame, surges: list[list[tuple]], day_level: bool = False) -> dict:
    tp = fp = fn = strong_found = strong_total = 0
    for j, planted in enumerate(surges):
        own = found[found["topic_id"] == j]
        ends = own["end"] + pd.Timedelta(days=1) - pd.Timedelta(hours=1) if day_level else own["end"]
        true_pos, false_pos, hit = match(list(zip(own["start"], ends)), [(a, b) for a, b, _ in planted])
        tp, fp, fn = tp + true_pos, fp + false_pos, fn + hit.count(False)
        for (_, _, extra), h in zip(planted, hit):
            if extra >= 15:
                strong_total += 1
                strong_found += h
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {"precision": precision, "recall": recall, "recall_strong": strong_found / max(strong_total, 1),
            "strong": strong_total, "false_per_year": fp / len(surges)}  # fmt: skip


def main_hourly(years: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    table, surges = make_hourly(rng, years)
    print(f"\n{years} generated hourly topic-years, {sum(len(s) for s in surges)} planted surges of 1-4 hours "
          f"(seed {seed})\n")  # fmt: skip
    print("| detector | precision | recall | recall, surges >= 15 extra calls | false spikes per topic-year | s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, detect, day_level in (
        ("hourly: same weekday-hour, trimmed mean, 8 weeks, alpha 1e-7 (shipped)", HourlySpikeDetector().detect, False),
        ("hourly, alpha 1e-5", HourlySpikeDetector(alpha=1e-5).detect, False),
        ("daily detector on the same calls per day", lambda t: SpikeDetector().detect(t.resample("D").sum()), True),
    ):
        started = time.perf_counter()
        found = detect(table)
        seconds = time.perf_counter() - started
        r = score_hourly(found, surges, day_level)
        print(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['recall_strong']:.3f} ({r['strong']}) | "
              f"{r['false_per_year']:.3f} | {seconds:.1f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=200, help="generated topic-years")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--hourly-years", type=int, default=200, help="generated hourly topic-years (0: skip)")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    data = [make_series(rng) for _ in range(args.years)]
    n_surges = sum(len(s) for _, s in data)
    print(f"{args.years} generated topic-years, {n_surges} planted surges (seed {args.seed})\n")
    print("| baseline | precision | recall | recall, surges >= 15 extra calls/day | false spikes per topic-year | s |")
    print("|---|---:|---:|---:|---:|---:|")
    methods = {
        "same weekday, trimmed mean, 8 weeks, alpha 1e-7 (shipped)": SpikeDetector(),
        "28-day mean, no weekday": RollingMeanBaseline(),
        "same weekday, trimmed mean, alpha 1e-5": SpikeDetector(alpha=1e-5),
        "same weekday, trimmed mean, alpha 1e-6": SpikeDetector(alpha=1e-6),
        "same weekday, median, alpha 1e-7": MedianBaseline(),
    }
    for name, method in methods.items():
        r = score(method, data)
        print(
            f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['recall_strong']:.3f} | "
            f"{r['false_per_year']:.3f} | {r['seconds']:.1f} |"
        )
    if args.hourly_years:
        main_hourly(args.hourly_years, args.seed)


if __name__ == "__main__":
    main()
