"""Reads and computations behind the app's pages: plain DataFrames and dicts out of the store.

No Streamlit in here, so every figure a page shows can be tested on a small store. Functions take
an open :class:`~analyzer.store.Store` and an optional period (``start``/``end`` dates, inclusive);
they work on an empty store too and then return empty frames (the pages turn those into a Dutch
message). The draft check (:func:`check_draft`, :func:`similar_letters`, :func:`call_risk`) lives
here as well: it scores a pasted text like a stored letter and compares it with the stored ones.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.report import letter_ranking
from analyzer.store import Store
from analyzer.topic_labels import FINE

# Avoidable-contact types (analyzer.demand) in the words the KCC uses.
DEMAND_LABELS = {
    "value": "gewone vraag (niet vermijdbaar)",
    "clarification": "uitleg over brief of besluit",
    "progress_chasing": "navragen van de voortgang",
    "repeat": "herhaald contact",
    "wrong_channel": "verkeerd kanaal of afdeling",
    "error_correction": "fout van de gemeente herstellen",
}
FINDING_LABELS = {
    "long_sentence": "lange zin",
    "passive": "lijdende vorm",
    "officialese": "ambtelijk",
    "jargon": "vakterm",
    "rare_word": "moeilijk woord",
    "long_compound": "lang samengesteld woord",
    "nominalisation": "naamwoordstijl",
    "double_negative": "dubbele ontkenning",
    "preposition_chain": "voorzetselketen",
}
UPLOAD_SUFFIXES = (".txt", ".docx", ".pdf")
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
DRAFT_MAX_CHARS = 50_000


# --------------------------------------------------------------------------- store access


def open_store(path: str | Path) -> Store:
    """Open a store read-only. The app never writes except for a topic edit, so a store made by an
    older analyzer is not migrated here: the message says to analyse again (that migrates it)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: database niet gevonden (voer eerst 'analyzer analyze' of scripts/demo.sh uit)")
    try:
        return Store(path, read_only=True)
    except InputError as exc:
        if "schemaversie" in str(exc):
            raise InputError(
                f"{path}: deze database is gemaakt door een oudere versie van analyzer; analyseer opnieuw "
                "('analyzer analyze' of 'bash scripts/demo.sh --reanalyze')"
            ) from None
        raise


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(start, dt.time.min) if start else dt.datetime(1900, 1, 1)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min) if end else dt.datetime(2999, 1, 1)
    return lo, hi


def date_range(store: Store) -> tuple[dt.date, dt.date] | None:
    """First and last day with calls, or None for a store without calls."""
    lo, hi = store.con.execute('SELECT min("timestamp"), max("timestamp") FROM calls').fetchall()[0]
    if lo is None:
        return None
    return pd.Timestamp(lo).date(), pd.Timestamp(hi).date()


