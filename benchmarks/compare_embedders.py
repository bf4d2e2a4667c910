"""Compare the sentence-embedding models on public Dutch data (clustering, kNN, retrieval, speed).

Tasks, all on /work/shared/eval (sources and licences in its README.md; each figure printed
names its source):

* SIB-200 nld_Latn test+dev (7 topics), xSID-0.7 nl test (intents), Amsterdam meldingen
  (6 main categories): KMeans with the true k over several seeds -> mean NMI and ARI, and
  leave-one-out kNN accuracy (k=5, cosine, majority vote);
* Amsterdam municipal complex->simple pairs: for each distinct complex sentence rank all
  distinct simple sentences by cosine -> recall@1, recall@5, MRR (paraphrase on municipal text);
  the same on the queries whose answers share few words with them (word Jaccard < 0.4), since
  most pairs overlap so much that character trigrams alone find them;
* RIVM COVID-19 FAQ: for each distinct question rank all distinct answer snippets -> recall@1,
  recall@5, MRR (a hit is any of the question's answers; a question has 1-19 answers);
* throughput: sentences/s on 2,000 generated notes-like sentences at batch 64 (median of 3 passes).

Run:  python benchmarks/compare_embedders.py [--models a,b,c] [--seeds 10] [--repeats 3] [--eval-dir DIR]

Offline only: HF_HUB_OFFLINE is set before anything can reach a model hub.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_embed import (  # noqa: E402
    command_line,
    generate_notes,
    load_embedder,
    machine_info,
    notes_per_second,
    peak_rss_mib,
)

# shared/ lies beside the repository (on developer machines and in CI).
EVAL_DIR = Path(os.environ.get("ANALYZER_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval"))
DEFAULT_MODELS = ("use-multilingual-v3-onnx-q", "all-minilm-l6-v2", "hashing-256")
BATCH_SIZE = 64
HARD_JACCARD = 0.4

# Source of every figure: a short name printed next to it, and the full reference for the data
# table (licences as in the eval README.md).
SOURCES = {
    "sib": ("SIB-200 nld", "SIB-200 nld_Latn test+dev, dadelani/sib-200 (CC BY-SA 4.0)"),
    "xsid": ("xSID nl", "xSID-0.7 nl test, mainlp/xsid (CC BY-SA 4.0)"),
    "meldingen": (
        "Amsterdam meldingen",
        "maartensukel/example-textual-classification-citizen-reports (no licence stated)",
    ),
    "simplification": (
        "Amsterdam complex-simple",
        "complex-simple-v1-anonymized, Amsterdam-AI-Team/dutch-municipal-text-simplification (EUPL-1.2)",
    ),
    "rivm": ("RIVM FAQ", "RIVM COVID-19 FAQ March 2020, wearetriple/ai-faqbot-rivm (no licence stated)"),
    "notes": ("generated notes", "generate_notes(seed=13) in benchmarks/bench_embed.py (synthetic)"),
}


# --------------------------------------------------------------------------- data


@dataclass
class LabelledSet:
    """Texts with one class label each, for clustering and kNN."""

    key: str
    texts: list[str]
    labels: list[str]


@dataclass
class RetrievalSet:
    """Queries, a candidate pool, and for each query the indices of its correct candidates."""

    key: str
    queries: list[str]
    candidates: list[str]
    gold: list[set[int]] = field(default_factory=list)
    # Queries whose correct candidates share few words with them (word Jaccard below HARD_JACCARD):
    # lexical overlap cannot solve these, so they show paraphrase ability.
    hard: list[bool] = field(default_factory=list)


def read_sib(eval_dir: Path) -> LabelledSet:
    frames = [pd.read_csv(eval_dir / "nl-intents" / f"sib_nld_{split}.tsv", sep="\t") for split in ("test", "dev")]
    df = pd.concat(frames, ignore_index=True).dropna(subset=["text", "category"])
    return LabelledSet("sib", df["text"].astype(str).tolist(), df["category"].astype(str).tolist())


def read_xsid(eval_dir: Path, split: str = "test") -> LabelledSet:
    """Text and intent from the ``# text =`` and ``# intent =`` comments of each conll block."""
    texts, labels = [], []
    text = intent = None
    for line in (eval_dir / "nl-intents" / f"xsid_nl_{split}.conll").read_text(encoding="utf-8").splitlines():
        if line.startswith("# text ="):
            text = line.split("=", 1)[1].strip()
        elif line.startswith("# intent ="):
            intent = line.split("=", 1)[1].strip()
        elif not line.strip():
            if text is not None and intent is not None:
                texts.append(text)
                labels.append(intent)
            text = intent = None
    if text is not None and intent is not None:
        texts.append(text)
        labels.append(intent)
    return LabelledSet("xsid", texts, labels)


