"""Readability of one letter: scores, findings and a B1 verdict with Dutch reasons, per letter and paragraph.

``analyze_document`` is what the CLI and the store call (also exported as
``analyzer.readability.analyze_document``). All spans index into the text passed in.

The B1 criteria follow public plain-language guidance (Direct Duidelijk / Rijksoverheid "Taalwijzer",
Amsterdam's "Schrijfwijzer"): short sentences (on average at most 15 words, hardly any over 20), active
voice, everyday words, no officialese; plus LiNT-II level 1 or 2 (LiNT-II's own reading of its levels:
at level 3 about half of Dutch adults have trouble with a text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from analyzer import readability as rd
from analyzer.findings import find_all
from analyzer.ingest.letters import is_boilerplate, split_paragraphs
from analyzer.schema import READABILITY_SCORES
from analyzer.syntax import BULLETS, CLOSERS, TERMINATORS, Sentence, SyntaxAnalyzer, default_syntax
from analyzer.syntax_frog import FrogSyntax

B1_MAX_AVG_SENTENCE = 15.0
B1_MAX_SHARE_OVER_20 = 0.10
B1_MAX_PASSIVE_SHARE = 0.10  # passive sentences per sentence
B1_MAX_OFFICIALESE_PER_100 = 1.0
B1_MAX_RARE_SHARE = 0.05
B1_MAX_LINT_LEVEL = 2

# A line of at most this many words without end punctuation is a heading, an address or signature line or a
# form field, not a sentence ('Uw aanvraag', 'Dorpsstraat 1', 'Afdeling Parkeren', 'Datum: 1 maart 2026').
NON_SENTENCE_MAX_WORDS = 10
SENTENCE_END = TERMINATORS | {";"}  # a short line ending in ":" introduces a list or a field
TOO_LITTLE_TEXT = (
    "Te weinig tekst om te beoordelen: alleen kopjes, aanhef, adresregels of ondertekening, geen gewone zinnen."
)

# Dutch letters have about half of their words among the Dutch function words (the 24 demo letters: 46-64%); an
# English letter 9%. Below this share, in a text of at least NOT_DUTCH_MIN_WORDS words, the B1 check does not apply.
DUTCH_FUNCTION_WORD_SHARE = 0.2
NOT_DUTCH_MIN_WORDS = 15
NOT_DUTCH = (
    "De tekst lijkt niet in het Nederlands geschreven: de B1-toets en de bevindingen gelden alleen voor Nederlandse "
    "tekst."
)

SYNTAX_NOTES = {
    "spacy": "Woordsoorten en zinsbouw uit het Nederlandse taalmodel (models/nl_ud).",
    "lexicon": (
        "Zonder taalmodel: zinsbouw (afhankelijkheidslengte, persoonsvormen) is geschat met woordlijsten. "
        "Het taalmodel models/nl_ud/model ontbreekt; de scores zijn minder betrouwbaar."
    ),
    "frog": "Met Frog: woordsoorten en zinsbouw uit de Frog-parser.",
}


def looks_dutch(text: str) -> bool:
    """False for a text of some length with few Dutch function words ('de', 'het', 'en', 'van', 'u', ...)."""
    from analyzer.text_nl import stop_words

    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < NOT_DUTCH_MIN_WORDS:
        return True
    function_words = stop_words()
    return sum(w in function_words for w in words) >= DUTCH_FUNCTION_WORD_SHARE * len(words)


def is_sentence(sentence: Sentence, text: str) -> bool:
    """False for the lines of a letter that are not sentences: the salutation and the closing
    (``is_boilerplate``), and a line of its own without end punctuation of at most ``NON_SENTENCE_MAX_WORDS``
    words (a heading, an address, date or reference line, a signature line, a form field). A list item
    ('- uw paspoort') stays a sentence: it is part of the message."""
    tokens = sentence.tokens
    if is_boilerplate(text[sentence.start : sentence.end]):
        return False
    if tokens[0].text in BULLETS and len(tokens) > 1 and tokens[1].is_word:  # not '*** Details ***'
        return True
    last = next((t.text for t in reversed(tokens) if t.text not in CLOSERS), "")
    before = text[: sentence.start].rsplit("\n", 1)[-1]
    after = text[sentence.end :].split("\n", 1)[0]
    own_line = not before.strip() and not after.strip()
    return last in SENTENCE_END or not own_line or len(sentence.words) > NON_SENTENCE_MAX_WORDS


def b1_verdict(summary: dict, counts: Counter, n_sentences: int, lint_level: int | None) -> tuple[str, list[str]]:
    """('B1' | 'bijna B1' | 'boven B1' | 'onbekend', Dutch reasons)."""
    if not n_sentences:
        return "onbekend", ["Geen zinnen gevonden om te beoordelen."]
    reasons = []
    avg = summary["avg_sentence_length"] or 0.0
    if avg > B1_MAX_AVG_SENTENCE:
        reasons.append(f"Zinnen zijn gemiddeld {avg:.0f} woorden lang (B1: gemiddeld hooguit 15).")
    over = round((summary["share_sentences_over_20"] or 0) * n_sentences)
    if over and over / n_sentences > B1_MAX_SHARE_OVER_20:
        verb = "heeft" if over == 1 else "hebben"
        reasons.append(f"{over} van de {n_sentences} zinnen {verb} meer dan 20 woorden.")
    if counts["passive"] / n_sentences > B1_MAX_PASSIVE_SHARE:
        reasons.append(f"{counts['passive']} keer lijdende vorm: schrijf actief (wie doet wat?).")
    official = counts["officialese"]
    if official and official * 100 / max(summary["n_words"], 1) > B1_MAX_OFFICIALESE_PER_100:
        reasons.append(f"{official} ambtelijke woorden of uitdrukkingen: kies gewone woorden.")
    rare = summary["rare_word_share"] or 0.0
    if rare > B1_MAX_RARE_SHARE:
        reasons.append(f"{rare:.0%} van de woorden is weinig gebruikt (B1: hooguit 5%).")
    if lint_level is not None and lint_level > B1_MAX_LINT_LEVEL:
        reasons.append(f"LiNT-niveau {lint_level} van 4: {rd.LINT_LEVEL_TEXT[lint_level]}.")
    if not reasons:
        return "B1", ["Voldoet aan de B1-richtlijnen: korte zinnen, actieve zinnen en gewone woorden."]
    return ("bijna B1" if len(reasons) == 1 else "boven B1"), reasons


def _scores(sentences: list[Sentence], findings: list, which: Iterable[int], body: set[int]) -> dict:
    """Scores and verdict over the sentences ``which`` that are in ``body`` (real sentences). Where ``which``
    has none (only a heading, a salutation, form fields) the scores are over all of ``which``, so they stay
    comparable, but there is no verdict: too little text."""
    idx = list(which)
    judged = [i for i in idx if i in body]
    idx = judged or idx
    reference = rd.reference_for(sentences)
    stats = [rd.sentence_stats(sentences[i]) for i in idx]
    summary = rd.summarise(stats)
    lint = rd.lint_document(stats)
    counts = Counter(f.type for f in findings if f.sentence in set(idx))
    per_sentence = Counter((f.sentence, f.type) for f in findings)
    diffs = [
        rd.difficulty(rd.difficulty_features(s, {t: per_sentence[(i, t)] for t in rd_types()}), reference)
        for i, s in zip(idx, stats)
        if s.n_words
    ]
    verdict, reasons = b1_verdict(summary, counts, summary["n_sentences"], lint["lint_level"])
    if idx and not judged and summary["n_sentences"]:
        verdict, reasons = "onbekend", [TOO_LITTLE_TEXT]
    return {
        **summary,
        "lint_score": rd._round(lint["lint_score"]),
        "lint_level": lint["lint_level"],
        "lint_features": {k: rd._round(v, 3) for k, v in lint["lint_features"].items()},
        "difficulty": rd._round(sum(diffs) / len(diffs) if diffs else None),
        "passives": counts["passive"],
        "nominalisations": counts["nominalisation"],
        "officialese": counts["officialese"],
        "jargon": counts["jargon"],
        "b1_verdict": verdict,
        "b1_reasons": reasons,
        "_stats": stats,
        "_diffs": diffs,
    }


def rd_types() -> tuple[str, ...]:
    return ("officialese", "jargon", "passive", "nominalisation")


def analyze_document(text: str, path: str | None = None, syntax: SyntaxAnalyzer | None = None) -> dict:
    """Scores, B1 verdict and findings for a letter, plus the same per paragraph and per sentence.

    ``text`` is the cleaned letter text (analyzer.ingest.letters: «markers» are not counted as words).
    Without ``syntax`` our spaCy pipeline is used (``analyzer.syntax.default_syntax``; the word lists, with a
    warning, when the model is missing); pass ``FrogSyntax()`` for Frog or ``LexiconSyntax()`` for word lists.
    """
    syntax = syntax or default_syntax()
    sentences = syntax.analyze(text or "")
    body = {i for i, s in enumerate(sentences) if is_sentence(s, text or "")}
    dutch = looks_dutch(text or "")
    # No findings on a heading, address or signature line ('De heer J. Jansen' is no officialese there), nor on a
    # text in another language ('please' is no rare Dutch word)
    findings = [f for f in find_all(sentences, text or "") if f.sentence in body] if dutch else []
    doc = _scores(sentences, findings, range(len(sentences)), body)
    if not dutch:
        doc["b1_verdict"], doc["b1_reasons"] = "onbekend", [NOT_DUTCH]
    paragraphs = []
    for no, (start, end, _) in enumerate(split_paragraphs(text or ""), start=1):
        inside = [i for i, s in enumerate(sentences) if start <= s.start < end]
        para = _scores(sentences, findings, inside, body)
        paragraphs.append(
            {
                "paragraph_no": no,
                "start": start,
                "end": end,
                **{k: v for k, v in para.items() if not k.startswith("_") and k != "lint_features"},
                "n_findings": sum(1 for f in findings if start <= f.start < end),
            }
        )
    per_sentence = [
        {
            "start": s.start,
            "end": s.end,
            "n_words": s.n_words,
            "lint_score": rd._round(s.lint_score),
            "difficulty": rd._round(d),
        }
        for s, d in zip([s for s in doc["_stats"] if s.n_words], doc["_diffs"])
    ]
    return {
        "path": path,
        **{k: v for k, v in doc.items() if not k.startswith("_")},
        "syntax": syntax.name,
        "syntax_note": SYNTAX_NOTES.get(syntax.name, ""),
        "findings": [f.as_dict() for f in findings],
        "paragraphs": paragraphs,
        "sentences": per_sentence,
    }


def analyze_documents(texts: list[str], paths: list[str | None] | None = None, use_frog: bool = False) -> list[dict]:
    """Many letters at once, scored with our spaCy pipeline (``default_syntax``).

    With ``use_frog`` Frog parses every sentence too (one Frog run for all letters) as a cross-check: each
    result gets ``frog`` with Frog's LiNT score, level, features and difficulty, and the share of words on
    which Frog and our model agree on the part of speech. Without Frog installed the results say so in
    ``syntax_note`` and have no ``frog`` entry."""
    paths = paths or [None] * len(texts)
    syntax = default_syntax()
    results = [analyze_document(t, p, syntax) for t, p in zip(texts, paths)]
    if not use_frog:
        return results
    if not FrogSyntax.available():
        for result in results:
            result["syntax_note"] = f"{result['syntax_note']} {FROG_MISSING}".strip()
        return results
    frog = FrogSyntax()
    frog.prepare(texts)
    for text, result in zip(texts, results):
        check = result["frog"] = frog_cross_check(text, syntax, frog)
        if check["pos_agreement"] is not None:
            result["syntax_note"] += (
                f" Controle met Frog: LiNT {_fmt(check['lint_score'])} (taalmodel {_fmt(result['lint_score'])}), "
                f"woordsoort gelijk voor {check['pos_agreement']:.0%} van de woorden."
            )
    return results


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def frog_cross_check(text: str, ours: SyntaxAnalyzer, frog: SyntaxAnalyzer) -> dict:
    """Frog's LiNT-II score and features for ``text``, and its part-of-speech agreement with ``ours``."""
    theirs = frog.analyze(text or "")
    stats = [rd.sentence_stats(s) for s in theirs]
    lint = rd.lint_document(stats)
    frog_pos = {t.start: t.pos for s in theirs for t in s.tokens if t.is_word}
    our_pos = {t.start: t.pos for s in ours.analyze(text or "") for t in s.tokens if t.is_word}
    shared = [k for k in our_pos if k in frog_pos]
    same = sum(our_pos[k] == frog_pos[k] or {our_pos[k], frog_pos[k]} == {"AUX", "VERB"} for k in shared)
    return {
        "lint_score": rd._round(lint["lint_score"]),
        "lint_level": lint["lint_level"],
        "lint_features": {k: rd._round(v, 3) for k, v in lint["lint_features"].items()},
        "pos_agreement": rd._round(same / len(shared), 3) if shared else None,
    }


