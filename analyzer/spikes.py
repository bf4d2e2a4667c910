"""Daily calls per topic, the calls a day would normally get, and the surges above that.

The baseline of a day is a trimmed mean of the same weekday over the previous weeks (public
holidays left out; the highest quarter of the values dropped, so a past surge does not lift it;
the first weeks of the data, which have no history, use the weeks after them),
so busy Mondays are expected on Mondays and a slow trend moves the baseline along. A day is a
spike day when its count is improbable under Poisson noise around that baseline (upper tail
probability below ``alpha``) and above it by enough calls to matter (``min_excess``).
Consecutive spike days, with closed days (weekends, holidays) in between allowed, form one spike
with its start, peak and end.

The settings were chosen by precision and recall on generated series with known surges
(benchmarks/bench_spikes.py, figures in benchmarks/README.md).

Where timestamps carry the time of day, the same test runs on hourly counts
(:class:`HourlySpikeDetector`): the baseline of an hour is the trimmed mean of the same hour of
the same weekday over the previous weeks, so a surge of a few hours (a website outage, a wrong
text message sent at 10:00) shows even when the day's total does not stand out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.calendar_nl import holidays, is_closed

SPIKE_COLUMNS = ["topic_id", "start", "peak", "end", "days", "observed", "expected", "excess"]
HOURLY_SPIKE_COLUMNS = ["topic_id", "start", "peak", "end", "hours", "observed", "expected", "excess"]
HOURS_PER_WEEK = 168
MIN_TIMED_SHARE = 0.5  # share of timestamps with a time of day needed for hourly series


def daily_counts(calls: pd.DataFrame, by: str = "topic_id") -> pd.DataFrame:
    """Calls per calendar day (rows, every day from first to last) and ``by`` value (columns)."""
    if calls.empty:
        return pd.DataFrame(dtype="int64")
    days = pd.to_datetime(calls["timestamp"]).dt.normalize()
    table = _count_table(days, calls[by])
    full = pd.date_range(days.min(), days.max(), freq="D")
    return table.reindex(full, fill_value=0).rename_axis(index="date", columns=by)


def surge_mask(observed: np.ndarray, expected: np.ndarray, alpha: float, min_excess: float) -> np.ndarray:
    """Where counts are spikes: at least ``min_excess`` above a known baseline and improbable under
    Poisson noise around it (P(X >= observed) < ``alpha``, the baseline taken as at least 1).
    A NaN baseline (no history, closed day) is never a spike. Any shape; the tail is only
    computed where the excess is reached."""
    from scipy.stats import poisson

    candidate = ~np.isnan(expected) & (observed - np.nan_to_num(expected, nan=0.0) >= min_excess)
    spike = np.zeros(observed.shape, dtype=bool)
    spike[candidate] = poisson.sf(observed[candidate] - 1, np.maximum(expected[candidate], 1.0)) < alpha
    return spike


def trimmed_means(windows: np.ndarray, trim: float) -> tuple[np.ndarray, np.ndarray]:
    """The baseline of both detectors: per window (the last axis; NaN = unknown, left out), the
    mean of its known values without the highest ``trim`` share (at least one value kept), and how
    many values were known. The kept values are added left to right in the windows' own dtype, as
    ``ndarray.mean`` does for so few values."""
    ordered = np.sort(windows, axis=-1)  # NaN last
    known = (~np.isnan(ordered)).sum(axis=-1)
    keep = np.maximum(1, np.ceil(known * (1 - trim)).astype(np.int64))
    total = np.zeros(ordered.shape[:-1], dtype=ordered.dtype)
    for j in range(ordered.shape[-1]):
        total += np.where(j < keep, np.nan_to_num(ordered[..., j]), 0)
    return total / keep, known


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
        return self.expected_table(counts.to_frame()).iloc[:, 0].rename(counts.name)

    def expected_table(self, counts: pd.DataFrame) -> pd.DataFrame:
        """:meth:`expected` of every column of a :func:`daily_counts` table, computed at once."""
        values = counts.to_numpy(dtype=np.float64)
        index = pd.DatetimeIndex(counts.index)
        if not len(index):
            return pd.DataFrame(values, index=counts.index, columns=counts.columns)
        years = range(index.min().year, index.max().year + 1)
        holiday = index.normalize().isin(pd.DatetimeIndex([d for y in years for d in holidays(y)]))
        history = np.where(holiday[:, None], np.nan, values)
        out = np.full(values.shape, np.nan)
        for weekday in range(7):
            rows = np.flatnonzero(index.day_of_week == weekday)
            after = history[rows]
            prior = self._prior_means(after)
            # The first weeks have no history: they are compared with the weeks after them instead, so
            # a mailing early in the data can still show as a spike.
            for i in range(min(self.min_history, len(rows))):
                means, known = trimmed_means(after[i + 1 : i + 1 + self.weeks].T, self.trim)
                fill = np.isnan(prior[i]) & (known >= self.min_history)
                prior[i, fill] = means[fill]
            out[rows] = prior
        out[holiday] = np.nan  # the line is closed: no baseline, so calls that come anyway (e-mail) are no spike
        return pd.DataFrame(out, index=counts.index, columns=counts.columns)

    def _prior_means(self, series: np.ndarray) -> np.ndarray:
        """Per position (rows; one column per series), the trimmed mean of the up to ``weeks``
        values before it (NaN when fewer than ``min_history`` of them are known)."""
        x = np.asarray(series, dtype=np.float64)
        flat = x.ndim == 1
        x = x[:, None] if flat else x
        padded = np.vstack([np.full((self.weeks, x.shape[1]), np.nan), x])
        windows = np.lib.stride_tricks.sliding_window_view(padded, self.weeks, axis=0)[: len(x)]
        means, known = trimmed_means(windows, self.trim)
        out = np.where(known >= self.min_history, means, np.nan)
        return out[:, 0] if flat else out

    def spike_days(self, counts: pd.Series, expected: pd.Series | None = None) -> pd.DataFrame:
        """Per day: observed, expected and whether it is a spike day (``expected``: precomputed)."""
        expected = self.expected(counts) if expected is None else expected
        observed = counts.astype("float64")
        spike = surge_mask(observed.to_numpy(), expected.to_numpy(dtype=np.float64), self.alpha, self.min_excess)
        return pd.DataFrame({"observed": observed, "expected": expected, "spike": spike})

    def detect(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Spikes of every column (topic) of a :func:`daily_counts` table."""
        rows = []
        baseline = self.expected_table(counts)
        for topic in counts.columns:
            days = self.spike_days(counts[topic], baseline[topic])
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


