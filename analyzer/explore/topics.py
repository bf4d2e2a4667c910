"""Gesprekken: topics with their size and trend, daily series, spikes, map, notes, and topic edits."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.explore.base import _period, nl_number
from analyzer.store import Store
from analyzer.topic_labels import FINE


def topic_day_counts(store: Store) -> pd.DataFrame:
    """Calls per topic and day (``topic_id, day, calls``): the one pass over all calls that the topic
    views need; the app caches it per store, so changing the period only filters this frame."""
    frame = store.con.execute(
        """
        SELECT ct.topic_id, c."timestamp"::DATE AS day, count(*) AS calls
        FROM call_topics ct JOIN calls c USING (call_id) GROUP BY ALL ORDER BY 1, 2
        """
    ).df()
    return frame.assign(day=pd.to_datetime(frame["day"]))


def topic_meta(store: Store) -> pd.DataFrame:
    """Active fine topics: id, label, the coarse topic's label, keywords (text) and whether it is new."""
    frame = store.con.execute(
        """
        SELECT t.topic_id, t.label, p.label AS parent_label, t.keywords_json, t.is_new
        FROM topics t LEFT JOIN topics p ON p.topic_id = t.parent
        WHERE t.active AND t.level = ? ORDER BY t.topic_id
        """,
        [FINE],
    ).df()
    frame["keywords"] = frame.pop("keywords_json").map(lambda s: ", ".join(json.loads(s)[:6]) if s else "")
    return frame