def read_meldingen(eval_dir: Path) -> LabelledSet:
    df = pd.read_csv(eval_dir / "nl-meldingen" / "meldingen.csv").dropna(subset=["Tekst", "Label"])
    return LabelledSet("meldingen", df["Tekst"].astype(str).tolist(), df["Label"].astype(str).tolist())


def _retrieval(key: str, pairs: pd.DataFrame, query_col: str, candidate_col: str) -> RetrievalSet:
    # pandas 3 keeps missing values missing through astype(str): drop empty rows first.
    pairs = pairs.dropna(subset=[query_col, candidate_col])
    queries = list(dict.fromkeys(pairs[query_col].astype(str)))
    candidates = list(dict.fromkeys(pairs[candidate_col].astype(str)))
    position = {c: i for i, c in enumerate(candidates)}
    gold_of: dict[str, set[int]] = {q: set() for q in queries}
    for q, c in zip(pairs[query_col].astype(str), pairs[candidate_col].astype(str), strict=True):
        gold_of[q].add(position[c])
    gold = [gold_of[q] for q in queries]
    hard = [max(word_jaccard(q, candidates[i]) for i in g) < HARD_JACCARD for q, g in zip(queries, gold, strict=True)]
    return RetrievalSet(key, queries, candidates, gold, hard)


def word_jaccard(a: str, b: str) -> float:
    """Jaccard overlap of the lower-cased word sets of two texts."""
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / len(wa | wb) if wa | wb else 1.0


def read_simplification(eval_dir: Path) -> RetrievalSet:
    df = pd.read_csv(eval_dir / "nl-municipal-simplification" / "complex-simple-v1-anonymized.csv")
    return _retrieval("simplification", df, "Complex", "Simple")


def read_rivm(eval_dir: Path) -> RetrievalSet:
    df = pd.read_csv(eval_dir / "rivm-faq" / "rivm_faq.csv")
    return _retrieval("rivm", df, "Context", "Answer")


# --------------------------------------------------------------------------- metrics


def kmeans_scores(vectors: np.ndarray, labels: Sequence[str], seeds: int) -> tuple[float, float, float, float]:
    """Mean and std of NMI and ARI of KMeans (true k, one init per seed) over ``seeds`` seeds."""
    k = len(set(labels))
    nmi, ari = [], []
    for seed in range(seeds):
        pred = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(vectors)
        nmi.append(normalized_mutual_info_score(labels, pred))
        ari.append(adjusted_rand_score(labels, pred))
    return float(np.mean(nmi)), float(np.std(nmi)), float(np.mean(ari)), float(np.std(ari))


def knn_loo_accuracy(vectors: np.ndarray, labels: Sequence[str], k: int = 5) -> float:
    """Leave-one-out kNN accuracy: majority of the k most cosine-similar other items.

    Ties go to the label whose tied neighbours have the higher summed similarity.
    """
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    labels = np.asarray(labels)
    hits = 0
    for i in range(len(labels)):
        nearest = np.argpartition(-sims[i], k)[:k]
        votes: dict[str, list[float]] = {}
        for j in nearest:
            votes.setdefault(labels[j], []).append(float(sims[i, j]))
        best = max(votes.items(), key=lambda kv: (len(kv[1]), sum(kv[1])))[0]
        hits += best == labels[i]
    return hits / len(labels)


