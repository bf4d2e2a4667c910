"""Pseudonymisation of personal data in Dutch KCC call notes, before anything is stored or shown.

Every finding becomes a fixed Dutch placeholder (``PLACEHOLDERS``); the output is deterministic.

* Own regexes and validators, always run: BSN (9 digits, also ``1234.56.782`` / ``123 456 782``, 11-test; after
  "bsn"/"burgerservicenummer"/"sofinummer" any 8 or 9 digits, as a mistyped BSN is still a BSN); IBAN (69 ISO 13616
  countries at their exact length, mod-97; a wrong check digit is still replaced when the rest is account-shaped, as
  it is most likely a typo); phone numbers (Dutch mobile and landline in the usual spellings, +31/0031, other
  countries with +; not the organisations' 0800/0900 numbers); e-mail; postcode; street + house number (common Dutch
  street suffixes, "str."; a lower-case "-weg", "-hof", ... only after "woont", "adres", "verhuisd naar"); licence
  plates (Dutch sidecodes with dashes; without dashes only after "kenteken"); dates of birth (only after
  geb./geboren/geboortedatum/gebdat/dob, also as "geboortedatum? Klant: ...": "brief van
  12-03-2026" stays). Names after a title (dhr, mevr, mw, meneer, de heer, ...) or after "naam:", "spreekt met",
  "namens", "dochter", ...: capitalised words, interfixes and initials; the title stays. Typed in lower case after a
  title, a name is found when it is in deduce's surname or first-name list and cannot be read as a Dutch word
  ("mevr jansen", "dhr pietersen"), or when it follows "de", "van", ... or initials ("dhr k. de vries"): see
  ``_lower_name_word``; on the 100,000 generated notes (typos and "mevr scootmobiel kapot" shorthand) this
  replaced nothing that is not a name. Where callers give their name ("mijn naam is", "u spreekt met", "Klant:
  Goedemiddag, met ...", the answer to "Wat is uw naam?", under "Met vriendelijke groet" or "mvg"): capitalised
  words, or in lower case (speech-to-text) two or more listed names ("jan de vries"). After a caller's role
  ("klant jan de vries belt", "melder Piet Jansen"): the same, when the last word is no Dutch noun or common word
  (``_walk_role_name``: "klant wiel van de kliko is eraf" stays). Lower-case particles of Arabic and Berber
  surnames after a title ("mw el amrani", "dhr ben ali"). These rules changed nothing in the 131,666 texts of the
  generated notes and the evaluation sets.
* Added after a red-team test (2026-12-07; 321 hand-written notes with 431 pieces of personal data, 164 without):
  a lower-case word after a title that SUBTLEX-NL has never seen, that is no Dutch noun, no compound of two known
  words and not one typing slip away from a known word ("mevr kowalska", "fam kromodimedjo"; "dhr eblt", "mevr
  lnataarnpaal" stay), or that ends like a Polish, Turkish or Balkan surname (``_unknown_word``); a first name and
  a surname that is also a word after a role ("melder kees bakker", "klant sanne de graaf"); every word after "mijn
  naam is" up to a stop word; a name at the start of a note or line followed by a caller's verb ("jan de vries
  belt", "Nadia Demir vraagt"); "achternaam:", "voornaam", "voorletters:"; after "bsn" any 8 to 10 digits in any
  grouping; an IBAN a digit short and a bare account number after "iban"/"rekening"; a phone number a digit short
  after "tel"; 00 + a country code; "1234 ab" after "postcode" or right after an address; "9711-AB"; a capitalised
  street without a known ending after "woont"/"adres"; a floor after the house number ("-2", " 1 hoog"); streets
  in notes typed in capitals; more spellings of a date of birth ("7 jan '81", "12 - 03 - 1971", "03-04-'78", a day
  and month alone, "is op 3-4-1978 geboren", every date in the clause after "geboortedatum", a date in brackets
  after a name); e-mail addresses with spaces around the @ or a comma for the last dot. Leaks on that set went from
  105 to 55 (rules only) and from 55 to 12 (with deduce); but the rules were written for that set, so this is not a
  held-out figure. On the 94,758 distinct texts of the generated notes and the Dutch evaluation sets, with deduce,
  18 texts changed outside that set, all of them a word with two typos after a title that became [NAAM] ("dhr
  dummipng bij de glasbak"); with rules only, 331 changed, nearly all names before "belt"/"meldt" that only deduce
  found before.
* deduce 3.0.6 (optional): its raw name tags (containing naam, voornaam, initiaal, patient) and street + number
  (``locatie``). Its date, id, phone, e-mail, URL, place, postcode and institution annotators are off: ours are
  stricter, and a city or an ordinary date is not personal data. Hits made only by its surname list (``achternaam``
  alone) are dropped, since capitalised municipal words ("Bouw en Woningtoezicht", "Oud Papier") are surnames too,
  and ``_NON_NAMES`` words are trimmed off its hits.

Speed (2 cores; 100k notes from corpora/generate.py, 15% holding personal data, 103 characters on average): regexes
only ~30k notes/s (~18k/s with the lower-case and transcript name rules, benchmarks/README.md), deduce on
every note ~3.5k notes/s. deduce therefore only runs on notes with a capitalised word
outside ``_NON_NAMES`` and our own findings, which loses nothing (deduce only finds capitalised names and its hits on
``_NON_NAMES`` are dropped): ~9k notes/s, deduce ran on 14% of the notes. On that corpus: no false positives on the
85k notes without personal data with regexes only (3 with deduce: typos such as "Iva" that are first names); in every
note with planted data its placeholder appears, except names (77% with regexes only, 100% with deduce). Loading deduce
takes ~3 s per process once its lookup cache exists (``warm_up`` builds it: 1-2 minutes, 1.2 GB).

Known limits: lower-case names that are also Dutch words ("mevr groen", "dhr mol"; after a title the frequent ones
such as "mevr bakker" and "dhr bos" are listed in ``_COMMON_WORD_SURNAMES``) or one slip from a word ("mevr
doelwijt"); a lower-case first name alone ("sprak met kees"); a bare surname with no cue ("nogmaals Öztürk gebeld");
a surname that is a KCC word ("dhr Belt"); licence plates with spaces ("XR 123 B") or without dashes and without
"kenteken"; dates of birth in words; streets without a common suffix and without "woont"/"adres" unless deduce's
street list knows them; a capitalised word after a title or role is taken for a name when it is on deduce's name
lists ("Dhr. Boos over boete") or rare and no noun ("klant Engelstalig", "inwoner Weesp"; frequent words, nouns and
acronyms are not: "Mevr. Spreekt slecht Nederlands", "sprak met UWV"); organisations' e-mail addresses are
replaced too; a 9-digit reference number that passes the 11-test becomes [BSN]. Texts longer than ``DEDUCE_PIECE``
characters go to deduce in pieces (cut after a line or sentence where possible), so a name cut in two at a piece
boundary may lose its context.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

PLACEHOLDERS: dict[str, str] = {
    "name": "[NAAM]",
    "bsn": "[BSN]",
    "iban": "[IBAN]",
    "phone": "[TELEFOON]",
    "email": "[EMAIL]",
    "address": "[ADRES]",
    "postcode": "[POSTCODE]",
    "licence_plate": "[KENTEKEN]",
    "birth_date": "[GEBOORTEDATUM]",
}

# Which finding wins an overlap, highest first: validated identifiers before free-text guesses.
_KINDS_BY_PRIORITY = ("bsn", "iban", "email", "birth_date", "phone", "licence_plate", "postcode", "address", "name")
_PRIORITY = {kind: -rank for rank, kind in enumerate(_KINDS_BY_PRIORITY)}

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and its span in the original text."""

    kind: str
    start: int
    end: int
    text: str


# --- validators ---------------------------------------------------------------------