# --------------------------------------------------------------------------- themes

SPREAD_FACTOR = 1.5  # a theme's spike is kept when its excess is this much more than its topics' spikes


def spread_spikes(theme_spikes: pd.DataFrame, topic_spikes: pd.DataFrame, theme_of: dict[int, int]) -> pd.DataFrame:
    """The spikes of themes that their topics' own spikes do not account for.

    A surge can spread over many sub-questions (the fine topics of one theme) without any of them
    standing out: after a storm, callers ask about missed collections, full containers, a fallen
    tree. Spikes found on the theme's daily counts are kept when the overlapping spikes of its
    topics explain less than 1 / ``SPREAD_FACTOR`` of the theme spike's excess calls; the others
    are already shown, topic by topic.
    """
    if theme_spikes.empty:
        return theme_spikes
    topics = topic_spikes.assign(theme=topic_spikes["topic_id"].map(theme_of))
    keep = []
    for spike in theme_spikes.itertuples():
        inside = topics[(topics["theme"] == spike.topic_id) & (topics["start"] <= spike.end)
                        & (topics["end"] >= spike.start)]  # fmt: skip
        keep.append(spike.excess > SPREAD_FACTOR * float(inside["excess"].sum()))
    return theme_spikes[np.asarray(keep, dtype=bool)].reset_index(drop=True)


# --------------------------------------------------------------------------- hourly


def has_time_of_day(timestamps: pd.Series) -> bool:
    """Whether the timestamps carry the time of day (not only dates written as midnight)."""
    stamps = pd.to_datetime(timestamps)
    return len(stamps) > 0 and float((stamps != stamps.dt.normalize()).mean()) >= MIN_TIMED_SHARE


