"""Links between call topics and letter templates: what a topic's callers ask about, and when.

Three kinds of evidence, kept apart so that a link explains itself:

* **content**: similarity between what a topic's callers say (their notes' subjects,
  analyzer.notes) and each paragraph of a letter (:func:`content_scores`); the best paragraph is
  the one that "generates the questions";
* **mentions**: the share of the topic's notes that name the letter, by the distinctive words of
  its title or its kenmerk ("brief WOZ", "aanmaning");
* **timing**: calls follow a mailing with a delay (delivery, reading, calling). The delay profile is
  learned from the data (:func:`learn_lag_profile`): of a family of shapes (a delivery delay, then
  a gamma-shaped response), the one whose mailing pressure best explains the daily calls of the
  letters' best-linked topics beyond their baseline.

:func:`link_candidates` gives the letters a topic may be linked to (content plus mentions);
analyzer.attribution then lets the daily call counts decide, through timing, how many calls
each candidate explains.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analyzer.calendar_nl import is_closed
from analyzer.notes import subject_words

MIN_PARAGRAPH_WORDS = 5  # salutations, closings and signatures are not where questions come from
MIN_SENTENCE_WORDS = 3  # subject words a sentence needs to be matched on its own (see paragraph_focus)


@dataclass(frozen=True)
class LinkSettings:
    max_lag: int = 28  # days after a mailing in which its calls are counted
    min_content: float = 0.15  # content + mentions a candidate letter needs
    margin: float = 0.5  # candidates within this margin of the topic's best letter (timing then decides)
    max_candidates: int = 5
    mention_weight: float = 0.5
    weak_content: float = 0.05  # a topic without candidates may try letters above this, if timing shows them
    firm_content: float = 0.20  # below this, a letter timing shows elsewhere must show in the topic too


# --------------------------------------------------------------------------- content


def paragraph_table(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Letter paragraphs worth linking: enough words (not salutations, closings, signatures)."""
    words = paragraphs["text"].map(lambda t: len(re.findall(r"\w+", str(t))))
    return paragraphs[words.to_numpy() >= MIN_PARAGRAPH_WORDS].reset_index(drop=True)


def topic_documents(subjects: Sequence[str], topic_rows: np.ndarray, n_topics: int, per_topic: int = 400) -> list[str]:
    """Per topic row, the subjects of (at most ``per_topic`` of) its notes joined into one text."""
    frame = pd.DataFrame({"row": topic_rows, "subject": list(subjects)})
    docs = frame.groupby("row")["subject"].apply(lambda s: " ".join(s.head(per_topic)))
    return docs.reindex(range(n_topics), fill_value="").tolist()


