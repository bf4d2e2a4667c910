"""How many calls each letter generates, which of them were avoidable, and what they cost.

Per call topic, the daily calls are explained by a baseline (a level per weekday and a slow trend)
plus, for each candidate letter of the topic (analyzer.link: content and mentions), the letters
mailed before that day weighted by the learned lag profile ("mailing pressure"). The weights are
fitted by non-negative least squares, so a letter explains calls only when its mailings and the
topic's calls rise and fall together; two letters mailed the same week are told apart by content
(each topic has its own candidates) and by their different mailing days and volumes. A topic
whose notes resemble no letter enough for a candidate, or whose candidates explain none of its
calls, may still be linked to a letter its theme's other topics are linked to or that its notes
faintly resemble (link.weak_candidates), but only when the timing of its calls shows that letter
(an F test, :func:`_fit_topic`). Those letters are tried in the order of the topic's own content,
so of two letters mailed on the same days (which timing cannot tell apart) the one the callers'
words are closer to is kept. The same test applies to a candidate whose content match is only
marginal (below ``LinkSettings.firm_content``) when timing shows the letter in another topic: its
mailings are visible in the data, so where they do not show, the topic's seasonal background is not
handed to it. Letters that timing shows nowhere (steady weekly mailings) keep what content gives them.
A topic whose calls do not follow any mailing stays unlinked.
A letter rewritten during the period (its stored text is version 2 or later, ``valid_from``) gets
one pressure column per version, so the old and the new text each have their own calls per
letter sent: with one column the fit averages them and a rewrite's effect all but disappears.

The observed calls of a day are then shared out in proportion to what each part explains: a
call's weight for a letter is the letter's share of the fitted calls that day. Summed per letter
this gives the attributed calls, and with the demand type of each call (analyzer.demand) the
avoidable ones. The range is approximate: Poisson noise on the attributed calls plus the binomial
uncertainty of sharing each day's calls (a 95% normal interval), widened for letters whose
mailings timing cannot tell from a topic's background (see :func:`_letters`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from analyzer import link
from analyzer.link import LinkSettings

AVOIDABLE_TYPES = ("clarification", "progress_chasing", "repeat", "wrong_channel", "error_correction")
MIN_F = 10.0  # F statistic a letter needs to count as shown by timing (see _fit_topic)
MIN_SPIKE_SHARE = 0.5  # a spike is linked when the letter explains at least this share of its excess
EVIDENCE_NOTES = 5


@dataclass
class Attribution:
    links: pd.DataFrame
    letters: pd.DataFrame
    call_letters: pd.DataFrame
    spikes: pd.DataFrame
    lag_profile: np.ndarray
    profile_learned: bool


def attribute(
    calls: pd.DataFrame,
    paragraphs: pd.DataFrame,
    letters: pd.DataFrame,
    mailings: pd.DataFrame,
    *,
    demand: pd.DataFrame | None = None,
    spikes: pd.DataFrame | None = None,
    cost_per_call_eur: float = 0.0,
    settings: LinkSettings | None = None,
) -> Attribution:
    """Links, per-letter attribution, per-call letter weights and spike links.

    ``calls``: call_id, timestamp, topic_id (its fine topic), subject (analyzer.notes.subject_text), text.
    ``paragraphs``: template_id, paragraph_no, text.
    ``letters``: template_id, title, kenmerk (version, valid_from: see _version_parts). ``mailings``:
    template_id, sent_date, count.
    ``demand``: call_id, demand_type, avoidable (optional). ``spikes``: analyzer.spikes rows.
    """
    settings = settings or LinkSettings()
    calls = calls.reset_index(drop=True)
    topic_ids, call_rows = np.unique(calls["topic_id"].to_numpy(dtype=np.int64), return_inverse=True)
    row_of = {int(t): i for i, t in enumerate(topic_ids)}
    matcher = link.ContentMatcher.from_notes(calls["subject"], call_rows, len(topic_ids), paragraphs)
    content, _ = matcher.content_scores()
    mentions = link.mention_scores(calls["subject"], call_rows, len(topic_ids), link.mention_words(letters))
    mentions = mentions.reindex(columns=content.columns, fill_value=0.0)
    combined = content.add(settings.mention_weight * mentions)
    candidates = link.link_candidates(combined, settings)

    stamps = pd.to_datetime(calls["timestamp"]).dt.normalize()
    mailed = mailings[mailings["template_id"].isin(content.columns)]
    first = min(stamps.min(), pd.to_datetime(mailed["sent_date"]).min()) if len(mailed) else stamps.min()
    days = pd.date_range(first, stamps.max(), freq="D")
    day_of_call = ((stamps - days[0]).dt.days).to_numpy()
    counts = np.zeros((len(days), len(topic_ids)))
    np.add.at(counts, (day_of_call, call_rows), 1.0)
    factor = link.day_factors(pd.Series(counts.sum(axis=1), index=days)).to_numpy()
    sent = link.mailing_matrix(mailed, days)
    since = current_version_since(letters)

    profile, learned = _lag_profile(counts, sent, factor, days, combined, settings)
    press = {
        t: [link.pressure(part, profile) * factor for part in _version_parts(sent[t].to_numpy(), days, since.get(t))]
        for t in sent.columns
    }  # per letter, one pressure column per text version (see _version_parts)
    base = link.baseline_design(days) * factor[:, None]
    open_days = factor > 0

    theme_rows: dict[int, list[int]] = {}
    if "theme_id" in calls:
        for topic, theme in calls.drop_duplicates("topic_id")[["topic_id", "theme_id"]].itertuples(index=False):
            theme_rows.setdefault(int(theme), []).append(row_of[int(topic)])
    siblings: list[list[int]] = [[] for _ in topic_ids]  # per topic row, the rows of its theme
    for rows in theme_rows.values():
        for r in rows:
            siblings[r] = rows
    weak = link.weak_candidates(combined, candidates, settings, siblings, counts.sum(axis=0))

    def usable(names: list[str]) -> list[str]:
        return [c for c in names if c in press and any(part.any() for part in press[c])]

    def fit(r: int, cands: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray, set[str]]:
        """Each candidate's fitted calls per day, the whole fit, and the candidates timing shows."""
        columns = [(c, part) for c in cands for part in press[c]]
        X = np.hstack([np.column_stack([part for _, part in columns]), base])
        coef, shown = _fit_topic(X[open_days], counts[open_days, r], len(columns), MIN_F)
        curves = {c: np.zeros(len(days)) for c in cands}
        for k, (c, part) in enumerate(columns):
            curves[c] += coef[k] * part
        return curves, X @ coef, {columns[k][0] for k in shown}

    def topic_fit(r: int, cands: list[str]) -> tuple[list[str], dict[str, np.ndarray], np.ndarray, set[str]] | None:
        """The letters kept for one topic row with their fitted curves, the whole fit and the shown ones."""
        if cands:
            curves, fitted, shown = fit(r, cands)
        if not cands or not any(curve.any() for curve in curves.values()):
            # No candidate, or none whose mailings move the topic's calls: weaker evidence (the
            # theme's letters, faint content), kept only for letters whose calls timing shows.
            cands, kept = [], None
            for c in usable(weak[r]):  # in order of the topic's content: it decides what timing cannot
                trial = fit(r, [*cands, c])
                if len(trial[2]) == len(cands) + 1:  # c shown beside those kept so far (so all are)
                    cands, kept = [*cands, c], trial
            if kept is None:
                return None
            curves, fitted, shown = kept
        return cands, curves, fitted, shown

    fits = {r: topic_fit(r, usable(candidates[r])) for r in range(len(topic_ids)) if counts[:, r].sum() > 0}
    # A letter whose calls timing shows somewhere must show them too where its content is only marginal:
    # there, NNLS can hand it the seasonal background of a topic that merely shares some words with it.
    shown_somewhere = {c for result in fits.values() if result for c in result[3]}
    for r, result in fits.items():
        if result is None:
            continue
        doubtful = [
            c
            for c in result[0]
            if c not in result[3] and c in shown_somewhere and float(combined.iloc[r][c]) < settings.firm_content
        ]
        if doubtful:
            fits[r] = topic_fit(r, [c for c in result[0] if c not in doubtful])
    shares: dict[tuple[int, str], np.ndarray] = {}  # (topic row, template) -> share of each day's calls
    proven: set[tuple[int, str]] = set()  # pairs whose calls timing shows (see _fit_topic)
    for r, result in fits.items():
        if result is None:
            continue
        cands, curves, fitted, shown = result
        with np.errstate(invalid="ignore", divide="ignore"):
            for c in cands:
                if curves[c].any():
                    shares[(r, c)] = np.where(fitted > 0, curves[c] / fitted, 0.0)
                    if c in shown:
                        proven.add((r, c))

    pair_calls = {(r, c): float((counts[:, r] * share).sum()) for (r, c), share in shares.items()}  # attributed
    call_letters = _call_weights(calls, call_rows, day_of_call, shares)
    links = _links(calls, counts, pair_calls, topic_ids, content, mentions, combined, call_letters)
    links["avoidable_calls"] = _avoidable_per_link(links, call_letters, demand, topic_ids)
    call_letters = call_letters.drop(columns="topic_row")
    links = _paragraphs(links, matcher, row_of)
    per_letter = _letters(
        links, call_letters, mailed, letters, demand, cost_per_call_eur, counts, shares, pair_calls, proven
    )
    spike_links = _spike_links(spikes, counts, shares, days, row_of, theme_rows)
    return Attribution(links, per_letter, call_letters, spike_links, profile, learned)


