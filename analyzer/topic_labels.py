"""Dutch topic labels (class-based TF-IDF keywords over lemmas) and the topics table.

A topic's keywords are the terms (lemmas and side-by-side lemma pairs) that are frequent in its
notes and rare in the others. Stop words, contact-centre filler (``kl``, ``belt``, ``ivm``) and
placeholders (``[NAAM]``) never reach a label: they are removed before counting (analyzer.text_nl).

The labeller keeps plain term counts per topic, so a new day's notes are added by
:meth:`CtfidfLabeller.partial_fit` and two topics merge by adding their counts.
:func:`build_topics_table` turns what analyzer.topics learned into the table the store keeps,
with the manual merges and labels applied.
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from analyzer import text_nl

FALLBACK_LABEL = "Onderwerp {topic}"
FINE, COARSE = 1, 0  # topics that calls are assigned to, and the coarse topics they belong to
TOPIC_COLUMNS = [
    "topic_id", "level", "parent", "label", "auto_label", "keywords", "representative", "size", "centroid",
    "first_seen", "is_new", "merged_into", "active",
]  # fmt: skip


class CtfidfLabeller(BaseEstimator):
    """Keywords and a short label per topic from c-TF-IDF over Dutch lemmas.

    Score of term t in topic c: ``tf(t, c) * log(1 + A / f(t))`` with tf the term's share of the
    topic's term count, A the average term count per topic and f(t) the term's count over all
    topics (Grootendorst 2022, BERTopic's ClassTfidfTransformer). A term must occur in at least
    ``min_notes`` notes of a topic, so one odd note cannot name a topic, and in at least ``min_support``
    times as many notes as the topic's most common term, so that in a big topic a misspelling or an
    aside of a few notes ("warde", "twee bezwaar") does not outrank the words most notes use, which
    c-TF-IDF scores low when several topics share them ("woz-waarde").
    """

    def __init__(
        self,
        n_keywords: int = 8,
        n_label_words: int = 3,
        bigrams: bool = True,
        min_notes: int = 2,
        min_support: float = 0.05,
    ) -> None:
        self.n_keywords = n_keywords
        self.n_label_words = n_label_words
        self.bigrams = bigrams
        self.min_notes = min_notes
        self.min_support = min_support

    # ----------------------------------------------------------------- learning

    def fit(self, texts: Sequence[str], topics: Sequence[Hashable]) -> CtfidfLabeller:
        """Count terms per topic from scratch; ``topics`` is row-aligned with ``texts``."""
        self.term_counts_: dict[Hashable, Counter[str]] = {}
        self.note_counts_: dict[Hashable, Counter[str]] = {}
        self.surface_: dict[str, Counter[str]] = {}
        return self.partial_fit(texts, topics)

    def partial_fit(self, texts: Sequence[str], topics: Sequence[Hashable]) -> CtfidfLabeller:
        """Add the terms of more notes to their topics' counts."""
        if not hasattr(self, "term_counts_"):
            return self.fit(texts, topics)
        if len(texts) != len(topics):
            raise ValueError("texts and topics must have the same length")
        for text, row, topic in zip(texts, text_nl.terms(texts, self.bigrams), topics, strict=True):
            self.term_counts_.setdefault(topic, Counter()).update(row)
            self.note_counts_.setdefault(topic, Counter()).update(set(row))
            self._remember_surface(text, row)
        return self

    def merge(self, source: Hashable, target: Hashable) -> None:
        """Fold the counts of topic ``source`` into ``target`` (a manual merge)."""
        for counts in (self.term_counts_, self.note_counts_):
            counts.setdefault(target, Counter()).update(counts.pop(source, Counter()))

    def grouped(self, groups: Mapping[Hashable, Hashable]) -> CtfidfLabeller:
        """A labeller for groups of topics (``{topic: group}``) whose counts are their topics' sums."""
        out = copy.copy(self)
        out.term_counts_, out.note_counts_ = {}, {}
        for mine, theirs in ((self.term_counts_, out.term_counts_), (self.note_counts_, out.note_counts_)):
            for topic, counts in mine.items():
                if topic in groups:
                    theirs.setdefault(groups[topic], Counter()).update(counts)
        return out

    def _remember_surface(self, text: str, row: Iterable[str]) -> None:
        """How single-word terms were written (WOZ, DigiD), to show them that way in labels."""
        if text.islower():  # every cased letter lower-case (most notes): nothing written otherwise
            return
        words = {w for w in row if " " not in w}
        if not words:
            return
        for token in re.findall(r"[\w-]+", text):
            low = token.lower()
            if low in words and (token.isupper() or any(c.isupper() for c in token[1:])):
                self.surface_.setdefault(low, Counter())[token] += 1

    # ----------------------------------------------------------------- results

    def keywords(self) -> dict[Hashable, list[str]]:
        """The top terms of every topic, best first, without terms a better one already covers."""
        totals: Counter[str] = Counter()
        for counts in self.term_counts_.values():
            totals.update(counts)
        n_topics = max(1, len(self.term_counts_))
        average = sum(totals.values()) / n_topics
        out: dict[Hashable, list[str]] = {}
        for topic, counts in self.term_counts_.items():
            size = sum(counts.values()) or 1
            notes = self.note_counts_.get(topic, Counter())
            floor = max(self.min_notes, self.min_support * max(notes.values(), default=0))
            scored = [
                (count / size * math.log(1 + average / totals[term]), term)
                for term, count in counts.items()
                if notes[term] >= floor
            ]
            scored.sort(key=lambda st: (-st[0], st[1]))
            chosen: list[str] = []
            for _, term in scored:
                if len(chosen) == self.n_keywords:
                    break
                words = set(term.split())
                if any(words <= _with_parts(c) for c in chosen):  # "woz waarde" after "woz-waarde uitzetten"
                    continue
                # A pair whose words the pairs already chosen show: "zak blijven" after "pmd zak", "blijven liggen"
                pairs = [_with_parts(c) for c in chosen if " " in c]
                if len(words) > 1 and pairs and words <= set().union(*pairs):
                    continue
                # A pair replaces the single words it contains that were chosen before it.
                chosen = [c for c in chosen if not (" " not in c and c in _with_parts(term))] + [term]
            out[topic] = chosen
        return out

    def labels(self, keywords: Mapping[Hashable, list[str]] | None = None) -> dict[Hashable, str]:
        """A short Dutch label per topic: its first keywords, as people write them."""
        keywords = self.keywords() if keywords is None else keywords
        return {topic: self.label(words, topic) for topic, words in keywords.items()}

    def label(self, keywords: Sequence[str], topic: Hashable) -> str:
        if not keywords:
            return FALLBACK_LABEL.format(topic=topic)
        words = [self.display(k) for k in keywords[: self.n_label_words]]
        first = words[0]
        if first[:1].islower():
            words[0] = first[:1].upper() + first[1:]
        return ", ".join(words)

    def display(self, term: str) -> str:
        """A term as it is usually written in the notes (``woz`` -> ``WOZ``) where known, and the
        abbreviations of municipal services in their official spelling however the notes write them."""
        return " ".join(
            _official_spelling(
                self.surface_[w].most_common(1)[0][0]
                if w in self.surface_ and self.surface_[w].most_common(1)[0][1] * 2 >= self.term_total(w)
                else w
            )
            for w in term.split()
        )

    def term_total(self, word: str) -> int:
        return sum(counts.get(word, 0) for counts in self.note_counts_.values())


# How the government writes these abbreviations (Rijksoverheid, Belastingdienst, the laws' short titles):
# notes type them in lower case ("woz", "gft"), and a label "Woz-waarde" or "Brp nodig" reads as a typo.
OFFICIAL_SPELLING = {
    "woz": "WOZ", "brp": "BRP", "gft": "GFT", "pmd": "PMD", "ozb": "OZB", "wmo": "Wmo", "digid": "DigiD",
    "bsn": "BSN", "kcc": "KCC", "vve": "VvE", "id": "ID", "iban": "IBAN", "aow": "AOW", "woo": "Woo", "wob": "Wob",
    "uwv": "UWV", "svb": "SVB", "cjib": "CJIB", "rdw": "RDW", "ggd": "GGD", "btw": "btw", "ov": "OV",
}  # fmt: skip


def _official_spelling(word: str) -> str:
    """``woz-waarde`` -> ``WOZ-waarde``, ``digid`` -> ``DigiD``; other words as they are."""
    return "-".join(OFFICIAL_SPELLING.get(part.lower(), part) for part in word.split("-"))


def _with_parts(term: str) -> set[str]:
    """The words of a term and the parts of its hyphenated words ("woz-waarde" also covers "woz", "waarde")."""
    words = set(term.split())
    return words | {part for word in words if "-" in word for part in word.split("-") if part}


# --------------------------------------------------------------------------- the topics table


@dataclass
class TopicRows:
    """What a topic model learned per centroid row, as input for :func:`build_topics_table`."""

    ids: np.ndarray  # topic id per row
    parents: np.ndarray  # coarse group per row (-1: none)
    coarse_ids: Mapping[int, int]  # coarse group -> topic id
    counts: np.ndarray  # notes per row
    centroids: np.ndarray  # L2-normalised, in embedding space
    first_seen: Sequence[pd.Timestamp]
    representative: Mapping[int, str]  # row -> most representative note
    is_new: np.ndarray


def build_topics_table(
    rows: TopicRows,
    labeller: CtfidfLabeller,
    coarse_labeller: CtfidfLabeller,
    previous: pd.DataFrame | None,
    merges: Sequence[tuple[int, int]] | None,
    renames: Mapping[int, str] | None,
) -> pd.DataFrame:
    """Fine and coarse topics; retired ones kept (their ids are never reused and they can come
    back); manual merges (``merged_into``) and labels applied on top of the automatic ones."""
    prev = previous.set_index("topic_id") if previous is not None and len(previous) else pd.DataFrame()
    table: dict[int, dict[str, Any]] = {}

    def add(tid: int, level: int, parent: Any, size: float, centroid: np.ndarray, first: Any, rep: Any, new: bool):
        old = prev.loc[tid] if tid in prev.index else None
        table[tid] = {
            "topic_id": tid, "level": level, "parent": parent, "size": int(size), "centroid": centroid,
            "first_seen": old["first_seen"] if old is not None else first,
            "representative": rep if rep is not None or old is None else old["representative"],
            "is_new": bool(new), "merged_into": None,
        }  # fmt: skip

    for r, tid in enumerate(rows.ids.tolist()):
        parent = rows.coarse_ids.get(int(rows.parents[r]))
        add(tid, FINE, parent, rows.counts[r], rows.centroids[r], rows.first_seen[r], rows.representative.get(r),
            rows.is_new[r])  # fmt: skip
    for group, cid in rows.coarse_ids.items():
        members = np.flatnonzero(rows.parents == group)
        centroid = rows.centroids[members].T @ rows.counts[members]
        centroid = (centroid / (np.linalg.norm(centroid) or 1.0)).astype(np.float32)
        first = min(rows.first_seen[m] for m in members)
        biggest = members[np.argmax(rows.counts[members])]  # its representative stands for the group
        is_new = previous is not None and cid not in prev.index
        add(cid, COARSE, None, rows.counts[members].sum(), centroid, first, rows.representative.get(biggest), is_new)
    for tid, old in prev.iterrows():
        if tid not in table:
            table[tid] = {**old.to_dict(), "topic_id": tid, "size": 0, "is_new": False}
    valid = [(int(a), int(b)) for a, b in (merges or []) if a in table and b in table and a != b]
    for a, b in valid:
        table[a]["merged_into"] = b
    fine_labeller = copy.deepcopy(labeller) if valid else labeller  # merges change the copy's counts only
    for a, _ in valid:
        target = _final_target(a, table)
        if target != a:
            table[target]["size"] += table[a]["size"]
            table[a]["size"] = 0
            fine_labeller.merge(a, target)
    keywords = {COARSE: coarse_labeller.keywords(), FINE: fine_labeller.keywords()}
    manual = {int(k): v for k, v in (renames or {}).items()}
    for tid, row in table.items():
        words = keywords[int(row["level"])].get(tid)
        if words is not None:
            row["keywords"] = words
            row["auto_label"] = (coarse_labeller if row["level"] == COARSE else fine_labeller).label(words, tid)
        row.setdefault("keywords", [])
        row.setdefault("auto_label", FALLBACK_LABEL.format(topic=tid))
        row["label"] = manual.get(tid, row["auto_label"])
        row["active"] = row["size"] > 0
    out = pd.DataFrame(list(table.values()), columns=TOPIC_COLUMNS)
    out = out.sort_values(["level", "topic_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    types = {"topic_id": "int64", "level": "int64", "size": "int64", "parent": "Int64", "merged_into": "Int64"}
    return out.astype(types)


def _final_target(tid: int, table: Mapping[int, Mapping[str, Any]]) -> int:
    """Follow ``merged_into`` to the topic that finally receives a merged topic's notes."""
    seen = {tid}
    while True:
        nxt = table[tid].get("merged_into")
        if nxt is None or pd.isna(nxt) or int(nxt) in seen or int(nxt) not in table:
            return tid
        tid = int(nxt)
        seen.add(tid)


def final_topic_ids(row_ids: np.ndarray, topics: pd.DataFrame) -> np.ndarray:
    """The topic id each centroid row reports after manual merges."""
    table = {int(t): {"merged_into": m} for t, m in zip(topics["topic_id"], topics["merged_into"], strict=True)}
    return np.array([_final_target(int(t), table) for t in row_ids], dtype=np.int64)
