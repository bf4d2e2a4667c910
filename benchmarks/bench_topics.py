"""Topic discovery: clustering quality on public intent/topic sets, id stability, speed and memory.

Sections (``--sections``, all by default; each prints markdown tables to stdout):

* ``quality``: analyzer.topics.TopicModel as shipped (USE embeddings + character n-gram view,
  kNN-graph topics) with the number of topics found and with the true number given, on
  Banking77 test, CLINC150 in-scope test, xSID nl test, SIB-200 nld test and Amsterdam meldingen;
  NMI, ARI and accuracy (Hungarian matching of found to true topics), the number found, the share
  flagged low-confidence, seconds. Plain Ward on USE with the true k is printed as the reference.
* ``methods``: the measurements that chose the method: other clusterers and representations in
  the same pipeline (sample -> cluster -> nearest centroid), and ideas that were tried
  (English MiniLM view, self-training with a linear classifier, Banking77 train added unlabelled).
* ``bertopic``: BERTopic 0.17 (UMAP + HDBSCAN, its defaults) on the same USE embeddings, if
  installed: outlier share and scores, and agreement between two runs with different seeds.
* ``speed``: seconds to fit TopicModel and BERTopic (defaults, same embeddings) on Banking77 and
  CLINC150, several runs each after a warm-up, and the ratio of the medians.
* ``stability``: ids across runs: topics fitted on one half of Banking77 train, refitted with
  ``previous=`` on the other half; share of test queries that keep their topic id.
* ``scale``: fit + assignment of every note for 100k and 1M synthetic notes (512-d Gaussian
  mixture, L2-normalised, with generated note texts), each in a fresh process: seconds and peak
  RSS (resource.getrusage), excluding the embedding (which the pipeline caches).

Labels of the evaluation sets are only used to score; nothing is fitted on them. Data: the
folders of /work/shared/eval (sources and licences in its README.md). Embeddings are cached as
.npy under $ANALYZER_BENCH_CACHE (default /tmp/analyzer-bench-topics).

Run:  python benchmarks/bench_topics.py [--sections quality,methods,bertopic,speed,stability,scale]
                                         [--scale-sizes 100000,1000000]
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

REPO = Path(__file__).resolve().parents[1]
for path in (REPO, REPO / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from analyzer.topics import CharNgramView, GraphTopics, TopicModel  # noqa: E402

EVAL_DIR = Path(os.environ.get("ANALYZER_EVAL_DIR", REPO.parent / "shared" / "eval"))
CACHE_DIR = Path(os.environ.get("ANALYZER_BENCH_CACHE", "/tmp/analyzer-bench-topics"))
USE = "use-multilingual-v3-onnx-q"
MINILM = "all-minilm-l6-v2"
QUALITY_SETS = ("banking77", "clinc150", "xsid-nl", "sib200-nl", "nl-meldingen")
USE_ONLY = {"representation": "embeddings"}  # TopicModel on the embeddings alone
SOURCES = {
    "banking77": "Banking77 test (PolyAI, CC-BY-4.0), 3,080 queries, 77 intents",
    "clinc150": "CLINC150 in-scope test (clinc/oos-eval, CC-BY-3.0), 4,500 queries, 150 intents",
    "xsid-nl": "xSID-0.7 nl test (mainlp/xsid, CC BY-SA 4.0), 500 utterances, 15 intents",
    "sib200-nl": "SIB-200 nld_Latn test (CC BY-SA 4.0), 204 sentences, 7 topics",
    "nl-meldingen": "Amsterdam meldingen (maartensukel, no licence stated), 97 reports, 6 categories",
}
PUBLISHED = {
    "banking77": "GloVe+KMeans 49.0, MTP-CLNN 81.8, Dial-In LLM 82.3",
    "clinc150": "GloVe+KMeans 71.0, Dial-In LLM 94.1",
}

warnings.filterwarnings("ignore")


# --------------------------------------------------------------------------- data


def load_dataset(name: str) -> tuple[list[str], list[str]]:
    """Texts and gold labels of one evaluation set (labels are only ever used to score)."""
    if name in ("banking77", "banking77-train"):
        frame = pd.read_csv(EVAL_DIR / "banking77" / ("test.csv" if name == "banking77" else "train.csv"))
        return frame["text"].astype(str).tolist(), frame["category"].astype(str).tolist()
    if name == "clinc150":
        data = json.loads((EVAL_DIR / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
        return [t for t, _ in data["test"]], [lab for _, lab in data["test"]]
    if name == "xsid-nl":
        texts, labels = [], []
        for line in (EVAL_DIR / "nl-intents" / "xsid_nl_test.conll").read_text(encoding="utf-8").splitlines():
            if line.startswith("# text = "):
                texts.append(line[len("# text = ") :])
            elif line.startswith("# intent = "):
                labels.append(line[len("# intent = ") :])
        assert len(texts) == len(labels)
        return texts, labels
    if name == "sib200-nl":
        frame = pd.read_csv(EVAL_DIR / "nl-intents" / "sib_nld_test.tsv", sep="\t")
        return frame["text"].astype(str).tolist(), frame["category"].astype(str).tolist()
    if name == "nl-meldingen":
        frame = pd.read_csv(EVAL_DIR / "nl-meldingen" / "meldingen.csv")
        return frame["Tekst"].astype(str).tolist(), frame["Label"].astype(str).tolist()
    raise ValueError(name)


def cached_embeddings(name: str, texts: list[str], model_id: str) -> np.ndarray:
    """Embeddings of a data set, computed once and kept as .npy under CACHE_DIR."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:12]
    path = CACHE_DIR / f"{name}-{model_id}-{digest}.npy"
    if path.is_file():
        return np.load(path)
    from analyzer.embed import get_embedder

    vectors = get_embedder(model_id).encode(texts, batch_size=64)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def dataset(name: str, model_id: str = USE) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, labels = load_dataset(name)
    return texts, cached_embeddings(name, texts, model_id), np.asarray(labels)