def _count_table(rows: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """How often each (row, column) value pair occurs: ``pd.crosstab(rows, columns)``, counted with
    a grouped size (crosstab counts each cell in Python: a second per 100,000 calls)."""
    return pd.Series(1, index=rows.index).groupby([rows, columns]).size().unstack(fill_value=0)


def hourly_counts(calls: pd.DataFrame, by: str = "topic_id") -> pd.DataFrame:
    """Calls per hour (rows: every hour of every day from the first to the last call's day) and
    ``by`` value (columns); empty when the timestamps are dates only (:func:`has_time_of_day`)."""
    if calls.empty or not has_time_of_day(calls["timestamp"]):
        return pd.DataFrame(dtype="int64")
    hours = pd.to_datetime(calls["timestamp"]).dt.floor("h")
    table = _count_table(hours, calls[by])
    full = pd.date_range(hours.min().normalize(), hours.max().normalize() + pd.Timedelta(hours=23), freq="h")
    return table.reindex(full, fill_value=0).rename_axis(index="hour", columns=by)


@dataclass(frozen=True)
class HourlySpikeDetector:
    """Spikes in hourly counts: same test as :class:`SpikeDetector`, baseline per hour of the week."""

    weeks: int = 8  # same weekday-and-hour history the baseline looks at
    min_history: int = 3
    alpha: float = 1e-7
    trim: float = 0.25
    min_excess: int = 5
    max_gap_hours: int = 1  # quiet hours that may separate spike hours of one spike
    chunk: int = 128  # topics per block (bounds the memory of the baseline: weeks x hours x chunk)

    def expected(self, counts: pd.DataFrame) -> np.ndarray:
        """Baseline per hour and column: trimmed mean of the same hour of the same weekday in the
        previous ``weeks`` weeks (public holidays left out; NaN with fewer than ``min_history``)."""
        index = pd.DatetimeIndex(counts.index)
        years = range(index.min().year, index.max().year + 1)
        holiday = index.normalize().isin(pd.DatetimeIndex([d for y in years for d in holidays(y)]))
        values = counts.to_numpy(dtype=np.float32, copy=True)
        values[holiday] = np.nan
        out = np.full(values.shape, np.nan, dtype=np.float32)
        for lo in range(0, values.shape[1], self.chunk):
            out[:, lo : lo + self.chunk] = self._baseline(values[:, lo : lo + self.chunk])
        out[holiday] = np.nan  # the line is closed: no baseline, so calls that come anyway are no spike
        return out

    def _baseline(self, values: np.ndarray) -> np.ndarray:
        n_hours = values.shape[0]
        history = np.full((self.weeks, *values.shape), np.nan, dtype=np.float32)
        for k in range(1, self.weeks + 1):
            shift = k * HOURS_PER_WEEK
            if shift < n_hours:
                history[k - 1, shift:] = values[: n_hours - shift]
        mean, valid = trimmed_means(np.moveaxis(history, 0, -1), self.trim)
        mean[valid < self.min_history] = np.nan
        return mean

    def detect(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Spikes of every column (topic) of an :func:`hourly_counts` table."""
        if counts.empty:
            return pd.DataFrame(columns=HOURLY_SPIKE_COLUMNS)
        observed = counts.to_numpy(dtype=np.float64)
        expected = self.expected(counts).astype(np.float64)
        base = np.nan_to_num(expected, nan=0.0)
        spike = surge_mask(observed, expected, self.alpha, self.min_excess)
        index = pd.DatetimeIndex(counts.index)
        rows = []
        for j in np.flatnonzero(spike.any(axis=0)):
            for a, b in self._runs(np.flatnonzero(spike[:, j])):
                part = slice(a, b + 1)
                obs, exp = float(observed[part, j].sum()), float(base[part, j].sum())
                peak = index[a + int(observed[part, j].argmax())]
                rows.append({
                    "topic_id": counts.columns[j], "start": index[a], "peak": peak, "end": index[b],
                    "hours": b - a + 1, "observed": obs, "expected": round(exp, 1),
                    "excess": round(obs - exp, 1),
                })  # fmt: skip
        frame = pd.DataFrame(rows, columns=HOURLY_SPIKE_COLUMNS)
        return frame.sort_values(["excess", "start"], ascending=[False, True], ignore_index=True)

    def _runs(self, hours: np.ndarray) -> list[tuple[int, int]]:
        runs: list[list[int]] = []
        for h in hours.tolist():
            if runs and h - runs[-1][1] <= self.max_gap_hours + 1:
                runs[-1][1] = h
            else:
                runs.append([h, h])
        return [(a, b) for a, b in runs]
