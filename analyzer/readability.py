"""Dutch readability metrics: pure functions over sentences from analyzer.syntax (verdict: analyzer.b1).

Metrics and their sources:

- Flesch-Douma reading ease (Douma 1960): 206.835 - 0.93 * words/sentence - 77 * syllables/word.
- Brouwer's leesindex (Brouwer 1963): 195 - 2 * words/sentence - 66.7 * syllables/word.
- LiNT-II (vanboefer/lint_ii, EUPL-1.2; successor of Utrecht University's LiNT): 100 - (-4.21 + 17.28 * mean
  Zipf of content words - 1.62 * max dependency length - 2.54 * content words per clause + 16.00 *
  proportion of concrete nouns), clamped to 0-100, levels [0-34), [34-46), [46-58), [58-100].
  Coefficients: lint_ii coefficients.json, spaCy 3.7.0 with nouns_sem_types_20251118 (as in issue 5).
- ``difficulty``: an unweighted sum of z-scores ("improper linear model", Dawes 1979, *American
  Psychologist* 34:571) of eight sentence features; the means and standard deviations are those of
  the Dutch UD treebanks (Alpino + LassySmall dev/test, newspaper and Wikipedia text; see
  ``REFERENCE`` and ``REFERENCE_PARSED``). 0 is an average sentence of that text; higher is harder. No
  weight is fitted, and nothing was tuned on the Amsterdam evaluation pairs.

Sentences and words come from spaCy's tokenizer (abbreviations such as o.a., d.d. and art. do not end
a sentence); syllables from pyphen's Dutch (nl_NL) hyphenation dictionary. Parts of speech, finite verbs,
lemmas and the dependency parse come from our Dutch spaCy pipeline (analyzer.syntax_spacy, the default)
or Frog; without a parser (model missing) the dependency length is estimated from the verb positions in
each clause (``approx_max_dep_length``).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from functools import cache

from analyzer import nl_lexicon as lex
from analyzer.syntax import Sentence, SyntaxAnalyzer, Token, clause_spans

FLESCH_DOUMA = (206.835, 0.93, 77.0)  # Douma (1960): constant, per word/sentence, per syllable/word
BROUWER = (195.0, 2.0, 66.7)  # Brouwer (1963): constant, per word/sentence, per syllable/word
LINT_II = {"const": -4.21, "freq": 17.28, "max_sdl": -1.62, "cwc": -2.54, "concrete": 16.00}
LINT_LEVEL_BOUNDS = (34.0, 46.0, 58.0)  # level 1 below 34, 2 below 46, 3 below 58, else 4
LINT_LEVEL_TEXT = {
    1: "makkelijk (ongeveer 14% van de volwassenen heeft er moeite mee)",
    2: "gemiddeld (ongeveer 29% heeft er moeite mee)",
    3: "moeilijk (ongeveer 53% heeft er moeite mee)",
    4: "zeer moeilijk (ongeveer 78% heeft er moeite mee)",
}
CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ")

# Reference distribution for the difficulty z-scores: mean and standard deviation per sentence, measured
# with the fast path (LexiconSyntax) on the 4,630 sentences it finds in the 4,617 of UD Dutch Alpino + LassySmall
# (dev and test; CC BY-SA 4.0).
# Recompute with: python benchmarks/bench_readability.py --reference
REFERENCE = {
    "words": (15.08, 9.7),
    "syllables_per_word": (1.9, 0.58),
    "rare_words": (1.17, 1.34),
    "neg_content_zipf": (-3.9, 0.73),
    "max_dep_length": (7.56, 5.8),
    "officialese": (0.1, 0.33),
    "passives": (0.21, 0.46),
    "nominalisations": (0.08, 0.29),
}
# The same for parsed sentences: our spaCy pipeline 0.2.0 (analyzer.syntax_spacy) on the 864 sentences of the UD
# documents held out from its training (models/train_nl.py "eval" part), so the parse is as good as on new text.
# Recompute with: python benchmarks/bench_readability.py --reference
REFERENCE_PARSED = {
    "words": (14.06, 8.83),
    "syllables_per_word": (1.88, 0.71),
    "rare_words": (0.91, 1.22),
    "neg_content_zipf": (-3.92, 0.73),
    "max_dep_length": (6.43, 5.22),
    "officialese": (0.07, 0.29),
    "passives": (0.19, 0.42),
    "nominalisations": (0.06, 0.23),
}


@cache
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nl_NL", left=1, right=1)


_VOWEL_GROUP = re.compile(r"[ëïéèöüáó]|[aeiouyàâê]+", re.I)


def syllables(word: str) -> int:
    """Syllables of one word: pyphen's Dutch (nl_NL) hyphenation points + 1, or the number of vowel
    groups when that is higher (pyphen leaves 'idee', 'taxatie' and 'officieel' one syllable short)."""
    letters = "".join(ch for ch in word if ch.isalpha()).lower()
    if not letters:
        return 1 if any(ch.isdigit() for ch in word) else 0
    groups = len(_VOWEL_GROUP.findall(letters.replace("eeuw", "ew").replace("ieuw", "iw").replace("ij", "y")))
    return max(len(_hyphenator().positions(letters)) + 1, groups, 1)


def flesch_douma(n_words: int, n_sentences: int, n_syllables: int) -> float | None:
    """Flesch-Douma reading ease (higher is easier); None for a text without words."""
    if n_words == 0 or n_sentences == 0:
        return None
    const, per_word, per_syllable = FLESCH_DOUMA
    return const - per_word * n_words / n_sentences - per_syllable * n_syllables / n_words


def brouwer(n_words: int, n_sentences: int, n_syllables: int) -> float | None:
    """Brouwer's leesindex (higher is easier); None for a text without words."""
    if n_words == 0 or n_sentences == 0:
        return None
    const, per_word, per_syllable = BROUWER
    return const - per_word * n_words / n_sentences - per_syllable * n_syllables / n_words