def concat(*views: np.ndarray) -> np.ndarray:
    X = np.hstack(views).astype(np.float32)
    return X / np.linalg.norm(X, axis=1, keepdims=True)


# --------------------------------------------------------------------------- scores


def accuracy(truth: Sequence[Any], found: Sequence[Any]) -> float:
    """Share of items in the found topic matched one-to-one (Hungarian) to their true topic."""
    t_codes, t = np.unique(np.asarray(truth), return_inverse=True)
    f_codes, f = np.unique(np.asarray(found), return_inverse=True)
    table = np.zeros((len(f_codes), len(t_codes)))
    np.add.at(table, (f, t), 1)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(t))


def scores(truth: Sequence[Any], found: Sequence[Any]) -> dict[str, float]:
    return {
        "NMI": 100 * normalized_mutual_info_score(truth, found),
        "ARI": 100 * adjusted_rand_score(truth, found),
        "ACC": 100 * accuracy(truth, found),
        "k": len(set(np.asarray(found).tolist())),
    }


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which is not a dependency)."""
    cells = [[str(c) for c in frame.columns]] + [["" if pd.isna(v) else str(v) for v in row] for row in frame.values]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("---" for _ in frame.columns) + "|")
    return "\n".join(lines)


def table(rows: list[dict[str, Any]]) -> str:
    frame = pd.DataFrame(rows)
    for col in ("NMI", "ARI", "ACC", "low conf. %", "outliers %", "s"):
        if col in frame:
            frame[col] = frame[col].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    return markdown(frame)


def model_row(name: str, setting: str, truth: np.ndarray, make: Callable[[], Any], texts, X) -> dict[str, Any]:
    model, seconds = timed(lambda: make().fit(texts, X))
    row = {"data": name, "setting": setting, **scores(truth, model.labels_), "true k": len(set(truth))}
    row["low conf. %"] = 100 * float(np.mean(model.low_confidence_)) if hasattr(model, "low_confidence_") else 0.0
    row["s"] = seconds
    return row


# --------------------------------------------------------------------------- sections


def section_quality() -> None:
    from sklearn.cluster import AgglomerativeClustering

    print("\n## Quality: TopicModel as shipped (USE + character n-gram view, kNN-graph topics)\n")
    rows = []
    for name in QUALITY_SETS:
        texts, X, truth = dataset(name)
        k = len(set(truth))
        ward, seconds = timed(lambda X=X, k=k: AgglomerativeClustering(k, linkage="ward").fit_predict(X))
        rows.append({"data": name, "setting": "reference: plain Ward on USE, true k", **scores(truth, ward),
                     "true k": k, "low conf. %": 0.0, "s": seconds})  # fmt: skip
        rows.append(model_row(name, "TopicModel, k found", truth, lambda: TopicModel(), texts, X))
        rows.append(model_row(name, "TopicModel, true k given", truth, lambda k=k: TopicModel(k=k), texts, X))
    print(table(rows))
    print("\nSources: " + "; ".join(f"{k}: {v}" for k, v in SOURCES.items()))
    print("Published NMI: " + "; ".join(f"{k}: {v}" for k, v in PUBLISHED.items()))


def _selftrain(X: np.ndarray, labels: np.ndarray, rounds: int = 2, keep: float = 0.8, C: float = 10.0) -> np.ndarray:
    """Cluster -> linear classifier on each topic's most central members -> reassign (an idea tried)."""
    from sklearn.linear_model import LogisticRegression

    for _ in range(rounds):
        ids = np.unique(labels)
        cent = np.stack([X[labels == i].mean(0) for i in ids])
        cent /= np.linalg.norm(cent, axis=1, keepdims=True)
        sim = (X * cent[np.searchsorted(ids, labels)]).sum(1)
        central = np.zeros(len(X), dtype=bool)
        for i in ids:
            members = np.flatnonzero(labels == i)
            central[members[sim[members] >= np.quantile(sim[members], 1 - keep)]] = True
        clf = LogisticRegression(C=C, max_iter=500, class_weight="balanced").fit(X[central], labels[central])
        labels = clf.predict(X)
    return labels