def retrieval_scores(queries: np.ndarray, candidates: np.ndarray, gold: Sequence[set[int]]) -> dict[str, float]:
    """Recall@1, recall@5 (any correct candidate in the top k) and MRR of the first correct one."""
    sims = queries @ candidates.T
    order = np.argsort(-sims, axis=1, kind="stable")
    first_rank = []
    for row, correct in zip(order, gold, strict=True):
        ranks = np.nonzero(np.isin(row, list(correct)))[0]
        first_rank.append(int(ranks[0]) + 1)
    ranks = np.asarray(first_rank)
    return {"r@1": float(np.mean(ranks <= 1)), "r@5": float(np.mean(ranks <= 5)), "mrr": float(np.mean(1.0 / ranks))}


# --------------------------------------------------------------------------- run


def evaluate(
    model_id: str,
    labelled: list[LabelledSet],
    retrieval: list[RetrievalSet],
    notes: list[str],
    seeds: int,
    repeats: int = 3,
) -> dict[str, Any]:
    """All figures of one model, plus its load and encode times."""
    result: dict[str, Any] = {"model": model_id}
    start = time.perf_counter()
    embedder = load_embedder(model_id)
    result["load_s"] = time.perf_counter() - start
    embedder.encode(notes[:BATCH_SIZE], batch_size=BATCH_SIZE)  # warm-up, not timed
    encode_s = 0.0
    for ds in labelled:
        start = time.perf_counter()
        vectors = embedder.encode(ds.texts, batch_size=BATCH_SIZE)
        encode_s += time.perf_counter() - start
        nmi, nmi_sd, ari, ari_sd = kmeans_scores(vectors, ds.labels, seeds)
        result[ds.key] = {
            "nmi": nmi,
            "nmi_sd": nmi_sd,
            "ari": ari,
            "ari_sd": ari_sd,
            "knn": knn_loo_accuracy(vectors, ds.labels),
        }
    for ds in retrieval:
        start = time.perf_counter()
        q = embedder.encode(ds.queries, batch_size=BATCH_SIZE)
        c = embedder.encode(ds.candidates, batch_size=BATCH_SIZE)
        encode_s += time.perf_counter() - start
        result[ds.key] = retrieval_scores(q, c, ds.gold)
        hard = np.asarray(ds.hard, dtype=bool)
        if hard.any() and not hard.all():
            result[ds.key + "_hard"] = retrieval_scores(
                q[hard], c, [g for g, h in zip(ds.gold, hard, strict=True) if h]
            )
    rates = notes_per_second(embedder, notes, BATCH_SIZE, repeats)
    result["notes_per_s"] = statistics.median(rates)
    result["notes_per_s_range"] = (rates[0], rates[-1])
    result["encode_s"] = encode_s
    result["dim"] = embedder.dim
    return result


def describe(labelled: list[LabelledSet], retrieval: list[RetrievalSet], notes: list[str]) -> None:
    print("\n### Data\n")
    print("| set | items | classes or candidates | majority class | source |")
    print("|---|---:|---|---:|---|")
    for ds in labelled:
        top = Counter(ds.labels).most_common(1)[0][1] / len(ds.labels)
        print(
            f"| {SOURCES[ds.key][0]} | {len(ds.texts)} | {len(set(ds.labels))} classes | {top:.3f} "
            f"| {SOURCES[ds.key][1]} |"
        )
    for ds in retrieval:
        multi = sum(len(g) > 1 for g in ds.gold)
        print(
            f"| {SOURCES[ds.key][0]} | {len(ds.queries)} queries | {len(ds.candidates)} candidates; {multi} "
            f"queries with >1 answer; {sum(ds.hard)} with word Jaccard < {HARD_JACCARD} to every answer | - "
            f"| {SOURCES[ds.key][1]} |"
        )
    print(f"| {SOURCES['notes'][0]} | {len(notes)} | - | - | {SOURCES['notes'][1]} |")