def _in_period(counts: pd.DataFrame, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    lo, hi = _period(start, end)
    return counts[(counts["day"] >= lo) & (counts["day"] < hi)]


def summarise_topics(
    meta: pd.DataFrame, counts: pd.DataFrame, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Topics with their calls in the period, share, and trend: calls in the last 28 days of the period
    against the 28 days before, as a ratio (empty where the earlier window has none). Biggest first."""
    inside = _in_period(counts, start, end)
    last = inside["day"].max() if len(inside) else pd.Timestamp(0)
    recent = inside[inside["day"] > last - pd.Timedelta(days=28)]
    previous = inside[(inside["day"] <= last - pd.Timedelta(days=28)) & (inside["day"] > last - pd.Timedelta(days=56))]
    frame = meta.assign(
        calls=meta["topic_id"].map(inside.groupby("topic_id")["calls"].sum()).fillna(0).astype("int64"),
        recent=meta["topic_id"].map(recent.groupby("topic_id")["calls"].sum()).fillna(0).astype("int64"),
        previous=meta["topic_id"].map(previous.groupby("topic_id")["calls"].sum()).fillna(0).astype("int64"),
    )
    total = frame["calls"].sum()
    frame["share"] = frame["calls"] / total if total else 0.0
    frame["trend"] = (frame["recent"] / frame["previous"].where(frame["previous"] > 0)).round(2)
    return frame.sort_values(["calls", "topic_id"], ascending=[False, True]).reset_index(drop=True)


def trend_text(topics: pd.DataFrame) -> pd.Series:
    """The trend of :func:`summarise_topics` as a reader sees it: ``1,25`` (Dutch decimals), ``nieuw`` where
    the topic had no calls in the 28 days before but has some now, and ``–`` where it had none in either."""
    shown = topics["trend"].map(lambda v: nl_number(v, 2))
    shown[topics["trend"].isna() & (topics["recent"] > 0)] = "nieuw"
    return shown


def topic_table(store: Store, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """:func:`summarise_topics` straight from the store."""
    return summarise_topics(topic_meta(store), topic_day_counts(store), start, end)


def daily_series(
    counts: pd.DataFrame, topic_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """One topic's calls per day in the period (``day, calls``), days without calls as 0."""
    inside = _in_period(counts, start, end)
    inside = inside[inside["topic_id"] == topic_id]
    if inside.empty:
        return pd.DataFrame(columns=["day", "calls"])
    days = pd.date_range(inside["day"].min(), inside["day"].max(), freq="D")
    return inside.set_index("day")["calls"].reindex(days, fill_value=0).rename_axis("day").reset_index()


def topic_daily(store: Store, topic_id: int, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """:func:`daily_series` straight from the store."""
    return daily_series(topic_day_counts(store), topic_id, start, end)


def topic_spikes(store: Store, topic_id: int) -> pd.DataFrame:
    return store.con.execute(
        'SELECT start, peak, "end", observed, expected, excess, template_id, link_score FROM spikes '
        "WHERE topic_id = ? ORDER BY start",
        [topic_id],
    ).df()


def topic_hourly_spikes(store: Store, topic_id: int) -> pd.DataFrame:
    """Surges within a day of one topic (analyzer.spikes.HourlySpikeDetector), latest first."""
    return store.con.execute(
        'SELECT start, "end", hours, observed, expected, excess FROM hourly_spikes WHERE topic_id = ? '
        "ORDER BY start DESC",
        [topic_id],
    ).df()


def topic_mailings(
    store: Store, topic_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Mailings of the letters linked to a topic (letter_links or spikes), for marking on its chart."""
    lo, hi = _period(start, end)
    return store.con.execute(
        """
        SELECT m.template_id, m.sent_date, m.count FROM mailings m
        WHERE m.template_id IN (SELECT template_id FROM letter_links WHERE topic_id = ?
                                UNION SELECT template_id FROM spikes WHERE topic_id = ? AND template_id IS NOT NULL)
          AND m.sent_date >= ?::DATE AND m.sent_date < ?::DATE
        ORDER BY m.sent_date
        """,
        [topic_id, topic_id, lo, hi],
    ).df()


def topic_letters(store: Store, topic_id: int) -> pd.DataFrame:
    """The letters the analysis gave calls of this topic to, most calls first: ``template_id``,
    ``title``, ``attributed_calls``, ``share`` of the topic's calls, ``paragraph_no`` and
    ``paragraph_text`` (what the topic's callers ask about), ``content_score``, ``timing_score``,
    ``mention_score``. The mirror of :func:`analyzer.explore.letters.letter_topics`; letters given less
    than half a call are left out."""
    return store.con.execute(
        """
        WITH size AS (SELECT count(*) AS n FROM call_topics WHERE topic_id = ?)
        SELECT l.template_id, coalesce(lt.title, l.template_id) AS title, l.attributed_calls,
               l.attributed_calls / nullif(size.n, 0) AS share, l.paragraph_no, p.text AS paragraph_text,
               l.content_score, l.timing_score, l.mention_score
        FROM letter_links l CROSS JOIN size
        LEFT JOIN letters lt ON lt.template_id = l.template_id
        LEFT JOIN letter_paragraphs p ON p.template_id = l.template_id AND p.paragraph_no = l.paragraph_no
        WHERE l.topic_id = ? AND l.attributed_calls >= 0.5
        ORDER BY l.attributed_calls DESC, l.template_id
        """,
        [topic_id, topic_id],
    ).df()


def topic_map(store: Store) -> pd.DataFrame:
    """Active fine topics in 2-D: the first two principal components of their stored centroids
    (linear, so distances on the map are a faithful if flattened view), with size and label."""
    topics = store.topics()
    topics = topics[topics["active"].astype(bool) & (topics["level"] == FINE) & topics["centroid"].notna()]
    columns = ["topic_id", "label", "size", "x", "y"]
    if len(topics) < 3:
        return pd.DataFrame(columns=columns)
    from threadpoolctl import threadpool_limits

    X = np.stack(topics["centroid"].to_list()).astype(np.float64)
    X -= X.mean(axis=0)
    with threadpool_limits(1):  # a few hundred rows: threads only add contention (5 s instead of 0.2 s under load)
        _, _, vt = np.linalg.svd(X, full_matrices=False)
    xy = X @ vt[:2].T
    return topics.assign(x=xy[:, 0], y=xy[:, 1])[columns].reset_index(drop=True)


def topic_notes(
    store: Store, topic_id: int, start: dt.date | None = None, end: dt.date | None = None, n: int = 20
) -> pd.DataFrame:
    """The most typical (highest-confidence) pseudonymised notes of a topic in the period."""
    lo, hi = _period(start, end)
    return store.con.execute(
        """
        SELECT c."timestamp", c.channel, c.text, round(ct.confidence, 2) AS confidence
        FROM call_topics ct JOIN calls c USING (call_id)
        WHERE ct.topic_id = ? AND c."timestamp" >= ? AND c."timestamp" < ?
        ORDER BY ct.confidence DESC, c.call_id LIMIT ?
        """,
        [topic_id, lo, hi, n],
    ).df()


def edit_topic(
    path: str | Path, kind: str, topic_id: int, target_id: int | None = None, label: str | None = None
) -> None:
    """Rename or merge a topic in the store at ``path`` (opened writable only for this): the edit is
    recorded (re-applied after every later analysis) and applied to the stored topics at once."""
    if kind == "rename" and not (label or "").strip():
        raise InputError("De nieuwe naam is leeg.")
    if kind == "merge" and (target_id is None or target_id == topic_id):
        raise InputError("Kies een ander onderwerp om mee samen te voegen.")
    with Store(path) as store:
        known = set(store.topics()["topic_id"].tolist())
        if topic_id not in known or (kind == "merge" and target_id not in known):
            raise InputError("Dit onderwerp bestaat niet (meer); ververs de pagina.")
        store.apply_topic_edit(kind, topic_id, target_id=target_id, label=(label or "").strip() or None, source="app")
