"""Dutch word data for readability: frequencies, noun types, function words, officialese, jargon.

Everything is loaded once per process (``functools.cache``) from ``analyzer/data/``:

- SUBTLEX-NL Zipf frequencies and LiNT-II's noun semantic types, skip list and manner adverbs
  (LiNT-II, vanboefer/lint_ii, EUPL-1.2; see ``data/build_lint_tables.py`` and ``data/README.md``);
- spaCy's Dutch lookup tables (spacy-lookups-data, MIT) for lemmas and open-class word lists;
- ``officialese.tsv`` and ``technical_terms.tsv``, written for this project after Direct Duidelijk,
  the Rijksoverheid Taalwijzer, Amsterdam's Schrijfwijzer and Klare Taal lists;
- the closed-class (function) words below, written for this project.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# LiNT-II word_features.py: log10(1 / total_count * 1e9) for a word SUBTLEX-NL never saw. We ship only
# words seen at least twice (data/build_lint_tables.py), so words seen once also get this value.
ZERO_COUNT_ZIPF = 1.359228547196266

# Closed classes with UD part of speech. "fin" marks finite auxiliary forms (persoonsvorm).
_DET = (
    "de het 't een deze dit die dat zo'n zulke zulk elk elke ieder iedere alle al geen welk mijn m'n jouw uw "
    "zijn haar ons onze hun jullie enkele enig enige sommige beide menig diens wiens wier dezelfde hetzelfde"
)
_PRON = (
    "ik jij je u hij zij ze wij we men mij me jou hem hen hun zich zichzelf mezelf uzelf elkaar iemand "
    "niemand iets niets alles iedereen wie wat er hetgeen wat welke waarin waarop waarvan waarmee waarvoor "
    "waardoor waarover waaraan waaruit waarbij waartoe daarin daarop daarvan daarmee daarvoor daardoor "
    "daarover daaraan daaruit daarbij daartoe hierin hierop hiervan hiermee hiervoor hierdoor hierover "
    "hieraan hieruit hierbij hiertoe ervan ermee ervoor erdoor erover eraan eruit erbij ertoe erin erop"
)
_ADP = (
    "aan achter bij binnen boven buiten door in langs met na naar naast om onder op over per sinds te tegen "
    "tijdens tot tussen uit van vanaf via voor vóór volgens zonder rond omtrent inzake ingevolge middels "
    "krachtens conform betreffende wegens gedurende vanwege namens ondanks behalve jegens nabij richting "
    "ten ter vanuit tegenover wat betreft"
)
_CCONJ = "en of maar want noch"
_SCONJ = (
    "als dat omdat doordat zodat terwijl wanneer indien hoewel toen nadat voordat totdat zoals mits "
    "tenzij alvorens opdat ofschoon aangezien zodra zolang"
)
_ADV = (
    "niet nooit ook al nog wel dan nu zo hier daar waar zeer heel erg meer minder meest minst altijd soms "
    "vaak weer even eens dus toch echter immers namelijk misschien eigenlijk alleen bijna steeds graag "
    "daarom daarna daarvoor waarom hoe tevens reeds thans eveneens hierna hiervoor vooral ongeveer "
    "zeker wellicht wel nog pas reeds zelfs juist slechts hoe voortaan inmiddels verder verder samen "
    "tenminste uiterlijk ongeveer circa ca. vervolgens allereerst eerst eerder later straks morgen vandaag "
    "gisteren jaarlijks maandelijks vooraf achteraf bovendien daarnaast namelijk overigens"
)
_NUM = (
    "twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd "
    "duizend miljoen één"
)
_AUX_FIN = (
    "ben bent is was waren heb hebt heeft had hadden word wordt werd werden kan kun kunt kon konden "
    "moet moest moesten mag mocht mochten wil wilt wilde wilden zal zult zou zouden hoef hoeft hoefde "
    "hoefden dien dient diende dienden blijkt bleek lijkt leek blijft bleef"
)
# Infinitive-like forms: finite as plural present (wij hebben), infinite after a modal (moet worden).
_AUX_INF = "zijn hebben worden kunnen moeten mogen willen zullen hoeven dienen"
AUX_LEMMA = {
    **dict.fromkeys("ben bent is was waren zijn geweest".split(), "zijn"),
    **dict.fromkeys("heb hebt heeft had hadden hebben gehad".split(), "hebben"),
    **dict.fromkeys("word wordt werd werden worden geworden".split(), "worden"),
    **dict.fromkeys("kan kun kunt kon konden kunnen".split(), "kunnen"),
    **dict.fromkeys("moet moest moesten moeten".split(), "moeten"),
    **dict.fromkeys("mag mocht mochten mogen".split(), "mogen"),
    **dict.fromkeys("wil wilt wilde wilden willen".split(), "willen"),
    **dict.fromkeys("zal zult zou zouden zullen".split(), "zullen"),
    **dict.fromkeys("hoef hoeft hoefde hoefden hoeven".split(), "hoeven"),
    **dict.fromkeys("dien dient diende dienden dienen".split(), "dienen"),
    **dict.fromkeys("blijkt bleek".split(), "blijken"),
    **dict.fromkeys("lijkt leek".split(), "lijken"),
    **dict.fromkeys("blijft bleef".split(), "blijven"),
}
NEGATIONS = frozenset("niet geen nooit niets niemand nergens noch zonder".split())
# Participles that form a perfect tense with 'zijn' (not a passive): 'u bent verhuisd'.
UNACCUSATIVE_PARTICIPLES = frozenset(
    "gegaan gekomen geweest geworden gebleven verhuisd overleden gestorven geboren begonnen verlopen gebeurd "
    "gestopt vertrokken aangekomen teruggekomen opgehouden gevallen gelukt mislukt verdwenen ontstaan "
    "veranderd gestegen gedaald afgelopen verstreken aangegaan ingegaan toegenomen afgenomen gegroeid "
    "thuisgekomen binnengekomen overgegaan meegegaan uitgegaan".split()
)

# Participles that with 'zijn' name a state, not an event someone does (adjectival passive): 'U bent
# verplicht ...', 'Het loket is gesloten', 'De gemeente is gevestigd aan ...'. No passive without a door-phrase.
STATIVE_PARTICIPLES = frozenset(
    "gesloten geopend gevestigd gelegen verplicht genoodzaakt gerechtigd verschuldigd inbegrepen getrouwd "
    "gehuwd gescheiden verbonden betrokken verzekerd gewend geïnteresseerd bedoeld bestemd gebaseerd "
    "verboden toegestaan vereist gewenst verhinderd bezet verwant verliefd verbaasd teleurgesteld "
    "opgelucht bezorgd gespecialiseerd ingesteld gehandicapt".split()
)


@cache
def function_words() -> dict[str, str]:
    """Closed-class Dutch word -> UD part of speech (AUX for the auxiliary forms)."""
    out: dict[str, str] = {}
    for words, pos in (
        (_NUM, "NUM"),
        (_ADV, "ADV"),
        (_CCONJ, "CCONJ"),
        (_SCONJ, "SCONJ"),
        (_ADP, "ADP"),
        (_PRON, "PRON"),
        (_DET, "DET"),
        (_AUX_INF, "AUX"),
        (_AUX_FIN, "AUX"),
    ):
        out.update(dict.fromkeys(words.split(), pos))
    return out


FINITE_AUX = frozenset(_AUX_FIN.split())
INFINITIVE_AUX = frozenset(_AUX_INF.split())


@cache
def zipf_table() -> dict[str, float]:
    """SUBTLEX-NL word -> Zipf value (log10 frequency per billion words)."""
    table: dict[str, float] = {}
    with gzip.open(DATA / "subtlex_nl_zipf.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, value = line.rstrip("\n").split("\t")
            table[word] = float(value)
    return table


def zipf(word: str) -> float:
    """Zipf frequency of a word (lower-cased), ZERO_COUNT_ZIPF when SUBTLEX-NL has (almost) never seen it."""
    return zipf_table().get(word.lower(), ZERO_COUNT_ZIPF)


@cache
def word_zipf(word: str, lemma: str = "") -> float:
    """How familiar a word is: the highest of the Zipf of its form, its lemma, its lemma family (all forms
    together: 'voetgangers' counts with 'voetganger', 'tarieven' with 'tarief') and, for a compound, its
    rarer part ('quarantaineperiode' = 'quarantaine' + 'periode', 'watermeter' = 'water' + 'meter'), since
    readers know a compound of two words they know. Compounds are split by LiNT-II's noun list (its head)
    or, for other words, at the split whose rarer part is most frequent (both parts Dutch words)."""
    low = word.lower()
    best = max(zipf(low), zipf(lemma) if lemma else ZERO_COUNT_ZIPF, family_zipf(low), family_zipf(lemma))
    head = noun_table().get(low, noun_table().get(lemma, ("", "")))[1]
    for ending in (head, head + "en", head + "s", head + "n") if head else ():
        if low.endswith(ending) and len(low) > len(ending) + 2:
            modifier = low[: -len(ending)].rstrip("-")
            parts = [zipf(modifier), zipf(modifier[:-1]) if modifier.endswith(("s", "e")) else ZERO_COUNT_ZIPF]
            best = max(best, min(max(parts), zipf(head)))
            break
    return max(best, compound_zipf(low))


COMPOUND_MIN_PART = 3  # letters in each part of a split compound ('bij' + 'lage'): shorter parts split anything


def compound_zipf(word: str) -> float:
    """The Zipf of the rarer part of the best two-part split of ``word`` into Dutch words (a linking 's',
    'e' or 'en' may end the first part: 'verkeersbord', 'pannenkoek'); ZERO_COUNT_ZIPF when none.
    The last part must be a Dutch noun, verb or adjective (by lemma), so an English or odd piece such as
    'having' in 'handhaving' does not count."""
    low = word.lower()
    best = ZERO_COUNT_ZIPF
    if not low.isalpha():
        return best
    for k in range(COMPOUND_MIN_PART, len(low) - COMPOUND_MIN_PART + 1):
        first, last = low[:k], low[k:]
        if not _dutch_content_word(last):
            continue
        links = [first] + [first[: -len(link)] for link in ("s", "e", "en") if first.endswith(link)]
        first_zipf = max(family_zipf(f) for f in links if len(f) >= COMPOUND_MIN_PART) if links else best
        best = max(best, min(first_zipf, family_zipf(last)))
    return best


def _dutch_content_word(word: str) -> bool:
    nouns = noun_table()
    lists = (open_class("noun"), open_class("verb"), open_class("adj"))
    return any(b in nouns or any(b in words for words in lists) for b in {word, *base_forms(word)})


def base_forms(word: str) -> set[str]:
    """Possible base forms of an inflected Dutch word that SUBTLEX-NL knows: 'tarieven' -> 'tarief',
    'gemeentelijke' -> 'gemeentelijk', 'voetgangers' -> 'voetganger', 'lage' -> 'laag', 'bussen' -> 'bus'."""
    low = word.lower()
    stems = []
    if low.endswith("en") and len(low) > 4:
        stems.append(low[:-2])
    if low.endswith(("e", "s")) and len(low) > 3:
        stems.append(low[:-1])
    out = set()
    for stem in stems:
        out.add(stem)
        if stem[-1] in "vz":
            out.add(stem[:-1] + {"v": "f", "z": "s"}[stem[-1]])  # tarieven -> tarief, reizen -> reis
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
            out.add(stem[:-1])  # bussen -> bus
        if len(stem) > 2 and stem[-2] in "aeou" and stem[-1] not in "aeiouy" and stem[-3] not in "aeiouy":
            out.add(stem[:-1] + stem[-2:])  # lage -> laag, straten -> straat
    table = zipf_table()
    return {b for b in out if len(b) >= COMPOUND_MIN_PART and b in table}


@cache
def family_zipf(word: str) -> float:
    """Zipf of a word's lemma family: the summed frequency of the word, its base forms and their regular
    inflections (+e, +en, +s); ZERO_COUNT_ZIPF for an empty or unknown word."""
    low = word.lower()
    if not low:
        return ZERO_COUNT_ZIPF
    table = zipf_table()
    forms = {low} | {f for b in base_forms(low) for f in (b, b + "e", b + "en", b + "s")}
    total = sum(10 ** table[f] for f in forms if f in table)
    return math.log10(total) if total else ZERO_COUNT_ZIPF


@cache
def noun_table() -> dict[str, tuple[str, str]]:
    """LiNT-II noun -> (super semantic type c/a/u, compound head or '')."""
    table: dict[str, tuple[str, str]] = {}
    with gzip.open(DATA / "lint_nouns.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, kind, head = line.rstrip("\n").split("\t")
            table[word] = (kind, head)
    return table


@cache
def lint_wordlists() -> dict[str, frozenset[str]]:
    """LiNT-II's frequency skip list ('skip'), manner adverbs and measurement units ('unit')."""
    lists: dict[str, set[str]] = {}
    for line in (DATA / "lint_wordlists.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, word = line.split("\t")
            lists.setdefault(kind, set()).add(word)
    return {kind: frozenset(words) for kind, words in lists.items()}


@cache
def _spacy_tables() -> tuple[dict, dict[str, frozenset[str]]]:
    from spacy.lookups import load_lookups
    from spacy.strings import hash_string

    lookups = load_lookups("nl", ["lemma_lookup", "lemma_index", "lemma_exc"])
    index = lookups.get_table("lemma_index")
    pos_words = {pos: frozenset(index.get(pos, index.get(hash_string(pos), []))) for pos in ("noun", "verb", "adj")}
    lemmas = dict(lookups.get_table("lemma_lookup").items())
    exc = lookups.get_table("lemma_exc")
    verb_exc = exc.get("verb", exc.get(hash_string("verb"), {}))
    keyed = {hash_string(k) if isinstance(k, str) else k: v for k, v in lemmas.items()}
    for form, lemma in verb_exc.items():
        keyed.setdefault(hash_string(form), lemma[0])
    return keyed, pos_words


def lemma(word: str) -> str:
    """Lemma by spaCy's Dutch lookup table (the word itself when it is not listed)."""
    from spacy.strings import hash_string

    lower = word.lower()
    if lower in AUX_LEMMA:
        return AUX_LEMMA[lower]
    return _spacy_tables()[0].get(hash_string(lower), lower)


def open_class(pos: str) -> frozenset[str]:
    """spaCy's Dutch lemma lists for 'noun', 'verb' or 'adj'."""
    return _spacy_tables()[1][pos]


@dataclass(frozen=True)
class LexiconEntry:
    """A formal word or phrase with its plain alternative(s), an optional note and the context it needs
    (``when``: a name in analyzer.findings.CONTEXTS; empty: anywhere)."""

    words: tuple[str, ...]
    plain: str
    note: str = ""
    when: str = ""


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows[1:]  # the first non-comment row is the header


@cache
def officialese() -> tuple[LexiconEntry, ...]:
    """The officialese lexicon (data/officialese.tsv), longest entries first."""
    entries = [
        LexiconEntry(tuple(row[0].lower().split()), row[1].strip(), *(cell.strip() for cell in row[2:4]))
        for row in _read_tsv("officialese.tsv")
    ]
    return tuple(sorted(entries, key=lambda e: -len(e.words)))


@cache
def technical_terms() -> tuple[LexiconEntry, ...]:
    """Jargon with a hint to explain it (data/technical_terms.tsv), longest entries first."""
    entries = [LexiconEntry(tuple(row[0].lower().split()), row[1].strip()) for row in _read_tsv("technical_terms.tsv")]
    return tuple(sorted(entries, key=lambda e: -len(e.words)))


# Abbreviations that end in a full stop but do not end a sentence (checked in the tokenizer).
ABBREVIATIONS = (
    "a.d. a.g.v. a.h.w. a.j.b. a.s. aanv. afd. afz. alg. art. bijv. blz. b.v. bv. b.v.b.a. c.a. ca. c.q. "
    "d.d. d.i. d.m.v. d.w.z. dhr. dr. drs. e.a. e.d. e.e.a. e.o. e.v. enz. etc. evt. excl. fa. gem. "
    "i.c. i.c.m. i.o.m. i.p.v. i.s.m. i.t.t. i.v.m. i.h.a. ing. incl. ir. jl. jhr. jr. kl. m.a.w. "
    "m.b.t. m.b.v. m.i.v. m.n. max. min. mr. mw. mevr. mej. n.a.v. n.b. nl. nr. o.a. o.b.v. o.i.d. "
    "o.l.v. o.m. o.v.v. p.a. p.p. p.o. pag. prof. resp. s.v.p. t.a.v. t.b.v. t.g.v. t.o.v. t.w. t.z.t. "
    "tel. u.i.t. v.a. v.d. vgl. vnl. vlg. vs. w.o. z.g.a.n. z.i. z.o.z. z.s.m. zgn. zg. sub. "
    "jan. feb. mrt. apr. jun. jul. aug. sep. sept. okt. nov. dec. wo. do. vr. za. zo. di. ma."
).split()
# Abbreviations that can close a sentence: before a capitalised word their full stop ends the sentence too
# ('Ook papier, glas enz. Daarna ...', 'Bel ons a.u.b. Wij ...', 'op ma. Dan ...'). Titles and abbreviations
# that need a word after them (dhr., t.a.v., o.a., art., nr.) are not here: 'dhr. Jansen' stays one sentence.
SENTENCE_FINAL_ABBREVIATIONS = frozenset(
    (
        "enz. etc. e.d. e.a. e.o. e.v. a.u.b. s.v.p. n.v.t. n.b. o.i.d. jl. z.s.m. t.z.t. z.o.z. "
        "jan. feb. mrt. apr. jun. jul. aug. sep. sept. okt. nov. dec. ma. di. wo. do. vr. za. zo."
    ).split()
)
# Abbreviations spelled like an ordinary word or name: before a capital they are that word plus a full stop
# ('Doe het zo. Dan ...', 'Ik sprak met Jan. Hij ...').
WORD_LIKE_ABBREVIATIONS = frozenset("zo jan".split())