def lint_score(freq: float | None, max_sdl: float | None, cwc: float | None, concrete: float | None) -> float | None:
    """LiNT-II score 0-100 (higher is harder); None when a feature is missing, as in LiNT-II."""
    if None in (freq, max_sdl, cwc, concrete):
        return None
    c = LINT_II
    raw = c["const"] + c["freq"] * freq + c["max_sdl"] * max_sdl + c["cwc"] * cwc + c["concrete"] * concrete
    return min(100.0, max(0.0, 100.0 - raw))


def lint_level(score: float | None) -> int | None:
    if score is None:
        return None
    return 1 + sum(score >= bound for bound in LINT_LEVEL_BOUNDS)


def is_content_word(tok: Token) -> bool:
    """LiNT-II: nouns, proper nouns, lexical verbs, adjectives and manner adverbs; no numerals, copulas."""
    if tok.marker or tok.tag.startswith("TW") or tok.dep == "cop":
        return False
    return tok.pos in CONTENT_POS or tok.text.lower() in lex.lint_wordlists().get("manner_adverb", ())


def word_frequency(tok: Token) -> float | None:
    """LiNT-II word frequency: Zipf of a content word (not a name); a compound noun counts as its head."""
    if not is_content_word(tok) or tok.pos == "PROPN":
        return None
    low = tok.text.lower()
    skip = lex.lint_wordlists().get("skip", ())
    if low in skip or tok.lemma in skip:
        return None
    if tok.pos == "NOUN":
        low = lex.noun_table().get(low, ("", ""))[1] or low
    return lex.zipf(low)


def noun_type(tok: Token) -> str | None:
    """'c', 'a' or 'u' (concrete, abstract, undefined) from LiNT-II's noun list; None if unknown."""
    if tok.pos not in ("NOUN", "PROPN"):
        if "SPEC" in tok.tag and tok.text.lower() in lex.lint_wordlists().get("unit", ()):
            return "c"
        return None
    table = lex.noun_table()
    hit = table.get(tok.text.lower()) or table.get(tok.lemma)
    return hit[0] if hit else None