def is_valid_bsn(number: str) -> bool:
    """11-test (elfproef) on a BSN; separators are ignored, 9 digits required."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 9:
        return False
    total = sum((9 - i) * int(d) for i, d in enumerate(digits[:8])) - int(digits[8])
    return total != 0 and total % 11 == 0


# IBAN lengths per country, from the ISO 13616 registry (SWIFT IBAN Registry).
_IBAN_REGISTRY = (
    "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29CH21CR22CY28CZ24DE22DK18DO28EE20EG29ES24FI18FO18FR27GB22GE22GI23GL18"
    "GR27GT28HR21HU28IE22IL23IS26IT27JO30KW30KZ20LB28LI21LT20LU20LV21MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28"
    "PS29PT25QA29RO24RS22SA24SE24SI19SK24SM27TN24TR26UA29VG24XK20"
)
_IBAN_LENGTHS = {country: int(n) for country, n in re.findall(r"([A-Z]{2})(\d\d)", _IBAN_REGISTRY)}


def is_valid_iban(iban: str) -> bool:
    """Known country, exact length and ISO 7064 mod-97 check; spaces are ignored."""
    s = re.sub(r"\s", "", iban).upper()
    if _IBAN_LENGTHS.get(s[:2]) != len(s) or not re.fullmatch(r"[A-Z]{2}\d\d[A-Z0-9]+", s):
        return False
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


# --- regexes ------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")

_BSN = re.compile(r"(?<![\w.,-])(?:\d{9}|\d{4}\.\d\d\.\d{3}|\d{3}([ .])\d{3}\1\d{3})(?!\w|[.,-]\d)")
_BSN_CONTEXT = re.compile(
    r"(?i)\b(?:bsn|burgerservicenummer|sofi-?nummer|sofinr)(?![a-z])[\s:.#-]*(?:nr\b\.?|nummer)?[\s:.#-]*"
    r"(\d(?:[ .-]?\d){7,9})(?!\d)"  # after the word, any grouping and a digit too many or too few: typed by hand
)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d\d(?:[ -]?[A-Za-z0-9]){11,32}")
_IBAN_TYPO_SHAPE = re.compile(r"[A-Z]{2}\d\d[A-Z]{0,4}\d{8,}")
_PHONE = re.compile(
    r"(?<![\w+,])(?<!\d[.,])(?!\d\d?([-/.])\d\d?\1(?:19|20)\d\d(?!\d))(?:"
    r"(?:\+|00)[ ]?31[ -]{0,3}(?:\(0\)[ -]?)?[1-9](?:[ -]{0,3}\d){8}"
    r"|\(?0(?![89]0[069])[1-9](?:[ \-)/.]{0,3}\d){8}"
    r"|\+(?!31)[1-9]\d{0,2}(?:[ -]{0,3}\d){6,12}"
    r")(?!\d)"
)
# Typed by hand after the word that announces them: an IBAN with a digit too few or too many, a bare account
# number ("rekening 2821495625"), a phone number with a digit too few, a foreign number with 00 instead of +.
_ACCOUNT_CONTEXT = re.compile(
    r"(?i)(?<!\w)(?:iban|(?:bank)?rek(?:ening)?(?:nummer|nr)?\.?)(?![a-z])[\s:.#-]*(?:nr\.?|nummer)?[\s:.#-]*"
    r"([a-z]{2}\d\d[ ]?[a-z]{4}(?:[ ]?\d){6,11}|\d{7,10})(?![\w-])"
)
_PHONE_CONTEXT = re.compile(
    r"(?i)(?<!\w)(?:tel(?:efoon)?(?:nummer|nr)?\.?|telnr\.?|mobiel(?:nummer)?|gsm|06-nummer)(?![a-z])[\s:.#-]*"
    r"(?:nr\.?|nummer)?[\s:.#-]*((?:\+|00)?\d(?:[ -]?\d){7,13})(?![\w-])"
)
_PHONE_ABROAD = re.compile(r"(?<![\w+])00(?!31)[1-9]\d{0,2}[ -]\d(?:[ -]?\d){5,11}(?!\d)")  # a space after the code
# Also as typed in a hurry: spaces around the @ ("jan @ gmail.com"), a comma for the last dot ("gmail,com").
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+[ ]?@[ ]?[\w-]+(?:\.[\w-]+)*[.,][A-Za-z]{2,}(?!\w)")
_POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3}(?:[ -]?(?!SA|SD|SS)[A-Z]{2}|(?!kg|km|ml|mg|cm|mm|gr)[a-z]{2})(?![\w-])")
# "1234 ab" in lower case with a space ("in 2026 en") only after "postcode" or right after an address.
_POSTCODE_CONTEXT = re.compile(r"(?i)(?<!\w)(?:postcode|pc)(?![a-z])[\s:.]*([1-9]\d{3}[ -]?[a-z]{2})(?![\w-])")
_LOWER_POSTCODE = re.compile(r"[ \t]*,?[ \t]*([1-9]\d{3}[ -]?[a-z]{2})(?![\w-])")
# Dutch licence-plate sidecodes 1-14 (X: letter, 9: digit), written with dashes; see _PLATE_CONTEXT for the rest.
_SIDECODES = (
    "XX-99-99 99-99-XX 99-XX-99 XX-99-XX XX-XX-99 99-XX-XX 99-XXX-9 9-XXX-99 XX-999-X X-999-XX XXX-99-X X-99-XXX "
    "9-XX-999 999-XX-9"
)
_PLATE = re.compile(
    r"(?<![\w-])(?=[A-Za-z\d]{1,3}-[A-Za-z\d]{2,3}-)(?:"
    + "|".join(
        "-".join(f"[A-Za-z]{{{len(g)}}}" if g[0] == "X" else rf"\d{{{len(g)}}}" for g in code.split("-"))
        for code in _SIDECODES.split()
    )
    + r")(?![\w-])"
)
_MONTHS = "jan|feb|mrt|maa|apr|mei|jun|jul|aug|sep|okt|nov|dec"
_YEAR = r"(?:(?:19|20)?\d\d|['’]\d\d)"  # 1978, 78, '78
_DATE = (
    rf"\d\d?[ ]?[-/.][ ]?\d\d?[ ]?[-/.][ ]?{_YEAR}|\d\d?[- ]\d\d?[- ]{_YEAR}"
    rf"|\d\d?[- ]?(?:{_MONTHS})[a-z]*\.?[- ]?{_YEAR}|(?:19|20)\d\d-\d\d?-\d\d?|\d{{8}}"
)
_DAY_MONTH = rf"\d\d?[- ]?(?:{_MONTHS})[a-z]*\.?"  # "geboren 3 april": a birthday without its year
# Between a context word and its value: ": ", "op", "is", or a question and the answer's speaker label.
_GAP = r"(?:[^\d\n?]{0,40}\?[ \t]*(?:[A-Za-z]+:)?|[\s:.]*(?:(?:op|is)[ \t]+)?)[ \t]*"
_BIRTH_CUE = r"(?:geboortedatum|geb\.?[ ]?dat(?:um)?\.?|gebdat(?:um)?|geboren|geb\.?(?![a-z])|dob)"
_BIRTH_DATE = re.compile(rf"(?i)(?<!\w){_BIRTH_CUE}{_GAP}({_DATE}|{_DAY_MONTH})(?!\d)")
# More dates in the same clause after the noun ("geboortedatum klopt niet: 12-05-1983 ipv 12-05-1982"), a date
# before "geboren" ("is op 3-4-1978 geboren"), and a date in brackets right after a name ("Jansen (01-07-1975)").
_BIRTH_LINE = re.compile(
    r"(?i)(?<!\w)(?:geboortedatum|geb\.?[ ]?dat(?:um)?\.?|gebdat(?:um)?|dob)(?:[^\n,;.!?]|[.,](?!\s)){0,80}"
)
# ... but not the date of a letter or a period in that clause ("geboortedatum klopt niet op de brief van 12-03-2026")
_DATE_OF_SOMETHING = re.compile(r"(?i)(?<!\w)(?:van|d\.?d\.?|sinds|per|tot|vanaf|dated|datum)[ \t:]*$")
_ANY_DATE = re.compile(rf"(?i)(?<![\w'’])({_DATE})(?![\w'’])")
_DATE_THEN_BORN = re.compile(rf"(?i)(?<![\w'’])({_DATE})[ \t]+(?:geboren|geb\.)(?!\w)")
_DATE_IN_BRACKETS = re.compile(rf"(?i)\([ \t]*(?:geb\.?[ \t]*)?({_DATE})[ \t]*\)")
# Licence plates without dashes, only after "kenteken"/"kent.": six letters and digits, at least one of each.
_PLATE_CONTEXT = re.compile(
    rf"(?i)(?<!\w)(?:kenteken(?:nummer)?|kent\.?){_GAP}((?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{{6}})(?!\w)"
)

_STRONG = "straat|laan|gracht|plein|kade|singel|dijk|dreef|steeg|plantsoen|burgwal|boulevard"
_WEAK = "weg|hof|park|pad|markt|dam|baan|wal|haven|plaats|ring|erf|veld|vaart|wetering|allee|brink|vest|poort"
_STREET = re.compile(
    rf"(?<![\w'’-])(?:['’]s-)?(?:[^\W\d_][\w'’.-]+?(?:{_STRONG}|str\.)|[A-ZÀ-Þ][\w'’.-]+?(?:{_WEAK})"
    r"|(?:Laan|Weg|Kade|Plein|Dreef|Hof)(?:[ \t]+(?:van|der|de|den|het|naar|op))+(?:[ \t]+[A-Z][\w'’-]+){1,2})"
    r"[ \t]+\d{1,5}"
    r"(?:[ \t]?[-/][ \t]?[A-Za-z0-9]{1,4}|[A-Za-z]{1,2})?"
    r"(?:[ \t]+(?:hs|huis|bg|bel|boven|beneden|bis|hg|zw|I{1,3}|IV|[A-Za-z])(?!\w))?(?![\w-])"
)
# A lower-case street with a weak suffix ("dorpsweg 5") only after words that announce an address.
_ADDRESS_CONTEXT = re.compile(
    rf"(?i)(?<!\w)(?:woont|wonend|woonachtig|adres|verhuisd naar|verhuist naar)(?:[ \t]+(?:op|aan|naar))?"
    rf"(?:[ \t]+de)?[ \t:]*((?-i:[a-zà-þ])[\w'’.-]+?(?:{_WEAK})[ \t]+\d{{1,5}}"
    r"(?:[ \t]?[-/][ \t]?[A-Za-z0-9]{1,4}|[A-Za-z]{1,2})?)(?![\w-])"
)
# After those words also a capitalised street without a known ending ("woont op Rokin 112", "adres Het Hoogt 12").
_CUED_STREET = re.compile(
    r"(?i)(?<!\w)(?:woont|wonend|woonachtig|adres|verhuisd naar|verhuist naar)(?:[ \t]+(?:op|aan|naar))?[ \t:]*"
    r"((?-i:[A-ZÀ-Þ])[\w'’.-]+(?:[ \t]+(?-i:[A-Z])[\w'’.-]+){0,2}[ \t]+\d{1,5}[a-zA-Z]?)(?!\w)"
    r"(?![ \t]+(?:jaar|jaren|maand|maanden|week|weken|dag|dagen|kinderen|personen|keer|x)(?!\w))"  # "Almere 3 jaar"
)
_UPPER, _LOWER = re.compile(r"[A-ZÀ-Þ]"), re.compile(r"[a-zß-ÿ]")
_STREET_EXCEPTIONS = {
    "milieustraat", "milieupark", "afvalpark", "snelweg", "supermarkt", "standplaats", "ligplaats", "marktplaats",
    "parkeerplaats", "woonplaats", "werkplaats", "speelplaats", "schoolplein", "speelplein", "parkeerplein",
    "amsterdam", "rotterdam", "zaandam", "schiedam", "edam", "volendam", "monnickendam",  # cities: "Amsterdam 2 jaar"
}  # fmt: skip
# What may follow a house number: "-3" (not " - 2e keer"), " hs", " 1 hoog", " 2e verdieping", " 1 trap"
# (deduce's addresses stop before it, and a floor says where someone lives as much as the number does).
_HOUSE_SUFFIX = re.compile(
    r"(?:-\d{1,3}[a-zA-Z]?|[ \t]+(?:hs|huis|bg|bel|boven|beneden|bis|hg|zw)"
    r"|[ \t]+\d{1,2}(?:e|ste|de)?[ \t]?(?:hoog|trap|verd(?:ieping)?|etage))(?![\w-])"
)
_PREV_WORD = re.compile(r"([\w'’.-]+)[ \t]+$")
_LEAD_WORD = re.compile(r"(\S+)[ \t]+")
_ORDINAL = re.compile(r"\d{1,2}e|eerste|tweede|derde|vierde")

_TITLE_WORD = (
    r"(?:de[ \t]+heer|mijnheer|meneer|dhr|(?-i:[Hh]r)|mevrouw|mevr|mw|mej|juffrouw|familie|fam"
    r"|dr|mr)(?!\w)\.?"
)
_TITLE = re.compile(rf"(?i)(?<![\w.]){_TITLE_WORD}(?:[ \t]*{_TITLE_WORD})*")
_LEADING_TITLE = re.compile(rf"(?i)(?:{_TITLE_WORD}[ \t]*)+")
_NAME_CONTEXT = re.compile(
    r"(?i)(?<!\w)(?:((?:klant|achter|voor|roep|meisjes)?naam|contactpersoon|voorletters)[ \t]*:|t\.a\.v\."
    r"|(?:(?:spreekt|sprak|gesproken|contact)[ \t]+met|achternaam|voornaam"
    r"|namens|tav|zoon|dochter|partner|moeder|vader|echtgenoot|echtgenote|broer|zus|buurman|buurvrouw"
    r"|bewindvoerder|mantelzorger)(?!\w))[ \t]*\(?[ \t]*"
)
# A caller's role right before a name, without a title ("klant jan de vries belt", "beller Piet Jansen").
_ROLE_CONTEXT = re.compile(
    r"(?i)(?<![\w-])(?:klant|klante|beller|belster|melder|inwoner|inwoonster|aanvrager|aanvraagster|bewoner"
    r"|bewoonster|cliënt|client|cliente)(?![\w-])[ \t]*"
)
_ROLE_CUES = ("klant", "belle", "belst", "melder", "inwon", "aanvra", "bewon", "client", "cliënt")
# Where a caller says their own name: "mijn naam is ...", "u spreekt met ..." (also lower case, as speech-to-text
# writes it), and the answer to the agent's question for it ("Wat is uw naam? Klant: Pietersen.").
_SELF_INTRO = re.compile(
    r"(?i)(?<!\w)(?:mijn naam is|mijn achternaam is|je spreekt met"
    r"|(?:klant|beller|inwoner):[ \t]*"
    r"(?:(?:goedemorgen|goedemiddag|goedenavond|goedendag|hallo|hoi|dag|ja)[ \t,.!]*)*met)"
    r"(?!\w)[ \t:]*"
)
# A lower-case name at the start of a note or line is taken only with a caller's verb right after it.
_LINE_START = re.compile(r"(?:\A|(?<=[.!?\n]))[ \t]*(?=[^\n.!?]*\Z)")  # the last line start before a verb
_CALLER_VERB = re.compile(
    r"[ \t]+(?:belt|belde|meldt|meldde|vraagt|vroeg|wil|klaagt|heeft gebeld|geeft door|wacht|komt)(?!\w)"
)
_INTRO_CUES = ("naam is", "spreekt met", "klant:", "beller:", "inwoner:")  # one must be in a note for _SELF_INTRO
# The name under an e-mail's sign-off ("Met vriendelijke groet,\nJan de Vries", "mvg piet jansen").
_SIGN_OFF = re.compile(
    r"(?i)(?<!\w)(?:(?:met[ \t]+)?(?:vriendelijke|hartelijke)[ \t]+groet(?:en)?|m\.?v\.?g\.?|groet(?:en|jes)?)"
    r"(?![\w.])[ \t]*[,.:!-]?\s*"
)
_NAME_QUESTION = re.compile(
    r"(?i)(?<!\w)(?:wat is uw (?:achter)?naam|mag ik uw (?:achter)?naam|met wie spreek ik|hoe heet u"
    r"|uw (?:achter)?naam)[^?\n]{0,30}\?[ \t]*(?:[A-Za-z]+:)?[ \t]*"
)
_ANSWER_LEAD = re.compile(
    r"(?i)(?:(?:ja|jazeker|ja hoor|hoor|dat is|met|ik ben|ik heet|mijn naam is|u spreekt met|mevrouw|meneer)"
    r"(?!\w)[ \t,.:]*)*"
)
_NOT_AN_ANSWER = frozenset("waarom hoezo sorry pardon eh uh ehm even momentje moment wacht liever nee".split())
_NAME_TOKEN = re.compile(
    r"[ \t]*((?:[A-Z]\.[ \t]?)+(?!\w)|v\.d\.|v/d|[’']t(?!\w)|[^\W\d_](?:[\w'’]*\w)?(?:-[^\W\d_](?:[\w'’]*\w)?)*)"
)
_INITIALS = re.compile(r"(?:[A-Z]\.[ \t]?)+")
_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*")

_INTERFIXES = frozenset(
    "van de der den het 't ’t te ten ter aan bij in op uit von zu zur d' da di dos du del "
    "la le lo el al ben bin abu v.d. v/d vd".split()
)
_COMPOUND_ONLY = frozenset("aan bij in op uit".split())  # only as in "in 't", "op de"
_ARTICLES = frozenset("de den der het 't ’t".split())
_TITLES = frozenset("de heer mijnheer meneer dhr hr mevrouw mevr mw mej juffrouw familie fam dr mr".split())
# Words that end a name after a title: function words, KCC verbs and roles, weekdays, months.
_STOPWORDS = frozenset(
    """
