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
from dataclasses import replace
from pathlib import Path

from analyzer.syntax import MARKER_RE, Sentence, Token, split_sentences


class FrogSyntax:
    """Frog (Debian ``frog`` + ``frogdata``): CGN tags, lemmas and a dependency parse.

    Frog needs seconds to start, so sentences are parsed in batches: ``prepare(texts)`` parses every
    sentence of many texts in one Frog run; ``analyze`` parses what is not cached yet. Heads are converted
    to UD conventions (``ud_heads``) so that dependency lengths compare with our UD parser and LiNT-II;
    relations keep Frog's Alpino labels.
    """

    name = "frog"
    parsed = True

    def __init__(self, binary: str | None = None, timeout_s: float = 600.0, ud_heads: bool = True) -> None:
        self.binary = binary or shutil.which("frog")
        self.ud_heads = ud_heads  # re-hang Frog's Alpino-style heads the UD way (see ud_heads)
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
            if self.ud_heads:
                heads = ud_heads([t.pos for t in tokens], [t.head for t in tokens], [t.dep for t in tokens])
                tokens = [replace(t, head=h) for t, h in zip(tokens, heads)]
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

    Columns: index, word, lemma, morphology, CGN tag, confidence, ..., head, relation (Alpino/CGN labels
    such as ``su``, ``obj1``, ``mod``, ``vc``, ``body``; not UD).

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
        # Frog's last two columns are the head and the relation: columns 9-10 in older releases, 11-12 in
        # Frog 0.20 (Debian), which adds empty columns for the modules it skipped (NER, chunker).
        head = int(cols[-2]) if len(cols) >= 10 and cols[-2].isdigit() else 0
        rel = cols[-1] if len(cols) >= 10 else ""
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


def ud_heads(pos: list[str], heads: list[int], rels: list[str]) -> list[int]:
    """Frog's Alpino-style heads re-hung the UD way (content words head, function words depend on them).

    Alpino makes the preposition head of its object (``obj1``), the complementizer head of its clause
    (``body``), the auxiliary head of its verbal complement (``vc``) and the copula head of its predicate
    (``predc``); UD does the reverse. Each such pair is swapped, top-down, and the function word's other
    dependents move to the new head. Coordination and punctuation are left as Frog has them.
    """
    heads = list(heads)
    n = len(heads)
    swaps = {"obj1": ("ADP",), "body": ("SCONJ", "CCONJ", "ADP"), "vc": ("AUX",), "predc": ("AUX",)}

    def depth(i: int) -> int:
        d = 0
        while heads[i] != i and d < n:
            i, d = heads[i], d + 1
        return d

    done: set[int] = set()
    while True:
        todo = [
            i
            for i in range(n)
            if i not in done and heads[i] != i and pos[heads[i]] in swaps.get(rels[i], ()) and rels[i] != "mwp"
        ]
        if not todo:
            return heads
        dep = min(todo, key=lambda i: depth(heads[i]))
        done.add(dep)
        old = heads[dep]
        heads[dep] = dep if heads[old] == old else heads[old]
        for c in range(n):
            if c not in (dep, old) and heads[c] == old and rels[c] != "mwp":
                heads[c] = dep
        heads[old] = dep


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
