"""How KCC agents note a contact: the phrase model, fake personal data and note composition.

Used by ``corpora/generate.py`` (which loads this file by path: ``corpora/`` is not a package).
The Dutch phrases themselves live in ``corpora/kcc_model.yaml``. All randomness comes from one
``Picker`` fed by a seeded numpy Generator, so the notes are deterministic.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PII_KINDS = ("name", "bsn", "iban", "phone", "email", "address", "plate", "dob")
PII_BASE_WEIGHT = {
    "name": 5.0,
    "phone": 3.5,
    "address": 2.5,
    "email": 1.5,
    "bsn": 1.3,
    "iban": 1.0,
    "dob": 1.0,
    "plate": 0.2,
}
PII_KINDS_PER_NOTE = ((1, 0.6), (2, 0.3), (3, 0.1))
MISFILED_REASON_P = 0.06


# --- the phrase model ------------------------------------------------------------------------


@dataclass
class Question:
    """One thing callers ask about a topic, with the phrases to note it."""

    key: str
    demand: str
    paragraph: int | None
    weight: float
    weight_rewritten: float
    notes: list[str]
    says: list[str]
    answers: list[str]


@dataclass
class Topic:
    """A reason to contact the municipality: a letter template, or a background topic."""

    key: str
    template_id: str | None
    dept: str
    reason: dict[str, float]
    refs: list[str]
    questions: list[Question]
    pii_bias: dict[str, float]
    rate: float = 0.0
    rate_rewritten: float | None = None
    rewritten_on: dt.date | None = None
    schedule: list[dict[str, Any]] | None = None
    weight: float = 0.0
    months: np.ndarray | None = None


def string_list(value: Any, where: str) -> list[str]:
    """``value`` if it is a non-empty list of strings; a clear error naming ``where`` otherwise."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"kcc_model.yaml: {where} must be a non-empty list of strings")
    return value


# --- randomness ----------------------------------------------------------------------------


