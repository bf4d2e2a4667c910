"""Dutch word handling for topic labels: tokens, lemmas, stop words and contact-centre filler.

Everything that knows Dutch morphology sits behind :func:`lemmatise`. Lemmas come from the lookup table
of our Dutch pipeline (models/nl_ud: spacy-lookups-data plus the most frequent UD lemma of each form in
its training part), run on spaCy's Dutch tokenizer without the tagger and parser, plus a conservative
plural rule for the nouns the table misses (``belastingen`` -> ``belasting``, ``aanslagen`` ->
``aanslag``). Without the model (``analyzer.nlp.load_nlp`` warns) the plain spacy-lookups-data table is
used. Why no part-of-speech filter: on the held-out UD Dutch part it raised the share of kept words
that are content words from 0.94 to 0.99, but made lemmatising about 9 times slower (565 instead of
~5,000 notes a second on 2 cores), too slow for hundreds of thousands of notes (benchmarks/README.md,
Dutch spaCy pipeline). spaCy Docs stay inside this module: callers get lists of strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from analyzer.nlp import plain_lemma

# Typed placeholders written by analyzer.privacy ([NAAM], [BSN], ...) and letter markers («naam»).
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*\]|«[^»]*»|\{\{[^}]*\}\}|<<[^>]*>>")

# Words of the contact-centre note itself, not of its subject: who called, that they called, what
# the agent did. Taken from KCC notes (the demo corpus and the notes in the issue); lower case,
# compared with both the token and its lemma.
KCC_FILLER = frozenset(
    """
    kl klant klanten klantnr mevr mevrouw mw mvr dhr heer hr meneer mr dame beller bellers burger
    bewoner bewoonster inwoner persoon zoon dochter partner moeder vader bewindvoerder
    belt bellen gebeld belde terugbellen teruggebeld terugbelverzoek terugbelnotitie callback
    vraagt vragen vroeg gevraagd vraag vragen wil willen wilde weet weten wist zegt zeggen zei gezegd
    geeft aan aangegeven maken maakt gemaakt meldt melden gemeld heeft hebben had gehad krijgt krijgen kreeg gekregen
    snapt snappen begrijpt begrijpen begrepen
    ivm nav mbt tav obv ipv ihkv ism evt zsm svp aub ca tel nr info informatie
    uitgelegd uitleg gegeven doorverbonden doorgezet verwezen doorverwezen geïnformeerd
    geinformeerd aangemaakt genoteerd gemaild mail mailt mailen email website site kcc
    gesprek telefoon telefonisch contact contactcentrum collega team afdeling gemeente
    graag even nog wel niet weer ok oke goed gaat gaan ging
    medewerker goedemorgen goedemiddag goedenavond goedendag hallo hoi dag dank bedankt fijn fijne prima
    doorverbinden doorverb doorverbind dv doorzetten afhandelen afgehandeld toelichten toegelicht nakomen
    tbv vd mnr mnr. vorig vorige keer eerder opnieuw betreffen betreft nogmaals
    bsn iban adres mailadres emailadres e-mail e-mailadres rekeningnummer rekeningnr geboortedatum gebdat geb
    telefoonnummer telnr postcode
    """.split()
)

# Not shown in topic labels, but kept in the text that is embedded (analyzer.notes.subject_text): light
# verbs, adverbs and verb forms the lemma table misses (krijg, geef, bel), and the agent's "beantwoord".
# Each was in 2-6% of the demo corpus's topic labels without naming a subject ("Doe staat", "krijg
# eigenlijk", "vraag beantwoord"): 98 of its 551 labels had one. In a sentence they still carry meaning
# ("staat niet in de brief").
# Also left out since the seventh session of 2026-12-06: the channel and what the agent did with the call
# ("Balie:", "chatgesprek", "verwezen naar www.<gemeente>.nl / gemeentesite", "tbv uitgezet", "inplannen",
# "doorschakelen", "opgelost"), and the caller's mood ("geirriteerd"); 47 of the demo corpus's 536 labels had
# one ("Afspraak melding, grofvuil afspraak, afspraak www", "Huurcontract burgerzaak, ..., huurcontract
# uitzetten"). With them left out, 55 labels changed, most for the better; a few now show a misspelling.
# Also left out since the eighth session (2026-12-07): months and weekdays, which date a note rather than
# name its subject ("Waardepeildatum jan, jan jaar" from "waardepeildatum 1 jan 2025").
LABEL_FILLER = frozenset(
    "bel beantwoord beantwoorden ie eigenlijk echt niks één staat staan sta zit zitten kom komen krijg geef doe "
    "www nl http https uitzetten uitgezet inplannen ingepland doorschakelen doorgeschakeld balie chat chatgesprek "
    "gemeentesite geirriteerd geïrriteerd genoeg oplossen opgelost "
    "januari februari maart april mei juni juli augustus september oktober november december "
    "jan feb mrt apr jun jul aug sep sept okt nov dec "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split()
)

MIN_LENGTH = 2

# Irregular plurals of words that are common in municipal notes and missing from the lookup table.
LEMMA_EXCEPTIONS = {"brieven": "brief", "aanslagen": "aanslag", "huizen": "huis", "kinderen": "kind"}


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    """spaCy's Dutch tokenizer with a lookup lemmatiser (loaded once per process): the table of our
    trained pipeline, or spacy-lookups-data's when the model is missing."""
    import spacy

    from analyzer.nlp import load_nlp

    model = load_nlp()
    nlp = spacy.blank("nl")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    if "lemmatizer" in model.pipe_names:
        lemmatizer.initialize(lookups=model.get_pipe("lemmatizer").lookups)
    else:
        nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def _known_lemmas() -> frozenset[str]:
    table = _pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return frozenset(table[key] for key in table)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's Dutch stop words plus the contact-centre filler."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | KCC_FILLER


