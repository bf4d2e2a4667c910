"""Daily calls per topic, the calls a day would normally get, and the surges above that.

The baseline of a day is a trimmed mean of the same weekday over the previous weeks (public
holidays left out; the highest quarter of the values dropped, so a past surge does not lift it),
so busy Mondays are expected on Mondays and a slow trend moves the baseline along. A day is a
spike day when its count is improbable under Poisson noise around that baseline (upper tail
probability below ``alpha``) and above it by enough calls to matter (``min_excess``).
Consecutive spike days, with closed days (weekends, holidays) in between allowed, form one spike
with its start, peak and end.

This is the first slice of issue #4: the method still has to be chosen by measuring precision
and recall on generated series with known spikes (a benchmark), and hourly series are not done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.calendar_nl import holidays, is_closed

SPIKE_COLUMNS = ["topic_id", "start", "peak", "end", "days", "observed", "expected", "excess"]


def daily_counts(calls: pd.DataFrame, by: str = "topic_id") -> pd.DataFrame:
    """Calls per calendar day (rows, every day from first to last) and ``by`` value (columns)."""
    if calls.empty:
        return pd.DataFrame(dtype="int64")
    days = pd.to_datetime(calls["timestamp"]).dt.normalize()
    table = pd.crosstab(days, calls[by])
    full = pd.date_range(days.min(), days.max(), freq="D")
    return table.reindex(full, fill_value=0).rename_axis(index="date", columns=by)


@dataclass(frozen=True)
class SpikeDetector:
    """Settings of the baseline and of what counts as a spike."""

    weeks: int = 8  # same-weekday history the baseline looks at
    min_history: int = 3  # fewer earlier same-weekday values: no baseline, no spike
    alpha: float = 1e-7  # Poisson upper-tail probability below which a day is a spike day (bench_spikes.py)
    trim: float = 0.25  # share of the highest history values left out of the baseline
    min_excess: int = 5  # and at least this many calls above it
    max_gap_days: int = 3  # closed days that may separate spike days of one spike

    def expected(self, counts: pd.Series) -> pd.Series:
        """Baseline per day: trimmed mean of the same weekday in the previous ``weeks`` weeks."""
        counts = counts.astype("float64")
        index = pd.DatetimeIndex(counts.index)
        years = range(index.min().year, index.max().year + 1)
        holiday = index.normalize().isin(pd.DatetimeIndex([d for y in years for d in holidays(y)]))
        history = counts.where(~holiday)
        out = pd.Series(np.nan, index=counts.index)
        for weekday in range(7):
            mask = index.day_of_week == weekday
            same = history[mask]
            prior = same.shift(1).rolling(self.weeks, min_periods=self.min_history).apply(self._trimmed_mean, raw=True)
            out[mask] = prior.to_numpy()
        out[holiday] = 0.0  # the line is closed; calls that come anyway are not a surge to explain
        return out

    def _trimmed_mean(self, values: np.ndarray) -> float:
        values = np.sort(values[~np.isnan(values)])
        keep = max(1, int(np.ceil(len(values) * (1 - self.trim))))
        return float(values[:keep].mean())

    def spike_days(self, counts: pd.Series) -> pd.DataFrame:
        """Per day: observed, expected and whether it is a spike day."""
        expected = self.expected(counts)
        observed = counts.astype("float64")
        from scipy.stats import poisson

        tail = poisson.sf(observed - 1, np.maximum(expected.fillna(0), 1.0))  # P(X >= observed)
        spike = (tail < self.alpha) & (observed - expected >= self.min_excess) & expected.notna()
        return pd.DataFrame({"observed": observed, "expected": expected, "spike": spike})

    def detect(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Spikes of every column (topic) of a :func:`daily_counts` table."""
        rows = []
        for topic in counts.columns:
            days = self.spike_days(counts[topic])
            for start, end in self._runs(days):
                part = days.loc[start:end]
                open_days = part[[not is_closed(d.date()) for d in part.index]]
                part = open_days if len(open_days) else part
                peak = part["observed"].idxmax()
                observed = float(part["observed"].sum())
                expected = float(part["expected"].fillna(0).sum())
                rows.append(
                    {
                        "topic_id": topic, "start": start, "peak": peak, "end": end, "days": len(part),
                        "observed": observed, "expected": round(expected, 1), "excess": round(observed - expected, 1),
                    }
                )  # fmt: skip
        frame = pd.DataFrame(rows, columns=SPIKE_COLUMNS)
        return frame.sort_values(["excess", "start"], ascending=[False, True], ignore_index=True)

    def _runs(self, days: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        """(first, last) spike day of each run, bridging gaps of closed days only."""
        runs: list[list[pd.Timestamp]] = []
        for day in days.index[days["spike"].to_numpy()]:
            if runs and self._bridgeable(runs[-1][1], day):
                runs[-1][1] = day
            else:
                runs.append([day, day])
        return [(a, b) for a, b in runs]

    def _bridgeable(self, last: pd.Timestamp, day: pd.Timestamp) -> bool:
        gap = [last.date() + dt.timedelta(days=i) for i in range(1, (day - last).days)]
        return len(gap) <= self.max_gap_days and all(is_closed(d) for d in gap)
