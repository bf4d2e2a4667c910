"""Holidays, daily counts and spike detection on generated series with known surges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyzer.calendar_nl import easter, holidays, is_closed
from analyzer.spikes import SPIKE_COLUMNS, SpikeDetector, daily_counts


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)), (2026, dt.date(2026, 4, 5)),
     (2027, dt.date(2027, 3, 28)), (2038, dt.date(2038, 4, 25))],
)  # fmt: skip
def test_easter(year: int, expected: dt.date) -> None:
    assert easter(year) == expected


def test_holidays_2026() -> None:
    days = holidays(2026)
    assert days[dt.date(2026, 4, 27)] == "Koningsdag"
    assert days[dt.date(2026, 5, 14)] == "Hemelvaartsdag"
    assert days[dt.date(2026, 5, 25)] == "Tweede Pinksterdag"
    assert len(days) == 10
    assert holidays(2025)[dt.date(2025, 4, 26)] == "Koningsdag"  # 27 April 2025 is a Sunday
    assert is_closed(dt.date(2026, 11, 22)) and not is_closed(dt.date(2026, 11, 23))


def _series(seed: int, surges: list[tuple[str, int, float]]) -> pd.Series:
    """A year of daily calls: weekday pattern (busy Mondays), slow trend, holidays closed, surges."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    weekday_level = np.array([60, 40, 38, 36, 30, 3, 2], dtype=float)  # Mon..Sun
    base = weekday_level[days.day_of_week] * np.linspace(1.0, 1.25, len(days))
    for start, length, factor in surges:
        first = days.get_loc(pd.Timestamp(start))
        base[first : first + length] *= factor
    base[[d.date() in holidays(2026) for d in days]] = 0.5
    return pd.Series(rng.poisson(base), index=days, name="calls")


def test_ordinary_year_has_no_spikes() -> None:
    detector = SpikeDetector()
    for seed in range(5):
        found = detector.detect(_series(seed, []).to_frame("t"))
        assert found.empty, found


def test_a_surge_of_a_few_days_is_found_with_its_extent() -> None:
    series = _series(1, [("2026-03-03", 4, 2.2), ("2026-09-14", 5, 1.8)])
    found = SpikeDetector().detect(series.to_frame("woz"))
    assert list(found.columns) == SPIKE_COLUMNS
    assert len(found) == 2
    march = found[found["start"].dt.month == 3].iloc[0]
    assert march["start"] == pd.Timestamp("2026-03-03") and march["end"] <= pd.Timestamp("2026-03-06")
    assert pd.Timestamp("2026-03-03") <= march["peak"] <= pd.Timestamp("2026-03-06")
    assert march["excess"] > 0.8 * march["expected"]
    september = found[found["start"].dt.month == 9].iloc[0]
    assert pd.Timestamp("2026-09-14") <= september["start"] <= pd.Timestamp("2026-09-15")


def test_weekend_inside_a_surge_does_not_split_it() -> None:
    series = _series(2, [("2026-06-04", 6, 2.5)])  # Thursday to Tuesday
    found = SpikeDetector().detect(series.to_frame("t"))
    assert len(found) == 1
    assert pd.Timestamp("2026-06-04") <= found.loc[0, "start"] <= pd.Timestamp("2026-06-05")
    assert found.loc[0, "end"] == pd.Timestamp("2026-06-09")
    assert found.loc[0, "days"] == 3  # the open days only: Friday, Monday, Tuesday


def test_holiday_is_not_a_dip_that_hides_the_next_surge() -> None:
    # Surge right after Tweede Paasdag (Monday 6 April 2026).
    series = _series(3, [("2026-04-07", 3, 2.5)])
    found = SpikeDetector().detect(series.to_frame("t"))
    assert len(found) == 1 and found.loc[0, "start"] == pd.Timestamp("2026-04-07")


def test_daily_counts_fill_missing_days_with_zero() -> None:
    calls = pd.DataFrame(
        {"timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00", "2026-03-05 11:00"]),
         "topic_id": [1, 2, 1]}
    )  # fmt: skip
    table = daily_counts(calls)
    assert table.index.tolist() == list(pd.date_range("2026-03-02", "2026-03-05"))
    assert table[1].tolist() == [1, 0, 0, 1] and table[2].tolist() == [1, 0, 0, 0]
    assert daily_counts(calls.iloc[0:0]).empty
