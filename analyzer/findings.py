"""Sentence-level findings an editor can act on, each with a character span and a Dutch suggestion.

Finding types (``type``; Dutch labels in ``FINDING_LABELS``): ``long_sentence`` (with ``split_at``),
``passive``, ``officialese`` (plain alternative from data/officialese.tsv), ``jargon`` (hint from
data/technical_terms.tsv), ``rare_word``, ``long_compound``, ``nominalisation``, ``double_negative``,
``preposition_chain``. Thresholds follow public B1 guidance (Direct Duidelijk, Rijksoverheid Taalwijzer):
at most 20 words in a sentence, active voice, everyday words.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from analyzer import nl_lexicon as lex
from analyzer.syntax import Sentence, Token, clause_spans

LONG_SENTENCE_WORDS = 20  # Direct Duidelijk / Taalwijzer: B1 sentences of at most 15-20 words
RARE_ZIPF = 3.0  # SUBTLEX-NL Zipf < 3: fewer than 1 in a million words (Van Heuven et al. 2014 "low frequency")
LONG_COMPOUND_LETTERS = 16  # a compound this long is hard to read at B1 (Taalwijzer: split or explain)
PREPOSITION_CHAIN = 3

FINDING_LABELS = {
    "long_sentence": "Lange zin",
    "passive": "Lijdende vorm",
    "officialese": "Ambtelijk woord",
    "jargon": "Vakterm",
    "rare_word": "Moeilijk woord",
    "long_compound": "Lang samengesteld woord",
    "nominalisation": "Naamwoordstijl",
    "double_negative": "Dubbele ontkenning",
    "preposition_chain": "Reeks voorzetsels",
}

SPLIT_WORDS = frozenset(
    "en maar want omdat zodat waardoor waarbij waarna terwijl indien als nadat voordat die dat welke zoals".split()
)
# Where a new sentence would leave a fragment: "zoals" starts examples, a determiner or possessive after a comma
# continues a list, and a finite verb after a comma follows the clause's own first part (Dutch puts the verb second).
NO_NEW_SENTENCE = frozenset({"zoals"})
ENUMERATION_GOES_ON = frozenset("de een uw zijn haar hun onze deze dit".split())
FINITE_AFTER_FRONT = frozenset(
    "kunt kan moet moeten mag mogen wilt wil zal zult zullen is zijn bent heeft hebt hebben wordt worden krijgt "
    "ontvangt betaalt gaat komt staat vindt".split()
)
LIGHT_VERBS = frozenset("plaatsvinden geschieden verrichten overgaan uitvoeren zorgen nemen".split())
NOUN_CONTENT = ("NOUN", "VERB", "ADJ")


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    text: str
    suggestion: str
    sentence: int = -1
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(out.pop("extra"))
        return out


def find_all(sentences: list[Sentence], text: str) -> list[Finding]:
    """All findings of a text, in reading order."""
    found: list[Finding] = []
    for i, sentence in enumerate(sentences):
        found.extend(sentence_findings(sentence, text, i))
    return sorted(found, key=lambda f: (f.start, -f.end, f.type))


def sentence_findings(sentence: Sentence, text: str, index: int = -1) -> list[Finding]:
    tokens = list(sentence.tokens)
    out: list[Finding] = []
    out += long_sentence(sentence, text, index)
    out += passives(tokens, text, index)
    covered: set[int] = set()
    out += lexicon_matches(tokens, text, index, lex.officialese(), "officialese", covered)
    out += lexicon_matches(tokens, text, index, lex.technical_terms(), "jargon", covered)
    out += rare_words(tokens, text, index, covered)
    out += nominalisations(tokens, text, index)
    out += double_negatives(tokens, text, index)
    out += preposition_chains(tokens, text, index)
    return out


def _finding(kind: str, first: Token, last: Token, text: str, suggestion: str, index: int, **extra) -> Finding:
    return Finding(kind, first.start, last.end, text[first.start : last.end], suggestion, index, extra)


def long_sentence(sentence: Sentence, text: str, index: int) -> list[Finding]:
    words = sentence.words
    if len(words) <= LONG_SENTENCE_WORDS:
        return []
    split = split_point(sentence)
    first, last = sentence.tokens[0], sentence.tokens[-1]
    advice = f"Deze zin heeft {len(words)} woorden (B1: hooguit {LONG_SENTENCE_WORDS}). Maak er twee of meer zinnen van"
    if split is None:
        return [_finding("long_sentence", first, last, text, advice + ".", index, n_words=len(words), split_at=None)]
    tok = split
    advice += f", bijvoorbeeld met een nieuwe zin vanaf '{tok.text}'."
    return [_finding("long_sentence", first, last, text, advice, index, n_words=len(words), split_at=tok.start)]


def split_point(sentence: Sentence) -> Token | None:
    """The token where a new sentence could start: after a comma/semicolon or at a conjunction,
    leaving at least 5 words on each side, as close to the middle as possible."""
    tokens = sentence.tokens
    word_pos = [k for k, t in enumerate(tokens) if t.is_word]
    n = len(word_pos)
    best, best_score = None, None
    for rank, k in enumerate(word_pos):
        tok = tokens[k]
        prev = tokens[k - 1] if k else None
        low = tok.text.lower()
        after_break = prev is not None and prev.text in (",", ";", ":", "–")
        if not (after_break or low in ("maar", "want", "omdat", "zodat", "waardoor", "waarbij")):
            continue
        if not after_break and low not in SPLIT_WORDS:
            continue
        if rank < 5 or n - rank < 5 or low in NO_NEW_SENTENCE:
            continue
        if after_break and (low in ENUMERATION_GOES_ON or tok.is_finite or low in FINITE_AFTER_FRONT):
            # "Als u ... berekend, | kunt u ...", "De gegevens ..., | kunt u ...": what comes before the comma is
            # the first part of the same clause; "het formulier, | uw laatste loonstroken": a list goes on
            continue
        score = abs(n / 2 - rank) - (3 if low in SPLIT_WORDS else 0)
        if best_score is None or score < best_score:
            best, best_score = tok, score
    return best


def passives(tokens: list[Token], text: str, index: int) -> list[Finding]:
    """'wordt ... verzonden', 'is ... vastgesteld (door)': a form of worden/zijn with a past participle.

    The participle is looked for after the auxiliary up to the next finite verb or subordinator (commas
    around an inserted phrase do not stop it), or just before it in a verb-final clause ('verzonden wordt').
    With 'zijn' a participle that names a state ('is gesloten', 'bent verplicht', ``STATIVE_PARTICIPLES``)
    is no passive unless a door-phrase says who did it; a participle the tagger calls an adjective counts
    only with a door-phrase ('is verstuurd door de afdeling')."""
    out = []
    used: set[int] = set()
    clauses = clause_spans(tokens)
    for i, a in enumerate(tokens):
        if a.lemma not in ("worden", "zijn") or a.pos not in ("AUX", "VERB") or i in used:
            continue
        lo, hi = next(((lo, hi) for lo, hi in clauses if lo <= i < hi), (0, len(tokens)))
        has_door = any(t.text.lower() == "door" for t in tokens[lo:hi])
        part = None
        for j in range(i + 1, len(tokens)):
            t = tokens[j]
            if a.dep == "aux:pass" and a.head == j and t.pos == "VERB" and _word(t):
                part = j  # the parser's passive participle (the tagger may call it finite: 'wordt u verzocht')
                break
            if t.pos == "SCONJ" or t.text in (";", ":") or (t.is_finite and t.pos in ("AUX", "VERB")):
                break
            if _participle(t, tokens, has_door and a.lemma == "zijn"):
                part = j
                break
        if part is None:
            for j in range(i - 1, max(-1, i - 4), -1):
                t = tokens[j]
                if _participle(t, tokens, has_door and a.lemma == "zijn"):
                    part = j
                    break
                if t.text in (",", ";") or t.pos == "SCONJ":
                    break
        while part is not None and part + 1 < len(tokens) and _participle(tokens[part + 1], tokens, False):
            part += 1  # 'is gegrond verklaard': the last of two participles is the verb
        if part is None or part in used:
            continue
        p = tokens[part]
        low = p.text.lower()
        if a.lemma == "zijn" and (
            low in lex.UNACCUSATIVE_PARTICIPLES
            or (low in lex.STATIVE_PARTICIPLES and not has_door)
            or any(t.lemma == "hebben" for t in tokens[lo:hi])
        ):
            continue
        used.update((i, part))
        first, last = (a, p) if i < part else (p, a)
        agent = _agent(tokens[min(i, part) :], p)
        subject = SUBJECT_FORMS.get(agent.lower(), agent)
        who = f"'{subject}'" if subject else "wie het doet (bijvoorbeeld 'wij')"
        infinitive = p.lemma in lex.open_class("verb") or (p.lemma == low and low.endswith("en"))  # 'ontvangen'
        verb = f" (werkwoord: '{p.lemma}')" if infinitive else ""
        advice = f"Lijdende vorm. Schrijf actief: maak {who} het onderwerp{verb}."
        out.append(_finding("passive", first, last, text, advice, index, agent=agent))
    return out


# A pronoun after 'door' is an object form; as the subject of the active sentence it takes the subject form.
SUBJECT_FORMS = {"ons": "wij", "mij": "ik", "me": "ik", "hem": "hij", "haar": "zij", "hen": "zij", "hun": "zij",
                 "jou": "jij", "je": "jij", "ze": "zij"}  # fmt: skip


def _word(tok: Token) -> bool:
    return tok.text.replace("-", "").isalpha()


def _participle(tok: Token, tokens: list[Token], adjective_ok: bool) -> bool:
    """A past participle used as a verb: a word tagged WW|vd (or, with ``adjective_ok``, an adjective whose
    lemma is a verb: 'verstuurd'), not before a noun ('de vastgestelde waarde') and not negated with 'on-'
    ('ongebruikt', 'onbetaald': adjectives, there is no verb 'ongebruiken')."""
    low = tok.text.lower()
    if not _word(tok) or _prenominal(tok, tokens) or re.match(r"^on(ge|be|ver|ont|her)", low):
        return False
    if tok.tag.startswith("WW|vd"):
        return True
    return adjective_ok and tok.pos == "ADJ" and tok.lemma != low and tok.lemma in lex.open_class("verb")


def _prenominal(tok: Token, tokens: list[Token]) -> bool:
    """'de vastgestelde waarde', 'een bekend probleem': a participle used as an adjective before a noun."""
    k = tokens.index(tok)
    nxt = tokens[k + 1].pos if k + 1 < len(tokens) else ""
    return nxt == "NOUN" or (tok.text.lower().endswith("e") and nxt == "ADJ")


def _agent(clause: list[Token], participle: Token) -> str:
    """The words after 'door', up to the participle or the next verb or preposition."""
    for k, t in enumerate(clause):
        if t.text.lower() == "door" and k + 1 < len(clause):
            words = []
            for u in clause[k + 1 : k + 5]:
                if not u.is_word or u.pos in ("VERB", "AUX", "ADP") or u.start == participle.start:
                    break
                words.append(u.text)
            return " ".join(words)
    return ""


def lexicon_matches(
    tokens: list[Token], text: str, index: int, entries: tuple[lex.LexiconEntry, ...], kind: str, covered: set[int]
) -> list[Finding]:
    """Consecutive words matching an entry by form or lemma; longer entries first, no overlaps."""
    words = [k for k, t in enumerate(tokens) if t.is_word]
    by_first: dict[str, list[lex.LexiconEntry]] = {}
    for entry in entries:
        by_first.setdefault(entry.words[0], []).append(entry)
    out = []
    for pos, k in enumerate(words):
        if k in covered:
            continue
        tok = tokens[k]
        for entry in by_first.get(tok.text.lower(), []) + by_first.get(tok.lemma, []):
            span = words[pos : pos + len(entry.words)]
            if len(span) < len(entry.words) or any(j in covered for j in span):
                continue
            if entry.when and not CONTEXTS[entry.when](tokens, span[0], span[-1]):
                continue
            if all(tokens[j].text.lower() == w or tokens[j].lemma == w for j, w in zip(span, entry.words)):
                first, last = tokens[span[0]], tokens[span[-1]]
                found = text[first.start : last.end]
                if kind == "officialese":
                    advice = f"Ambtelijk: schrijf '{entry.plain}' in plaats van '{found}'."
                else:
                    advice = f"Vakterm '{found}'. {entry.plain}"
                if entry.note:
                    advice += f" ({entry.note})"
                out.append(_finding(kind, first, last, text, advice, index, plain=entry.plain.split(" / ")))
                covered.update(span)
                break
    return out


_REFLEXIVE = frozenset("me mij je zich ons u uzelf".split())
_DETERMINERS = frozenset("de het een uw zijn haar mijn jouw hun onze ons dit dat deze die".split())


def _te_infinitive(tokens: list[Token], first: int, last: int) -> bool:
    return any(t.text.lower() == "te" for t in tokens[last + 1 :])


def _has_object(tokens: list[Token], first: int, last: int) -> bool:
    nxt = next((t for t in tokens[last + 1 :] if t.is_word), None)
    return nxt is not None and nxt.pos in ("PRON", "DET", "NOUN", "PROPN") and nxt.text.lower() != "of"


def _not_reflexive(tokens: list[Token], first: int, last: int) -> bool:
    return not any(t.text.lower() in _REFLEXIVE for t in tokens[last + 1 : last + 3])


def _no_determiner(tokens: list[Token], first: int, last: int) -> bool:
    prev = next((t for t in reversed(tokens[:first]) if t.is_word), None)
    return prev is None or prev.text.lower() not in _DETERMINERS


def _before_noun(tokens: list[Token], first: int, last: int) -> bool:
    nxt = next((t for t in tokens[last + 1 :] if t.is_word), None)
    return nxt is not None and nxt.pos in ("NOUN", "ADJ")


# The contexts an officialese entry can ask for (column "when" of data/officialese.tsv), given the tokens and
# the first and last index of the match.
CONTEXTS = {
    "te": _te_infinitive,
    "object": _has_object,
    "not-reflexive": _not_reflexive,
    "no-determiner": _no_determiner,
    "before-noun": _before_noun,
}


def rare_words(tokens: list[Token], text: str, index: int, covered: set[int]) -> list[Finding]:
    out = []
    for k, tok in enumerate(tokens):
        low = tok.text.lower()
        if k in covered or tok.pos not in NOUN_CONTENT or not low.isalpha() or len(low) < 4:
            continue
        freq = lex.word_zipf(low, tok.lemma)
        if len(low) >= LONG_COMPOUND_LETTERS and tok.pos == "NOUN":
            head = lex.noun_table().get(low, lex.noun_table().get(tok.lemma, ("", "")))[1]
            parts = f" (het gaat om een soort '{head}')" if head else ""
            advice = f"Lang samengesteld woord{parts}: leg het uit of schrijf het in meer woorden."
            out.append(_finding("long_compound", tok, tok, text, advice, index, zipf=round(freq, 2)))
        elif freq < RARE_ZIPF:
            advice = f"Weinig gebruikt woord '{tok.text}': kies een gewoner woord of leg het uit."
            out.append(_finding("rare_word", tok, tok, text, advice, index, zipf=round(freq, 2)))
    return out


_DERIVED = (("ing", "en"), ("atie", "eren"), ("ering", "eren"))


def verb_of_noun(noun: str) -> str | None:
    """'betaling' -> 'betalen', 'registratie' -> 'registreren'; None when no verb is known."""
    verbs = lex.open_class("verb")
    for suffix, ending in _DERIVED:
        if noun.endswith(suffix) and len(noun) > len(suffix) + 3:
            stem = noun[: -len(suffix)]
            for cand in (stem + ending, stem[:-1] + ending if len(stem) > 2 and stem[-1] == stem[-2] else ""):
                if cand and cand in verbs:
                    return cand
    return None


def nominalisations(tokens: list[Token], text: str, index: int) -> list[Finding]:
    """'het indienen van', 'de betaling van', 'heeft plaatsgevonden': a verb made into a noun."""
    out = []
    light = [k for k, t in enumerate(tokens) if t.lemma in LIGHT_VERBS]
    verbs = lex.open_class("verb")
    for k, tok in enumerate(tokens[:-1]):
        low, nxt = tok.text.lower(), tokens[k + 1].text.lower()
        prev = tokens[k - 1].text.lower() if k else ""
        if prev == "het" and low.endswith("en") and low in verbs and nxt == "van" and k > 0:
            advice = f"Naamwoordstijl: schrijf met het werkwoord '{low}' (wie doet wat?) in plaats van 'het {low} van'."
            out.append(_finding("nominalisation", tokens[k - 1], tokens[k + 1], text, advice, index, verb=low))
        near_light = any(abs(j - k) <= 4 for j in light)
        candidate = prev != "het" and tok.pos == "NOUN" and (nxt in ("van", "door") or near_light)
        if candidate and (verb := verb_of_noun(low)):
            advice = f"Naamwoordstijl: gebruik het werkwoord '{verb}' in plaats van '{tok.text}'."
            out.append(_finding("nominalisation", tok, tok, text, advice, index, verb=verb))
    return out


def double_negatives(tokens: list[Token], text: str, index: int) -> list[Finding]:
    out = []
    for lo, hi in clause_spans(tokens):
        neg = [k for k in range(lo, hi) if _negative(tokens[k])]
        if len(neg) >= 2:
            first, last = tokens[neg[0]], tokens[neg[1]]
            advice = "Dubbele ontkenning: zeg het positief (bijvoorbeeld 'niet onmogelijk' wordt 'mogelijk')."
            out.append(_finding("double_negative", first, last, text, advice, index))
    return out


def _negative(tok: Token) -> bool:
    low = tok.text.lower()
    if low in lex.NEGATIONS:
        return True
    if tok.pos == "ADJ" and re.match(r"^on[a-z]{4,}", low):
        return lex.zipf(low[2:]) > 3.0 or low[2:] in lex.open_class("adj")
    return low.startswith("niet-")


def preposition_chains(tokens: list[Token], text: str, index: int) -> list[Finding]:
    """Three or more prepositional phrases in a row, with no verb or punctuation between them."""
    out = []
    chain: list[int] = []
    gap = 0
    for k, tok in enumerate(tokens + [Token("", 0, 0, "", "PUNCT")]):
        if tok.pos == "ADP" and tok.text.lower() != "te":
            if chain and gap > 4:
                chain = []
            chain.append(k)
            gap = 0
            continue
        if tok.pos in ("PUNCT", "VERB", "AUX", "SCONJ", "CCONJ") or gap > 4:
            if len(chain) >= PREPOSITION_CHAIN:
                end = max(j for j in range(chain[-1], min(k, len(tokens))) if tokens[j].is_word)
                advice = (
                    f"{len(chain)} voorzetsels achter elkaar maken de zin zwaar: "
                    "splits de zin of gebruik een werkwoord."
                )
                out.append(
                    _finding(
                        "preposition_chain",
                        tokens[chain[0]],
                        tokens[end],
                        text,
                        advice,
                        index,
                        n_prepositions=len(chain),
                    )
                )
            chain, gap = [], 0
            continue
        if chain:
            gap += 1
    return out