de het een en of op in over met voor naar van bij om tot uit aan door na zonder tegen als dan die dat deze dit er hier
daar hij zij ze u wij we ik hem haar zijn hun mijn uw onze ons jullie niet geen wel ook al nog maar want dus omdat
toch graag dank bedankt ja nee oké ok goed verder is was wordt werd kan kon moet mag gaat ging komt kwam krijgt kreeg
heeft had hebben hebt bent wil wilde wilt weet zegt zei geeft gaf meldt woont verhuisd verhuist belt belde bellen
gebeld terugbellen teruggebeld terugbelverzoek vraag vraagt vragen snapt begrijpt begreep vindt denkt ziet zag
ontvangen ontvangt gestuurd toegestuurd verstuurd uitgelegd uitleg doorverbonden doorverwezen verwezen gemaild
ingepland afgesproken gemeld aangemaakt aangevraagd geholpen zie klant kl beller melder burger inwoner aanvrager
cliënt client klantmanager consulent medewerker collega moeder vader zoon dochter partner buurman buurvrouw tel
telefoon telefoonnummer mail email e-mail adres nummer huisnummer postcode bsn iban naam geb geboren geboortedatum dob
goedemorgen goedemiddag goedenavond goedendag hallo hoi dag onbekend anoniem nvt n.v.t. info informatie melding
afspraak brief brieven aanslag aanslagen maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari
maart april mei juni juli augustus september oktober november december feb mrt apr jun jul aug sep sept okt nov dec
""".split()
)
# Never a name on their own (capitalised municipal terms, seasons, cities; several are
# also surnames): dropped from deduce's hits and ignored by the deduce pre-check.
_NON_NAMES = _STOPWORDS | frozenset(
    """