def dep_lengths(sentence: Sentence) -> list[int]:
    """LiNT-II dependency length per non-punctuation token: words between it and its head."""
    tokens = sentence.tokens
    out = []
    for i, tok in enumerate(tokens):
        if tok.pos == "PUNCT":
            continue
        h = tok.head if 0 <= tok.head < len(tokens) else i
        lo, hi = sorted((i, h))
        out.append(max(0, sum(1 for t in tokens[lo:hi] if t.pos != "PUNCT") - 1))
    return out


def approx_max_dep_length(sentence: Sentence) -> int | None:
    """Without a parse: per clause, the words between the clause start and its last verb, or between its
    first verb and its last content word (Dutch verb-final clauses and verb brackets make the long links)."""
    words = [t for t in sentence.tokens if t.pos != "PUNCT"]
    if len(words) < 2:
        return None
    best = 1
    for lo, hi in clause_spans(sentence.tokens):
        clause = [t for t in sentence.tokens[lo:hi] if t.pos != "PUNCT"]
        verbs = [k for k, t in enumerate(clause) if t.pos in ("VERB", "AUX")]
        content = [k for k, t in enumerate(clause) if t.pos in ("NOUN", "PROPN", "PRON", "ADJ", "NUM")]
        if verbs:
            best = max(best, verbs[-1] - 1, (content[-1] - verbs[0] - 1) if content else 0)
        else:
            best = max(best, min(len(clause) - 2, 3))
    return best


@dataclass(frozen=True)
class SentenceStats:
    """Counts and LiNT features of one sentence (features None where LiNT-II gives None)."""

    start: int
    end: int
    n_words: int
    n_syllables: int
    zipfs: tuple[float, ...]
    max_dep_length: int | None
    n_content: int
    n_finite: int
    nouns: tuple[str, ...]  # noun types c/a/u
    rare_words: int
    long_compounds: int

    @property
    def mean_zipf(self) -> float | None:
        return statistics.fmean(self.zipfs) if self.zipfs else None

    @property
    def content_words_per_clause(self) -> float | None:
        return self.n_content / self.n_finite if self.n_finite else None

    @property
    def concrete_proportion(self) -> float | None:
        return self.nouns.count("c") / len(self.nouns) if self.nouns else None

    @property
    def lint_score(self) -> float | None:
        return lint_score(self.mean_zipf, self.max_dep_length, self.content_words_per_clause, self.concrete_proportion)


def sentence_stats(sentence: Sentence) -> SentenceStats:
    from analyzer.findings import LONG_COMPOUND_LETTERS, RARE_ZIPF

    words = sentence.words
    zipfs = tuple(z for t in sentence.tokens if (z := word_frequency(t)) is not None)
    if sentence.parsed:
        lengths = dep_lengths(sentence)
        max_dep = max(lengths) if len(lengths) >= 2 else None
    else:
        max_dep = approx_max_dep_length(sentence)
    rare = long = 0
    for t in words:
        low = t.text.lower()
        if t.pos in ("NOUN", "VERB", "ADJ") and low.isalpha() and len(low) >= 4:
            long += t.pos == "NOUN" and len(low) >= LONG_COMPOUND_LETTERS
            rare += lex.word_zipf(low, t.lemma) < RARE_ZIPF
    return SentenceStats(
        start=sentence.start,
        end=sentence.end,
        n_words=len(words),
        n_syllables=sum(syllables(t.text) for t in words),
        zipfs=zipfs,
        max_dep_length=max_dep,
        n_content=sum(is_content_word(t) for t in sentence.tokens),
        n_finite=sum(t.is_finite for t in sentence.tokens),
        nouns=tuple(k for t in sentence.tokens if (k := noun_type(t)) is not None),
        rare_words=rare,
        long_compounds=long,
    )