def section_methods() -> None:
    from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans, SpectralClustering
    from sklearn.decomposition import PCA

    from analyzer.topics import Reduced

    print("\n## Methods: what chose the clusterer, the representation and the settings\n")
    print("Every row runs the same pipeline (cluster the notes, then nearest centroid for every note).\n")
    rows = []
    for name in ("banking77", "clinc150", "xsid-nl", "sib200-nl", "nl-meldingen"):
        texts, X, truth = dataset(name)
        k = len(set(truth))
        spectral = SpectralClustering(
            k, affinity="nearest_neighbors", n_neighbors=15, assign_labels="cluster_qr", random_state=0
        )
        variants: list[tuple[str, Callable[[], Any]]] = [
            ("USE only | GraphTopics, k found", lambda: TopicModel(**USE_ONLY)),
            ("USE only | GraphTopics, true k (found topics merged to k)", lambda k=k: TopicModel(k=k, **USE_ONLY)),
            ("USE only | Ward, true k", lambda k=k: TopicModel(
                clusterer=AgglomerativeClustering(k, linkage="ward"), **USE_ONLY)),
            ("USE only | KMeans, true k", lambda k=k: TopicModel(
                clusterer=KMeans(k, n_init=3, random_state=0), **USE_ONLY)),
            ("USE only | spectral kNN, true k", lambda s=spectral: TopicModel(clusterer=s, **USE_ONLY)),
            ("USE only | PCA-50 + HDBSCAN(min 10), k found", lambda: TopicModel(
                representation=Reduced(PCA(50, random_state=0)), clusterer=HDBSCAN(min_cluster_size=10))),
            ("USE + chars | GraphTopics nn10 split 0.4, k found", lambda: TopicModel(
                clusterer=GraphTopics(n_neighbors=10, min_split_modularity=0.4))),
            ("USE + chars (w 0.5) | GraphTopics, k found", lambda: TopicModel(representation=CharNgramView(0.5))),
            ("USE + chars (w 0.7, shipped) | GraphTopics, k found", lambda: TopicModel()),
            ("USE + chars (w 1.0) | GraphTopics, k found", lambda: TopicModel(representation=CharNgramView(1.0))),
            ("USE + chars | GraphTopics, true k", lambda k=k: TopicModel(k=k)),
        ]  # fmt: skip
        for setting, make in variants:
            rows.append(model_row(name, setting, truth, make, texts, X))
        if name == "banking77" or name == "clinc150":
            model = TopicModel().fit(texts, X)
            view = model.representation_.transform(texts, X)
            refined, seconds = timed(lambda view=view, model=model: _selftrain(view, model.labels_))
            rows.append({"data": name, "setting": "USE + chars | GraphTopics + self-training (2 rounds)",
                         **scores(truth, refined), "true k": k, "low conf. %": 0.0, "s": seconds})  # fmt: skip
            M = cached_embeddings(name, texts, MINILM)
            both = concat(X, M)
            rows.append(model_row(name, "USE + MiniLM + chars | GraphTopics, k found", truth, TopicModel, texts, both))
            rows.append(model_row(name, "USE + MiniLM + chars | GraphTopics, true k", truth,
                                  lambda k=k: TopicModel(k=k), texts, both))  # fmt: skip
            rows.append(model_row(name, "MiniLM + chars | GraphTopics, k found", truth, TopicModel, texts, M))
        if name == "banking77":
            t2, X2, _ = dataset("banking77-train")
            n = len(texts)
            for setting, make in (("k found", TopicModel), ("true k", lambda: TopicModel(k=77))):
                both_texts, both_X = texts + t2, np.vstack([X, X2])
                model, seconds = timed(lambda make=make, t=both_texts, Xb=both_X: make().fit(t, Xb))
                rows.append({"data": name, "setting": f"USE + chars, + Banking77 train unlabelled | {setting}",
                             **scores(truth, model.labels_[:n]), "true k": k,
                             "low conf. %": 100 * float(np.mean(model.low_confidence_[:n])), "s": seconds})  # fmt: skip
    print(table(rows))