FROG_MISSING = "Frog is niet geïnstalleerd (apt-get install frog frogdata): geen controle met Frog."


LETTER_COLUMNS = (*READABILITY_SCORES, "b1_verdict")


def to_frames(results: list[dict], template_ids: list[str] | None = None):
    """Results of ``analyze_document`` as three DataFrames for the store: letters, paragraphs, findings.

    ``b1_reasons`` become one string with one reason per line; ``template_id`` defaults to the path.
    """
    import pandas as pd

    ids = template_ids or [r["path"] for r in results]
    letters, paragraphs, findings = [], [], []
    for tid, r in zip(ids, results):
        letters.append(
            {
                "template_id": tid,
                **{k: r[k] for k in LETTER_COLUMNS},
                "b1_reasons": "\n".join(r["b1_reasons"]),
                "syntax": r["syntax"],
            }
        )
        for p in r["paragraphs"]:
            paragraphs.append(
                {
                    "template_id": tid,
                    "paragraph_no": p["paragraph_no"],
                    "start_char": p["start"],
                    "end_char": p["end"],
                    **{k: p[k] for k in LETTER_COLUMNS},
                    "b1_reasons": "\n".join(p["b1_reasons"]),
                    "n_findings": p["n_findings"],
                }
            )
        for no, f in enumerate(r["findings"], start=1):
            paragraph = next((p["paragraph_no"] for p in r["paragraphs"] if p["start"] <= f["start"] < p["end"]), None)
            findings.append(
                {
                    "template_id": tid,
                    "finding_no": no,
                    "paragraph_no": paragraph,
                    "type": f["type"],
                    "start_char": f["start"],
                    "end_char": f["end"],
                    "text": f["text"],
                    "suggestion": f["suggestion"],
                }
            )
    return pd.DataFrame(letters), pd.DataFrame(paragraphs), pd.DataFrame(findings)