aanslagnummer beschikking herinnering aanmaning dwangbevel bezwaar beroep betaling betalen betalingsregeling regeling
termijn termijnen incasso kwijtschelding uitstel bedrag factuur woz wmo ozb kcc mor vve gft pmd digid gemeente
belastingen belasting belastingdienst burgerzaken parkeren parkeervergunning parkeerboete afval grofvuil restafval
container paspoort rijbewijs id-kaart stadsloket loket balie stadhuis stadsdeel stadsbeheer team invordering bijstand
participatiewet jeugdwet jeugdzorg jeugd toeslagen erfpacht grond bouw ontwikkeling vergunning vergunningen
omgevingsloket handhaving woningtoezicht wonen zorg werk inkomen schuldhulp wijkteam buurtteam afdeling backoffice
website overheid stadspas ooievaarspas rotterdampas oud papier waterschap rioolheffing afvalstoffenheffing
hondenbelasting toeristenbelasting cition kerst kerstmis pasen herfst zomer winter voorjaar sinterklaas koningsdag
bijlage artikel week amsterdam rotterdam utrecht eindhoven groningen tilburg almere breda nijmegen apeldoorn haarlem
arnhem enschede amersfoort zaanstad haarlemmermeer zwolle zoetermeer leiden maastricht dordrecht ede delft alkmaar
venlo deventer helmond hilversum emmen leeuwarden haag 's-hertogenbosch nederland loket aanvraag aanvragen den noord
oost zuid west centrum via volgens formulier verhuizing waarde wet postbus sociaal gezin kinderopvang milieustraat
plus voornemen afvalkalender kerstbomen woonstad ymere rochdale stadgenoot eneco vattenfall essent humanitas
""".split()
)
_NOT_STREETS = _NON_NAMES | _STREET_EXCEPTIONS | {""}

# deduce annotators we do not use (ours are stricter, or the data is not personal).
_DEDUCE_DISABLED = frozenset(
    "placename postal_code postbus institutions dates ages identifiers phone_numbers email_addresses urls "
    "person_annotation_converter post_processing".split()
)
_DEDUCE: Any = None
_DEDUCE_LOCK = threading.Lock()


def _load_deduce() -> Any:
    """Load deduce once per process; undo the DEBUG logging it switches on at import."""
    global _DEDUCE
    if _DEDUCE is not None:
        return _DEDUCE
    with _DEDUCE_LOCK:
        if _DEDUCE is None:
            root = logging.getLogger()
            handlers, level = list(root.handlers), root.level
            try:
                import deduce  # type: ignore[import-untyped]
            finally:
                for handler in [h for h in root.handlers if h not in handlers]:
                    root.removeHandler(handler)
                root.setLevel(level)
            cache = Path(deduce.__file__).parent / "data" / "lookup" / "cache" / "lookup_structs.pickle"
            _log.info("loading deduce" + ("" if cache.is_file() else "; building its lookup cache takes 1-2 minutes"))
            # Its lookup tries are millions of long-lived objects: with the gc on, loading them from the cache
            # takes 2x as long and a full collection at exit ~20 s, so keep them out of the gc's view. A first
            # build keeps the gc on: off, its memory peaks at 2.0 instead of 1.2 GB.
            gc_was_enabled = gc.isenabled()
            if cache.is_file():
                gc.disable()
            try:
                _DEDUCE = deduce.Deduce()
            finally:
                if gc_was_enabled:
                    gc.enable()
            gc.freeze()
            atexit.register(_release_deduce)
    return _DEDUCE


def _release_deduce() -> None:
    """At exit: free deduce by reference counting, then give frozen objects back to the gc
    (otherwise extension modules loaded earlier, such as duckdb, report them as leaks)."""
    global _DEDUCE
    _DEDUCE = None
    gc.unfreeze()


def warm_up() -> None:
    """Build and load deduce's lookup cache, so the first real call is not slow."""
    _load_deduce().deidentify("Dhr. Jan de Vries belt.", disabled=set(_DEDUCE_DISABLED))