def _bertopic(seed: int = 42, nr_topics: int | None = None) -> Any:
    """BERTopic with its default UMAP (15 neighbours, 5 dimensions, cosine) and HDBSCAN (min 10)."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    hdb = HDBSCAN(min_cluster_size=10, metric="euclidean", cluster_selection_method="eom", prediction_data=True)
    return BERTopic(umap_model=umap, hdbscan_model=hdb, nr_topics=nr_topics)


def _bertopic_installed() -> bool:
    try:
        import bertopic  # noqa: F401
        import hdbscan  # noqa: F401
        import umap  # noqa: F401
    except ImportError:
        print("BERTopic is not installed (pip install bertopic umap-learn hdbscan); section skipped.")
        return False
    return True


def section_bertopic() -> None:
    print("\n## BERTopic side by side (same USE embeddings)\n")
    if not _bertopic_installed():
        return
    import bertopic

    rows = []
    for name in ("banking77", "clinc150", "xsid-nl"):
        texts, X, truth = dataset(name)
        k = len(set(truth))
        runs = []
        for seed in (42, 7):
            for nr_topics, setting in ((None, "defaults"), (k, f"nr_topics={k}")):
                topic_model = _bertopic(seed, nr_topics)
                found, seconds = timed(lambda tm=topic_model, t=texts, Xe=X: np.asarray(tm.fit_transform(t, Xe)[0]))
                if nr_topics is None:
                    runs.append(found)
                if seed == 42:
                    rows.append({"data": name, "setting": f"BERTopic {bertopic.__version__} {setting}",
                                 **scores(truth, found), "true k": k, "outliers %": 100 * float(np.mean(found == -1)),
                                 "s": seconds})  # fmt: skip
        rows.append({"data": name, "setting": "BERTopic: ARI between UMAP seeds 42 and 7",
                     "ARI": 100 * adjusted_rand_score(*runs)})  # fmt: skip
        ours = TopicModel().fit(texts, X)
        perm = np.random.default_rng(1).permutation(len(texts))
        shuffled = TopicModel().fit([texts[i] for i in perm], X[perm])
        same = adjusted_rand_score(ours.labels_[perm], shuffled.labels_)
        rows.append({"data": name, "setting": "TopicModel: ARI between input orders", "ARI": 100 * same,
                     "outliers %": 0.0})  # fmt: skip
    print(table(rows))


def section_speed(repeats: int = 3) -> None:
    """Seconds to fit TopicModel and BERTopic (defaults) on the same embeddings, and their ratio."""
    print("\n## Speed: TopicModel against BERTopic on the same USE embeddings\n")
    if not _bertopic_installed():
        return

    def bertopic_fit(texts: list[str], X: np.ndarray) -> Any:
        return _bertopic().fit_transform(texts, X)

    rows = []
    for name in ("banking77", "clinc150"):
        texts, X, truth = dataset(name)
        first_bertopic = timed(lambda t=texts, Xe=X: bertopic_fit(t, Xe))[1]  # pays numba's compilation once
        TopicModel().fit(texts[:200], X[:200])  # imports and first calls, as a warm app would have them
        ours = [timed(lambda t=texts, Xe=X: TopicModel().fit(t, Xe))[1] for _ in range(repeats)]
        theirs = [timed(lambda t=texts, Xe=X: bertopic_fit(t, Xe))[1] for _ in range(repeats)]
        rows.append({"data": name, "TopicModel s (min-max)": f"{min(ours):.2f}-{max(ours):.2f}",
                     "BERTopic s (min-max)": f"{min(theirs):.2f}-{max(theirs):.2f}",
                     "BERTopic first run s": f"{first_bertopic:.1f}",
                     "ratio of medians": f"{np.median(theirs) / np.median(ours):.1f}x"})  # fmt: skip
    print(markdown(pd.DataFrame(rows)))
    print(f"\n{repeats} runs each after one warm-up; the ratio is BERTopic's median over ours (goal: 10x).")


def section_stability() -> None:
    print("\n## Stable ids: refit on other notes with previous=\n")
    texts, labels = load_dataset("banking77-train")
    X = cached_embeddings("banking77-train", texts, USE)
    t_test, X_test, truth = dataset("banking77")
    order = np.random.default_rng(0).permutation(len(texts))
    a, b = order[: len(order) // 2], order[len(order) // 2 :]
    first = TopicModel().fit([texts[i] for i in a], X[a])
    second = TopicModel(previous=first.topics_frame()).fit([texts[i] for i in b], X[b])
    blind = TopicModel().fit([texts[i] for i in b], X[b])
    p1, p2 = first.predict(t_test, X_test), second.predict(t_test, X_test)
    fine1 = first.topics_frame().query("level == 1")
    fine2 = second.topics_frame().query("level == 1 and active")
    kept = len(set(fine2["topic_id"]) & set(fine1["topic_id"]))
    p3 = blind.predict(t_test, X_test)
    nmi1, nmi2 = (100 * normalized_mutual_info_score(truth, p) for p in (p1, p2))
    rows = [
        ("topics in fit on half A / refit on half B", f"{len(fine1)} / {len(fine2)}"),
        ("topics of the refit that kept an id from A", f"{kept} ({100 * kept / len(fine2):.0f}%)"),
        ("Banking77 test queries with the same topic id in both", f"{100 * np.mean(p1 == p2):.1f}%"),
        ("ARI between the two assignments (ids ignored)", f"{100 * adjusted_rand_score(p1, p2):.1f}"),
        ("same id when refitted without previous= (ids unrelated)", f"{100 * np.mean(p1 == p3):.1f}%"),
        ("NMI against the intents: A / B", f"{nmi1:.1f} / {nmi2:.1f}"),
    ]
    print(markdown(pd.DataFrame(rows, columns=["measure", "value"])))


def synthetic(n: int, dim: int = 512, topics: int = 300, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """n note texts and L2-normalised 512-d vectors from a mixture of ``topics`` Gaussians (Zipf sizes)."""
    from bench_embed import generate_notes

    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(topics, dim)).astype(np.float32)
    weights = 1 / np.arange(1, topics + 1)
    which = rng.choice(topics, size=n, p=weights / weights.sum())
    X = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        part = which[start : start + 100_000]
        block = centers[part] / np.sqrt(dim) + rng.normal(scale=0.6 / np.sqrt(dim), size=(len(part), dim))
        X[start : start + len(part)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    base = generate_notes(20_000, seed=seed)
    return [base[i % len(base)] for i in range(n)], X


def scale_child(n: int) -> None:
    """Runs in a fresh process: build the data, then time the fit and report peak memory."""
    texts, X = synthetic(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    model, seconds = timed(lambda: TopicModel().fit(texts, X))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    topics = int((model.topics_frame()["level"] == 1).sum())
    print(json.dumps({"n": n, "seconds": seconds, "peak_gib": peak, "data_gib": before, "topics": topics,
                      "embeddings_gib": X.nbytes / 2**30}))  # fmt: skip


def section_scale(sizes: Sequence[int]) -> None:
    print("\n## Scale: fit + assign every note (synthetic 512-d, 300-topic mixture; embedding excluded)\n")
    rows = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(n)], capture_output=True, text=True, check=False
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode != 0 or not lines:
            rows.append({"notes": f"{n:,}", "result": f"failed: {out.stderr.strip()[-300:]}"})
            continue
        r = json.loads(lines[-1])
        rows.append({
            "notes": f"{n:,}", "fit + assign all (s)": f"{r['seconds']:.0f}", "topics found": r["topics"],
            "peak RSS (GiB)": f"{r['peak_gib']:.2f}", "RSS before fit (GiB)": f"{r['data_gib']:.2f}",
            "embeddings alone (GiB)": f"{r['embeddings_gib']:.2f}",
        })  # fmt: skip
    print(markdown(pd.DataFrame(rows)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="quality,methods,bertopic,speed,stability,scale")
    parser.add_argument("--scale-sizes", default="100000,1000000")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        scale_child(args.scale_child)
        return
    from bench_embed import command_line, machine_info

    print(f"# Topics benchmark\n\n`{command_line()}`\n\n{machine_info()}")
    sections = args.sections.split(",")
    for name, run in (("quality", section_quality), ("methods", section_methods), ("bertopic", section_bertopic),
                      ("speed", section_speed), ("stability", section_stability)):  # fmt: skip
        if name in sections:
            run()
    if "scale" in sections:
        section_scale([int(s) for s in args.scale_sizes.split(",")])


if __name__ == "__main__":
    main()
