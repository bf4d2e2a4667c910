"""Holidays, daily counts and spike detection on generated series with known surges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyzer.calendar_nl import easter, holidays, is_closed
from analyzer.spikes import (
    HOURLY_SPIKE_COLUMNS,
    SPIKE_COLUMNS,
    HourlySpikeDetector,
    SpikeDetector,
    daily_counts,
    hourly_counts,
    spread_spikes,
)


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


# --------------------------------------------------------------------------- hourly

# Calls per hour of an ordinary weekday, 08:00-17:00 (busy mornings); Mondays 1.4x, closed at weekends.
OPENING = np.array([0] * 8 + [6, 9, 9, 8, 5, 6, 6, 5, 4] + [0] * 7, dtype=float)


def _hourly(seed: int, surges: list[tuple[str, int, float]], scales: tuple[float, ...] = (0.5, 1, 4)) -> pd.DataFrame:
    """Eight months of hourly calls, one topic per scale of OPENING; surges (start hour, hours, extra
    calls per hour) are planted in the last (busiest) topic."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2026-01-01", "2026-08-31 23:00", freq="h")
    weekday = np.array([1.4, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0])[hours.day_of_week]
    mean = OPENING[hours.hour] * weekday
    closed = np.isin(hours.normalize(), pd.DatetimeIndex(list(holidays(2026))))
    mean[closed] = 0.0
    table = pd.DataFrame({t: rng.poisson(mean * scale) for t, scale in enumerate(scales)}, index=hours)
    last = len(scales) - 1
    for start, length, extra in surges:
        first = hours.get_loc(pd.Timestamp(start))
        table.iloc[first : first + length, last] += rng.poisson(extra, length)
    return table


def test_ordinary_hours_have_no_hourly_spikes() -> None:
    for seed in range(3):
        found = HourlySpikeDetector().detect(_hourly(seed, []))
        assert found.empty, found


def test_a_surge_within_a_day_is_found_although_the_day_is_ordinary() -> None:
    table = _hourly(4, [("2026-05-12 10:00", 1, 50.0)])  # a Tuesday 10:00-10:59, usually ~36 calls
    found = HourlySpikeDetector().detect(table)
    assert list(found.columns) == HOURLY_SPIKE_COLUMNS
    assert len(found) == 1 and found.loc[0, "topic_id"] == 2
    assert found.loc[0, "start"] == found.loc[0, "end"] == pd.Timestamp("2026-05-12 10:00")
    assert found.loc[0, "hours"] == 1 and 30 <= found.loc[0, "excess"] <= 70
    # ~50 extra calls on a day of ~230 is within a busy day's noise for the daily test
    daily = table.groupby(table.index.normalize()).sum()
    assert SpikeDetector().detect(daily[[2]]).empty


def test_a_surge_of_three_hours_is_one_spike() -> None:
    table = _hourly(6, [("2026-06-03 13:00", 3, 60.0)])
    found = HourlySpikeDetector().detect(table)
    assert len(found) == 1
    assert found.loc[0, "start"] == pd.Timestamp("2026-06-03 13:00") and found.loc[0, "hours"] == 3
    assert pd.Timestamp("2026-06-03 13:00") <= found.loc[0, "peak"] <= pd.Timestamp("2026-06-03 15:00")


def test_busy_monday_mornings_are_expected_not_spikes() -> None:
    table = _hourly(5, [])
    mondays = table.index.day_of_week == 0
    table.loc[mondays & (table.index.hour == 9), 2] += 30  # every Monday, so the baseline knows it
    assert HourlySpikeDetector().detect(table).empty


def test_hourly_counts_need_times_of_day() -> None:
    timed = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-03-02 09:10", "2026-03-02 09:50", "2026-03-03 14:00"]),
            "topic_id": [1, 1, 2],
        }
    )
    table = hourly_counts(timed)
    assert len(table) == 48 and table.index[0] == pd.Timestamp("2026-03-02 00:00")
    assert table.loc[pd.Timestamp("2026-03-02 09:00"), 1] == 2 and table.loc[pd.Timestamp("2026-03-03 14:00"), 2] == 1
    dates_only = timed.assign(timestamp=timed["timestamp"].dt.normalize())
    assert hourly_counts(dates_only).empty


# --------------------------------------------------------------------------- themes


def _spike(topic: int, start: str, end: str, excess: float) -> dict:
    return {"topic_id": topic, "start": pd.Timestamp(start), "peak": pd.Timestamp(start), "end": pd.Timestamp(end),
            "days": 1, "observed": excess + 10, "expected": 10.0, "excess": excess}  # fmt: skip


def test_a_theme_spike_is_kept_when_its_topics_do_not_account_for_it() -> None:
    theme_of = {1: 100, 2: 100, 3: 200}
    themes = pd.DataFrame(
        [_spike(100, "2026-10-19", "2026-10-23", 120.0), _spike(200, "2026-03-02", "2026-03-06", 90.0)]
    )
    topics = pd.DataFrame([
        _spike(1, "2026-10-20", "2026-10-21", 30.0),  # one sub-question stands out a little: 30 of 120
        _spike(3, "2026-03-02", "2026-03-05", 85.0),  # theme 200's surge is this topic's own spike
        _spike(2, "2026-05-01", "2026-05-02", 50.0),  # other dates: irrelevant
    ])  # fmt: skip
    kept = spread_spikes(themes, topics, theme_of)
    assert kept["topic_id"].tolist() == [100]
    assert spread_spikes(themes.iloc[0:0], topics, theme_of).empty


