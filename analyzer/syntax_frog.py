"""Frog (Debian packages ``frog`` + ``frogdata``) behind the SyntaxAnalyzer interface of analyzer.syntax.

Frog (CLST Radboud University / ILK Tilburg) gives CGN part-of-speech tags, lemmas and a dependency
parse; it needs about 12 s to start and parses roughly 240 words a second, so sentences are parsed in
batches (``prepare``). Our own tokens and sentences are passed in (one sentence per line), so character
spans and sentence boundaries are the same as on the fast path.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from analyzer.syntax import MARKER_RE, Sentence, Token, split_sentences


class FrogSyntax:
    """Frog (Debian ``frog`` + ``frogdata``): CGN tags, lemmas and a dependency parse.

    Frog needs seconds to start, so sentences are parsed in batches: ``prepare(texts)`` parses every
    sentence of many texts in one Frog run; ``analyze`` parses what is not cached yet.
    """

    name = "frog"
    parsed = True

    def __init__(self, binary: str | None = None, timeout_s: float = 600.0) -> None:
        self.binary = binary or shutil.which("frog")
        self.timeout_s = timeout_s
        self._cache: dict[tuple[str, ...], list[tuple[str, str, int, str]]] = {}

    @staticmethod
    def available() -> bool:
        return shutil.which("frog") is not None and Path("/usr/share/frog/nld/frog.cfg").exists()

    def prepare(self, texts: Iterable[str]) -> None:
        pending = []
        for text in texts:
            for raw in split_sentences(text):
                key = tuple(_frog_word(t) for t, _, _ in raw)
                if key not in self._cache:
                    pending.append(key)
        if pending:
            self._run(list(dict.fromkeys(pending)))

    def analyze(self, text: str) -> list[Sentence]:
        self.prepare([text])
        out = []
        for raw in split_sentences(text):
            rows = self._cache[tuple(_frog_word(t) for t, _, _ in raw)]
            tokens = []
            for (word, s, e), (lemma, cgn, head, dep) in zip(raw, rows):
                pos, tag = cgn_to_ud(cgn, lemma)
                marker = bool(MARKER_RE.fullmatch(word))
                tokens.append(Token(word, s, e, lemma.lower(), "X" if marker else pos, tag, head, dep, marker))
            out.append(Sentence(raw[0][1], raw[-1][2], tuple(tokens), parsed=True))
        return out

    def _run(self, sentences: list[tuple[str, ...]]) -> None:
        if not self.binary:
            raise RuntimeError("frog is niet geïnstalleerd (apt-get install frog frogdata)")
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "in.txt", Path(tmp) / "out.tsv"
            src.write_text("\n".join(" ".join(s) for s in sentences) + "\n", encoding="utf-8")
            cmd = [self.binary, "-t", str(src), "-n", "--skip=tnca", "-o", str(dst), "--threads=2"]
            subprocess.run(cmd, cwd=tmp, capture_output=True, check=True, timeout=self.timeout_s)
            blocks = dst.read_text(encoding="utf-8").strip("\n").split("\n\n")
        if len(blocks) != len(sentences):
            raise RuntimeError(f"frog gaf {len(blocks)} zinnen terug voor {len(sentences)}")
        for key, block in zip(sentences, blocks):
            self._cache[key] = _frog_rows(block, len(key))


def _frog_rows(block: str, n_tokens: int) -> list[tuple[str, str, int, str]]:
    """Frog's tab output -> (lemma, CGN tag, head index, relation) per input token.

    Frog's parser needs its multi-word-unit step, which joins tokens with '_' (``op_basis_van``); such a
    unit is split again: the first part keeps the unit's head and relation, the others point to it.
    """
    units = [line.split("\t") for line in block.splitlines()]
    first: dict[int, int] = {}
    flat: list[tuple[int, str, str, int, str]] = []  # (unit, lemma, tag, raw head, rel)
    for u, cols in enumerate(units, start=1):
        parts = cols[1].split("_")
        lemmas = cols[2].split("_") if len(cols[2].split("_")) == len(parts) else [cols[2]] * len(parts)
        tags = cols[4].split("_") if len(cols[4].split("_")) == len(parts) else [cols[4]] * len(parts)
        first[u] = len(flat)
        head = int(cols[8]) if len(cols) > 9 and cols[8].isdigit() else 0
        rel = cols[9] if len(cols) > 9 else ""
        for k in range(len(parts)):
            flat.append((u, lemmas[k], tags[k], head if k == 0 else -u, rel if k == 0 else "mwp"))
    if len(flat) != n_tokens:
        raise RuntimeError(f"frog: {len(flat)} tokens voor {n_tokens}")
    rows = []
    for i, (_u, lemma, tag, head, rel) in enumerate(flat):
        if head < 0:
            target = first[-head]
        elif head == 0:
            target = i
        else:
            target = first.get(head, i)
        rows.append((lemma, tag, target, rel))
    return rows


def _frog_word(token: str) -> str:
    return re.sub(r"[\s_]+", "-", token)


_CGN_POS = {
    "N": "NOUN",
    "ADJ": "ADJ",
    "BW": "ADV",
    "VZ": "ADP",
    "LID": "DET",
    "TW": "NUM",
    "LET": "PUNCT",
    "TSW": "INTJ",
    "SPEC": "X",
    "WW": "VERB",
    "VNW": "PRON",
    "VG": "CCONJ",
}
_AUX_LEMMAS = frozenset("zijn hebben worden kunnen moeten mogen willen zullen hoeven dienen".split())


def cgn_to_ud(cgn: str, lemma: str) -> tuple[str, str]:
    """Frog's CGN tag ``WW(pv,tgw,met-t)`` -> (UD part of speech, ``WW|pv|tgw|met-t``)."""
    main, _, rest = cgn.partition("(")
    feats = [f for f in rest.rstrip(")").split(",") if f]
    tag = "|".join([main, *feats])
    pos = _CGN_POS.get(main, "X")
    if main == "N" and "eigen" in feats:
        pos = "PROPN"
    elif main == "VG" and "onder" in feats:
        pos = "SCONJ"
    elif main == "VNW" and "det" in feats:
        pos = "DET"
    elif main == "WW" and lemma.lower() in _AUX_LEMMAS:
        pos = "AUX"
    elif main == "SPEC" and "deeleigen" in feats:
        pos = "PROPN"
    return pos, tag