# --- finders ------------------------------------------------------------------------


def _is_name_word(token: str, relaxed: bool = False, stop: frozenset[str] = _STOPWORDS) -> bool:
    """Capitalised (any case when ``relaxed``), not a stop word; for "Anne-Marie" or
    "Wmo-voorziening" a capitalised part that is not a stop word is required."""
    if token.lower() in stop or not (relaxed or token[0].isupper()):
        return False
    return any(
        p.lower() not in stop and p.lower() not in _TITLES and (relaxed or p[0].isupper())
        for p in token.split("-")
        if p
    )


def _walk_name(text: str, pos: int, relaxed: bool = False, stop: frozenset[str] = _STOPWORDS) -> tuple[int, int] | None:
    """Span of the name starting at ``pos``: initials, interfixes and name words."""
    start = end = -1
    for _ in range(5):
        m = _NAME_TOKEN.match(text, pos)
        if not m:
            break
        token = m.group(1)
        if _INITIALS.fullmatch(token):
            token_end = m.start(1) + len(token.rstrip())
        elif token.lower() in _INTERFIXES and (
            token.lower() not in _COMPOUND_ONLY
            or ((nxt := _NAME_TOKEN.match(text, m.end(1))) and nxt.group(1).lower() in _ARTICLES)
        ):
            token_end = -1
        elif _is_name_word(token, relaxed, stop):
            token_end = m.end(1)
        else:
            break
        start = m.start(1) if start < 0 else start
        end = max(end, token_end)
        pos = m.end(1)
    return (start, end) if end > start >= 0 else None


_LOWER_INITIALS = re.compile(r"[ \t]*((?:[a-z]\.[ \t]?)+)(?!\w)")
# Lower-case abbreviations that look like initials after a title ("mevr i.v.m. verhuizing").
_DOTTED_ABBREVIATIONS = frozenset(
    "i.v.m. m.b.t. n.a.v. t.a.v. z.s.m. a.u.b. o.a. d.w.z. t.b.v. i.p.v. e.d. m.i.v. v.w.b. i.o.m. t.z.t. i.c.m. "
    "p.p. c.q. z.o.z. n.v.t. o.b.v. i.h.k.v. i.s.m. m.u.v. a.s. j.l. t.g.v. v.a. e.a. b.v. o.i.d. i.o.".split()
)
# Words that end a fixed phrase after "van", "ten", "ter", ... ("mevr van slag", "dhr ten onrechte"), not a surname.
_FIXED_PHRASE_ENDS = frozenset(
    "slag streek mening plan onrechte plaatse harte gevolge behoeve aanzien opzichte laste tijde zake zins "
    "overstuur huis buiten binnen boven beneden voren achteren nature".split()
)
# Lower-case particles a name may start with after a title: Dutch ones, and the Arabic and Berber ones common in
# Dutch surnames ("mw el amrani", "dhr ben ali", "mevr ait taleb"). A word that reads as a name must follow.
_FOREIGN_PARTICLES = frozenset("el al ben bin ibn abu ait".split())
_LOWER_INTERFIXES = frozenset("van de der den ten ter te 't ’t v.d. v/d vd von".split()) | _FOREIGN_PARTICLES
# A lower-case word right after a title is taken for a name only when it is a listed surname or first name
# (deduce's lookup lists), at least 4 letters, uncommon as a word (SUBTLEX-NL Zipf below LISTED_NAME), not a
# Dutch noun (LiNT-II's noun list: "gras", "bakker"; spaCy's larger lemma tables would cost 3 s and 375 MB) and not one
# letter away from a KCC stop word (typos: "beld" for "belt", "buurma" for "buurman"). KCC notes write
# "mevr scootmobiel kapot", so rarity alone is no sign of a name. After "de", "van", ... a listed or rare
# word is enough ("de vries", "van den berg").
LISTED_NAME = 4.3
RARE_WORD = 3.0
COMMON_WORD = 5.0  # "ben", "wil": listed first names, but after "klant" the verb
# Roles that deduce's lists also hold as names ("dhr de burgemeester"); capitalised they stay in street names.
_ROLES = frozenset(
    "burgemeester wethouder directeur voorzitter minister koning koningin dokter arts advocaat notaris "
    "deurwaarder huisarts eigenaar huurder verhuurder beheerder".split()
)
_NEVER_A_LOWER_NAME = _NON_NAMES | _TITLES | _ROLES  # what both lower-case walks stop at
# Frequent Dutch surnames that are also Dutch words, so the noun and frequency checks of _lower_name_word would keep
# them ("mevr bakker"). Hand-picked; most are among the most frequent surnames of the Meertens Instituut's
# Nederlandse Familienamenbank. Left out, as KCC notes use them as words after a title: post, groen, groot, mol.
_COMMON_WORD_SURNAMES = frozenset(
    "bakker visser smit bos vos dekker brouwer kok koster prins blom huisman kuiper kramer jonker boer schipper "
    "hofman bosman molenaar timmerman kuipers".split()
)


def _lower_name_word(token: str, after_interfix: bool, after_foreign: bool = False) -> bool:
    """Whether a lower-case word after a title, an initial or an interfix reads as a name. After a foreign
    particle ("el", "ben": also Dutch words or shorthand, as in "dhr. el nav aanslag") the word must also be
    no Dutch noun, no shorthand for a stop word, and at least 4 letters long."""
    from analyzer.nl_lexicon import zipf

    low = token.lower()
    if len(low) < 3 or low in _NEVER_A_LOWER_NAME or not low[0].isalpha():
        return False
    listed = low in _name_lists()
    if after_foreign:
        short_name = listed and len(low) == 3 and zipf(low) < COMMON_WORD  # "dhr ben ali"
        if _is_dutch_noun(low) or (not short_name and (len(low) < 4 or _near_stop_word(low))):
            return False
    if after_interfix:
        return low not in _FIXED_PHRASE_ENDS and (listed or zipf(low) < RARE_WORD)
    if low in _COMMON_WORD_SURNAMES or _unknown_word(low):
        return True
    if not listed or len(low) < 4 or zipf(low) >= LISTED_NAME:
        return False
    return not _is_dutch_noun(low) and not _near_stop_word(low)


@lru_cache(maxsize=65_536)  # notes repeat their words; a word's ~700 one-slip spellings are looked up once
def _unknown_word(low: str) -> bool:
    """A word SUBTLEX-NL has never seen that is no Dutch noun, no typo of a stop word and no compound of two
    known words: after a title most likely a surname that deduce's lists lack ("mevr kowalska", "dhr sewdien",
    "fam kromodimedjo"), not a municipal word ("digid", "scootmobiel", "ophaaldag" are in the noun list)."""
    from analyzer.nl_lexicon import ZERO_COUNT_ZIPF, zipf

    if len(low) < 4 or not low.isalpha() or zipf(low) > ZERO_COUNT_ZIPF or _is_dutch_noun(low):
        return False
    if low.endswith(_FOREIGN_SURNAME_ENDINGS):  # "mevr kowalska": one slip from "kowalski", itself a name
        return True
    # Notes are typed fast: "eblt", "hefet", "lnataarnpaal", "retafval" are words one slip away
    return not _known_or_compound(low, 3) and not any(_known_or_compound(w, 4) for w in _one_slip(low))


# Endings of Polish, Turkish and Balkan surnames that Dutch words do not have (deduce's lists miss many such names).
_FOREIGN_SURNAME_ENDINGS = ("ska", "ski", "cka", "cki", "wicz", "oglu", "oğlu", "ović", "ovic", "escu")