class Picker:
    """Uniform draws from a numpy Generator, buffered as Python floats for fast scalar use."""

    def __init__(self, rng: np.random.Generator, size: int = 1 << 16) -> None:
        self.rng, self.size = rng, size
        self._next = iter(()).__next__

    def u(self) -> float:
        try:
            return self._next()
        except StopIteration:
            self._next = iter(self.rng.random(self.size).tolist()).__next__
            return self._next()

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.u() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.u() < p

    def between(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        return lo + int(self.u() * (hi - lo + 1))

    def digits(self, n: int) -> str:
        return "".join(str(int(self.u() * 10)) for _ in range(n))

    def weighted(self, items: Sequence[Any], weights: Sequence[float]) -> Any:
        cum = list(itertools.accumulate(weights))
        return items[min(bisect.bisect_right(cum, self.u() * cum[-1]), len(items) - 1)]


# --- personal data -------------------------------------------------------------------------


def iban_nl(bank: str, account: str) -> str:
    """A Dutch IBAN with valid ISO 13616 mod-97 check digits."""
    numeric = "".join(str(int(c, 36)) for c in f"{bank}{account}NL00")
    return f"NL{98 - int(numeric) % 97:02d}{bank}{account}"


PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"
PLATE_FORMATS = ("99-XX-XX", "99-XXX-9", "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "XX-99-XX")


class Person:
    """A fake caller; each kind of personal data is made on first use, so repeats can reuse it."""

    def __init__(self, pk: Picker, tables: dict[str, Any], female: bool) -> None:
        self.pk, self.t, self.female = pk, tables, female
        self.first = pk.pick(tables["first_f" if female else "first_m"])
        self.last = pk.pick(tables["last"])
        self.values: dict[str, str] = {}

    def get(self, kind: str) -> str:
        if kind not in self.values:
            self.values[kind] = getattr(self, f"_{kind}")()
        return self.values[kind]

    def _name(self) -> str:
        title = self.pk.pick(("mevr.", "mevr", "mw.", "mevrouw") if self.female else ("dhr", "dhr.", "meneer", "hr."))
        form = self.pk.u()
        if form < 0.55:
            return f"{title} {self.last}"
        if form < 0.8:
            return f"{self.first} {self.last}"
        return f"{title} {self.first[0]}. {self.last}"

    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    def _bsn(self) -> str:
        while True:
            d = str(self.pk.pick("12345678")) + self.pk.digits(7)
            check = sum((9 - i) * int(c) for i, c in enumerate(d)) % 11
            if check < 10:
                break
        bsn = d + str(check)
        form = self.pk.u()
        return (
            bsn
            if form < 0.7
            else (f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}" if form < 0.85 else f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}")
        )

    def _iban(self) -> str:
        iban = iban_nl(self.pk.pick(self.t["banks"]), self.pk.digits(10))
        return iban if self.pk.chance(0.6) else " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))

    def _phone(self) -> str:
        form, mob = self.pk.u(), "6" + self.pk.digits(8)
        if form < 0.35:
            return f"0{mob[:1]}-{mob[1:]}"
        if form < 0.55:
            return f"0{mob}"
        if form < 0.7:
            return f"0{mob[:1]} {mob[1:5]} {mob[5:]}"
        if form < 0.8:
            return f"+31 {mob[:1]} {mob[1:5]} {mob[5:]}"
        area = self.pk.pick(("20", "10", "30", "70", "40", "50", "71", "73", "26", "38"))
        rest = str(self.pk.between(2, 9)) + self.pk.digits(8 - len(area))
        return f"0{area} {rest[:3]} {rest[3:]}" if self.pk.chance(0.6) else f"0{area}-{rest}"

    def _email(self) -> str:
        last = unicodedata.normalize("NFKD", self.last).encode("ascii", "ignore").decode().lower().replace(" ", "")
        first = unicodedata.normalize("NFKD", self.first).encode("ascii", "ignore").decode().lower()
        local = self.pk.pick(
            (
                f"{first}.{last}",
                f"{first[0]}.{last}",
                f"{first}{last}",
                f"{last}{self.pk.between(50, 99)}",
                f"{first}_{self.pk.between(1, 999)}",
            )
        )
        return f"{local}@{self.pk.pick(self.t['email_domains'])}"

    def _address(self) -> str:
        street = self.pk.pick(self.t["streets"])
        number = f"{self.pk.between(1, 240)}{self.pk.pick(('', '', '', '', 'a', 'b', '-2', ' hs'))}"
        postcode = (
            f"{self.pk.between(1000, 9999)} {self.pk.pick(string.ascii_uppercase)}{self.pk.pick('ABCEGHJKLMNPRTVWXZ')}"
        )
        form = self.pk.u()
        if form < 0.6:
            return f"{street} {number}, {postcode}"
        if form < 0.8:
            return f"{street} {number}, {postcode} {self.pk.pick(self.t['cities'])}"
        return f"{street} {number}"

    def _plate(self) -> str:
        out = "".join(
            self.pk.pick(PLATE_LETTERS) if c == "X" else str(self.pk.between(0, 9)) if c == "9" else c
            for c in self.pk.pick(PLATE_FORMATS)
        )
        return out if self.pk.chance(0.85) else out.replace("-", "").lower()

    def _dob(self) -> str:
        born = dt.date(1930, 1, 1) + dt.timedelta(days=self.pk.between(0, 27800))
        return self.pk.pick((f"{born:%d-%m-%Y}", f"{born.day}-{born.month}-{born.year}", f"{born:%d/%m/%Y}"))


# --- notes ---------------------------------------------------------------------------------

SLOT_RE = re.compile(r"\{(\w+)\}")
NAME_MARK = "\u00a7"  # stands for a planted name until typos and casing are done
LOWER = set(string.ascii_lowercase)


class NoteWriter:
    """Writes the agent's note for one contact from the phrase tables."""

    def __init__(self, model: dict[str, Any], topics: list[Topic], year: int, pk: Picker) -> None:
        self.m, self.topics, self.year, self.pk = model, topics, year, pk
        self.slots: dict[str, list[str]] = {k: string_list(v, f"slots/{k}") for k, v in model["slots"].items()}
        self.dynamic: dict[str, Callable[[], str]] = {
            "bedrag": lambda: f"\u20ac {pk.between(25, 1450)},{pk.between(0, 99):02d}",
            "zaaknr": lambda: f"zaaknr Z-{year}-{pk.between(1000, 99999):06d}",
            "meldnr": lambda: f"M{year % 100}-{pk.between(100000, 999999)}",
            "aanslagnr": lambda: f"aanslagnr {year}{pk.digits(8)}",
        }
        self.all_reasons = sorted({r for d in model["departments"].values() for r in d["reason"]})

    def fill(self, template: str, ctx: dict[str, str], depth: int = 0) -> str:
        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in ctx:
                return ctx[name]
            value = self.dynamic[name]() if name in self.dynamic else self.pk.pick(self.slots[name])
            return self.fill(value, ctx, depth + 1) if depth < 2 and "{" in value else value

        return SLOT_RE.sub(one, template)

    def typos(self, text: str, n: int) -> str:
        """Swap, drop or double a letter, ``n`` times (only lower-case ASCII letters)."""
        chars = list(text)
        for _ in range(n):
            i = int(self.pk.u() * (len(chars) - 1))
            if len(chars) < 8 or chars[i] not in LOWER:
                continue
            op = self.pk.u()
            if op < 0.45 and chars[i + 1] in LOWER and chars[i + 1] != chars[i]:
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            elif op < 0.8:
                del chars[i]
            else:
                chars.insert(i, chars[i])
        return "".join(chars)

    def context(self, topic: Topic, gender: int) -> dict[str, str]:
        female = gender == 1 if gender < 2 else self.pk.chance(0.5)
        who = "kl_x" if gender == 2 else ("kl_f" if female else "kl_m")
        return {
            "subj": self.pk.pick(self.slots[who]),
            "ze": self.pk.pick(self.slots["ze_f" if female else "ze_m"]),
            "zijn": self.pk.pick(self.slots["zijn_f" if female else "zijn_m"]),
            "ref": self.pk.pick(topic.refs),
        }

    def shorthand(
        self,
        topic: Topic,
        q: Question,
        channel: str,
        repeat: bool,
        ctx: dict[str, str],
        style: tuple[float, float, float],
        n_typos: int,
    ) -> str:
        """A note in agent shorthand; a planted name is left as NAME_MARK."""
        p_lower, p_caps, p_outcome = style
        pats = self.m["patterns"]
        core = self.fill(self.pk.pick(q.notes), ctx)
        if repeat:
            pattern = self.pk.pick(pats["repeat"])
            core += self.fill(self.pk.pick(pats["repeat_tail"]), ctx)
        elif channel != "telefoon" and self.pk.chance(0.85):
            pattern = self.pk.pick(pats[channel])
        else:
            pattern = self.pk.pick(pats["letter" if topic.template_id else "background"])
        if ctx["subj"] == NAME_MARK and "{subj}" not in pattern:
            pattern = NAME_MARK + self.pk.pick((": ", ", ", " ")) + pattern
        text = self.fill(pattern, {**ctx, "core": core})
        if self.pk.chance(p_outcome):
            own = self.m["outcomes"][self.m["departments"][topic.dept]["outcomes"]]
            # A wrong-channel note already says where the caller was sent.
            pool = own if q.demand != "wrong_channel" and self.pk.chance(0.5) else self.m["outcomes"]["generic"]
            text += self.fill(self.pk.pick(self.slots["sep"]) + self.pk.pick(pool), ctx)
        if self.pk.chance(p_lower):
            text = text.lower()
        text = self.typos(text, n_typos)
        if self.pk.chance(p_caps):
            text = text[:1].upper() + text[1:]
        return text

    def transcript(self, topic: Topic, q: Question, repeat: bool, person: Person | None, kinds: list[str]) -> str:
        """A longer "Klant: ... Medewerker: ..." note, with personal data asked for in the dialogue."""
        tr = self.m["transcript"]
        opening = self.pk.pick(self.slots["greet"])
        if "name" in kinds and person is not None:
            opening += f"{'u' if opening.endswith(', ') else 'U'} spreekt met {person.full_name()}. "
        if repeat:
            opening += self.pk.pick(tr["repeat_intro"])
        say = self.pk.pick(q.says)
        if opening.endswith(", ") and say[1:2].islower():
            say = say[0].lower() + say[1:]
        opening = opening[:1].upper() + opening[1:]
        parts = [f"Klant: {opening}{say}"]
        for kind in kinds:
            if kind != "name" and person is not None:
                parts += [f"Medewerker: {self.pk.pick(tr['ask'][kind])}", f"Klant: {person.get(kind)}."]
        parts.append(f"Medewerker: {self.pk.pick(q.answers)}")
        if self.pk.chance(0.65):
            followups = tr["followup_letter" if topic.template_id else "followup_general"]
            parts += [f"Klant: {self.pk.pick(followups)}", f"Medewerker: {self.pk.pick(tr['closing'])}"]
        return " ".join(parts)

    def pii_kinds(self, topic: Topic, channel: str) -> list[str]:
        n = self.pk.weighted([k for k, _ in PII_KINDS_PER_NOTE], [p for _, p in PII_KINDS_PER_NOTE])
        weights = {k: w * topic.pii_bias.get(k, 1.0) for k, w in PII_BASE_WEIGHT.items()}
        if channel == "e-mail":
            weights["email"] *= 4
            weights["name"] *= 1.5
        chosen: list[str] = []
        for _ in range(n):
            kinds = [k for k in PII_KINDS if k not in chosen]
            chosen.append(self.pk.weighted(kinds, [weights[k] for k in kinds]))
        return [k for k in PII_KINDS if k in chosen]

    def plant(self, text: str, person: Person, kinds: list[str]) -> str:
        """Put the name in place of NAME_MARK and add the other personal data as labelled bits."""
        text = text.replace(NAME_MARK, person.get("name")) if "name" in kinds else text
        labels = self.m["pii"]["labels"]
        bits = [f"{self.pk.pick(labels[k])} {person.get(k)}" for k in kinds if k != "name"]
        if not bits:
            return text
        extra = ", ".join(bits)
        return (
            f"{extra} - {text}" if self.pk.chance(0.2) else f"{text}{self.pk.pick((', ', '. ', ' - ', ' / '))}{extra}"
        )

    def reason(self, topic: Topic, p_empty: float) -> str:
        if self.pk.chance(p_empty):
            return ""
        if self.pk.chance(MISFILED_REASON_P):
            return self.pk.pick(self.all_reasons)
        items = list(topic.reason)
        return self.pk.weighted(items, [topic.reason[r] for r in items])


def write_notes(
    model: dict[str, Any],
    topics: list[Topic],
    contacts: dict[str, np.ndarray],
    agents: dict[str, Any],
    order: np.ndarray,
    year: int,
    rng: np.random.Generator,
) -> tuple[list[str], list[str], list[str]]:
    """Note text, agent's reason and planted personal-data kinds per contact, in ``order``.

    Contacts are written in time order, so the caller of a repeat already exists and a repeat
    can mention the same name, phone number or address as the first call.
    """
    questions = [q for t in topics for q in t.questions]
    pk = Picker(rng)
    writer = NoteWriter(model, topics, year, pk)
    persons: dict[int, Person] = {}
    texts, reasons, piis = [], [], []
    c = {key: values.tolist() for key, values in contacts.items()}  # Python scalars: faster in the loop
    agents = {key: values.tolist() for key, values in agents.items()}
    for i in order.tolist():
        t, q = topics[c["topic"][i]], questions[c["question"][i]]
        channel, a, repeat = c["channel"][i], c["agent"][i], c["repeat"][i]
        ctx = writer.context(t, c["gender"][i])
        kinds: list[str] = []
        person = None
        if c["has_pii"][i]:
            kinds = writer.pii_kinds(t, channel)
            root = c["parent"][i] if c["parent"][i] >= 0 else i  # a repeat is the first caller again
            person = persons.get(root) or Person(pk, model["pii"], ctx["ze"] in ("ze", "zij"))
            persons[root] = persons[i] = person
            if "name" in kinds:
                ctx["subj"] = NAME_MARK
        if c["transcript"][i]:
            text = writer.transcript(t, q, repeat, person, kinds)
        else:
            style = (agents["p_lower"][a], agents["p_caps"][a], agents["p_outcome"][a])
            text = writer.shorthand(t, q, channel, repeat, ctx, style, c["n_typos"][i])
            if person is not None:
                text = writer.plant(text, person, kinds)
        texts.append(text)
        reasons.append(writer.reason(t, agents["p_reason_empty"][a]))
        piis.append(";".join(kinds))
    return texts, reasons, piis
