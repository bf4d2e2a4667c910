"""Brieven: the letter ranking, one letter's detail, its findings marked up, versions compared."""

from __future__ import annotations

import datetime as dt
import html
import json

import numpy as np
import pandas as pd

from analyzer.attribution import current_version_since
from analyzer.explore.base import _period
from analyzer.link import LinkSettings
from analyzer.report import letter_ranking
from analyzer.store import Store

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
    that falls inside, and ``letters_sent`` counts only the mailings in the period. ``calls_per_1000``
    divides by the letters sent in the period and in the lag window (``LinkSettings.max_lag`` days) before
    it, whose calls the period holds; it is NaN where none were sent. ``cost_factor``
    scales the stored cost (the app's cost per call over the one the analysis used). ``rewritten_on``: the
    date a later version of the letter took effect after its first mailing (its figures mix the old and
    the new text), else NaT. ``weights`` is
    :func:`letter_day_weights` if at hand (the app caches it, so a new period does not re-read the calls).
    """
    frame = letter_ranking(store)
    letters = store.con.execute("SELECT template_id, version, valid_from FROM letters").df()
    since = pd.to_datetime(frame["template_id"].map(current_version_since(letters)))
    # only where some letters went out with the old text (a version valid from before the first mailing is
    # simply the text that was sent)
    frame["rewritten_on"] = since.where(since > pd.to_datetime(frame["first_sent"]))  # NaT: one text sent
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
        frame["letters_sent"] = _sent_between(store, frame["template_id"], lo, hi)
        # The calls of a period come from letters sent in it and in the lag window before it (a March
        # period holds the calls of February's mailing): those letters are the rate's denominator.
        before = _sent_between(store, frame["template_id"], lo - dt.timedelta(days=LinkSettings().max_lag), lo)
        behind = frame["letters_sent"] + before
        frame["calls_per_1000"] = 1000 * frame["attributed_calls"] / behind.where(behind > 0)  # NaN: none sent
    frame = frame.assign(estimated_cost_eur=frame["estimated_cost_eur"].astype(float) * cost_factor)
    frame = frame.sort_values(
        ["avoidable_calls", "attributed_calls", "letters_sent", "template_id"], ascending=[False, False, False, True]
    )
    return frame.assign(rank=range(1, len(frame) + 1)).reset_index(drop=True)


def _sent_between(store: Store, template_ids: pd.Series, lo: dt.datetime, hi: dt.datetime) -> pd.Series:
    """Letters of each template sent on days ``lo`` <= day < ``hi``."""
    sent = store.con.execute(
        "SELECT template_id, sum(count) AS n FROM mailings WHERE sent_date >= ?::DATE AND sent_date < ?::DATE "
        "GROUP BY template_id",
        [lo, hi],
    ).df()
    return template_ids.map(sent.set_index("template_id")["n"]).fillna(0).astype("int64")


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
        for text in _evidence_notes(evidence):
            if text not in notes:
                notes.append(text)
    if len(notes) < n:
        more = store.con.execute(
            "SELECT c.text FROM call_letters cl JOIN calls c USING (call_id) WHERE cl.template_id = ? "
            "ORDER BY cl.weight DESC, c.call_id LIMIT ?",
            [template_id, n],
        ).fetchall()
        notes += [t for (t,) in more if t not in notes]
    return notes[:n]


def letter_topics(store: Store, template_id: str) -> pd.DataFrame:
    """The call topics a letter's attributed calls come from, most calls first: what the ranking's one
    "top topic" summarises, with the evidence per topic.

    Columns: ``topic_id``, ``label``, ``theme`` (the label of its parent topic, if any),
    ``attributed_calls`` (from ``letter_links``), ``share`` of the letter's attributed calls,
    ``avoidable_calls`` (the topic's attributed calls times the avoidable share of the letter's calls in it,
    from ``call_letters`` and ``call_demand``), ``paragraph_no`` (the paragraph the topic asks about),
    ``content_score``, ``timing_score``, ``mention_score`` and ``example`` (one pseudonymised note of the link
    evidence). Topics given less than half a call are left out of the rows but not of the total the shares
    are taken of, as in :func:`analyzer.report.letter_ranking`.
    """
    links = store.con.execute(
        """
        WITH av AS (
            SELECT ct.topic_id, sum(cl.weight) AS w,
                   sum(cl.weight) FILTER (WHERE d.avoidable) AS w_avoidable,
                   count(d.call_id) AS typed
            FROM call_letters cl JOIN call_topics ct USING (call_id) LEFT JOIN call_demand d USING (call_id)
            WHERE cl.template_id = ? GROUP BY 1)
        SELECT l.topic_id, t.label, p.label AS theme, l.attributed_calls, l.paragraph_no, l.content_score,
               l.timing_score, l.mention_score, l.evidence_json,
               CASE WHEN av.typed > 0 AND av.w > 0 THEN coalesce(av.w_avoidable, 0) / av.w END AS avoidable_share
        FROM letter_links l LEFT JOIN topics t USING (topic_id) LEFT JOIN topics p ON p.topic_id = t.parent
        LEFT JOIN av USING (topic_id)
        WHERE l.template_id = ?
        ORDER BY l.attributed_calls DESC, l.topic_id
        """,
        [template_id, template_id],
    ).df()
    columns = ["topic_id", "label", "theme", "attributed_calls", "share", "avoidable_calls", "paragraph_no",
               "content_score", "timing_score", "mention_score", "example"]  # fmt: skip
    total = float(links["attributed_calls"].sum())
    if total < 0.5:
        return pd.DataFrame(columns=columns)
    links = links.assign(share=links["attributed_calls"] / total)
    links = links[links["attributed_calls"] >= 0.5]
    return (
        links.assign(
            avoidable_calls=links["attributed_calls"] * links["avoidable_share"],
            example=links["evidence_json"].map(lambda evidence: next(iter(_evidence_notes(evidence)), None)),
            label=links["label"].fillna("(onderwerp verdwenen)"),
        )
        .reindex(columns=columns)
        .reset_index(drop=True)
    )


def _evidence_notes(evidence: object) -> list[str]:
    """The note texts of a link's ``evidence_json`` (a JSON list of strings or of objects with ``text``)."""
    notes = json.loads(evidence) if isinstance(evidence, str) and evidence else []
    texts = (note.get("text") if isinstance(note, dict) else note for note in notes)
    return [str(text) for text in texts if text]


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


def lag_profile(store: Store) -> dict | None:
    """When calls come after a mailing, as the last attribution used it (analyzer.link.learn_lag_profile):
    ``profile`` (``day``: days after sending, ``share``: of the mailing's calls), ``learned`` (False: the
    starting profile, the data showed no response), ``peak`` (the busiest day after sending), and
    ``half`` and ``most``: within how many days half and 90% of the calls have come. None before linking."""
    frame = store.table("lag_profile").sort_values("lag")
    if frame.empty or frame["share"].sum() <= 0:
        return None
    share = frame["share"].to_numpy(dtype=float) / frame["share"].sum()
    reached = np.cumsum(share)
    return {
        "profile": pd.DataFrame({"day": frame["lag"].to_numpy(dtype=int), "share": share}),
        "learned": bool(frame["learned"].iloc[0]),
        "peak": int(share.argmax()),
        "half": int(np.searchsorted(reached, 0.5)) + 1,
        "most": int(np.searchsorted(reached, 0.9)) + 1,
    }