class ContentMatcher:
    """Topic texts and letter paragraphs compared by character n-grams, each text counted once.

    TF-IDF over character 3-5-grams inside words with sublinear tf (:func:`_char_tfidf`); the
    n-grams of every paragraph and topic text are counted once, and the TF-IDF weights that
    :meth:`content_scores` and :meth:`paragraph_focus` fit on different sets of texts are
    computed from those counts (the same figures as a TfidfVectorizer fitted on that set: a test
    checks it). Counting characters in Python is the slow part: the topic texts join up to 400
    notes each, and re-counting them for every letter took most of the linking time.
    """

    def __init__(self, topic_docs: Sequence[str], paragraphs: pd.DataFrame) -> None:
        self._count(paragraphs, list(topic_docs), None)

    @classmethod
    def from_notes(
        cls, subjects: Sequence[str], topic_rows: np.ndarray, n_topics: int, paragraphs: pd.DataFrame,
        per_topic: int = 400,
    ) -> ContentMatcher:  # fmt: skip
        """The matcher of :func:`topic_documents`' texts, with each distinct note subject counted
        once and the topics' counts summed from them: the same counts, since character n-grams
        stay inside words and a topic text is its notes joined by spaces."""
        from scipy import sparse

        frame = pd.DataFrame({"row": np.asarray(topic_rows), "subject": list(subjects)})
        picked = frame.groupby("row", sort=False).head(per_topic)
        codes, distinct = pd.factorize(picked["subject"])
        notes = sparse.csr_matrix(
            (np.ones(len(picked)), (picked["row"].to_numpy(), codes)), shape=(n_topics, len(distinct))
        )
        out = cls.__new__(cls)
        out._count(paragraphs, [str(s) for s in distinct], notes)
        return out

    def _count(self, paragraphs: pd.DataFrame, topic_texts: list[str], notes: Any) -> None:
        """Count the n-grams of paragraphs, their sentences and the topic texts (or, with ``notes``,
        the distinct note texts that ``notes`` (topics x texts) adds up per topic)."""
        from sklearn.feature_extraction.text import CountVectorizer

        self.table = paragraph_table(paragraphs)
        texts = _subject_texts(self.table)
        sentences, self._sentence_row = _sentence_texts(self.table)
        self.n_topics = len(topic_texts) if notes is None else notes.shape[0]
        counter = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float64)
        everything = texts + sentences + topic_texts
        counts = counter.fit_transform(everything).tocsr() if everything else None
        n, m = len(texts), len(texts) + len(sentences)
        self._paragraphs = counts[:n] if counts is not None else None
        self._sentences = counts[n:m] if counts is not None else None
        self._topics = counts[m:] if counts is not None else None
        if notes is not None and self._topics is not None:
            self._topics = (notes @ self._topics).tocsr()

    def content_scores(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per (topic row, letter): the cosine of the topic's notes with the letter's best paragraph,
        and that paragraph's number (two DataFrames, topics x templates).

        Lexical: the TF-IDF weights are fitted on the paragraphs and topic texts together, both
        reduced to their subject words (analyzer.notes). Callers repeat the letter's own terms
        (``WOZ-waarde``, ``objectkenmerken``, ``automatische incasso``), also misspelt or inflected,
        which character n-grams match. Chosen by measurement on the demo corpus (benchmarks/README.md,
        "Letter links"): the right letter is among a topic's candidates for 75% of letter-caused
        calls against 56% with USE embedding cosine, with fewer background topics getting a candidate.
        """
        templates = sorted(self.table["template_id"].unique())
        scores = np.zeros((self.n_topics, len(templates)))
        best = np.zeros((self.n_topics, len(templates)), dtype=np.int64)
        if self._paragraphs is None or not len(templates):
            return pd.DataFrame(scores, columns=templates), pd.DataFrame(best, columns=templates)
        stacked = _stack(self._paragraphs, self._topics)
        both = _weighted(stacked, stacked)
        n = self._paragraphs.shape[0]
        sims = (both[n:] @ both[:n].T).toarray()
        numbers = self.table["paragraph_no"].to_numpy()
        for j, template in enumerate(templates):
            cols = np.flatnonzero(self.table["template_id"].to_numpy() == template)
            pick = sims[:, cols].argmax(axis=1)
            scores[:, j] = sims[np.arange(len(sims)), cols[pick]]
            best[:, j] = numbers[cols[pick]]
        return pd.DataFrame(scores, columns=templates), pd.DataFrame(best, columns=templates)

    def paragraph_focus(self, template: str | None, topic_rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """For one letter (None: every paragraph given): per topic row, the paragraph it is about
        (number) and the cosine with that paragraph's closest sentence.

        Callers ask about a passage, not a paragraph: each topic is matched to the letter's
        sentences (those with at least ``MIN_SENTENCE_WORDS`` subject words; the paragraphs when
        none has), and the best sentence's paragraph is the answer. A long paragraph that names the
        letter's subject in passing (the introduction: ``waarde``, ``waardepeildatum``) then no
        longer wins on its many words.

        The TF-IDF weights come from the topics given (the letter's linked topics), not from the
        letter: every topic about a parking fine says ``parkeerboete``, ``naheffing`` and ``betalen``,
        so those n-grams count little, and what sets one topic's callers apart from the letter's
        other callers (``schuld erkennen``, ``foto's``) decides which sentence they ask about. With
        weights from the letter's sentences, a sentence that alone names the subject (``parkeren``)
        drew every topic that says it. Measured against the generator's truth on seven generated
        stores (benchmarks/README.md, "Letter links"): the paragraph a topic's callers ask about for
        62-68% of linked calls (55-57% with the sentences' weights), the letter's unclear paragraph
        on top for 50 instead of 41 of 79 letters.
        """
        rows = np.asarray(topic_rows, dtype=np.int64)
        own = np.arange(len(self.table)) if template is None else np.flatnonzero(self.table["template_id"] == template)
        if not len(own) or not len(rows) or self._paragraphs is None:
            return np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows))
        numbers = self.table["paragraph_no"].to_numpy()
        units = np.flatnonzero(np.isin(self._sentence_row, own))
        if len(units):
            parts, owner = self._sentences[units], numbers[self._sentence_row[units]]
        else:
            parts, owner = self._paragraphs[own], numbers[own]
        topics = self._topics[rows]
        sims = (_weighted(topics, topics) @ _weighted(topics, parts).T).toarray()
        pick = sims.argmax(axis=1)
        return owner[pick], sims[np.arange(len(sims)), pick]


def _stack(a: Any, b: Any) -> Any:
    from scipy.sparse import vstack

    return vstack([a, b]).tocsr()


def _weighted(fitted_on: Any, counts: Any) -> Any:
    """``counts`` as a TfidfVectorizer(sublinear_tf=True) fitted on the texts ``fitted_on`` would give
    them: only the n-grams those texts contain, tf = 1 + log(count), smooth idf, rows L2-normalised."""
    from sklearn.preprocessing import normalize

    fitted_on = fitted_on.tocsr()
    present = np.bincount(fitted_on.indices, minlength=fitted_on.shape[1])  # document frequency
    vocabulary = np.flatnonzero(present)
    idf = np.log((1.0 + fitted_on.shape[0]) / (1.0 + present[vocabulary])) + 1.0
    out = counts.tocsr()[:, vocabulary].astype(np.float64)
    out.data = np.log(out.data) + 1.0
    out = out.multiply(idf[None, :]).tocsr()
    return normalize(out, norm="l2", copy=False)


def content_scores(topic_docs: Sequence[str], paragraphs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:meth:`ContentMatcher.content_scores` of these topic texts and paragraphs."""
    return ContentMatcher(topic_docs, paragraphs).content_scores()


def paragraph_focus(topic_docs: Sequence[str], paragraphs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`ContentMatcher.paragraph_focus` of these topic texts over one letter's paragraphs."""
    return ContentMatcher(topic_docs, paragraphs).paragraph_focus(None, range(len(topic_docs)))


def _subject_texts(paragraphs: pd.DataFrame) -> list[str]:
    return [" ".join(subject_words(str(t))) for t in paragraphs["text"]]


def _sentence_texts(table: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The subject words of each paragraph's sentences (analyzer.syntax.split_sentences, which
    keeps abbreviations such as ``o.a.`` inside) with at least ``MIN_SENTENCE_WORDS`` of them, and
    the row in ``table`` each comes from."""
    from analyzer.syntax import split_sentences

    texts, rows = [], []
    for row, text in enumerate(table["text"].astype(str)):
        for tokens in split_sentences(text):
            words = subject_words(text[tokens[0][1] : tokens[-1][2]])
            if len(words) >= MIN_SENTENCE_WORDS:
                texts.append(" ".join(words))
                rows.append(row)
    return texts, np.array(rows, dtype=np.int64)


def _char_tfidf() -> Any:
    """TF-IDF over character 3-5-grams inside words, sublinear tf: how letters and notes are compared
    (what :class:`ContentMatcher` computes from counts; kept as the reference its test compares with)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)


def mention_words(letters: pd.DataFrame) -> dict[str, list[str]]:
    """Per template: words of its title (and its kenmerk) that few other titles share."""
    words = {
        row.template_id: set(subject_words(str(row.title or "")))
        | set(subject_words(row.template_id.replace("-", " ")))
        for row in letters.itertuples()
    }
    counts: dict[str, int] = {}
    for ws in words.values():
        for w in ws:
            counts[w] = counts.get(w, 0) + 1
    out = {}
    for row in letters.itertuples():
        own = sorted(w for w in words[row.template_id] if len(w) >= 3 and counts[w] <= 2)  # "woz", "wmo" count
        kenmerk = str(getattr(row, "kenmerk", "") or "").strip().lower()
        out[row.template_id] = own + ([kenmerk] if len(kenmerk) >= 4 else [])
    return out


def mention_scores(
    subjects: Sequence[str], topic_rows: np.ndarray, n_topics: int, words: dict[str, list[str]]
) -> pd.DataFrame:
    """Share of each topic's notes that mention each letter (topics x templates). Each distinct
    subject is searched once (notes repeat)."""
    codes, distinct = pd.factorize(pd.Series(list(subjects), dtype="string"), use_na_sentinel=False)
    series = pd.Series(distinct, dtype="string")
    out = {}
    for template, ws in words.items():
        if not ws:
            out[template] = np.zeros(n_topics)
            continue
        pattern = r"\b(?:" + "|".join(re.escape(w) for w in ws) + r")"
        hit = series.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=float)[codes]
        sums = np.bincount(topic_rows, weights=hit, minlength=n_topics)
        out[template] = sums / np.maximum(np.bincount(topic_rows, minlength=n_topics), 1)
    return pd.DataFrame(out)


def link_candidates(combined: pd.DataFrame, settings: LinkSettings) -> list[list[str]]:
    """Per topic row, the letters it may be linked to, best first. ``combined``: content scores
    plus ``mention_weight`` times the mention shares (topics x templates)."""
    out = []
    for _, row in combined.iterrows():
        best = row.max()
        ok = row[(row >= settings.min_content) & (row >= best - settings.margin)].sort_values(ascending=False)
        out.append(ok.index[: settings.max_candidates].tolist())
    return out


def weak_candidates(
    combined: pd.DataFrame,
    candidates: list[list[str]],
    settings: LinkSettings,
    siblings: Sequence[Sequence[int]] | None = None,
    sizes: Sequence[float] | None = None,
) -> list[list[str]]:
    """Per topic row, the letters to try when its candidates explain none of its calls (or it has
    none): the ``max_candidates`` letters named most by the other topics of its theme (their
    candidates, weighted by their calls ``sizes``; ``siblings``: per topic row the rows of its theme)
    and the ``max_candidates`` letters whose content + mentions reach ``weak_content``; its own
    candidates left out; ordered by the topic's own content + mentions, best first. Too little to
    link on, so analyzer.attribution keeps a letter only when the timing of the topic's calls
    shows it (an F test), trying them in this order.

    The theme's letters are for the small topics of callers who paraphrase: after a WOZ mailing,
    "huizenprijs in de straat daalt" or "buurman zit lager" share no words with the letter, but
    their theme's other topics name it."""
    out: list[list[str]] = []
    for r, strong in enumerate(candidates):
        if settings.weak_content <= 0:
            out.append([])
            continue
        votes: dict[str, float] = {}
        for other in siblings[r] if siblings is not None else []:
            for template in candidates[other] if other != r else []:
                votes[template] = votes.get(template, 0.0) + (1.0 if sizes is None else float(sizes[other]))
        row = combined.iloc[r]
        themed = sorted(votes, key=lambda t: (-votes[t], t))[: settings.max_candidates]
        faint = row[row >= settings.weak_content].sort_values(ascending=False).index[: settings.max_candidates]
        pool = {t for t in [*themed, *faint] if t not in strong}
        out.append(sorted(pool, key=lambda t: (-float(row.get(t, 0.0)), t)))
    return out


# --------------------------------------------------------------------------- timing


def day_factors(total_calls: pd.Series) -> pd.Series:
    """How busy each day is relative to an ordinary weekday: the weekday's median share, and zero
    on days the contact centre is closed (public holidays) or had no calls at all."""
    index = pd.DatetimeIndex(total_calls.index)
    weekday = pd.Series(total_calls.to_numpy(dtype=float), index=index).groupby(index.day_of_week).median()
    level = weekday[weekday > 0].mean() if (weekday > 0).any() else 1.0
    factor = pd.Series(index.day_of_week.map(weekday).to_numpy(dtype=float) / level, index=index)
    closed = np.array([is_closed(d.date()) for d in index]) | (total_calls.to_numpy() == 0)
    factor[closed] = 0.0
    return factor


def mailing_matrix(mailings: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Letters sent per day (rows: ``days``) and template (columns)."""
    if mailings.empty:
        return pd.DataFrame(index=days)
    sent = pd.to_datetime(mailings["sent_date"]).dt.normalize()
    table = pd.crosstab(sent, mailings["template_id"], values=mailings["count"], aggfunc="sum").fillna(0.0)
    return table.reindex(days, fill_value=0.0)


def lagged(sent: np.ndarray, max_lag: int) -> np.ndarray:
    """Columns ``sent`` shifted by 0..max_lag-1 days (days x lags)."""
    out = np.zeros((len(sent), max_lag))
    for lag in range(min(max_lag, len(sent))):
        out[lag:, lag] = sent[: len(sent) - lag]
    return out


def pressure(sent: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Expected calls per letter sent, per day: the mailings convolved with the lag profile."""
    return np.convolve(sent, profile)[: len(sent)]


def default_profile(max_lag: int) -> np.ndarray:
    """Starting point only (learn_lag_profile replaces it): nothing on the day of sending, delivery
    after 1-2 days, most calls in the first week after that, a tail into the third week."""
    lags = np.arange(max_lag, dtype=float)
    shape = np.where(lags < 1, 0.0, lags * np.exp(-lags / 2.5))
    return shape / shape.sum()


def baseline_design(days: pd.DatetimeIndex, knots: int = 6) -> np.ndarray:
    """Baseline columns: one level per weekday plus a slow trend (hat functions over the period)."""
    n = len(days)
    weekday = np.zeros((n, 7))
    weekday[np.arange(n), days.day_of_week] = 1.0
    position = np.linspace(0.0, knots - 1.0, n)
    trend = np.clip(1.0 - np.abs(position[:, None] - np.arange(knots)[None, :]), 0.0, None)
    return np.hstack([weekday, trend[:, 1:]])


# The lag profiles learn_lag_profile chooses from: a delivery delay of 0-3 days, then a gamma-shaped
# response (shape, mean in days); 240 profiles from a quick, sharply peaked one to a slow, flat one.
LAG_DELAYS = (0, 1, 2, 3)
LAG_SHAPES = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
LAG_MEANS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 13.0)


def lag_family(max_lag: int) -> tuple[list[tuple[int, float, float]], np.ndarray]:
    """The candidate lag profiles: (delay, shape, mean) and the profiles (profiles x lags, rows sum
    to 1). Day ``k`` gets the probability that delay + Gamma(shape, mean / shape) falls in [k, k+1)."""
    from scipy.stats import gamma

    params, rows = [], []
    edges = np.arange(max_lag + 1, dtype=float)
    for delay in LAG_DELAYS:
        for shape in LAG_SHAPES:
            for mean in LAG_MEANS:
                p = np.diff(gamma.cdf(np.clip(edges - delay, 0.0, None), shape, scale=mean / shape))
                if p.sum() > 0:
                    params.append((delay, shape, mean))
                    rows.append(p / p.sum())
    return params, np.array(rows)


def learn_lag_profile(
    counts: np.ndarray, sent: np.ndarray, factor: np.ndarray, days: pd.DatetimeIndex, max_lag: int
) -> np.ndarray | None:
    """The share of a mailing's calls on each day after it, from topic series and the letters
    mailed before them (pairs: the columns of ``counts`` and ``sent``).

    One profile for all letters, chosen from :func:`lag_family` (a delivery delay, then a gamma-
    shaped response: three numbers) as the one whose mailing pressure explains most of the pairs'
    daily calls beyond their baseline (the summed drop in squared error, letters with a positive
    effect only). Free per-day lag weights, fitted per pair, were tried first: with a few dozen calls
    per topic, weekends without calls and letters mailed every week (whose lags 7 days apart are
    the same column) they came out flat, with bumps where no mailing put them, and every letter's
    timing suffered (benchmarks/README.md, "lag profile"). None when no pair shows a response.
    """
    _, profiles = lag_family(max_lag)
    open_days = factor > 0
    if not open_days.any():
        return None
    base = (baseline_design(days) * factor[:, None])[open_days]
    u, singular, _ = np.linalg.svd(base, full_matrices=False)
    basis = u[:, singular > 1e-9 * singular.max()]  # the baseline's column space (weekend columns are empty)
    gain = np.zeros(len(profiles))
    for j in range(counts.shape[1]):
        if not sent[:, j].any():
            continue
        y = counts[open_days, j]
        y = y - basis @ (basis.T @ y)
        press = (lagged(sent[:, j], max_lag) @ profiles.T)[open_days] * factor[open_days, None]
        press = press - basis @ (basis.T @ press)
        cross, norm = press.T @ y, (press * press).sum(axis=0)
        gain += np.where((cross > 0) & (norm > 0), cross * cross / np.maximum(norm, 1e-12), 0.0)
    if gain.max() <= 0:
        return None
    return profiles[int(gain.argmax())]
