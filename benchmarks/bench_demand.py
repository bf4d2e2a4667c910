"""Demand types (value vs avoidable contact) on the generated demo corpus: zero-shot and supervised.

    .venv/bin/python benchmarks/bench_demand.py --sample 15000

Takes a random sample of corpora/generated/calls.csv with the generator's ``demand_type`` from
ground_truth.csv, embeds it with the packaged model (vectors cached under /tmp, so a second run
only classifies), and reports accuracy, macro-F1, per-type precision/recall and avoidable-vs-value
precision/recall for

* the cue patterns alone (first type whose cue matches, else value),
* the zero-shot prototype classifier: similarity only, + value margin, + cues (the default),
* the supervised :class:`DemandClassifier` with 5-fold cross-validation on the sample, and a
  learning curve (100 / 500 / 2000 labels, stratified, 3 seeds) scored on a held-out part,
* and the zero-shot classifier on the hand-written labelled notes of tests/test_demand.py
  (written by the author of the prototypes, so an optimistic check, not an evaluation).

The corpus is synthetic: its notes come from templates, so these figures say how the method
behaves on that generator, not how it does on a real KCC's notes. The notes are scored as written
by the generator (not pseudonymised as in the store).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzer.demand import (  # noqa: E402
    DEMAND_TYPES,
    VALUE,
    DemandClassifier,
    PrototypeClassifier,
    cross_validate,
    cue_matrix,
    evaluate,
    zero_shot_classifier,
)
from analyzer.embed import USE_MODEL_ID, get_embedder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def load_sample(n: int, seed: int) -> pd.DataFrame:
    calls = pd.read_csv(ROOT / "corpora/generated/calls.csv", usecols=["call_id", "text"])
    truth = pd.read_csv(ROOT / "corpora/generated/ground_truth.csv", usecols=["call_id", "demand_type", "cause"])
    frame = calls.merge(truth, on="call_id", validate="one_to_one")
    return frame.sample(n=min(n, len(frame)), random_state=seed).reset_index(drop=True)


def embed_cached(texts: list[str], model_id: str, cache: Path) -> np.ndarray:
    if cache.is_file():
        vectors = np.load(cache)
        if len(vectors) == len(texts):
            return vectors
    t0 = time.perf_counter()
    vectors = get_embedder(model_id).encode(texts, batch_size=64, show_progress=sys.stderr.isatty())
    print(f"embedded {len(texts)} notes in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    np.save(cache, vectors)
    return vectors


def cues_only(texts: list[str]) -> np.ndarray:
    """First avoidable type (in DEMAND_TYPES order) whose cue matches, else value."""
    cues = cue_matrix(texts)
    out = np.full(len(texts), VALUE, dtype=object)
    for row in range(len(texts)):
        hits = np.flatnonzero(cues[row])
        if len(hits):
            out[row] = DEMAND_TYPES[hits[0]]
    return out


def row(name: str, m: dict) -> dict:
    out = {"method": name, "accuracy": m["accuracy"], "macro_f1": m["macro_f1"]}
    out["avoidable_P"], out["avoidable_R"] = m["avoidable"]["precision"], m["avoidable"]["recall"]
    for t, v in m["per_type"].items():
        out[f"{t}_P"], out[f"{t}_R"] = v["precision"], v["recall"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=USE_MODEL_ID)
    parser.add_argument("--cache-dir", default="/tmp")
    parser.add_argument("--json", metavar="FILE", help="also write all metrics as JSON")
    args = parser.parse_args()

    frame = load_sample(args.sample, args.seed)
    texts, truth = frame["text"].tolist(), frame["demand_type"].to_numpy(dtype=object)
    cache = Path(args.cache_dir) / f"bench_demand_{args.model}_{args.sample}_{args.seed}.npy"
    vectors = embed_cached(texts, args.model, cache)
    print(f"sample: {len(frame)} notes, types: {frame['demand_type'].value_counts().to_dict()}")

    results: dict[str, dict] = {}
    results["cues only"] = evaluate(truth, cues_only(texts))
    zs = zero_shot_classifier(get_embedder(args.model))
    variants = {
        "prototypes: similarity only": dict(cue_weight=0.0, value_margin=0.0),
        "prototypes: + value margin": dict(cue_weight=0.0),
        "prototypes: + cues (default)": {},
    }
    for name, params in variants.items():
        clf = PrototypeClassifier(**params).fit(zs.prototype_vectors_, zs.prototype_types_)
        t0 = time.perf_counter()
        pred = clf.predict(vectors, texts)
        results[name] = evaluate(truth, pred)
        results[name]["seconds_per_1000"] = round(1000 * (time.perf_counter() - t0) / len(texts), 3)

    from sklearn.model_selection import train_test_split

    proto = dict(prototype_vectors=zs.prototype_vectors_, prototype_types=list(zs.prototype_types_))
    supervised = {
        "supervised (default: embeddings + prototype scores + cues)": DemandClassifier(**proto),
        "supervised, embeddings + prototype scores": DemandClassifier(**proto, use_cues=False),
        "supervised, embeddings only": DemandClassifier(use_cues=False),
    }
    for name, model in supervised.items():
        t0 = time.perf_counter()
        results[f"{name}, 5-fold CV"] = evaluate(truth, cross_validate(model, vectors, truth, texts, 5))
        print(f"{name}: 5-fold CV in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    pool, test = train_test_split(np.arange(len(truth)), test_size=0.3, stratify=truth, random_state=0)
    test_texts = [texts[i] for i in test]
    curve = []
    for n_labels in (100, 500, 2000):
        for name, model in supervised.items():
            scores = []
            for seed in range(3):
                train, _ = train_test_split(pool, train_size=n_labels, stratify=truth[pool], random_state=seed)
                fitted = clone(model).fit(vectors[train], truth[train], [texts[i] for i in train])
                scores.append(evaluate(truth[test], fitted.predict(vectors[test], test_texts)))
            curve.append(
                {
                    "labels": n_labels,
                    "model": name.split(" (")[0].replace("supervised, ", ""),
                    "accuracy": round(float(np.mean([s["accuracy"] for s in scores])), 4),
                    "macro_f1": round(float(np.mean([s["macro_f1"] for s in scores])), 4),
                    "macro_f1_min": min(s["macro_f1"] for s in scores),
                    "macro_f1_max": max(s["macro_f1"] for s in scores),
                    "avoidable_P": round(float(np.mean([s["avoidable"]["precision"] for s in scores])), 4),
                    "avoidable_R": round(float(np.mean([s["avoidable"]["recall"] for s in scores])), 4),
                }
            )
    zs_test = evaluate(truth[test], zs.predict(vectors[test], test_texts))
    zero_row = {"labels": 0, "model": "zero-shot prototypes", "accuracy": zs_test["accuracy"]}
    zero_row.update(macro_f1=zs_test["macro_f1"], avoidable_P=zs_test["avoidable"]["precision"])
    curve.insert(0, {**zero_row, "avoidable_R": zs_test["avoidable"]["recall"]})

    sys.path.insert(0, str(ROOT / "tests"))
    from test_demand import HAND_LABELLED

    hand_texts, hand_truth = (list(x) for x in zip(*HAND_LABELLED, strict=True))
    hand = evaluate(hand_truth, zs.predict(get_embedder(args.model).encode(hand_texts), hand_texts))
    results[f"prototypes on the {len(hand_texts)} hand-written test notes"] = hand

    table = pd.DataFrame([row(k, v) for k, v in results.items()]).set_index("method")
    with pd.option_context("display.width", 250, "display.max_columns", None):
        print(table.T.to_string())
        print(f"\nlearning curve (held-out {len(test)} notes; 0 labels = zero-shot prototypes):")
        print(pd.DataFrame(curve).to_string(index=False))
    print(f"\nmachine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; model {args.model}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "curve": curve}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