@cache
def _known_words() -> frozenset[str]:
    """Words SUBTLEX-NL knows (Zipf >= RARE_WORD) and LiNT-II's nouns with their plurals: one set, so that the
    hundreds of candidate spellings of a word are looked up quickly."""
    from analyzer.nl_lexicon import noun_table, zipf_table

    nouns = noun_table()
    return frozenset(
        itertools.chain(
            (w for w, z in zipf_table().items() if z >= RARE_WORD),
            nouns,
            (n + "s" for n in nouns),
            (n + "en" for n in nouns),
        )
    )


def _known_or_compound(word: str, part: int) -> bool:
    """A word SUBTLEX-NL or LiNT-II's nouns know, or two known words of at least ``part`` letters joined ("afvalpas",
    "vuurwerkoverlast"; the first may end in a linking s or e)."""
    known = _known_words()
    if word in known:
        return True
    return any(
        word[i:] in known and (word[:i] in known or (word[i - 1] in "se" and word[: i - 1] in known))
        for i in range(part, len(word) - part + 1)
    )


_LETTERS = "abcdefghijklmnopqrstuvwxyzéëèïöüç"


def _one_slip(word: str) -> set[str]:
    """Every word one typing slip away: a letter left out, doubled or added, changed, or two swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out


def _is_dutch_noun(low: str) -> bool:
    """In LiNT-II's list of Dutch nouns, also as a plural: "gras", "bakker", "buren" are words first."""
    from analyzer.nl_lexicon import noun_table

    nouns = noun_table()
    return low in nouns or any(low.endswith(end) and low[: -len(end)] in nouns for end in ("s", "en"))


def _near_stop_word(word: str) -> bool:
    """One edit (a letter changed, added or left out) away from a KCC stop word: most likely a typo."""
    for stop in _STOPWORDS:
        if abs(len(stop) - len(word)) > 1 or stop == word:
            continue
        if len(stop) == len(word):
            if sum(a != b for a, b in zip(stop, word)) == 1:
                return True
        else:
            short, long_ = sorted((stop, word), key=len)
            if any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_))):
                return True
    return False


@cache
def _name_lists() -> frozenset[str]:
    """Surnames and first names of deduce's lookup lists (lower-cased); empty when deduce is not installed."""
    words: set[str] = set()
    try:
        import deduce
    except ImportError:
        return frozenset()
    folder = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names"
    for name in ("lst_surname", "lst_first_name"):
        path = folder / name / "items.txt"
        if path.is_file():
            words.update(w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and " " not in w)


def _walk_lower_name(text: str, pos: int) -> tuple[int, int] | None:
    """Span of a name typed in lower case after a title ("mevr jansen", "dhr k. de vries"): initials,
    interfixes and words that read as names (:func:`_lower_name_word`)."""
    start = end = -1
    after_interfix = after_foreign = False
    for _ in range(5):
        initials = _LOWER_INITIALS.match(text, pos)
        if initials and initials.group(1).replace(" ", "").replace("\t", "") not in _DOTTED_ABBREVIATIONS:
            # "k. de vries", "k. jansen": initials count only with the surname after them
            start = initials.start(1) if start < 0 else start
            pos, after_interfix = initials.end(1), True
            continue
        if initials:  # "mevr i.v.m. verhuizing"
            break
        m = _NAME_TOKEN.match(text, pos)
        if not m:
            break
        token = m.group(1)
        if token.lower() in _LOWER_INTERFIXES:
            start = m.start(1) if start < 0 else start
            after_interfix, after_foreign = True, token.lower() in _FOREIGN_PARTICLES
        elif all(_lower_name_word(part, after_interfix, after_foreign) for part in token.split("-") if part):
            start = m.start(1) if start < 0 else start
            end, after_interfix, after_foreign = m.end(1), False, False
        else:
            break
        pos = m.end(1)
    return (start, end) if end > start >= 0 else None


def _walk_spoken_name(text: str, pos: int) -> tuple[int, int] | None:
    """A name in lower case where a name is expected but no title stands before it, as speech-to-text
    writes it ("u spreekt met jan de vries"): two or more words from deduce's name lists (interfixes
    between them allowed, a rare word after an interfix too), or one word that passes the title rule
    (:func:`_lower_name_word`). One listed word alone is not enough: "contact met mark" could be a brand."""
    start = end = -1
    words = 0
    after_interfix = False
    single_ok = False
    for _ in range(6):
        m = _NAME_TOKEN.match(text, pos)
        if not m:
            break
        token, low = m.group(1), m.group(1).lower()
        if words and low in _INTERFIXES and low not in _COMPOUND_ONLY:
            after_interfix = True
        elif (
            len(low) >= 2
            and low not in _NEVER_A_LOWER_NAME
            and (
                low in _name_lists()
                or (after_interfix and _lower_name_word(token, True))
                or (words and _unknown_word(low))  # "fatima bouzid": a surname no list has, after a first name
            )
        ):
            start = m.start(1) if start < 0 else start
            single_ok = words == 0 and _lower_name_word(token, False)
            end, words, after_interfix = m.end(1), words + 1, False
        else:
            break
        pos = m.end(1)
    return (start, end) if words >= 2 or single_ok else None


def _walk_role_name(text: str, pos: int) -> tuple[int, int] | None:
    """A lower-case name after a caller's role ("klant jan de vries belt"): as :func:`_walk_spoken_name`, but
    notes go on after "klant" with what the caller says ("klant wiel van de kliko is eraf", "klant buren bouwen
    zonder vergunning"), so the last word must be no Dutch noun nor common word and the first no everyday word."""
    from analyzer.nl_lexicon import zipf

    span = _walk_spoken_name(text, pos)
    if span is None:
        return None
    every = [w.lower() for w in _WORD.findall(text, span[0], span[1])]
    words = [w for w in every if w not in _LOWER_INTERFIXES]
    last = words[-1].split("-")[-1]
    # A first name, then a surname that is also a word: "melder kees bakker", "klant sanne de graaf"
    named = (
        len(words) >= 2
        and words[0] in _name_lists()
        and zipf(words[0]) < LISTED_NAME
        and (last in _COMMON_WORD_SURNAMES or len(every) > len(words))
    )
    if not named and (zipf(words[0]) >= COMMON_WORD or zipf(last) >= LISTED_NAME or _is_dutch_noun(last)):
        return None
    if last not in _name_lists() and _is_dutch_noun(words[0]):  # "klant wiel van de kiko (sic) is eraf"
        return None
    return span


# A capitalised word that is frequent in Dutch (SUBTLEX-NL Zipf at least this) and on none of deduce's name lists
# is a word, not a name, after a title or a role ("Mevr. Spreekt slecht Nederlands", "Dhr. Gisteren ook gebeld").
PLAIN_WORD = 3.5


def _plain_word(token: str, capitals: bool = False) -> bool:
    """A capitalised word that reads as an ordinary word, not a name: an acronym ("sprak met UWV"; not in a note
    typed in capitals), or a frequent word or Dutch noun on none of deduce's name lists ("Mevr. Overleden", "klant
    Statushouder", "namens Buurtzorg"). A word that is also a listed name ("Dhr. Boos", "mevr Groot") stays a name."""
    from analyzer.nl_lexicon import zipf

    low = token.lower()
    if not capitals and 2 <= len(token) <= 5 and token.isalpha() and token.isupper():
        return True
    if len(low) < 3 or low in _name_lists() or low in _INTERFIXES:  # "K." is an initial
        return False
    return zipf(low) >= PLAIN_WORD or _is_dutch_noun(low)


def _first_word(text: str, span: tuple[int, int]) -> str:
    m = _WORD.search(text, span[0], span[1])
    return m.group() if m else ""


