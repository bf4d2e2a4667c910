"""The subject of a call note: what the caller asked about, without the note's own wrapping.

A KCC note mixes its subject ("aanslag rioolheffing voor een verkocht pand") with how notes are
written: who called and how (``mevr belt ivm``), transcript turns (``Klant: … Medewerker: …``),
greetings, identity checks (``Mag ik uw burgerservicenummer?``), what the agent did
(``uitgelegd, kl tevreden``) and pseudonymisation placeholders (``[NAAM]``). Embedded as they
are, notes cluster by writing style as much as by subject. :func:`subject_text` keeps the words
that carry the subject, and is what topics and letter links embed (the stored notes stay whole).

Rules, written for this project: in a transcript only the caller's turns are kept (the agent's
answers repeat the caller's subject in standard phrases, and their identity checks and closings
are the same in every call), unless they carry too few words; then placeholders, Dutch stop
words (spaCy's list) and contact-centre filler (analyzer.text_nl.KCC_FILLER) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzer.text_nl import PLACEHOLDER, stop_words

# A transcript turn: "Klant:", "Beller:", "Medewerker:", "KCC:" ... at the start or after a sentence.
TURN = re.compile(r"(?:^|(?<=[\s.!?]))(klant|beller|burger|inwoner|medewerker|agent|kcc|mdw)\s*:", re.IGNORECASE)
CALLER_ROLES = frozenset({"klant", "beller", "burger", "inwoner"})
WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
HAS_DIGIT = re.compile(r"\d")

# How agents write down what they did or felt, on top of analyzer.text_nl.KCC_FILLER.
NOTE_FILLER = frozenset(
    """
    tevreden ontevreden gestuurd doorgestuurd bericht behandelaar terug chat via ontv ontvangen
    zelf kijken hulp laten bedankt dankjewel alstublieft sorry hoor ja nee nou oke oké
    """.split()
)

MIN_CALLER_WORDS = 2  # fewer subject words in the caller's turns: keep the agent's turns too


def caller_turns(note: str) -> str | None:
    """The caller's turns of a transcript, joined; None when the note is not a transcript."""
    parts = TURN.split(note)
    if len(parts) < 3:
        return None
    turns = [(parts[i].lower(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    return " ".join(text for role, text in turns if role in CALLER_ROLES)


def subject_words(text: str) -> list[str]:
    """Lower-cased words of the text, without placeholders, stop words and KCC filler."""
    stops = stop_words()
    words = (w.strip("'-") for w in WORD.findall(PLACEHOLDER.sub(" ", text).lower()))
    return [w for w in words if len(w) > 1 and w not in stops and w not in NOTE_FILLER and not HAS_DIGIT.search(w)]


def subject_text(note: str) -> str:
    """The words of a note that say what it is about (see the module docstring).

    Never empty for a note with letters in it: when every word is filler, the note's own words
    (placeholders removed) are returned, so that it still gets an embedding of its own.
    """
    note = note or ""
    caller = caller_turns(note)
    words = subject_words(caller) if caller is not None else []
    if len(words) < MIN_CALLER_WORDS:
        words = subject_words(TURN.sub(" ", note))
    if not words:
        words = [w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", TURN.sub(" ", note)))]
    return " ".join(words)


def subject_texts(notes: Sequence[str]) -> list[str]:
    return [subject_text(n) for n in notes]
