"""Our Dutch spaCy pipeline (models/nl_ud, analyzer.nlp) behind the SyntaxAnalyzer interface of analyzer.syntax.

``SpacySyntax`` keeps the tokens and sentences of ``analyzer.syntax.split_sentences`` (abbreviations stay
whole, «markers» are one token, spans index the text) and lets the trained pipeline tag, lemmatise and
parse each sentence: UD part of speech, the Dutch fine tag (``WW|pv|tgw|met-t``: CGN/Lassy, the same
scheme the fast path and Frog use), lookup lemma, head and UD relation. Sentences are parsed as separate
Docs, so the parser never moves our sentence boundaries.

«markers» (template placeholders) are not in the training data; the parser sees a neutral stand-in word
instead (``MARKER_STAND_INS``) and the token stays a marker (not a word, part of speech X).
spaCy Docs stay inside this module.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from analyzer import nl_lexicon as lex
from analyzer.nlp import plain_lemma
from analyzer.syntax import MARKER_RE, Sentence, Token, split_sentences

if TYPE_CHECKING:
    from spacy.language import Language

# What the parser reads in place of a «marker», by a word the marker contains (checked in this order).
MARKER_STAND_INS = (
    ("datum", "maandag"),
    ("bedrag", "100"),
    ("nummer", "12345"),
    ("kenmerk", "12345"),
    ("adres", "Amsterdam"),
    ("naam", "Jansen"),
)
BATCH_SIZE = 64
# Unseen nouns (compounds such as 'bestuursorgaan', 'eicel') often come out as verbs or adjectives. Where the
# lexicon knows the word only as a noun (``_lexicon_noun``) it becomes a noun, unless the fine tag is one that
# was right more often than not on the held-out UD part (finite verbs, participles, prenominal adjectives
# such as 'grote', ordinals): +49 / -3 tokens there.
NOUN_BACKOFF_POS = ("VERB", "ADJ")
NOUN_BACKOFF_KEEP = ("WW|pv", "WW|vd", "TW", "ADJ|prenom")
# Closed-class words of letters that newspaper and Wikipedia text hardly has: the model tags 'u' as a
# symbol (the unit). Part of speech and fine tag as UD Dutch (Lassy) gives them.
CLOSED_CLASS_FIXES = {
    "u": ("PRON", "VNW|pers|pron|nomin|vol|2b|getal"),
    "uw": ("DET", "VNW|bez|det|stan|vol|2|getal|prenom|zonder|agr"),
}


def stand_in(marker: str) -> str:
    """The word the parser sees for a «marker»: 'maandag' for «datum», 'Jansen' for «naam» and the rest."""
    low = marker.lower()
    return next((word for key, word in MARKER_STAND_INS if key in low), "Jansen")


class SpacySyntax:
    """Tags, lemmas and a UD dependency parse from the trained pipeline (``analyzer.nlp.load_nlp``).

    ``nlp`` defaults to the cached project model. With the blank fallback (no parser) use
    ``analyzer.syntax.default_syntax``, which picks the word-list path instead.
    """

    name = "spacy"
    parsed = True

    def __init__(self, nlp: Language | None = None) -> None:
        if nlp is None:
            from analyzer.nlp import load_nlp

            nlp = load_nlp()
        self.nlp = nlp

    def analyze(self, text: str) -> list[Sentence]:
        return self.analyze_many([text])[0]

    def analyze_many(self, texts: list[str]) -> list[list[Sentence]]:
        """Several texts in one ``nlp.pipe`` run (faster than one call per text)."""
        from spacy.tokens import Doc

        raws = [split_sentences(text or "") for text in texts]
        flat = [raw for per_text in raws for raw in per_text]
        docs = []
        for raw in flat:
            words = [stand_in(t) if MARKER_RE.fullmatch(t) else t for t, _, _ in raw]
            spaces = [raw[k + 1][1] > raw[k][2] for k in range(len(raw) - 1)] + [False]
            docs.append(Doc(self.nlp.vocab, words=words, spaces=spaces))
        parsed = iter(self.nlp.pipe(docs, batch_size=BATCH_SIZE))
        out = []
        for per_text in raws:
            out.append([_sentence(raw, next(parsed)) for raw in per_text])
        return out


def _sentence(raw: list[tuple[str, int, int]], doc) -> Sentence:
    tokens = []
    for (text, start, end), tok in zip(raw, doc):
        if MARKER_RE.fullmatch(text):
            tokens.append(Token(text, start, end, text.lower(), "X", "", tok.head.i, tok.dep_, marker=True))
            continue
        pos, tag = CLOSED_CLASS_FIXES.get(text.lower(), (tok.pos_ or "X", tok.tag_))
        lemma = _lemma(text, (tok.lemma_ or text).lower(), pos)
        if pos in NOUN_BACKOFF_POS and not tag.startswith(NOUN_BACKOFF_KEEP) and _lexicon_noun(text.lower()):
            pos, tag = "NOUN", "N|soort"
        head = tok.head.i  # the root points to itself, as in spaCy
        tokens.append(Token(text, start, end, lemma, pos, tag, head, tok.dep_))
    return Sentence(raw[0][1], raw[-1][2], tuple(_imperative(tokens)), parsed=True)


def _lemma(text: str, ud_lemma: str, pos: str) -> str:
    """The written lemma; a separable verb whose particle is in the form is particle + verb: 'uit_nodigen' for
    'uitgenodigd' is 'uitnodigen' (``plain_lemma`` keeps the participle's 'ge': 'uitgenodigen')."""
    parts = [p for p in ud_lemma.split("_") if p]
    if pos in ("VERB", "AUX") and len(parts) > 1 and text.lower().startswith(parts[0]):
        return "".join(parts)
    return plain_lemma(text, ud_lemma)


def _lexicon_noun(low: str) -> bool:
    """A word LiNT-II's noun list has and spaCy's verb and adjective lists and our closed classes do not."""
    return (
        low in lex.noun_table()
        and low not in lex.open_class("verb")
        and low not in lex.open_class("adj")
        and low not in lex.function_words()
    )


def verb_of_stem(stem: str) -> str | None:
    """'bel' -> 'bellen', 'betaal' -> 'betalen', 'lees' -> 'lezen', 'geef' -> 'geven': the infinitive of an
    imperative (the verb stem), when the lexicon knows it."""
    verbs = lex.open_class("verb")
    cands = [stem + "en", stem + stem[-1:] + "en"]
    if len(stem) > 2 and stem[-2] == stem[-3] and stem[-2] in "aeou":  # betaal -> betalen, neem -> nemen
        cands.append(stem[:-2] + stem[-1] + "en")
    cands += [c[:-3] + {"f": "v", "s": "z"}[c[-3]] + "en" for c in list(cands) if c[-3:-2] in ("f", "s")]
    return next((c for c in cands if c in verbs), None)


def _imperative(tokens: list[Token]) -> list[Token]:
    """A sentence of 3+ words with end punctuation and no finite verb that starts with a verb stem, a finite
    auxiliary or stem + t ('Bel ons dan.', 'Kunt u ...?', 'Klopt dat niet?'): the model, trained on news and
    Wikipedia, tags such first words as nouns or names."""
    words = [k for k, t in enumerate(tokens) if t.is_word]
    ends = tokens[-1].text in (".", "!", "?")  # a heading ('Inhoud', 'Bestuur') or a name is no imperative
    if len(words) < 3 or not ends or any(t.is_finite for t in tokens):
        return tokens
    k = words[0]
    first = tokens[k]
    low = first.text.lower()
    out = list(tokens)
    if low in lex.FINITE_AUX:
        out[k] = replace(first, pos="AUX", tag="WW|pv|tgw", lemma=lex.AUX_LEMMA.get(low, first.lemma))
    elif first.pos in ("NOUN", "PROPN", "X", "ADJ") and low.isalpha() and (verb := verb_of_stem(low)):
        out[k] = replace(first, pos="VERB", tag="WW|pv|tgw|ev", lemma=verb)
    elif first.pos in ("NOUN", "PROPN", "X") and low.endswith("t") and (verb := verb_of_stem(low[:-1])):
        out[k] = replace(first, pos="VERB", tag="WW|pv|tgw|met-t", lemma=verb)  # 'Klopt dat?', 'Woont u ...?'
    return out
