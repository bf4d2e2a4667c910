"""Value demand versus avoidable contact: what kind of call is each KCC note?

"Failure demand" is John Seddon's term for demand caused by a failure to do something, or to do
something right, for the customer (J. Seddon, *Freedom from Command and Control*, 2003); the
rest is value demand, the calls a service exists to handle. The UK National Indicator NI 14
"avoidable contact" (National Indicators for Local Authorities: Handbook of Definitions, first
release February 2008) counted such contacts per council, with examples "chasing the delivery
of a service, clarification of a document or e-mail which is badly worded, requesting
information that should be available on the council's website or ringing the wrong number".
We use those categories, plus repeat contact and the correction of the council's own errors:

=================  ==============================================================
``value``          a request the KCC exists for: an appointment, a report, a question
``clarification``  what does this letter or decision mean ("snap de aanslag niet")
``progress_chasing`` where is my case ("al 6 weken niets gehoord")
``repeat``         contact again about the same case ("belt opnieuw", "3e keer")
``wrong_channel``  wrong organisation or department, or it was on the website
``error_correction`` the municipality got something wrong ("dubbel afgeschreven")
=================  ==============================================================

Avoidable is every type but ``value``.

Two classifiers share one interface (``fit`` / ``predict`` / ``predict_proba`` on embeddings):

* :class:`PrototypeClassifier` (zero-shot, no labels). It is fitted on the embeddings of Dutch
  prototype phrases per type (``analyzer/data/demand_prototypes.toml``), written by hand for this
  project independently of the demo-data generator (``corpora/kcc_model.yaml``,
  ``corpora/kcc_notes.py``), so no generator phrase leaks into the evaluation. The score of a
  type is the mean of the ``top_k`` highest cosine similarities between the note and that type's
  prototypes (a nearest-neighbour vote that tolerates the spread of subjects within a type),
  plus ``cue_weight`` when one of the type's cue patterns (:data:`CUES`, Dutch phrases such as
  "al eerder gebeld") occurs in the note. The cue weight (0.2) is larger than the spread of the
  per-type similarities, so a cue decides and the similarity decides between several cues or
  when none matches. A note is avoidable only when its best avoidable score beats the value
  score by ``value_margin``; this biases towards value demand, the safe default for a ranking
  that blames letters. ``top_k``, the weight and the margin were chosen on 5,000 generated notes
  that are left out of the sample ``benchmarks/bench_demand.py`` reports on (see
  benchmarks/README.md, Demand, for what each part adds).
* :class:`DemandClassifier` (supervised): logistic regression on the embeddings plus the
  prototype scores and cue matches, trained on a KCC's own labels (``analyzer train-demand``);
  it replaces the zero-shot classifier as soon as the store holds one for the embedding model
  in use.

:func:`classify_calls` writes the type of every stored call (table ``call_demand``).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import pickle
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from analyzer.embed import CachedEmbedder, Embedder
from analyzer.errors import InputError
from analyzer.store import Store

log = logging.getLogger(__name__)

VALUE = "value"
AVOIDABLE_TYPES = ("clarification", "progress_chasing", "repeat", "wrong_channel", "error_correction")
DEMAND_TYPES = (VALUE, *AVOIDABLE_TYPES)
ZERO_SHOT_METHOD = "prototypes"

# Cue patterns per avoidable type, matched on the lower-cased note. Each is a phrase a KCC agent
# writes for that kind of contact; words that also occur in value demand ("uitleg", "wanneer")
# only count inside a longer phrase.
CUES: dict[str, tuple[str, ...]] = {
    "clarification": (
        r"\b(begrijp\w*|snap\w*)\b[^.?!]{0,40}\bniet\b",
        r"\bniet\b[^.?!]{0,15}\b(begrijp\w*|snap\w*)\b",
        r"\bwat (betekent|betekenen|bedoel\w*|houdt)\b",
        r"\bonduidelijk",
        r"\bwat (moet|hoef) (ik|hij|ze|zij)\b[^.?!]{0,20}\bmee\b",
        r"\bkomt? er niet uit\b",
    ),
    "progress_chasing": (
        r"\bnog (steeds |altijd )?(niets|niks|geen (reactie|bericht|antwoord|uitspraak|beslissing|besluit))\b",
        r"\bal \d+ (dagen|weken|maanden)\b",
        r"\bstand van zaken\b",
        r"\bhoe staat het\b",
        r"\bwaar blijft\b",
        r"\bwanneer (krijg|hoor|ontvang|kom) (ik|hij|ze|zij|we)\b",
        r"\bwacht(en)? (nog|al)\b",
        r"\bvoortgang\b",
    ),
    "repeat": (
        r"\b(belt|bel|bellen|gebeld) (opnieuw|weer|nogmaals|terug)\b",
        r"\b(opnieuw|weer|nogmaals) (gebeld|contact|bellen)\b",
        r"\bal (eerder|eens|vaker|meerdere keren)\b",
        r"\b(\d+e|tweede|derde|vierde) keer\b",
        r"\bvorige (week|keer|maand)\b[^.?!]{0,30}\b(gebeld|contact|gesprek)\b",
        r"\beerder(e)? (gebeld|contact|gesprek)\b",
    ),
    # Referral as such ("doorverbonden", "verwezen naar de website") is routine agent work after
    # any kind of call, so only a wrong address or another organisation counts as a cue.
    "wrong_channel": (
        r"\bverkeerde? (afdeling|nummer|gemeente|loket|instantie)\b",
        r"\bhad (dit |het )?(ook )?(zelf )?(online|via de website)\b",
        r"\bgeen (zaak voor de |)gemeente\w*\b",
        r"\bniet (voor|bij) de gemeente\b",
        r"\b(belastingdienst|uwv|svb|cjib|rdw|waterschap|duo|pensioenfonds|zorgverzekeraar)\b",
    ),
    "error_correction": (
        r"\bverkeerde?\b(?! (afdeling|nummer|gemeente|loket|instantie))",
        r"\bfout(e|ief|ieve)?\b",
        r"\bklopt niet\b",
        r"\bonterecht\w*\b",
        r"\bdubbel\w*\b",
        r"\btwee keer (afgeschreven|betaald|geïnd|ontvangen)\b",
        r"\bal betaald\b",
        r"\bniet verwerkt\b",
        r"\b(corrigeren|gecorrigeerd|correctie|rechtzetten|rechtgezet)\b",
    ),
}
_CUE_RE = {t: re.compile("|".join(f"(?:{p})" for p in ps)) for t, ps in CUES.items()}


def load_prototypes(path: str | Path | None = None) -> dict[str, list[str]]:
    """Prototype phrases per demand type (the packaged TOML file unless ``path`` is given)."""
    if path is None:
        text = resources.files("analyzer").joinpath("data/demand_prototypes.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    missing = [t for t in DEMAND_TYPES if not raw.get(t)]
    if missing or set(raw) - set(DEMAND_TYPES):
        raise ValueError(f"prototype file needs exactly the types {DEMAND_TYPES}; missing {missing}")
    return {t: [str(p) for p in raw[t]] for t in DEMAND_TYPES}


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """(n, len(DEMAND_TYPES)) 0/1 matrix: does a cue of the type occur in the note? Value has none."""
    out = np.zeros((len(texts), len(DEMAND_TYPES)), dtype=np.float32)
    for row, text in enumerate(texts):
        lowered = str(text).lower()
        for col, demand_type in enumerate(DEMAND_TYPES):
            pattern = _CUE_RE.get(demand_type)
            if pattern is not None and pattern.search(lowered):
                out[row, col] = 1.0
    return out


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = (scores - scores.max(axis=1, keepdims=True)) / temperature
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class PrototypeClassifier(BaseEstimator, ClassifierMixin):
    """Zero-shot demand types by similarity to prototype phrases (see the module docstring).

    ``fit(prototype_vectors, prototype_types)`` only stores the prototypes; ``texts`` passed to
    ``predict``/``predict_proba`` switch the cue patterns on. ``predict_proba`` is a softmax of
    the scores at ``temperature``: a ranking of the types, not a calibrated probability.
    """

    def __init__(self, top_k: int = 5, cue_weight: float = 0.2, value_margin: float = 0.06, temperature: float = 0.05):
        self.top_k = top_k
        self.cue_weight = cue_weight
        self.value_margin = value_margin
        self.temperature = temperature

    def fit(self, prototype_vectors: np.ndarray, prototype_types: Sequence[str]) -> PrototypeClassifier:
        types = np.asarray(prototype_types, dtype=object)
        unknown = set(types) - set(DEMAND_TYPES)
        if unknown or len(types) != len(prototype_vectors):
            raise ValueError(f"prototype types must be one of {DEMAND_TYPES}, one per vector; got {unknown}")
        self.classes_ = np.array([t for t in DEMAND_TYPES if t in set(types)], dtype=object)
        self.prototype_vectors_ = np.asarray(prototype_vectors, dtype=np.float32)
        self.prototype_types_ = types
        return self

    def similarity_scores(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, n_classes) mean of the top-k cosine similarities to each type's prototypes."""
        check_is_fitted(self, "prototype_vectors_")
        sims = np.asarray(embeddings, dtype=np.float32) @ self.prototype_vectors_.T
        out = np.empty((len(sims), len(self.classes_)), dtype=np.float32)
        for col, demand_type in enumerate(self.classes_):
            block = sims[:, self.prototype_types_ == demand_type]
            k = min(self.top_k, block.shape[1])
            out[:, col] = np.sort(block, axis=1)[:, -k:].mean(axis=1) if len(block) else 0.0
        return out

    def decision_function(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Similarity plus cue bonus per type; value gets the margin so ties go to value."""
        scores = self.similarity_scores(embeddings)
        if texts is not None:
            if len(texts) != len(scores):
                raise ValueError("texts and embeddings must have the same length")
            cues = cue_matrix(texts)[:, [DEMAND_TYPES.index(t) for t in self.classes_]]
            scores = scores + self.cue_weight * cues
        value_col = list(self.classes_).index(VALUE) if VALUE in self.classes_ else None
        if value_col is not None:
            scores[:, value_col] += self.value_margin
        return scores

    def predict_proba(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        return _softmax(self.decision_function(embeddings, texts), self.temperature)

    def predict(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(embeddings, texts), axis=1)]


def zero_shot_classifier(embedder: Embedder, prototypes: dict[str, list[str]] | None = None) -> PrototypeClassifier:
    """A :class:`PrototypeClassifier` fitted on the packaged prototypes embedded by ``embedder``."""
    prototypes = prototypes or load_prototypes()
    phrases = [p for t in DEMAND_TYPES for p in prototypes.get(t, [])]
    types = [t for t in DEMAND_TYPES for _ in prototypes.get(t, [])]
    return PrototypeClassifier().fit(embedder.encode(phrases), types)


class DemandClassifier(BaseEstimator, ClassifierMixin):
    """Supervised demand types: logistic regression on embeddings, prototype scores and cues.

    With ``prototype_vectors``/``prototype_types`` (the embedded prototype phrases, see
    :func:`zero_shot_classifier`), the per-type prototype similarities of a
    :class:`PrototypeClassifier` are appended to the embedding as features; with ``use_cues``
    and ``texts`` passed to ``fit``, so are the 0/1 cue matches (:func:`cue_matrix`). Both carry
    the prior knowledge of the zero-shot method into small label sets (benchmarks/README.md,
    Demand). A model fitted with cues needs ``texts`` to predict. ``class_weight="balanced"``
    keeps rare types visible. Plain arrays as settings keep the estimator cloneable.
    """

    def __init__(
        self,
        C: float = 1.0,
        prototype_vectors: np.ndarray | None = None,
        prototype_types: Sequence[str] | None = None,
        use_cues: bool = True,
        class_weight: str | None = "balanced",
    ):
        self.C = C
        self.prototype_vectors = prototype_vectors
        self.prototype_types = prototype_types
        self.use_cues = use_cues
        self.class_weight = class_weight

    def _features(self, embeddings: np.ndarray, texts: Sequence[str] | None) -> np.ndarray:
        parts = [np.asarray(embeddings, dtype=np.float32)]
        if self.prototypes_ is not None:
            parts.append(self.prototypes_.similarity_scores(parts[0]))
        if self.cues_:
            if texts is None or len(texts) != len(parts[0]):
                raise ValueError("this model uses cue features: pass the texts, one per embedding")
            parts.append(cue_matrix(texts))
        return np.hstack(parts) if len(parts) > 1 else parts[0]

    def fit(
        self, embeddings: np.ndarray, labels: Sequence[str], texts: Sequence[str] | None = None
    ) -> DemandClassifier:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        labels = np.asarray(labels, dtype=object)
        unknown = set(labels) - set(DEMAND_TYPES)
        if unknown:
            raise ValueError(f"unknown demand types {sorted(unknown)}")
        self.prototypes_ = None
        if self.prototype_vectors is not None:
            self.prototypes_ = PrototypeClassifier().fit(self.prototype_vectors, self.prototype_types or [])
        self.cues_ = bool(self.use_cues and texts is not None)
        self.model_ = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        ).fit(self._features(embeddings, texts), labels)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._features(embeddings, texts))

    def predict(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(embeddings, texts), axis=1)]

    def to_bytes(self) -> bytes:
        check_is_fitted(self, "model_")
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def from_bytes(blob: bytes) -> DemandClassifier:
        """Unpickle a stored model. Only load blobs from your own store: pickle runs code."""
        model = pickle.load(io.BytesIO(blob))  # our own store's bytes (see docstring)
        if not isinstance(model, DemandClassifier):
            raise TypeError(f"stored demand model is a {type(model).__name__}")
        return model


# --------------------------------------------------------------------------- metrics


def evaluate(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    """Accuracy, macro-F1, per-type precision/recall/support, avoidable-vs-value precision/recall."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    truth, predicted = np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object)
    types = [t for t in DEMAND_TYPES if t in set(truth) | set(predicted)]
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=types, zero_division=0)
    is_av, pred_av = truth != VALUE, predicted != VALUE
    tp = int((is_av & pred_av).sum())
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=types, average="macro", zero_division=0)), 4),
        "per_type": {
            t: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, t in enumerate(types)
        },
        "avoidable": {
            "precision": round(tp / max(int(pred_av.sum()), 1), 4),
            "recall": round(tp / max(int(is_av.sum()), 1), 4),
            "true_share": round(float(is_av.mean()), 4) if len(truth) else 0.0,
            "predicted_share": round(float(pred_av.mean()), 4) if len(truth) else 0.0,
        },
    }