@lru_cache(maxsize=1)
def label_stop_words() -> frozenset[str]:
    """The words a topic label leaves out: :func:`stop_words` plus ``LABEL_FILLER``."""
    return stop_words() | LABEL_FILLER


def strip_placeholders(text: str) -> str:
    """The text without pseudonymisation placeholders and letter markers."""
    return PLACEHOLDER.sub(" ", text)


def _singular(word: str, lemma: str) -> str:
    """A noun plural the lookup table does not know, made singular only where that is safe."""
    if word in LEMMA_EXCEPTIONS:
        return LEMMA_EXCEPTIONS[word]
    if lemma != word or len(word) < 6 or not word.endswith("en"):
        return lemma
    if word.endswith("ingen"):  # -ing nouns: belastingen, regelingen, uitkeringen
        return word[:-2]
    known = _known_lemmas()
    if word in known:  # an infinitive or a lemma in its own right (bellen, bakken)
        return lemma
    stem = word[:-2]
    candidates = [stem]
    if len(stem) > 2 and stem[-1] == stem[-2]:  # bakken -> bak
        candidates.append(stem[:-1])
    if len(stem) > 2 and stem[-2] in "aeou" and stem[-3] not in "aeiou":  # afspraken -> afspraak
        candidates.append(stem[:-1] + stem[-2] + stem[-1])
    for candidate in candidates:
        if candidate in known:
            return candidate
    for candidate in candidates:  # compounds: the last part must be a known lemma (aanslag -> slag)
        if any(candidate[i:] in known for i in range(1, len(candidate) - 3)):
            return candidate
    return lemma


@lru_cache(maxsize=262_144)
def _lemma(word: str) -> str:
    """The written lemma of a lower-cased word: the lookup table's lemma (what spaCy's lookup
    lemmatizer gives: the table's entry, else the word), made plain and singular (memoised: notes
    repeat words)."""
    looked_up = _lemma_table().get(word, word)
    return _singular(word, plain_lemma(word, looked_up or word))


@lru_cache(maxsize=1)
def _lemma_table() -> Any:
    return _pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


def lemmatise(texts: Sequence[str]) -> list[list[str]]:
    """Lower-case lemmas of the word tokens of each text (no filtering; punctuation dropped).

    The one place that turns Dutch text into lemmas (see the module docstring for why lookups, not POS).
    spaCy's tokenizer splits a text on white space first and then each piece on its own (prefixes,
    suffixes, infixes, special cases), so each distinct piece is tokenised once (notes repeat the same
    few thousand words; tests/test_nlp.py checks the result against tokenising whole texts), and a
    word's lemma is looked up once.
    """
    cleaned = [strip_placeholders(t or "").lower() for t in texts]
    tokenizer = _pipeline().tokenizer
    of_piece: dict[str, list[str]] = {}
    lemmas: dict[str, list[str]] = {}
    for text in cleaned:
        if text in lemmas:
            continue
        row: list[str] = []
        for piece in text.split():
            found = of_piece.get(piece)
            if found is None:
                found = of_piece[piece] = [
                    _lemma(tok.text) for tok in tokenizer(piece) if not (tok.is_punct or tok.is_space)
                ]
            row.extend(found)
        lemmas[text] = row
    return [list(lemmas[text]) for text in cleaned]


@lru_cache(maxsize=262_144)
def is_content_word(word: str) -> bool:
    """A word worth showing in a topic label: letters (hyphen allowed), not a stop word or filler
    (memoised: notes repeat words)."""
    return (
        len(word) >= MIN_LENGTH
        and word not in label_stop_words()
        and any(c.isalpha() for c in word)
        and all(c.isalpha() or c == "-" for c in word)
    )


def content_lemmas(texts: Sequence[str]) -> list[list[str]]:
    """Per text, its lemmas that may appear in a label (stop words, filler, numbers removed)."""
    return [[w for w in words if is_content_word(w)] for words in lemmatise(texts)]


def terms(texts: Sequence[str], bigrams: bool = True) -> list[list[str]]:
    """Per text, its content lemmas and (optionally) bigrams of content lemmas that stood side by side."""
    out: list[list[str]] = []
    for words in lemmatise(texts):
        keep = [is_content_word(w) for w in words]
        row = [w for w, k in zip(words, keep) if k]
        if bigrams:
            row += [f"{a} {b}" for a, b, ka, kb in zip(words, words[1:], keep, keep[1:]) if ka and kb and a != b]
        out.append(row)
    return out


def unique_in_order(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]