def _typed_in_capitals(text: str) -> bool:
    """A note typed in capitals: more than twice as many upper-case letters as lower-case ones."""
    return len(_UPPER.findall(text)) > 2 * len(_LOWER.findall(text))


def _name_findings(text: str, low: str, capitals: bool) -> list[tuple[str, int, int]]:
    """Names; ``low`` is ``text.lower()`` and ``capitals`` is :func:`_typed_in_capitals`, computed once per note
    for the checks of several rules."""
    spans = []
    word_first = lambda span: span and _plain_word(_first_word(text, span), capitals)  # noqa: E731
    for m in _TITLE.finditer(text):
        span = _walk_name(text, m.end())
        spans.append(None if word_first(span) else span or _walk_lower_name(text, m.end()))
    roles = _ROLE_CONTEXT.finditer(text) if any(cue in low for cue in _ROLE_CUES) else ()
    for m in roles:
        # "klant jan de vries belt", "melder Piet Jansen": a weak context, so municipal words end the name
        # and a capitalised name starts with a capital ("inwoner van Weesp" is no name)
        capitalised = text[m.end() : m.end() + 1].isupper()
        span = capitalised and _walk_name(text, m.end(), stop=_NON_NAMES)
        spans.append(None if word_first(span) else span or _walk_role_name(text, m.end()))
    for m in _NAME_CONTEXT.finditer(text):
        title = _LEADING_TITLE.match(text, m.end())
        at = title.end() if title else m.end()
        # weaker context than a title: municipal words ("namens VvE") end the name too
        span = _walk_name(text, at, bool(m.group(1)), _NON_NAMES)
        if word_first(span):  # "namens Buurtzorg", "sprak met UWV"
            continue
        spans.append(span or (_walk_lower_name(text, at) if title else _walk_spoken_name(text, at)))
    # The patterns below are case-insensitive and slow to scan; most notes hold none of their words.
    intro = _SELF_INTRO.finditer(text) if any(cue in low for cue in _INTRO_CUES) else ()
    sign_off = _SIGN_OFF.finditer(text) if ("groet" in low or "mvg" in low or "m.v.g" in low) else ()
    for m in itertools.chain(intro, sign_off):
        if m.group().lower().startswith("mijn"):  # "mijn naam is kees van der wal": every word up to a stop word
            spans.append(_walk_name(text, m.end(), True, _NON_NAMES | _NOT_AN_ANSWER))
        else:
            spans.append(_walk_name(text, m.end(), stop=_NON_NAMES) or _walk_spoken_name(text, m.end()))
    for verb in _CALLER_VERB.finditer(text):  # "jan de vries belt terug", "fatima belt namens haar moeder"
        line = _LINE_START.search(text, max(0, verb.start() - 60), verb.start())
        span = _walk_spoken_name(text, line.end()) if line else None
        if span and span[1] == verb.start():
            spans.append(span)
    if "?" in low and ("naam" in low or "spreek" in low or "heet" in low):
        for m in _NAME_QUESTION.finditer(text):
            # the answer to "wat is uw naam?": any word up to a stop word or punctuation is the name
            lead = _ANSWER_LEAD.match(text, m.end())
            spans.append(_walk_name(text, lead.end(), True, _NON_NAMES | _NOT_AN_ANSWER))
    return [("name", s, e) for s, e in (sp for sp in spans if sp)]


def _address_findings(text: str, low: str, capitals: bool) -> list[tuple[str, int, int]]:
    """Street + number, extended left over capitalised words ("Van Woustraat", "1e ...")."""
    out = []
    for m in _STREET.finditer(text):
        if m.group().split()[0].lower() in _STREET_EXCEPTIONS:
            continue
        start = m.start()
        for _ in range(3):
            prev = _PREV_WORD.search(text, max(0, start - 40), start)
            if not prev:
                break
            word, low = prev.group(1), prev.group(1).lower()
            if (
                low in _INTERFIXES
                or _ORDINAL.fullmatch(low)
                or (word[0].isupper() and low.rstrip(".") not in _TITLES and low not in _NON_NAMES)
            ):
                start = prev.start(1)
            else:
                break
        # a lower-case "in de", "op de" before the street is not part of its name
        while (lead := _LEAD_WORD.match(text, start, m.start())) and lead.group(1) in _INTERFIXES:
            start = lead.end()
        out.append(("address", start, m.end()))
    if capitals:  # a note typed in capitals
        titled = text.title()  # "KERKSTRAAT 12" reads as "Kerkstraat 12"; same offsets when the length is the same
        if len(titled) == len(text):
            out += _address_findings(titled, low, capitals=False)
    cued = "woon" in low or "adres" in low or "verhuis" in low
    for m in itertools.chain(_ADDRESS_CONTEXT.finditer(text), _CUED_STREET.finditer(text)) if cued else ():
        if m.group(1).split()[0].lower() not in _STREET_EXCEPTIONS:
            out.append(("address", m.start(1), m.end(1)))
    return out


