"""Dutch sentences, words and (where available) syntax behind one interface.

``SyntaxAnalyzer.analyze(text)`` returns ``Sentence`` objects whose ``Token``s carry a character span
into ``text``, a lemma, a UD part of speech, a CGN-style tag (``WW|pv`` marks a finite verb) and, when
``parsed`` is true, a head and a dependency label. Two implementations:

- ``LexiconSyntax`` (the fast path, always available): spaCy's blank Dutch tokenizer with extra
  abbreviation exceptions, our own sentence rules, parts of speech from word lists (closed classes
  written for this project, spaCy's lookup tables, LiNT-II's noun list). No parse: heads are -1.
- ``analyzer.syntax_spacy.SpacySyntax`` (the default): the same tokens and sentences, tagged, lemmatised
  and parsed by our Dutch spaCy pipeline (models/nl_ud, loaded once by ``analyzer.nlp.load_nlp``).
- ``analyzer.syntax_frog.FrogSyntax`` (optional cross-check): the same tokens and sentences, tagged,
  lemmatised and parsed by Frog (Debian packages ``frog`` + ``frogdata``) when the ``frog`` binary is installed.

``default_syntax()`` picks the spaCy pipeline and falls back to the word lists, with a warning, when the
model is missing. spaCy Docs stay inside the modules that make them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol, runtime_checkable

from analyzer import nl_lexicon as lex

MARKER_RE = re.compile(r"«[^«»\n]+»")
TERMINATORS = {".", "!", "?", "…", "...", "?!", "!?"}
CLOSERS = set("\"'’”)]*»")
BULLETS = {"-", "*", "•", "–", "·"}
_PARTICIPLE_RE = re.compile(
    r"^(aan|af|bij|door|in|mee|na|om|onder|op|over|terug|toe|uit|vast|voor|weg|thuis|binnen|samen|tegen|"
    r"kennis|plaats|tot|vrij|stop|goed|gelijk|teweeg)?ge\w{2,}(d|t|en)e?$"
)
_FIXED_POS = {"geachte": "ADJ", "beste": "ADJ", "hoogachtend": "ADV", "graag": "ADV", "alstublieft": "ADV"}
_ABBREVIATIONS = frozenset(a.lower() for a in lex.ABBREVIATIONS)
_UNSTRESSED_PREFIX = ("be", "ver", "ont", "her", "er", "ge")
_ADJ_SUFFIXES = ("lijk", "lijke", "ig", "ige", "isch", "ische", "baar", "bare", "loos", "loze", "zaam", "zame", "ief")
PLURAL_SUBJECTS = frozenset("wij we zij ze jullie".split())


@dataclass(frozen=True)
class Token:
    """One token; ``start``/``end`` index the analysed text; ``head`` is an index into the sentence."""

    text: str
    start: int
    end: int
    lemma: str
    pos: str
    tag: str = ""
    head: int = -1
    dep: str = ""
    marker: bool = False

    @property
    def is_word(self) -> bool:
        """A counted word: not punctuation and not a «placeholder» marker."""
        return not self.marker and self.pos not in ("PUNCT", "SYM", "SPACE")

    @property
    def is_finite(self) -> bool:
        return self.tag.startswith("WW|pv")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Token, ...]
    parsed: bool = False

    @property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]


@runtime_checkable
class SyntaxAnalyzer(Protocol):
    """Anything that turns Dutch text into sentences of tagged (and optionally parsed) tokens."""

    name: str
    parsed: bool

    def analyze(self, text: str) -> list[Sentence]: ...


COMMON_WORD_ZIPF = 4.0  # SUBTLEX-NL: a word seen 10+ times per million is an ordinary word, not an abbreviation


@cache
def _tokenizer():
    import spacy
    from spacy.symbols import ORTH

    nlp = spacy.blank("nl")
    # spaCy's Dutch exceptions include legal abbreviations spelled like ordinary words ('dat.', 'al.', 'best.',
    # 'bel.'): keep those words and their full stop apart, or 'Ik weet dat. Hij ...' stays one sentence.
    ours = {a.lower() for a in lex.ABBREVIATIONS}
    nlp.tokenizer.rules = {
        form: tokens
        for form, tokens in nlp.tokenizer.rules.items()
        if not _word_with_stop(form) or form.lower() in ours
    }
    for abbr in lex.ABBREVIATIONS:
        for form in {abbr, abbr[:1].upper() + abbr[1:]}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    return nlp.tokenizer


def _word_with_stop(form: str) -> bool:
    bare = form[:-1]
    return form.endswith(".") and bare.isalpha() and lex.zipf(bare) >= COMMON_WORD_ZIPF


def split_sentences(text: str) -> list[list[tuple[str, int, int]]]:
    """Sentences as lists of (token text, start, end); abbreviations such as o.a., d.d., art. stay inside.

    An abbreviation ends the sentence too when it can close one and a capital follows ('enz. Daarna',
    'Doe het zo. Dan'); a list number at the start of a line ('1. Vul ... in.') is left out."""
    doc = _tokenizer()(text)
    sentences: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    markers = [(m.start(), m.end()) for m in MARKER_RE.finditer(text)]
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if tok.is_space:
            if current and _newline_breaks(tok.text, current, doc, i):
                sentences.append(current)
                current = []
            i += 1
            continue
        start = tok.idx
        end = start + len(tok.text)
        if not current and _list_number(doc, i):
            i += 2  # '1.' before a list item: no word and no sentence of its own
            continue
        inside = next(((a, b) for a, b in markers if a <= start < b), None)
        abbreviation_end = inside is None and _abbreviation_ends_sentence(doc, i)
        if inside is not None:  # a whole «marker» becomes one token
            while i + 1 < n and doc[i + 1].idx < inside[1]:
                i += 1
            current.append((text[inside[0] : inside[1]], inside[0], inside[1]))
        elif abbreviation_end and _word_like(tok.text):  # 'zo.', 'Jan.', 'ING.': the word, then a full stop
            current += [(tok.text[:-1], start, end - 1), (".", end - 1, end)]
        else:
            current.append((tok.text, start, end))
        boundary = (tok.text in TERMINATORS and not _abbreviation_stop(doc, i)) or abbreviation_end
        while boundary and i + 1 < n and doc[i + 1].text in CLOSERS and not tok.whitespace_:
            i += 1
            tok = doc[i]
            current.append((tok.text, tok.idx, tok.idx + len(tok.text)))
        if boundary:
            sentences.append(current)
            current = []
        elif "\n" in tok.whitespace_ and i + 1 < n and _newline_breaks(tok.whitespace_, current, doc, i + 1):
            sentences.append(current)
            current = []
        i += 1
    if current:
        sentences.append(current)
    return [s for s in sentences if any(_has_alnum(t) for t, _, _ in s)]


def _has_alnum(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def _next_word(doc, i: int):
    """The next non-space token after ``doc[i]``, or None."""
    return next((doc[j] for j in range(i + 1, len(doc)) if not doc[j].is_space), None)


def _word_like(form: str) -> bool:
    """'zo.', 'Jan.', 'ING.': an abbreviation spelled like a word, a name or an acronym."""
    bare = form[:-1]
    return bare.lower() in lex.WORD_LIKE_ABBREVIATIONS or (len(bare) > 1 and bare.isalpha() and bare.isupper())


def _abbreviation_ends_sentence(doc, i: int) -> bool:
    """An abbreviation token that can close a sentence, at the end of the text or before a capital."""
    tok = doc[i]
    form = tok.text
    if len(form) < 2 or not form.endswith(".") or form in TERMINATORS:
        return False
    if form.lower() not in lex.SENTENCE_FINAL_ABBREVIATIONS and not _word_like(form):
        return False
    nxt = _next_word(doc, i)
    return nxt is None or (bool(tok.whitespace_ or doc[i + 1].is_space) and nxt.text[:1].isupper())


def _abbreviation_stop(doc, i: int) -> bool:
    """'Uw klantnr. is ...': the full stop of a word that ends in an abbreviation ('nr', 'tel') and is not a
    word itself, before a word in lower case, is part of that abbreviation."""
    if doc[i].text != "." or i == 0 or doc[i - 1].whitespace_:
        return False
    word = doc[i - 1].text.lower()
    nxt = _next_word(doc, i)
    if not word.isalpha() or nxt is None or not nxt.text[:1].islower() or lex.zipf(word) > lex.ZERO_COUNT_ZIPF:
        return False
    return any(word.endswith(a[:-1]) for a in _ABBREVIATIONS if len(a) > 2 and "." not in a[:-1])


def _list_number(doc, i: int) -> bool:
    """'1.' or '12.' at the start of a line, before a word: a list number."""
    tok = doc[i]
    if not (tok.text.isdigit() and len(tok.text) <= 2 and i + 2 < len(doc) and doc[i + 1].text == "."):
        return False
    before = tok.doc.text[: tok.idx].rsplit("\n", 1)[-1]
    return not before.strip() and bool(doc[i + 1].whitespace_) and doc[i + 2].text[:1].isalpha()


def _newline_breaks(space: str, current: list, doc, next_i: int) -> bool:
    """A line break ends a sentence at a blank line, before a capital, bullet or number, or after ':' or ';'."""
    if "\n" not in space:
        return False
    if "\n\n" in space.replace(" ", "") or current[-1][0] in (":", ";"):
        return True
    nxt = next((doc[j].text for j in range(next_i, len(doc)) if not doc[j].is_space), "")
    return bool(nxt) and (nxt[0].isupper() or nxt[0].isdigit() or nxt in BULLETS or nxt[0] in "«*#")


class LexiconSyntax:
    """Fast path: tokens, sentences and word-list parts of speech; no dependency parse."""

    name = "lexicon"
    parsed = False

    def analyze(self, text: str) -> list[Sentence]:
        return [self.tag(s) for s in split_sentences(text)]

    def tag(self, raw: list[tuple[str, int, int]]) -> Sentence:
        tokens = [_guess_token(t, s, e, k == 0) for k, (t, s, e) in enumerate(raw)]
        tokens = _resolve_verbs(_verb_or_noun(tokens))
        return Sentence(raw[0][1], raw[-1][2], tuple(tokens), parsed=False)


def _guess_token(text: str, start: int, end: int, first: bool) -> Token:
    low = text.lower()
    if MARKER_RE.fullmatch(text):
        return Token(text, start, end, low, "X", marker=True)
    if not _has_alnum(text):
        return Token(text, start, end, text, "PUNCT")
    if any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text.replace("e", "")):
        return Token(text, start, end, low, "NUM", "TW")
    if "@" in text or low.startswith(("www.", "http")) or re.search(r"\.(nl|com|org|eu)\b", low):
        return Token(text, start, end, low, "X", "SPEC")
    if low in _ABBREVIATIONS or (low.endswith(".") and len(low) <= 6):
        return Token(text, start, end, low, "X", "SPEC|afk")
    if low in _FIXED_POS:
        return Token(text, start, end, low, _FIXED_POS[low])
    fw = lex.function_words().get(low)
    if fw is not None:
        return Token(text, start, end, lex.AUX_LEMMA.get(low, low), fw, "WW" if fw == "AUX" else "")
    lem = lex.lemma(low)
    nouns = lex.noun_table()
    verbs = lex.open_class("verb")
    in_noun = low in nouns or lem in nouns
    if lem != low and lem in verbs and low not in nouns:
        pos = "VERB"
    elif text[:1].isupper() and not first and low not in nouns:
        pos = "PROPN"
    elif in_noun and not (low in verbs and low.endswith("en") and low not in nouns):
        pos = "NOUN"
    elif low in verbs:
        pos = "VERB"
    elif lem in lex.open_class("adj") or low in lex.open_class("adj") or low.endswith(_ADJ_SUFFIXES):
        pos = "ADJ"
    elif low in lex.lint_wordlists().get("manner_adverb", ()):
        pos = "ADV"
    elif _PARTICIPLE_RE.match(low):
        pos = "VERB"
    else:
        pos = "NOUN"
    if pos == "NOUN" and low in nouns:
        lem = low  # the lookup table sometimes gives a verb for a noun ('bezwaar' -> 'bezwaren')
    return Token(text, start, end, lem, pos, "WW" if pos == "VERB" else "")


def _verb_or_noun(tokens: list[Token]) -> list[Token]:
    """'sturen', 'doen': an -en word that is both noun and verb is a verb after 'te', next to 'wij/ze',
    or at the end of a clause that has an auxiliary; an adverb after an article is a noun ('de morgen')."""
    out = list(tokens)
    verbs = lex.open_class("verb")
    for k, tok in enumerate(out):
        low = tok.text.lower()
        prev = out[k - 1].text.lower() if k else ""
        if tok.pos == "ADV" and prev in ("de", "het", "een", "deze", "die", "elke") and low in lex.noun_table():
            out[k] = replace(tok, pos="NOUN")  # 'in de morgen'
            continue
        verbal = low in verbs or bool(_PARTICIPLE_RE.match(low)) or low.startswith(_UNSTRESSED_PREFIX)
        if tok.pos != "NOUN" or not low.endswith("en") or not verbal:
            continue
        nxt = out[k + 1] if k + 1 < len(out) else None
        clause_end = nxt is None or nxt.pos == "PUNCT" or nxt.pos in ("CCONJ", "SCONJ")
        has_aux = any(t.pos == "AUX" for t in out[:k])
        near_subject = prev in PLURAL_SUBJECTS or (nxt is not None and nxt.text.lower() in PLURAL_SUBJECTS)
        final_verb = clause_end and has_aux and prev not in ("de", "het", "een")
        if (low in verbs and (prev == "te" or near_subject)) or final_verb:
            out[k] = replace(tok, pos="VERB", tag="WW", lemma=low)
    return out


def _resolve_verbs(tokens: list[Token]) -> list[Token]:
    """Mark finite verbs (WW|pv), participles (WW|vd) and infinitives (WW|inf) clause by clause."""
    out = list(tokens)
    for lo, hi in clause_spans(tokens):
        finite_seen = aux_seen = modal_seen = False
        for k in range(lo, hi):
            tok = out[k]
            if tok.pos not in ("VERB", "AUX"):
                continue
            low = tok.text.lower()
            prev = out[k - 1].text.lower() if k > 0 else ""
            nxt = out[k + 1].text.lower() if k + 1 < len(out) else ""
            if low == "zijn" and k + 1 < hi and out[k + 1].pos in ("NOUN", "ADJ"):
                out[k] = replace(tok, pos="DET", tag="")
                continue
            nxt_lemma = out[k + 1].lemma if k + 1 < len(out) else ""
            if tok.pos == "AUX" and low in lex.FINITE_AUX:
                kind = "pv"
            elif low == tok.lemma and aux_seen and not modal_seen and low.startswith(_UNSTRESSED_PREFIX):
                kind = "vd"  # 'is ontvangen', 'wordt vergeten': participle spelled like the infinitive
            elif low == tok.lemma or low in lex.INFINITIVE_AUX:
                plural = prev in PLURAL_SUBJECTS or nxt in PLURAL_SUBJECTS
                kind = "pv" if (not finite_seen and plural) else "inf"
            elif _is_participle(low, tok.lemma, aux_seen or nxt_lemma in ("worden", "zijn", "hebben")):
                kind = "vd"
            else:
                kind = "pv"
            finite_seen = finite_seen or kind == "pv"
            aux_seen = aux_seen or tok.lemma in ("zijn", "hebben", "worden")
            modal_seen = modal_seen or tok.lemma in ("kunnen", "moeten", "mogen", "willen", "zullen", "hoeven")
            out[k] = replace(tok, tag=f"WW|{kind}")
    return out


def _is_participle(low: str, lemma: str, aux_seen: bool) -> bool:
    if _PARTICIPLE_RE.match(low) and low != lemma:
        return True
    if low in lex.UNACCUSATIVE_PARTICIPLES:
        return True
    return aux_seen and low.endswith(("d", "t", "en")) and lemma.startswith(_UNSTRESSED_PREFIX)


CLAUSE_OPENERS = frozenset("die dat welke waar waarin waarop waarvan waarmee waarbij waardoor wat".split())


def clause_spans(tokens: list[Token] | tuple[Token, ...]) -> list[tuple[int, int]]:
    """Rough clause segments: split at , ; : ( ) and before subordinators and 'maar', 'want', 'en' + verb."""
    spans = []
    lo = 0
    for k, tok in enumerate(tokens):
        low = tok.text.lower()
        cut_before = k > lo and (tok.pos == "SCONJ" or low in ("maar", "want"))
        if cut_before:
            spans.append((lo, k))
            lo = k
        if tok.text in (",", ";", ":", "(", ")", "–") or tok.text in TERMINATORS:
            spans.append((lo, k + 1))
            lo = k + 1
    if lo < len(tokens):
        spans.append((lo, len(tokens)))
    return [(a, b) for a, b in spans if b > a]


def default_syntax() -> SyntaxAnalyzer:
    """Our spaCy pipeline (``SpacySyntax``, cached), or ``LexiconSyntax`` when the model is missing.

    ``analyzer.nlp.load_nlp`` warns (``MissingModelWarning``) once when it falls back to a blank pipeline;
    results then say ``syntax: lexicon`` and carry the fallback note. Frog stays opt-in (analyzer.b1).
    """
    from analyzer.nlp import has_parser, load_nlp

    nlp = load_nlp()
    if not has_parser(nlp):
        return LexiconSyntax()
    from analyzer.syntax_spacy import SpacySyntax

    return SpacySyntax(nlp)