def test_a_surge_spread_over_topics_shows_only_on_their_theme() -> None:
    rng = np.random.default_rng(8)
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    open_day = np.array([d.weekday() < 5 and d.date() not in holidays(2026) for d in days])
    # 20 sub-questions of one theme, 10 calls a working day each; a storm adds 4 a day to every one:
    # 1.3 standard deviations per topic, 5.7 on the theme
    table = pd.DataFrame({t: rng.poisson(np.where(open_day, 10.0, 0.3)) for t in range(20)}, index=days)
    storm = (days >= "2026-10-19") & (days <= "2026-10-23")
    table.loc[storm] += rng.poisson(4.0, (storm.sum(), 20))
    detector = SpikeDetector()
    topic_spikes = detector.detect(table)
    assert topic_spikes.empty  # no single topic stands out
    theme = detector.detect(table.sum(axis=1).to_frame(100))
    kept = spread_spikes(theme, topic_spikes, dict.fromkeys(range(20), 100))
    assert len(kept) >= 1  # the storm, perhaps in two parts where one day's noise falls short
    assert (kept["start"] >= pd.Timestamp("2026-10-19")).all() and (kept["end"] <= pd.Timestamp("2026-10-23")).all()
    assert kept["excess"].sum() >= 150  # of the ~400 extra calls


def test_calls_on_a_closed_holiday_are_no_spike() -> None:
    series = _series(7, [])
    series[pd.Timestamp("2026-04-27")] = 40  # Koningsdag: e-mails and chats keep coming
    assert SpikeDetector().detect(series.to_frame("t")).empty


def test_a_surge_in_the_first_weeks_is_compared_with_the_weeks_after() -> None:
    series = _series(9, [("2026-01-13", 4, 2.5)])  # the second week of the data: no history yet
    found = SpikeDetector().detect(series.to_frame("t"))
    assert len(found) == 1
    assert pd.Timestamp("2026-01-13") <= found.loc[0, "start"] <= pd.Timestamp("2026-01-14")
    assert found.loc[0, "end"] <= pd.Timestamp("2026-01-16")


def _trimmed_mean(values: np.ndarray, trim: float) -> float:
    """The baseline's definition: the mean of the known values without the highest ``trim`` share."""
    values = np.sort(values[~np.isnan(values)])
    keep = max(1, int(np.ceil(len(values) * (1 - trim))))
    return float(values[:keep].mean())


def test_prior_means_equal_a_rolling_trimmed_mean_to_the_bit() -> None:
    detector = SpikeDetector()
    rng = np.random.default_rng(5)
    series = rng.poisson(20, 60).astype(float)
    series[[0, 7, 8, 30]] = np.nan  # holidays: no history
    reference = (
        pd.Series(series).shift(1)
        .rolling(detector.weeks, min_periods=detector.min_history)
        .apply(lambda values: _trimmed_mean(values, detector.trim), raw=True)
        .to_numpy()
    )  # fmt: skip
    assert np.array_equal(detector._prior_means(series), reference, equal_nan=True)
    assert np.isnan(detector._prior_means(series)[:3]).all()  # fewer than min_history known values before


def _reference_expected(detector: SpikeDetector, counts: pd.Series) -> np.ndarray:
    """The baseline written out day by day (the definition the vectorised code must equal)."""
    index = pd.DatetimeIndex(counts.index)
    closed = index.isin(pd.DatetimeIndex([d for y in {index.min().year, index.max().year} for d in holidays(y)]))
    history = counts.astype(float).where(~closed)
    out = np.full(len(counts), np.nan)
    for weekday in range(7):
        rows = np.flatnonzero(index.day_of_week == weekday)
        same = history.to_numpy()[rows]
        for i in range(len(rows)):
            before = same[max(0, i - detector.weeks) : i]
            if (~np.isnan(before)).sum() >= detector.min_history:
                out[rows[i]] = _trimmed_mean(before, detector.trim)
            elif i < detector.min_history:
                after = same[i + 1 : i + 1 + detector.weeks]
                if (~np.isnan(after)).sum() >= detector.min_history:
                    out[rows[i]] = _trimmed_mean(after, detector.trim)
    out[closed] = np.nan
    return out


def test_expected_table_equals_the_day_by_day_baseline_for_every_column() -> None:
    detector = SpikeDetector()
    rng = np.random.default_rng(8)
    days = pd.date_range("2026-01-01", "2026-06-30", freq="D")
    counts = pd.DataFrame(rng.poisson([3.0, 12.0, 40.0], (len(days), 3)), index=days, columns=[7, 8, 9])
    table = detector.expected_table(counts)
    for column in counts.columns:
        assert np.array_equal(table[column].to_numpy(), _reference_expected(detector, counts[column]), equal_nan=True)
    assert table.loc["2026-01-05", 8] > 0  # the first Monday: compared with the Mondays after it
    assert np.isnan(table.loc["2026-04-06", 9])  # Easter Monday: closed, no baseline


def test_expected_table_of_fewer_days_than_a_week() -> None:
    days = pd.date_range("2026-03-02", periods=3, freq="D")  # Monday to Wednesday: four weekdays without rows
    table = SpikeDetector().expected_table(pd.DataFrame({1: [4, 5, 6], 2: [0, 1, 0]}, index=days))
    assert table.shape == (3, 2) and table.isna().all().all()  # no history yet: no baseline, no spike
    assert SpikeDetector().detect(pd.DataFrame({1: [4, 5, 6]}, index=days)).empty