def _regex_findings(text: str) -> list[tuple[str, int, int]]:
    low = text.lower()
    capitals = _typed_in_capitals(text)
    found = _name_findings(text, low, capitals)
    if "@" in text:
        found += [("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    if not _DIGIT.search(text):  # everything below needs a digit; most notes have none
        return found
    found += [("bsn", m.start(), m.end()) for m in _BSN.finditer(text) if is_valid_bsn(m.group())]
    found += [("bsn", m.start(1), m.end(1)) for m in _BSN_CONTEXT.finditer(text)]
    for m in _IBAN.finditer(text):
        compact, end, length = "", m.start(), _IBAN_LENGTHS.get(m.group()[:2].upper(), 0)
        while end < m.end() and len(compact) < length:
            compact += text[end].upper() if text[end] not in " -" else ""
            end += 1
        if (
            len(compact) == length
            and not (end < len(text) and text[end].isalnum())
            and (is_valid_iban(compact) or _IBAN_TYPO_SHAPE.fullmatch(compact))
        ):
            found.append(("iban", m.start(), end))
    found += [
        ("phone", m.start() + (m.group()[0] == "(" and ")" not in m.group()), m.end()) for m in _PHONE.finditer(text)
    ]
    found += [("postcode", m.start(), m.end()) for m in _POSTCODE.finditer(text)]
    # the rules with a cue word only where the cue is (each scan costs as much as the rest of a note's rules)
    if "postcode" in low or "pc" in low:
        found += [("postcode", m.start(1), m.end(1)) for m in _POSTCODE_CONTEXT.finditer(text)]
    if "iban" in low or "rek" in low:
        found += [("iban", m.start(1), m.end(1)) for m in _ACCOUNT_CONTEXT.finditer(text)]
    if "tel" in low or "mobiel" in low or "gsm" in low or "06-" in low:
        found += [("phone", m.start(1), m.end(1)) for m in _PHONE_CONTEXT.finditer(text)]
    if "00" in text:
        found += [("phone", m.start(), m.end()) for m in _PHONE_ABROAD.finditer(text)]
    found += [
        ("licence_plate", m.start(), m.end())
        for m in _PLATE.finditer(text)
        if not any(g.lower() in _MONTHS.split("|") for g in m.group().split("-"))
    ]
    found += [("licence_plate", m.start(1), m.end(1)) for m in _PLATE_CONTEXT.finditer(text)]
    found += [("birth_date", m.start(1), m.end(1)) for m in _BIRTH_DATE.finditer(text)]
    if "geb" in low or "dob" in low:
        for line in _BIRTH_LINE.finditer(text):
            found += [
                ("birth_date", m.start(1), m.end(1))
                for m in _ANY_DATE.finditer(text, line.start(), line.end())
                if not _DATE_OF_SOMETHING.search(text, max(0, m.start() - 12), m.start())
            ]
        found += [("birth_date", m.start(1), m.end(1)) for m in _DATE_THEN_BORN.finditer(text)]
    return found + _address_findings(text, low, capitals)


def _with_house_suffix(text: str, finding: tuple[str, int, int]) -> tuple[str, int, int]:
    """An address with what follows its house number ("Rokin 112" + "-2", "Kerkstraat 4" + " 1 hoog")."""
    kind, start, end = finding
    while m := _HOUSE_SUFFIX.match(text, end):
        end = m.end()
    return kind, start, end


def _dates_after_names(text: str, found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A date in brackets right after a name is that person's date of birth ("Jansen (01-07-1975)")."""
    name_ends = {e for kind, _, e in found if kind == "name"}
    return [
        ("birth_date", m.start(1), m.end(1))
        for m in _DATE_IN_BRACKETS.finditer(text)
        if any(e <= m.start() and not text[e : m.start()].strip(" \t,") for e in name_ends)
    ]


def _needs_deduce(text: str, found: list[tuple[str, int, int]]) -> bool:
    """True when a capitalised word outside the stop words and our findings is present."""
    return any(
        _is_name_word(m.group(), stop=_NON_NAMES)
        and not m.group().isupper()
        and not any(s <= m.start() < e for _, s, e in found)
        for m in _WORD.finditer(text)
    )


def _clean_name(text: str, start: int, end: int, capitals: bool) -> tuple[int, int] | None:
    """Trim titles and stop words off a deduce name span; None when nothing is left or it is one ordinary word
    (``capitals``: :func:`_typed_in_capitals` of ``text``)."""
    if title := _LEADING_TITLE.match(text, start, end):
        start = title.end()
    words = [
        m
        for m in _WORD.finditer(text, start, end)
        if m.group().lower() not in _INTERFIXES
        and (_is_name_word(m.group(), stop=_NON_NAMES) or _INITIALS.match(text, m.start(), end))
    ]
    if not words:
        return None
    alone = len(words) == 1 and text[start : words[0].start()].strip() == ""
    if alone and _plain_word(words[0].group(), capitals):
        return None  # one ordinary word ("Mevr. Overleden", "sprak met UWV"); "H. van der Meer" keeps "Meer"
    lead = text[start : words[0].start()].split()  # keep "de" in "de Vries", drop "Woont"
    return (start if lead and all(w.lower() in _INTERFIXES for w in lead) else words[0].start(), words[-1].end())


# deduce's time grows faster than linearly with a run of capitalised words without punctuation (a pasted list
# of 500 names: 74 s), and at about 1,000 such words it fails with a RecursionError. Longer texts go to it in
# pieces of about this many characters, cut after punctuation or a line break where there is one.
DEDUCE_PIECE = 400
_PIECE_END = re.compile(r"\n\s*|[.!?;][ \t]+|[ \t]+")
_CAPITALISED = re.compile(r"\b[A-ZÀ-Ý][\w'’-]+")


def _pieces(text: str, size: int = DEDUCE_PIECE) -> list[int]:
    """Start offsets of the pieces of ``text``: each at most about ``size`` characters, cut in its second half
    at the last line break, else after the last sentence end, else at the last white space, else hard."""
    starts, at = [0], 0
    while len(text) - at > size:
        last_of_rank: dict[int, int] = {}  # 2: line break, 1: sentence end, 0: white space
        for m in _PIECE_END.finditer(text, at + size // 2, at + size):
            last_of_rank[2 if "\n" in m.group() else 1 if m.group()[0] in ".!?;" else 0] = m.end()
        starts.append(last_of_rank[max(last_of_rank)] if last_of_rank else at + size)
        at = starts[-1]
    return starts


def _deduce_findings(text: str) -> list[tuple[str, int, int]]:
    if len(text) > DEDUCE_PIECE:
        starts = _pieces(text)
        return [
            (kind, start + s, start + e)
            for start, end in zip(starts, [*starts[1:], len(text)])
            for kind, s, e in _deduce_findings(text[start:end])
        ]
    try:
        doc = _load_deduce().deidentify(text, disabled=set(_DEDUCE_DISABLED))
    except RecursionError:  # not seen on pieces of DEDUCE_PIECE characters; if it were, keep no name
        _log.warning("deduce kon een stuk tekst niet verwerken; elk woord met een hoofdletter wordt [NAAM]")
        return [("name", m.start(), m.end()) for m in _CAPITALISED.finditer(text)]
    pseudo = [(a.start_char, a.end_char) for a in doc.annotations if "pseudo" in a.tag]
    capitals = _typed_in_capitals(text)
    found = []
    for a in doc.annotations:
        tag, s, e = a.tag, a.start_char, a.end_char
        if tag == "locatie":  # street + number; not "Herfst 2025" or "Belastingdienst 2"
            street = [w.lower() for w in a.text.split() if w.lower() not in _INTERFIXES] + [""]
            number = re.search(r"\d+", a.text)
            if number and not re.fullmatch(r"(?:19|20)\d\d", number[0]) and street[0] not in _NOT_STREETS:
                found.append(("address", s, e))
        elif (
            tag != "achternaam"
            and "pseudo" not in tag
            and any(k in tag for k in ("naam", "initiaal", "patient"))
            and not any(ps < e and s < pe for ps, pe in pseudo)
        ):
            if span := _clean_name(text, s, e, capitals):
                found.append(("name", *span))
    return found


def _resolve(text: str, found: list[tuple[str, int, int]]) -> list[Finding]:
    """Non-overlapping findings: the higher priority, then the longer span, keeps its text;
    what a lower one covers beyond it is kept as its own finding, so nothing leaks."""
    taken: list[tuple[int, int]] = []
    out = []
    for kind, start, end in sorted(set(found), key=lambda f: (-_PRIORITY[f[0]], f[1] - f[2], f[1], f[0])):
        pieces = [(start, end)]
        for ts, te in taken:
            pieces = [p for s, e in pieces for p in ((s, min(e, ts)), (max(s, te), e)) if p[0] < p[1]]
        for s, e in pieces:
            while s < e and (text[s].isspace() or text[s] in ",;:"):
                s += 1
            while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
                e -= 1
            if any(c.isalnum() for c in text[s:e]):
                taken.append((s, e))
                out.append(Finding(kind, s, e, text[s:e]))
    return sorted(out, key=lambda f: (f.start, f.end))


class Pseudonymiser:
    """Finds personal data in call notes and replaces it with Dutch placeholders."""

    def __init__(self, use_deduce: bool = True) -> None:
        self.use_deduce = use_deduce

    def find(self, text: str) -> list[Finding]:
        """Findings in ``text``: sorted, non-overlapping spans of the original text."""
        if not text or not any(c.isalnum() for c in text):
            return []
        found = _regex_findings(text)
        if self.use_deduce and _needs_deduce(text, found):
            found += _deduce_findings(text)
        if "(" in text and _DIGIT.search(text):
            found += _dates_after_names(text, found)
        found = [_with_house_suffix(text, f) if f[0] == "address" else f for f in found]
        found += [
            ("postcode", m.start(1), m.end(1))
            for kind, _, end in found
            if kind == "address" and (m := _LOWER_POSTCODE.match(text, end))
        ]
        return _resolve(text, found)

    def pseudonymise(self, text: str) -> str:
        """``text`` with every finding replaced by its placeholder."""
        parts, last = [], 0
        for f in self.find(text):
            parts += [text[last : f.start], PLACEHOLDERS[f.kind]]
            last = f.end
        return "".join(parts) + text[last:]

    def pseudonymise_many(self, texts: Iterable[str], show_progress: bool = False) -> list[str]:
        """Pseudonymise each text in order; a tqdm bar when ``show_progress``."""
        if show_progress:
            from tqdm import tqdm

            texts = tqdm(texts, desc="Pseudonimiseren", unit="notitie")
        return [self.pseudonymise(t) for t in texts]