def lint_document(stats: list[SentenceStats]) -> dict:
    """LiNT-II document features: pooled word frequency and noun types, mean of sentence SDL and CWC."""
    zipfs = [z for s in stats for z in s.zipfs]
    sdl = [s.max_dep_length for s in stats if s.max_dep_length is not None]
    cwc = [c for s in stats if (c := s.content_words_per_clause) is not None]
    nouns = [k for s in stats for k in s.nouns]
    features = {
        "mean_log_word_frequency": statistics.fmean(zipfs) if zipfs else None,
        "mean_max_dep_length": statistics.fmean(sdl) if sdl else None,
        "content_words_per_clause": statistics.fmean(cwc) if cwc else None,
        "proportion_concrete_nouns": nouns.count("c") / len(nouns) if nouns else None,
    }
    score = lint_score(*features.values())
    return {"lint_score": score, "lint_level": lint_level(score), "lint_features": features}


def difficulty_features(stats: SentenceStats, counts: dict[str, int]) -> dict[str, float]:
    """The eight features of ``difficulty`` for one sentence (higher is harder)."""
    mean_zipf = stats.mean_zipf
    return {
        "words": stats.n_words,
        "syllables_per_word": stats.n_syllables / stats.n_words if stats.n_words else 0.0,
        "rare_words": stats.rare_words,
        "neg_content_zipf": -mean_zipf if mean_zipf is not None else REFERENCE["neg_content_zipf"][0],
        "max_dep_length": stats.max_dep_length if stats.max_dep_length is not None else 0,
        "officialese": counts.get("officialese", 0) + counts.get("jargon", 0),
        "passives": counts.get("passive", 0),
        "nominalisations": counts.get("nominalisation", 0),
    }


def difficulty(features: dict[str, float], reference: dict[str, tuple[float, float]] | None = None) -> float:
    """Unit-weighted sum of z-scores (Dawes 1979) against ``reference`` (default ``REFERENCE``, the fast path;
    ``REFERENCE_PARSED`` for parsed sentences); 0 = average UD Dutch sentence."""
    reference = REFERENCE if reference is None else reference
    return sum((features[k] - mean) / sd for k, (mean, sd) in reference.items())


def reference_for(sentences: list[Sentence]) -> dict[str, tuple[float, float]]:
    """The difficulty reference that matches how the sentences were analysed (parsed or word lists)."""
    return REFERENCE_PARSED if sentences and all(s.parsed for s in sentences) else REFERENCE


def summarise(stats: list[SentenceStats]) -> dict:
    """Sentence-length statistics and the classic formulas for a group of sentences."""
    n_sent = sum(1 for s in stats if s.n_words)
    n_words = sum(s.n_words for s in stats)
    n_syll = sum(s.n_syllables for s in stats)
    lengths = [s.n_words for s in stats if s.n_words]
    return {
        "n_sentences": n_sent,
        "n_words": n_words,
        "flesch_douma": _round(flesch_douma(n_words, n_sent, n_syll)),
        "brouwer": _round(brouwer(n_words, n_sent, n_syll)),
        "avg_sentence_length": _round(n_words / n_sent if n_sent else None),
        "max_sentence_length": max(lengths, default=0),
        "share_sentences_over_15": _round(sum(n > 15 for n in lengths) / n_sent if n_sent else None, 3),
        "share_sentences_over_20": _round(sum(n > 20 for n in lengths) / n_sent if n_sent else None, 3),
        "syllables_per_word": _round(n_syll / n_words if n_words else None, 3),
        "rare_word_share": _round(sum(s.rare_words for s in stats) / n_words if n_words else None, 3),
        "long_compounds": sum(s.long_compounds for s in stats),
    }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def analyze_document(text: str, path: str | None = None, syntax: SyntaxAnalyzer | None = None) -> dict:
    """Scores, B1 verdict and findings of one letter (see analyzer.b1.analyze_document)."""
    from analyzer.b1 import analyze_document as _analyze

    return _analyze(text, path, syntax)