# --------------------------------------------------------------------------- steps


def current_version_since(letters: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Per letter whose stored text is a later version (the first number in ``version`` above 1:
    ``2``, ``v2``, ``2.1``), the date that text took effect (``valid_from``); mailings before it
    were of an earlier text."""
    if "valid_from" not in letters or "version" not in letters:
        return {}
    version = pd.to_numeric(letters["version"].astype("string").str.extract(r"(\d+)")[0], errors="coerce")
    since = pd.to_datetime(letters["valid_from"], errors="coerce")
    later = (version > 1) & since.notna()
    return dict(zip(letters.loc[later, "template_id"], since[later].dt.normalize()))


def _version_parts(sent: np.ndarray, days: pd.DatetimeIndex, since: pd.Timestamp | None) -> list[np.ndarray]:
    """A letter's daily mailings, split where a new version of its text took effect.

    A rewritten letter is a different text and prompts a different number of calls per letter
    sent (that is the point of rewriting it), so its mailings before and after the new version
    get a coefficient each. One part when the letter has a single version in the period.
    """
    if since is None:
        return [sent]
    before = np.where(days < since, sent, 0.0)
    after = sent - before
    return [part for part in (before, after) if part.any()] or [sent]


def _fit_topic(X: np.ndarray, y: np.ndarray, n_letters: int, min_f: float) -> tuple[np.ndarray, set[int]]:
    """NNLS of one topic's daily calls on its letters' pressure (the first ``n_letters`` columns)
    and the baseline. Returns the coefficients and the letters whose calls timing *shows*.

    A letter is shown by timing when leaving it out makes the fit clearly worse: an F statistic
    of at least ``min_f`` (residual sum of squares, one column), by backward elimination, worst
    letter first. A letter mailed every week on the same weekday in steady volumes has a pressure
    that the weekday baseline imitates: timing cannot tell its calls from the topic's background,
    and NNLS hands them to one or the other by accident of the numbers. Such calls still count
    (content made the letter a candidate), but they are not timing-proven, which widens the
    letter's range (see _letters).
    """
    coef, _ = nnls(X, y, maxiter=50 * X.shape[1])
    current = coef
    active = list(range(X.shape[1]))
    while True:
        # Letters the current fit gives no weight explain nothing: they leave before the test, so a
        # letter mailed on the same days as one of them is tested against the baseline, not its twin.
        active = [k for k in active if k >= n_letters or current[k] > 0]
        letters = [j for j in active if j < n_letters]
        if not letters:
            return coef, set()
        rss = float(((y - X @ current) ** 2).sum())
        scale = max(rss / max(len(y) - len(active), 1), 1e-9)
        f_stats = {}
        for j in letters:
            rest = [k for k in active if k != j]
            without, _ = nnls(X[:, rest], y, maxiter=50 * len(rest))
            f_stats[j] = (float(((y - X[:, rest] @ without) ** 2).sum()) - rss) / scale
        worst = min(f_stats, key=f_stats.get)
        if f_stats[worst] >= min_f:
            return coef, set(letters)
        active.remove(worst)
        current = np.zeros(X.shape[1])
        current[active], _ = nnls(X[:, active], y, maxiter=50 * len(active))


def _lag_profile(
    counts: np.ndarray, sent: pd.DataFrame, factor: np.ndarray, days: pd.DatetimeIndex,
    combined: pd.DataFrame, settings: LinkSettings,
) -> tuple[np.ndarray, bool]:  # fmt: skip
    """Learn the lag profile from each letter's best-linked topic (see link.learn_lag_profile)."""
    pairs = []
    for template in sent.columns:
        if template not in combined.columns:
            continue
        r = int(combined[template].to_numpy().argmax())
        if combined[template].iloc[r] >= settings.min_content and sent[template].sum() > 0:
            pairs.append((r, template))
    if pairs:
        learned = link.learn_lag_profile(
            counts[:, [r for r, _ in pairs]], sent[[t for _, t in pairs]].to_numpy(), factor, days, settings.max_lag
        )
        if learned is not None:
            return learned, True
    return link.default_profile(settings.max_lag), False


def _call_weights(
    calls: pd.DataFrame, call_rows: np.ndarray, day_of_call: np.ndarray, shares: dict[tuple[int, str], np.ndarray]
) -> pd.DataFrame:
    """Each call's weight for each letter (its share of the call's day in its topic), with the
    call's topic row; a call has one topic, so (call, letter) pairs are unique."""
    order = np.argsort(call_rows, kind="stable")  # each topic's calls, in their original order
    bounds = np.searchsorted(call_rows[order], np.arange(call_rows.max(initial=-1) + 2))
    call_ids = calls["call_id"].to_numpy()
    ids, templates, weights, rows = [], [], [], []
    for (r, template), share in shares.items():
        members = order[bounds[r] : bounds[r + 1]]
        weight = share[day_of_call[members]]
        keep = weight >= 0.01
        ids.append(call_ids[members][keep])
        templates.append(np.full(int(keep.sum()), template, dtype=object))
        weights.append(np.minimum(weight[keep], 1.0))
        rows.append(np.full(int(keep.sum()), r, dtype=np.int64))
    if not ids:
        return pd.DataFrame(columns=["call_id", "template_id", "weight", "topic_row"])
    return pd.DataFrame({"call_id": np.concatenate(ids), "template_id": np.concatenate(templates),
                         "weight": np.concatenate(weights), "topic_row": np.concatenate(rows)})  # fmt: skip


def _links(
    calls: pd.DataFrame, counts: np.ndarray, pair_calls: dict[tuple[int, str], float], topic_ids: np.ndarray,
    content: pd.DataFrame, mentions: pd.DataFrame, combined: pd.DataFrame, call_letters: pd.DataFrame,
) -> pd.DataFrame:  # fmt: skip
    rows = []
    texts = calls.set_index("call_id")["text"]
    ranked = call_letters.sort_values(["weight", "call_id"], ascending=[False, True])
    evidence = ranked.groupby(["topic_row", "template_id"])["call_id"].apply(lambda c: c.head(EVIDENCE_NOTES).tolist())
    for (r, template), attributed in pair_calls.items():
        if attributed < 1.0:
            continue
        timing = attributed / max(counts[:, r].sum(), 1.0)
        rows.append({
            "template_id": template, "topic_id": int(topic_ids[r]),
            "content_score": float(content.at[r, template]), "mention_score": float(mentions.at[r, template]),
            "timing_score": timing, "link_score": float(np.sqrt(max(combined.at[r, template], 0.0) * timing)),
            "paragraph_no": None, "paragraph_score": None,
            "attributed_calls": attributed,
            "evidence_json": json.dumps([texts[c] for c in evidence.get((r, template), [])], ensure_ascii=False),
        })  # fmt: skip
    columns = ["template_id", "topic_id", "link_score", "content_score", "timing_score", "mention_score",
               "paragraph_no", "paragraph_score", "attributed_calls", "evidence_json"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["template_id", "attributed_calls"], ascending=[True, False]).reset_index(drop=True)


def _avoidable_per_link(
    links: pd.DataFrame, call_letters: pd.DataFrame, demand: pd.DataFrame | None, topic_ids: np.ndarray
) -> np.ndarray:
    """Per link (letter, topic): the weight of its avoidable calls (analyzer.demand); zeros without demand."""
    if demand is None or demand.empty or links.empty:
        return np.zeros(len(links))
    avoidable = set(demand.loc[demand["avoidable"].fillna(False).astype(bool), "call_id"])
    own = call_letters[call_letters["call_id"].isin(avoidable)]
    sums = own.groupby(["template_id", "topic_row"])["weight"].sum()
    sums.index = pd.MultiIndex.from_arrays([sums.index.get_level_values(0), topic_ids[sums.index.get_level_values(1)]])
    keys = pd.MultiIndex.from_arrays([links["template_id"], links["topic_id"].astype(np.int64)])
    return sums.reindex(keys, fill_value=0.0).to_numpy(dtype=float)


def _paragraphs(links: pd.DataFrame, matcher: link.ContentMatcher, row_of: dict[int, int]) -> pd.DataFrame:
    """The paragraph of its letter that each linked topic asks about (link.ContentMatcher.paragraph_focus)."""
    links = links.copy()
    for template, own in links.groupby("template_id"):
        numbers, scores = matcher.paragraph_focus(str(template), [row_of[int(t)] for t in own["topic_id"]])
        links.loc[own.index, "paragraph_no"] = numbers
        links.loc[own.index, "paragraph_score"] = scores
    return links


def _letters(
    links: pd.DataFrame, call_letters: pd.DataFrame, mailed: pd.DataFrame, letters: pd.DataFrame,
    demand: pd.DataFrame | None, cost_per_call_eur: float, counts: np.ndarray,
    shares: dict[tuple[int, str], np.ndarray], pair_calls: dict[tuple[int, str], float],
    proven: set[tuple[int, str]],
) -> pd.DataFrame:  # fmt: skip
    """Per letter: calls attributed, of them timing-shown, avoidable, per 1,000 sent, cost, range.

    The range is the 95% noise interval of the attributed calls (Poisson plus sharing), widened
    where timing cannot decide (the letter's mailings look like the topic's background, see
    _fit_topic): downwards to the timing-shown calls, since the calls that only content ties to
    the letter may be background; upwards by the calls the baseline took in those topics, since
    they may be the letter's.
    """
    sent = mailed.groupby("template_id")["count"].sum()
    shown: dict[str, float] = {}
    unshown_room: dict[str, float] = {}  # calls the baseline took in topics where timing cannot decide
    explained = np.zeros(counts.shape[1])
    for (r, _), n in pair_calls.items():
        explained[r] += n
    for (r, template), n in pair_calls.items():
        if (r, template) in proven:
            shown[template] = shown.get(template, 0.0) + n
        else:
            room = max(float(counts[:, r].sum()) - explained[r], 0.0)
            unshown_room[template] = unshown_room.get(template, 0.0) + room
    by_type = None
    if demand is not None and len(demand):
        typed = call_letters.merge(demand[["call_id", "demand_type"]], on="call_id", how="left")
        by_type = typed.groupby(["template_id", "demand_type"])["weight"].sum()
    variance: dict[str, float] = {}
    for (r, template), share in shares.items():
        variance[template] = variance.get(template, 0.0) + float((counts[:, r] * share * (1 - share)).sum())
    rows = []
    for template in letters["template_id"]:
        own = links[links["template_id"] == template]
        attributed = float(own["attributed_calls"].sum())
        half = 1.96 * np.sqrt(attributed + variance.get(template, 0.0))
        timing_shown = min(shown.get(template, 0.0), attributed)
        low = min(attributed - half, timing_shown - 1.96 * np.sqrt(timing_shown))
        letters_sent = int(sent.get(template, 0))
        types = {}
        avoidable = None
        if by_type is not None:
            types = {str(k): float(v) for k, v in by_type.get(template, pd.Series(dtype=float)).items()}
            avoidable = sum(v for k, v in types.items() if k in AVOIDABLE_TYPES)
        if len(own):
            top_topic = int(own.sort_values("attributed_calls", ascending=False).iloc[0]["topic_id"])
            # the paragraph behind most avoidable calls: what a rewrite can prevent (all calls without demand types)
            weight = own["avoidable_calls"] if own["avoidable_calls"].sum() > 0 else own["attributed_calls"]
            top_paragraph = int(weight.groupby(own["paragraph_no"]).sum().idxmax())
        else:
            top_topic = top_paragraph = None
        costed = avoidable if avoidable is not None else attributed
        rows.append({
            "template_id": template, "letters_sent": letters_sent, "attributed_calls": attributed,
            "timing_shown_calls": timing_shown,
            "attributed_low": max(0.0, low) if attributed else 0.0,
            "attributed_high": attributed + half + unshown_room.get(template, 0.0) if attributed else 0.0,
            "avoidable_calls": avoidable,
            "calls_per_1000": 1000.0 * attributed / letters_sent if letters_sent else None,
            "estimated_cost_eur": costed * cost_per_call_eur,
            "top_topic": top_topic, "top_paragraph": top_paragraph,
            "demand_json": json.dumps(types, ensure_ascii=False) if types else None,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _spike_links(
    spikes: pd.DataFrame | None, counts: np.ndarray, shares: dict[tuple[int, str], np.ndarray],
    days: pd.DatetimeIndex, row_of: dict[int, int], theme_rows: dict[int, list[int]] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Each spike's letter: the candidate that explains most of the spike's excess calls, if it
    explains at least MIN_SPIKE_SHARE of it; ``link_score`` is that share (at most 1). A theme's
    spike (``level`` 0) counts what each letter explains in all the theme's topics."""
    if spikes is None or spikes.empty:
        return pd.DataFrame(columns=["topic_id", "start", "template_id", "link_score"])
    out = spikes.copy()
    theme_rows = theme_rows or {}
    templates, scores = [], []
    for spike in spikes.itertuples():
        theme = getattr(spike, "level", 1) == 0
        rows = set(theme_rows.get(int(spike.topic_id), [])) if theme else {row_of.get(int(spike.topic_id))}
        window = (days >= pd.Timestamp(spike.start)) & (days <= pd.Timestamp(spike.end))
        explained: dict[str, float] = {}
        for (row, template), share in shares.items():
            if row in rows:
                explained[template] = explained.get(template, 0.0) + float((counts[window, row] * share[window]).sum())
        best = max(explained, key=explained.get) if explained else None
        best_calls = explained.get(best, 0.0) if best else 0.0
        if best is not None and best_calls <= 0:
            best = None
        score = min(1.0, best_calls / spike.excess) if spike.excess > 0 else 0.0
        linked = best is not None and score >= MIN_SPIKE_SHARE
        templates.append(best if linked else None)
        scores.append(score if best is not None else None)
    out["template_id"] = templates
    out["link_score"] = scores
    return out