def channels(store: Store) -> list[str]:
    rows = store.con.execute("SELECT DISTINCT channel FROM calls WHERE channel IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def departments(store: Store) -> list[str]:
    rows = store.con.execute(
        "SELECT DISTINCT department FROM letters WHERE department IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def analysis_cost_per_call(store: Store) -> float | None:
    """The cost per call (EUR) the latest completed analysis priced its calls at (from its settings)."""
    rows = store.con.execute(
        "SELECT settings_json FROM runs WHERE command = 'analyze' AND status = 'completed' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()
    if not rows or not rows[0][0]:
        return None
    value = json.loads(rows[0][0]).get("cost_per_call_eur")
    return float(value) if isinstance(value, int | float) else None


def embedding_model(store: Store) -> str | None:
    """The embedding model the store's vectors were made with (the one a draft must be embedded with)."""
    rows = store.con.execute(
        "SELECT model_id FROM embeddings GROUP BY model_id ORDER BY count(*) DESC, model_id LIMIT 1"
    ).fetchall()
    return rows[0][0] if rows else None


# --------------------------------------------------------------------------- overview


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


def top_spikes(store: Store, start: dt.date | None = None, end: dt.date | None = None, n: int = 10) -> pd.DataFrame:
    """The largest spikes whose peak lies in the period, with topic label (``thema: …`` for a theme's
    spike, a surge spread over its topics) and linked letter."""
    lo, hi = _period(start, end)
    return store.con.execute(
        """
        SELECT s.topic_id, CASE WHEN s.level = 0 THEN 'thema: ' || t.label ELSE t.label END AS topic_label,
               s.start, s.peak, s."end", s.observed, s.expected, s.excess, s.template_id, l.title AS letter_title,
               s.link_score
        FROM spikes s LEFT JOIN topics t USING (topic_id) LEFT JOIN letters l USING (template_id)
        WHERE s.peak >= ?::DATE AND s.peak < ?::DATE
        ORDER BY s.excess DESC, s.start LIMIT ?
        """,
        [lo, hi, n],
    ).df()


# --------------------------------------------------------------------------- letters


def ranking(
    store: Store,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department: str | None = None,
    channel: str | None = None,
    cost_factor: float = 1.0,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`analyzer.report.letter_ranking`, narrowed to a period, department and call channel.

    Attribution is stored for the whole analysis; for a narrower period or one channel the call
    figures of a letter are scaled by the share of its attributed call weight (``call_letters``)
    that falls inside, and ``letters_sent`` counts only the mailings in the period. ``cost_factor``
    scales the stored cost (the app's cost per call over the one the analysis used). ``weights`` is
    :func:`letter_day_weights` if at hand (the app caches it, so a new period does not re-read the calls).
    """
    frame = letter_ranking(store)
    if department:
        frame = frame[frame["department"] == department]
    lo, hi = _period(start, end)
    narrowed = start is not None or end is not None or channel is not None
    if narrowed and len(frame):
        weights = letter_day_weights(store) if weights is None else weights
        inside = weights[(weights["day"] >= lo) & (weights["day"] < hi)]
        if channel is not None:
            inside = inside[inside["channel"] == channel]
        share = inside.groupby("template_id")["weight"].sum() / weights.groupby("template_id")["weight"].sum()
        factor = frame["template_id"].map(share).fillna(0.0).astype(float)
        for col in ("attributed_calls", "attributed_low", "attributed_high", "avoidable_calls", "estimated_cost_eur"):
            frame[col] = frame[col].astype(float) * factor.to_numpy()
        sent = store.con.execute(
            "SELECT template_id, sum(count) AS n FROM mailings WHERE sent_date >= ?::DATE AND sent_date < ?::DATE "
            "GROUP BY template_id",
            [lo, hi],
        ).df()
        frame["letters_sent"] = frame["template_id"].map(sent.set_index("template_id")["n"]).fillna(0).astype("int64")
        per_1000 = 1000 * frame["attributed_calls"] / frame["letters_sent"].where(frame["letters_sent"] > 0)
        frame["calls_per_1000"] = per_1000.fillna(0.0)
    frame = frame.assign(estimated_cost_eur=frame["estimated_cost_eur"].astype(float) * cost_factor)
    frame = frame.sort_values(
        ["avoidable_calls", "attributed_calls", "letters_sent", "template_id"], ascending=[False, False, False, True]
    )
    return frame.assign(rank=range(1, len(frame) + 1)).reset_index(drop=True)


def letter_day_weights(store: Store) -> pd.DataFrame:
    """Attributed call weight per letter, day and channel (``template_id, day, channel, weight``)."""
    frame = store.con.execute(
        """
        SELECT cl.template_id, c."timestamp"::DATE AS day, c.channel, sum(cl.weight) AS weight
        FROM call_letters cl JOIN calls c USING (call_id) GROUP BY ALL ORDER BY 1, 2
        """
    ).df()
    return frame.assign(day=pd.to_datetime(frame["day"]))


def letter_detail(store: Store, template_id: str) -> dict | None:
    """Everything the letter view shows: the letter, its paragraphs, readability, findings,
    attribution (None before attribution), avoidable types and the top paragraph."""
    letters = store.con.execute("SELECT * FROM letters WHERE template_id = ?", [template_id]).df()
    if letters.empty:
        return None
    q = lambda sql: store.con.execute(sql, [template_id]).df()  # noqa: E731
    readability = q("SELECT * FROM letter_readability WHERE template_id = ?")
    attribution = q("SELECT * FROM letter_attribution WHERE template_id = ?")
    attr = attribution.iloc[0].to_dict() if len(attribution) else None
    demand = json.loads(attr["demand_json"]) if attr and isinstance(attr.get("demand_json"), str) else {}
    top = attr.get("top_paragraph") if attr else None
    if top is None or pd.isna(top):
        links = q("SELECT paragraph_no FROM letter_links WHERE template_id = ? ORDER BY link_score DESC LIMIT 1")
        top = links["paragraph_no"].iloc[0] if len(links) else None
    return {
        "letter": letters.iloc[0].to_dict(),
        "paragraphs": q("SELECT * FROM letter_paragraphs WHERE template_id = ? ORDER BY paragraph_no"),
        "readability": readability.iloc[0].to_dict() if len(readability) else None,
        "findings": findings_table(q("SELECT * FROM letter_findings WHERE template_id = ? ORDER BY finding_no")),
        "attribution": attr,
        "demand": demand_table(demand),
        "top_paragraph": None if top is None or pd.isna(top) else int(top),
        "mailings": q("SELECT sent_date, count FROM mailings WHERE template_id = ? ORDER BY sent_date"),
    }


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with a Dutch type name, in the columns the app and its exports show."""
    columns = ["finding_no", "paragraph_no", "type", "soort", "start_char", "end_char", "text", "suggestion"]
    if findings.empty:
        return pd.DataFrame(columns=columns)
    out = findings.assign(soort=findings["type"].map(lambda t: FINDING_LABELS.get(t, t)))
    if "finding_no" not in out:
        out["finding_no"] = range(1, len(out) + 1)
    if "paragraph_no" not in out:
        out["paragraph_no"] = None
    return out.reindex(columns=columns)


def demand_table(demand: dict) -> pd.DataFrame:
    """``{demand_type: calls}`` as rows with the Dutch name, biggest first."""
    rows = [
        {"demand_type": k, "soort": DEMAND_LABELS.get(k, k), "calls": float(v), "avoidable": k != "value"}
        for k, v in (demand or {}).items()
        if v
    ]
    frame = pd.DataFrame(rows, columns=["demand_type", "soort", "calls", "avoidable"])
    return frame.sort_values("calls", ascending=False).reset_index(drop=True)


def letter_calls_daily(
    store: Store,
    template_id: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    weights: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, str]:
    """Daily calls for a letter and where they come from: ``attributed`` (call_letters weights),
    ``topics`` (all calls of the topics linked to it, before attribution) or ``none``.
    ``weights`` is :func:`letter_day_weights` if at hand."""
    lo, hi = _period(start, end)
    weights = letter_day_weights(store) if weights is None else weights
    mine = weights[(weights["template_id"] == template_id) & (weights["day"] >= lo) & (weights["day"] < hi)]
    if len(mine):
        frame = mine.groupby("day", as_index=False)["weight"].sum().rename(columns={"weight": "calls"})
        return frame, "attributed"
    frame = store.con.execute(
        """
        SELECT c."timestamp"::DATE AS day, count(*)::DOUBLE AS calls
        FROM call_topics ct JOIN calls c USING (call_id)
        WHERE ct.topic_id IN (SELECT topic_id FROM letter_links WHERE template_id = ?)
          AND c."timestamp" >= ? AND c."timestamp" < ? GROUP BY 1 ORDER BY 1
        """,
        [template_id, lo, hi],
    ).df()
    return frame, ("topics" if len(frame) else "none")


def example_notes(store: Store, template_id: str, n: int = 8) -> list[str]:
    """Pseudonymised notes that show why a letter is flagged: the link evidence, else its heaviest calls."""
    rows = store.con.execute(
        "SELECT evidence_json FROM letter_links WHERE template_id = ? ORDER BY link_score DESC", [template_id]
    ).fetchall()
    notes: list[str] = []
    for (evidence,) in rows:
        for note in json.loads(evidence or "[]"):
            text = note.get("text") if isinstance(note, dict) else note
            if text and text not in notes:
                notes.append(str(text))
    if len(notes) < n:
        more = store.con.execute(
            "SELECT c.text FROM call_letters cl JOIN calls c USING (call_id) WHERE cl.template_id = ? "
            "ORDER BY cl.weight DESC, c.call_id LIMIT ?",
            [template_id, n],
        ).fetchall()
        notes += [t for (t,) in more if t not in notes]
    return notes[:n]


def version_comparison(store: Store, template_id: str) -> pd.DataFrame:
    """Calls per 1,000 letters sent before and after the current version's ``valid_from``; empty when
    the letter has no such date inside its mailing history or no attributed calls."""
    frame = store.con.execute(
        """
        WITH v AS (SELECT valid_from::DATE AS d FROM letters WHERE template_id = ? AND valid_from IS NOT NULL),
        sent AS (SELECT m.sent_date < v.d AS before, sum(m.count) AS letters_sent
                 FROM mailings m, v WHERE m.template_id = ? GROUP BY 1),
        calls AS (SELECT c."timestamp"::DATE < v.d AS before, sum(cl.weight) AS calls
                  FROM call_letters cl JOIN calls c USING (call_id), v WHERE cl.template_id = ? GROUP BY 1)
        SELECT s.before, s.letters_sent, coalesce(c.calls, 0) AS attributed_calls
        FROM sent s LEFT JOIN calls c USING (before) ORDER BY s.before DESC
        """,
        [template_id, template_id, template_id],
    ).df()
    if len(frame) < 2 or frame["attributed_calls"].sum() == 0:
        return pd.DataFrame(columns=["periode", "letters_sent", "attributed_calls", "calls_per_1000"])
    frame["periode"] = frame.pop("before").map({True: "vorige versie", False: "huidige versie"})
    frame["calls_per_1000"] = 1000 * frame["attributed_calls"] / frame["letters_sent"]
    return frame[["periode", "letters_sent", "attributed_calls", "calls_per_1000"]]


SENTENCE_FINDINGS = ("long_sentence",)  # findings that span a whole sentence: drawn around the others


def _crosses(span: tuple[int, int], boundaries: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(s < b_start < e or s < b_end < e for b_start, b_end in boundaries if not (b_start <= s and e <= b_end))


def _non_overlapping(rows: list[tuple[int, int, str, str]], limit: int) -> list[tuple[int, int, str, str]]:
    out, last = [], -1
    for s, e, title, kind in sorted(rows):
        if s >= last and s < e <= limit:
            out.append((s, e, title, kind))
            last = e
    return out


def letter_markup(
    text: str, findings: pd.DataFrame, paragraphs: pd.DataFrame | None = None, highlight: int | None = None
) -> str:
    """The letter as HTML: the highlighted paragraph in a ``<div class="hot">``, a long sentence in a
    ``<span>`` and every other finding in a ``<mark>`` inside it; ``title`` (hover) holds the suggestion.
    Of overlapping findings of one layer the first is kept (all of them stay in the findings table)."""
    rows = [
        (int(f.start_char), int(f.end_char), f"{f.soort}: {f.suggestion}", str(f.type))
        for f in (findings.itertuples() if len(findings) else [])
    ]
    hot: list[tuple[int, int]] = []
    if highlight is not None and paragraphs is not None and len(paragraphs):
        row = paragraphs[paragraphs["paragraph_no"] == highlight]
        if len(row):
            hot = [(int(row["start_char"].iloc[0]), int(row["end_char"].iloc[0]))]
    outer = [r for r in _non_overlapping([r for r in rows if r[3] in SENTENCE_FINDINGS], len(text))
             if not _crosses(r[:2], hot)]  # fmt: skip
    inner = [r for r in _non_overlapping([r for r in rows if r[3] not in SENTENCE_FINDINGS], len(text))
             if not _crosses(r[:2], hot + [o[:2] for o in outer])]  # fmt: skip
    layers = [
        [(s, e, '<div class="hot" title="Over dit stuk wordt het meest gebeld">', "</div>") for s, e in hot],
        [(s, e, f'<span class="f-{html.escape(k)}" title="{html.escape(t)}">', "</span>") for s, e, t, k in outer],
        [(s, e, f'<mark class="f-{html.escape(k)}" title="{html.escape(t)}">', "</mark>") for s, e, t, k in inner],
    ]
    cuts = sorted({0, len(text), *(p for layer in layers for s, e, *_ in layer for p in (s, e))})
    out: list[str] = []
    open_tags: list[tuple[int, str]] = []  # (end, closing tag), outermost first
    for pos, cut in zip(cuts, cuts[1:]):
        while open_tags and open_tags[-1][0] <= pos:
            out.append(open_tags.pop()[1])
        for layer in layers:
            for s, e, opening, closing in layer:
                if s == pos:
                    out.append(opening)
                    open_tags.append((e, closing))
        out.append(html.escape(text[pos:cut]))
    out.extend(tag for _, tag in reversed(open_tags))
    return '<div class="letter">' + "".join(out).replace("\n", "<br>") + "</div>"


# --------------------------------------------------------------------------- topics


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


# --------------------------------------------------------------------------- draft check


def read_upload(name: str, data: bytes) -> str:
    """Text of an uploaded draft (.txt, .docx, .pdf, at most 5 MB); InputError with a Dutch message otherwise."""
    from analyzer.ingest.letters import read_letter

    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(f"{name}: dit bestandstype kan niet gecontroleerd worden (wel: {', '.join(UPLOAD_SUFFIXES)})")
    if len(data) > UPLOAD_MAX_BYTES:
        raise InputError(f"{name}: het bestand is groter dan {UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
    if not data:
        raise InputError(f"{name}: het bestand is leeg")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"concept{suffix}"
        path.write_bytes(data)
        try:
            return read_letter(path).text
        except InputError as exc:
            raise InputError(str(exc).replace(path.name, name)) from None


def check_draft(text: str) -> dict:
    """Readability, B1 verdict and findings of a draft, scored exactly like a stored letter."""
    from analyzer.b1 import analyze_document
    from analyzer.ingest.letters import clean_text

    if len(text) > DRAFT_MAX_CHARS:
        raise InputError(f"De tekst is te lang om te controleren (meer dan {DRAFT_MAX_CHARS:,} tekens).")
    cleaned = clean_text(text)
    result = analyze_document(cleaned)
    result["text"] = cleaned
    result["findings_table"] = findings_table(
        pd.DataFrame(
            [{"type": f["type"], "start_char": f["start"], "end_char": f["end"], "text": f["text"],
              "suggestion": f["suggestion"]} for f in result["findings"]],
            columns=["type", "start_char", "end_char", "text", "suggestion"],
        )
    )  # fmt: skip
    return result


def paragraph_vectors(store: Store, model_id: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Stored letter paragraphs and their cached vectors under ``model_id`` (rows without one dropped)."""
    from analyzer.embed import text_hash
    from analyzer.ingest.letters import strip_markers

    paras = store.con.execute(
        "SELECT template_id, paragraph_no, text FROM letter_paragraphs ORDER BY template_id, paragraph_no"
    ).df()
    keys = [text_hash(strip_markers(t), model_id) for t in paras["text"]]
    found = store.get_embeddings(sorted(set(keys)), model_id)
    keep = [k in found for k in keys]
    paras = paras[keep].reset_index(drop=True)
    vectors = np.stack([found[k] for k, ok in zip(keys, keep) if ok]) if any(keep) else np.zeros((0, 1), np.float32)
    return paras, vectors


def similar_letters(
    draft_vectors: np.ndarray, paragraphs: pd.DataFrame, vectors: np.ndarray, ranking: pd.DataFrame, k: int = 5
) -> pd.DataFrame:
    """Stored letters most like a draft: for every letter the mean over the draft's paragraphs of the
    best cosine match among the letter's paragraphs; with the letter's call history from ``ranking``."""
    columns = ["template_id", "title", "similarity", "best_paragraph", "best_paragraph_text", "letters_sent",
               "attributed_calls", "calls_per_1000", "attributed_low", "attributed_high"]  # fmt: skip
    if not len(draft_vectors) or not len(vectors):
        return pd.DataFrame(columns=columns)
    sims = np.asarray(draft_vectors, np.float32) @ np.asarray(vectors, np.float32).T  # draft paras x stored paras
    rows = []
    for template_id, idx in paragraphs.groupby("template_id").indices.items():
        block = sims[:, idx]
        best = int(idx[int(np.argmax(block.max(axis=0)))])
        rows.append(
            {
                "template_id": template_id,
                "similarity": float(block.max(axis=1).mean()),
                "best_paragraph": int(paragraphs.at[best, "paragraph_no"]),
                "best_paragraph_text": paragraphs.at[best, "text"],
            }
        )
    frame = pd.DataFrame(rows).merge(
        ranking[["template_id", "title", "letters_sent", "attributed_calls", "calls_per_1000", "attributed_low",
                 "attributed_high"]], on="template_id", how="left")  # fmt: skip
    return frame.sort_values(["similarity", "template_id"], ascending=[False, True]).head(k).reindex(columns=columns)


def call_risk(similar: pd.DataFrame) -> dict | None:
    """Predicted calls per 1,000 letters for a draft: the similarity-weighted mean of its neighbours'
    calls per 1,000, with a range from the lowest to the highest neighbour's attribution interval.

    Only neighbours that were actually sent count. None when there are none: no prediction then.
    The range is deliberately wide: a handful of letters is all the evidence there is.
    """
    if similar.empty:
        return None
    sent = similar[(similar["letters_sent"].fillna(0) > 0)]
    if sent.empty:
        return None
    weights = np.clip(sent["similarity"].to_numpy(float), 0.0, None) ** 2
    if weights.sum() == 0:
        weights = np.ones(len(sent))
    rate = sent["calls_per_1000"].fillna(0).to_numpy(float)
    letters = sent["letters_sent"].to_numpy(float)
    low = np.minimum(sent["attributed_low"].fillna(0).to_numpy(float) / letters * 1000, rate)
    high = np.maximum(sent["attributed_high"].fillna(0).to_numpy(float) / letters * 1000, rate)
    return {
        "calls_per_1000": float(np.average(rate, weights=weights)),
        "low": float(low.min()),
        "high": float(high.max()),
        "neighbours": int(len(sent)),
        "mean_similarity": float(sent["similarity"].mean()),
    }
