"""Overzicht: totals for the period, the largest spikes and the input that was rejected."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analyzer.explore.base import _period
from analyzer.store import SHOWN_TOPICS, Store
from analyzer.topic_labels import FINE


def call_day_counts(store: Store) -> pd.DataFrame:
    """Calls per day (``day, calls, classified, avoidable``): the one pass over all calls and their
    demand types that :func:`overview` needs; the app caches it per store and passes it back in."""
    frame = store.con.execute(
        """
        SELECT c."timestamp"::DATE AS day, count(*) AS calls, count(d.call_id) AS classified,
               coalesce(sum(d.avoidable::INTEGER), 0) AS avoidable
        FROM calls c LEFT JOIN call_demand d USING (call_id) GROUP BY 1 ORDER BY 1
        """
    ).df()
    return frame.assign(day=pd.to_datetime(frame["day"]))


def overview(
    store: Store, start: dt.date | None = None, end: dt.date | None = None, days: pd.DataFrame | None = None
) -> dict:
    """Totals for the period: calls, avoidable calls and share (None before demand is classified),
    letters sent, mailings, spikes and active topics. ``days`` is :func:`call_day_counts` if at hand."""
    lo, hi = _period(start, end)
    days = call_day_counts(store) if days is None else days
    inside = days[(days["day"] >= lo) & (days["day"] < hi)]
    calls, classified, avoidable = (int(inside[c].sum()) for c in ("calls", "classified", "avoidable"))
    sent, mailings = store.con.execute(
        "SELECT coalesce(sum(count), 0), count(*) FROM mailings WHERE sent_date >= ?::DATE AND sent_date < ?::DATE",
        [lo, hi],
    ).fetchall()[0]
    spikes = store.con.execute(
        "SELECT count(*) FROM spikes WHERE peak >= ?::DATE AND peak < ?::DATE", [lo, hi]
    ).fetchall()[0][0]
    topics = store.con.execute("SELECT count(*) FROM topics WHERE active AND level = ?", [FINE]).fetchall()[0][0]
    return {
        "calls": int(calls),
        "classified_calls": int(classified),
        "avoidable_calls": int(avoidable) if classified else None,
        "avoidable_share": (avoidable / classified) if classified else None,
        "letters_sent": int(sent),
        "mailings": int(mailings),
        "spikes": int(spikes),
        "topics": int(topics),
    }


def weekly_totals(
    store: Store, start: dt.date | None = None, end: dt.date | None = None, days: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per week (Monday) of the period: ``week, calls, avoidable, other, letters_sent``. ``other`` is
    every call not classified as avoidable (value demand and calls not yet classified), so
    ``avoidable + other == calls``; weeks without calls or mailings inside the period are rows of
    zeros, so a chart shows the gap. ``days`` is :func:`call_day_counts` if at hand."""
    lo, hi = _period(start, end)
    days = call_day_counts(store) if days is None else days
    inside = days[(days["day"] >= lo) & (days["day"] < hi)]
    sent = store.con.execute(
        "SELECT sent_date, sum(count) AS letters_sent FROM mailings "
        "WHERE sent_date >= ?::DATE AND sent_date < ?::DATE GROUP BY 1",
        [lo, hi],
    ).df()
    columns = ["week", "calls", "avoidable", "other", "letters_sent"]
    if inside.empty and sent.empty:
        return pd.DataFrame(columns=columns)

    def monday(stamps: pd.Series) -> pd.Series:
        stamps = pd.to_datetime(stamps).dt.normalize()
        return stamps - pd.to_timedelta(stamps.dt.weekday, unit="D")

    calls = inside.groupby(monday(inside["day"]))[["calls", "avoidable"]].sum()
    letters = sent.groupby(monday(sent["sent_date"]))["letters_sent"].sum()
    seen = calls.index.union(letters.index)
    weeks = pd.date_range(seen.min(), seen.max(), freq="7D")
    out = pd.DataFrame(index=weeks).join(calls).join(letters).fillna(0).astype("int64")
    out["other"] = out["calls"] - out["avoidable"]
    return out.rename_axis("week").reset_index()[columns]


def top_spikes(
    store: Store, start: dt.date | None = None, end: dt.date | None = None, n: int | None = 10
) -> pd.DataFrame:
    """The ``n`` largest spikes (all of them for ``None``) whose peak lies in the period, with topic label
    (``thema: …`` for a theme's spike, a surge spread over its topics) and linked letter."""
    lo, hi = _period(start, end)
    return store.con.execute(
        f"""
        SELECT s.topic_id, CASE WHEN s.level = 0 THEN 'thema: ' || t.label ELSE t.label END AS topic_label,
               s.start, s.peak, s."end", s.observed, s.expected, s.excess, s.template_id, l.title AS letter_title,
               s.link_score
        FROM spikes s LEFT JOIN {SHOWN_TOPICS} t USING (topic_id) LEFT JOIN letters l USING (template_id)
        WHERE s.peak >= ?::DATE AND s.peak < ?::DATE
        ORDER BY s.excess DESC, s.start LIMIT ?
        """,
        [lo, hi, n],  # LIMIT NULL: no limit
    ).df()


REJECTED_KINDS = {"calls": "gesprekken", "letters": "brieven", "mailings": "verzendlog"}


def rejected_input(store: Store) -> pd.DataFrame:
    """The quarantine as the app shows it, newest run first: ``soort`` (gesprekken, brieven, verzendlog),
    ``bestand``, ``rij`` (the row as seen in the file; empty for a whole letter file), ``kolom``,
    ``reden`` and ``analyse`` (the run). The rejected values themselves stay out of the app (they are
    pseudonymised, but a reviewer needs the reason and the place, and ``analyzer quarantine`` has them)."""
    frame = store.quarantine()
    out = pd.DataFrame(
        {
            "soort": frame["kind"].map(REJECTED_KINDS).fillna(frame["kind"]),
            "bestand": frame["source_file"],
            "rij": frame["source_row"].astype("Int64"),
            "kolom": frame["column_name"],
            "reden": frame["reason"],
            "analyse": frame["run_id"].astype("Int64"),
        }
    )
    return out.iloc[::-1].reset_index(drop=True)