def cross_validate(
    model: DemandClassifier, embeddings: np.ndarray, labels: Sequence[str], texts: Sequence[str], folds: int = 5
) -> np.ndarray:
    """Out-of-fold predictions of ``model`` (stratified, shuffled with a fixed seed)."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels, dtype=object)
    texts = list(texts)
    out = np.empty(len(y), dtype=object)
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(embeddings, y):
        fitted = clone(model).fit(embeddings[train], y[train], [texts[i] for i in train])
        out[test] = fitted.predict(embeddings[test], [texts[i] for i in test])
    return out


# --------------------------------------------------------------------------- labels


@dataclass
class LabelFile:
    """The usable rows of a labels file and the reasons the others were skipped."""

    path: Path
    labels: pd.DataFrame  # call_id, demand_type
    problems: list[str] = field(default_factory=list)
    rows_in: int = 0

    def reconciles(self) -> bool:
        return self.rows_in == len(self.labels) + len(self.problems)


_TYPE_ALIASES = {t.replace("_", ""): t for t in DEMAND_TYPES}


def read_labels(path: str | Path, known_call_ids: set[str]) -> LabelFile:
    """Read ``call_id, demand_type`` (CSV/XLSX/JSON lines). Bad rows are reported and skipped."""
    from analyzer.ingest.tables import read_table

    table = read_table(path)
    frame = table.frame
    for column in ("call_id", "demand_type"):
        if column not in frame.columns:
            present = ", ".join(str(c) for c in frame.columns if c != "_row")
            raise InputError(f"{path}: kolom '{column}' ontbreekt (gevonden: {present})")
    result = LabelFile(Path(path), pd.DataFrame(columns=["call_id", "demand_type"]), rows_in=table.rows_in)
    for row_no, reason, _ in table.broken:
        result.problems.append(f"{path}, rij {row_no}: {reason}")
    seen: dict[str, int] = {}
    kept: list[tuple[str, str]] = []
    for call_id, raw_type, row_no in zip(frame["call_id"], frame["demand_type"], frame["_row"]):
        call_id = "" if call_id is None or pd.isna(call_id) else str(call_id).strip()
        raw = "" if raw_type is None or pd.isna(raw_type) else str(raw_type).strip()
        demand_type = _TYPE_ALIASES.get(re.sub(r"[\s_-]+", "", raw.lower()))
        where = f"{path}, rij {row_no}"
        if not call_id:
            result.problems.append(f"{where}, kolom call_id: leeg")
        elif call_id not in known_call_ids:
            result.problems.append(f"{where}, kolom call_id: gesprek '{call_id}' staat niet in de opslag")
        elif demand_type is None:
            result.problems.append(
                f"{where}, kolom demand_type: onbekend type '{raw}' (toegestaan: {', '.join(DEMAND_TYPES)})"
            )
        elif call_id in seen:
            result.problems.append(f"{where}, kolom call_id: '{call_id}' staat al in rij {seen[call_id]}")
        else:
            seen[call_id] = int(row_no)
            kept.append((call_id, demand_type))
    result.labels = pd.DataFrame(kept, columns=["call_id", "demand_type"])
    assert result.reconciles(), (result.rows_in, len(result.labels), len(result.problems))
    return result


# --------------------------------------------------------------------------- store-level steps


@dataclass
class TrainResult:
    model_id: str
    n_labels: int
    metrics: dict
    problems: list[str]
    rows_in: int


def _call_texts(store: Store, call_ids: Sequence[str] | None = None) -> pd.DataFrame:
    frame = store.con.execute("SELECT call_id, text FROM calls ORDER BY call_id").df()
    if call_ids is not None:
        frame = frame.set_index("call_id").loc[list(call_ids)].reset_index()
    return frame


def _cached(embedder: Embedder, store: Store) -> Embedder:
    return embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder, store)


def analysis_embedding_model(store: Store) -> str:
    """The embedding model of the store's newest completed analysis (else the default setting).

    A model trained on other vectors than ``analyzer analyze`` uses would never be picked up.
    """
    from analyzer.settings import Settings

    rows = store.con.execute(
        "SELECT settings_json FROM runs WHERE command = 'analyze' AND status = 'completed' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()
    if rows and rows[0][0]:
        name = json.loads(rows[0][0]).get("embedding_model")
        if name:
            return str(name)
    return Settings().embedding_model


def train_demand(store: Store, embedder: Embedder, labels_path: str | Path, folds: int = 5) -> TrainResult:
    """Train a :class:`DemandClassifier` on a labels file, cross-validate it and store it."""
    known = set(store.con.execute("SELECT call_id FROM calls").df()["call_id"])
    labelled = read_labels(labels_path, known)
    counts = labelled.labels["demand_type"].value_counts()
    if len(counts) < 2:
        raise InputError(
            f"{labels_path}: minstens twee verschillende types nodig om te trainen "
            f"(bruikbare regels: {len(labelled.labels)}, overgeslagen: {len(labelled.problems)})"
        )
    calls = _call_texts(store, labelled.labels["call_id"].tolist())
    cached = _cached(embedder, store)
    vectors = cached.encode(calls["text"].tolist())
    y = labelled.labels["demand_type"].to_numpy(dtype=object)
    prototypes = zero_shot_classifier(cached)
    model = DemandClassifier(
        prototype_vectors=prototypes.prototype_vectors_, prototype_types=list(prototypes.prototype_types_)
    )
    metrics: dict = {"n_labels": len(y), "label_counts": {str(k): int(v) for k, v in counts.items()}}
    n_splits = min(folds, int(counts.min()))
    texts = calls["text"].tolist()
    if n_splits >= 2:
        predicted = cross_validate(model, vectors, y, texts, n_splits)
        metrics["cross_validation"] = {"folds": n_splits, **evaluate(y, predicted)}
    else:
        metrics["cross_validation"] = None
        metrics["note"] = "te weinig labels per type voor kruisvalidatie (minstens 2 per type)"
    metrics["zero_shot_on_labels"] = evaluate(y, prototypes.predict(vectors, texts))
    model.fit(vectors, y, texts)
    digest = hashlib.sha256("\n".join(f"{c}\t{t}" for c, t in labelled.labels.itertuples(index=False)).encode())
    model_id = f"lr-{datetime.now():%Y%m%dT%H%M%S}-{digest.hexdigest()[:8]}"
    store.save_demand_model(model_id, cached.model_id, len(y), metrics, model.to_bytes())
    return TrainResult(model_id, len(y), metrics, labelled.problems, labelled.rows_in)


def load_demand_model(store: Store, embedding_model: str) -> tuple[str, DemandClassifier] | None:
    """The newest stored classifier for this embedding model, or None (also when it cannot be read)."""
    found = store.latest_demand_model(embedding_model)
    if found is None:
        return None
    model_id, _, blob = found
    try:
        return model_id, DemandClassifier.from_bytes(blob)
    except Exception as exc:  # noqa: BLE001 — an old or foreign pickle must not stop an analysis
        log.warning("Opgeslagen vraagmodel %s is niet te lezen (%s); de prototypes worden gebruikt.", model_id, exc)
        return None


def classify_calls(store: Store, embedder: Embedder, run_id: int | None = None, chunk: int = 20_000) -> pd.DataFrame:
    """Give every stored call a demand type and write table ``call_demand``; returns that frame.

    Uses the newest trained model for ``embedder.model_id`` if the store has one (method
    ``model:<id>``), else the zero-shot prototypes (method ``prototypes``). Embeddings come from
    the store's cache; calls are processed in chunks so memory stays flat on large stores.
    ``run_id`` defaults to the newest run in the store.
    """
    cached = _cached(embedder, store)
    loaded = load_demand_model(store, cached.model_id)
    if loaded is not None:
        model_id, classifier = loaded
        method = f"model:{model_id}"
    else:
        classifier, method = zero_shot_classifier(cached), ZERO_SHOT_METHOD
    calls = _call_texts(store)
    parts = []
    for start in range(0, len(calls), chunk):
        part = calls.iloc[start : start + chunk]
        texts = part["text"].tolist()
        proba = classifier.predict_proba(cached.encode(texts), texts)
        best = proba.argmax(axis=1)
        types = classifier.classes_[best]
        parts.append(
            pd.DataFrame(
                {
                    "call_id": part["call_id"].to_numpy(),
                    "demand_type": types,
                    "avoidable": types != VALUE,
                    "confidence": proba[np.arange(len(best)), best].round(4),
                    "method": method,
                }
            )
        )
    columns = ["call_id", "demand_type", "avoidable", "confidence", "method"]
    demand = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    if run_id is None:
        run_id = int(store.con.execute("SELECT coalesce(max(run_id), 0) FROM runs").fetchall()[0][0])
    store.replace_demand(demand, run_id)
    return demand