def _row(name: str, metric: str, cells: Sequence[str]) -> str:
    return f"| {name} | {metric} | " + " | ".join(cells) + " |"


def report(
    results: list[dict[str, Any]], labelled: list[LabelledSet], retrieval: list[RetrievalSet], seeds: int
) -> None:
    names = [r["model"] for r in results]
    header = "| data (source) | metric | " + " | ".join(names) + " |\n|---|---|" + "---:|" * len(names)
    print(f"\n### Clustering: KMeans with the true k, mean ± sd over {seeds} seeds; kNN leave-one-out (k=5, cosine)\n")
    print(header)
    for ds in labelled:
        src = SOURCES[ds.key][0]
        for metric, label in (("nmi", "NMI"), ("ari", "ARI")):
            print(_row(src, label, [f"{r[ds.key][metric]:.3f} ± {r[ds.key][metric + '_sd']:.3f}" for r in results]))
        print(_row(src, "kNN accuracy", [f"{r[ds.key]['knn']:.3f}" for r in results]))
    print("\n### Retrieval by cosine (recall@k: a correct candidate in the top k; MRR of the first correct one)\n")
    print(header)
    for ds in retrieval:
        subsets = [(ds.key, SOURCES[ds.key][0])]
        if any(ds.hard) and not all(ds.hard):
            subsets.append((ds.key + "_hard", f"{SOURCES[ds.key][0]}, low word overlap (n={sum(ds.hard)})"))
        for key, name in subsets:
            for metric, label in (("r@1", "recall@1"), ("r@5", "recall@5"), ("mrr", "MRR")):
                print(_row(name, label, [f"{r[key][metric]:.3f}" for r in results]))
    print(f"\n### Speed ({SOURCES['notes'][0]}, batch {BATCH_SIZE})\n")
    print("| metric | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    print("| dimensions | " + " | ".join(str(r["dim"]) for r in results) + " |")
    print("| load s | " + " | ".join(f"{r['load_s']:.2f}" for r in results) + " |")
    print("| sentences/s (median) | " + " | ".join(f"{r['notes_per_s']:.0f}" for r in results) + " |")
    print(
        "| sentences/s (min-max) | "
        + " | ".join(f"{r['notes_per_s_range'][0]:.0f}-{r['notes_per_s_range'][1]:.0f}" for r in results)
        + " |"
    )
    print("| encode s, all eval sets | " + " | ".join(f"{r['encode_s']:.1f}" for r in results) + " |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS), help="comma-separated model ids")
    parser.add_argument("--seeds", type=int, default=10, help="KMeans seeds (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the notes (median)")
    parser.add_argument("--notes", type=int, default=2000, help="generated notes for the speed test")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    print("## Embedding model comparison on Dutch data\n")
    print(f"Command: `{command_line()}`  ")
    print(f"Machine: {machine_info()}")
    labelled = [read_sib(args.eval_dir), read_xsid(args.eval_dir), read_meldingen(args.eval_dir)]
    retrieval = [read_simplification(args.eval_dir), read_rivm(args.eval_dir)]
    notes = generate_notes(args.notes)
    describe(labelled, retrieval, notes)
    results = []
    for model_id in args.models.split(","):
        print(f"\n(evaluating {model_id} ...)", file=sys.stderr, flush=True)
        results.append(evaluate(model_id, labelled, retrieval, notes, args.seeds, args.repeats))
    report(results, labelled, retrieval, args.seeds)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nWall time {time.perf_counter() - started:.0f} s; peak RSS {peak_rss_mib():.0f} MiB; "
        f"load average {load} at the end."
    )


if __name__ == "__main__":
    main()
