"""Rebuild the LiNT-II word tables shipped in analyzer/data/ from ../shared/data/lint-ii.

The tables are a small, compressed subset of LiNT-II's linguistic data (EUPL-1.2, vanboefer/lint_ii,
src/lint_ii/linguistic_data/data, commit in ../shared/data/lint-ii/SOURCE_COMMIT), so that the
analyzer runs in a clean clone without ../shared:

- subtlex_nl_zipf.tsv.gz: SUBTLEX-NL word frequencies as Zipf values (log10 per billion words), every
  word seen at least twice (words seen once or never get LiNT-II's zero-count value in code).
- lint_nouns.tsv.gz: noun -> super semantic type (c = concrete, a = abstract, u = undefined) and the head
  of a compound (LiNT-II takes the head's frequency for compounds).
- lint_wordlists.tsv: LiNT-II's frequency skip list, manner adverbs and measurement units.

Run: python analyzer/data/build_lint_tables.py [../shared/data/lint-ii]
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
TYPE_CODE = {"concrete": "c", "abstract": "a", "undefined": "u"}


def build(source: Path) -> None:
    commit = (source / "SOURCE_COMMIT").read_text().split()[0]
    header = f"# from LiNT-II (vanboefer/lint_ii, {commit}), EUPL-1.2; built by build_lint_tables.py\n"
    freq = pd.read_parquet(source / "subtlex_wordfreq.parquet").sort_values("word_count", ascending=False)
    freq = freq[freq["word_count"] > freq["word_count"].min() + 1e-9]
    lines = [
        f"{w}\t{z:.3f}"
        for w, z in zip(freq.index, freq["word_count"])
        if isinstance(w, str) and "\t" not in w and "\n" not in w
    ]
    _write_gz(HERE / "subtlex_nl_zipf.tsv.gz", header + "# word<TAB>zipf (SUBTLEX-NL)\n" + "\n".join(lines) + "\n")

    nouns = pd.read_parquet(source / sorted(p.name for p in source.glob("nouns_sem_types_*.parquet"))[-1])
    rows = []
    for word, kind, head in zip(nouns.index, nouns["super_sem_type"], nouns["head"]):
        if not isinstance(word, str) or "\t" in word or kind not in TYPE_CODE:
            continue
        head = head if isinstance(head, str) and head != word else ""
        rows.append(f"{word}\t{TYPE_CODE[kind]}\t{head}")
    _write_gz(HERE / "lint_nouns.tsv.gz", header + "# noun<TAB>c|a|u<TAB>compound head\n" + "\n".join(rows) + "\n")

    lists = []
    for kind, file, column in (
        ("skip", "subtlex_wordfreq_skiplist.parquet", "word"),
        ("manner_adverb", sorted(p.name for p in source.glob("manner_adverbs_*.parquet"))[-1], "adverb"),
        ("unit", "measurement_units.parquet", "symbol"),
    ):
        for word in pd.read_parquet(source / file)[column]:
            lists.append(f"{kind}\t{str(word).strip()}")
    (HERE / "lint_wordlists.tsv").write_text(header + "# kind<TAB>word\n" + "\n".join(sorted(set(lists))) + "\n")


def _write_gz(path: Path, text: str) -> None:
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data" / "lint-ii"))
