"""Topics in call notes: which subjects people call about, with stable ids across runs and days.

:class:`TopicModel` follows scikit-learn's contract (settings in ``__init__``, ``fit`` returns
self, learned attributes end in ``_``) and takes precomputed embeddings (analyzer.embed: float32,
L2-normalised rows). Its steps are objects with ``fit``: a representation (the embeddings plus a
character n-gram view of the text, :class:`CharNgramView`; dimension reduction goes here too), a
clusterer (anything that sets ``labels_``; ``parent_labels_`` adds coarse topics) and a labeller
(analyzer.topic_labels). How it avoids BERTopic's known problems:

* every note gets a topic (nearest centroid); doubtful ones are flagged ``low_confidence`` instead
  of going to an outlier topic;
* the sample it clusters is chosen by a hash of each embedding and ordered by that hash, and all
  seeds are fixed, so shuffling the input rows or running twice gives the same topics;
* the notes it was fitted on get their topics from the same nearest-centroid rule as
  :meth:`TopicModel.transform`, so fit and transform agree;
* it clusters a sample (``sample_size``) and assigns the rest in chunks, so memory grows with the
  sample, not with the number of notes.

Ids stay stable: a new fit matches its topics to the previous run's (Hungarian matching on
centroid cosine, ``match_threshold``); manual labels and merges refer to those ids and are
applied after matching, so they survive re-runs. The method and its settings were chosen by
measurement: see benchmarks/README.md, section "Topics".
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analyzer.errors import InputError
from analyzer.topic_labels import COARSE, FINE, CtfidfLabeller, TopicRows, build_topics_table, final_topic_ids

ASSIGNMENT_COLUMNS = ["call_id", "topic_id", "confidence", "low_confidence"]
# Blocks computed at once by blockwise: each holds a block of products (the kNN graph of a 20,000-note
# sample: 2,048 x 20,000 floats, 164 MB), so a many-core machine would otherwise multiply that memory.
MAX_BLOCK_WORKERS = 4


# --------------------------------------------------------------------------- building blocks


def check_embeddings(embeddings: np.ndarray, n_rows: int | None = None) -> np.ndarray:
    """The embeddings as a 2-D float32 array (no copy when they already are); checks unit rows."""
    X = np.asarray(embeddings)
    if X.ndim != 2 or (n_rows is not None and X.shape[0] != n_rows):
        raise ValueError(f"embeddings must be a 2-D array with one row per note, got shape {X.shape}")
    if X.dtype != np.float32:
        X = X.astype(np.float32)
    norms = np.linalg.norm(X[:: max(1, len(X) // 1000)], axis=1)
    if not np.all((np.abs(norms - 1) < 1e-3) | (norms == 0)):
        raise ValueError("embeddings must be L2-normalised rows (see analyzer.embed.l2_normalise)")
    return X


def normalise_rows(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (X / norms).astype(np.float32, copy=False)


def row_keys(X: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """A 64-bit hash of each row's bytes: the order-free identity used to sample and to sort (in
    small chunks: their uint64 products stay in the CPU cache, 20x faster than 65,536-row chunks)."""
    mult = np.random.default_rng(20_240_601).integers(1, 2**63, size=X.shape[1], dtype=np.uint64) | np.uint64(1)
    out = np.empty(len(X), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(X), chunk):
            bits = np.ascontiguousarray(X[start : start + chunk]).view(np.uint32).astype(np.uint64)
            h = (bits * mult).sum(axis=1, dtype=np.uint64)
            h ^= h >> np.uint64(31)  # splitmix64 finaliser
            h *= np.uint64(0x7FB5D329728EA185)
            h ^= h >> np.uint64(27)
            h *= np.uint64(0x81DADEF4BC2DD44D)
            out[start : start + chunk] = h ^ (h >> np.uint64(33))
    return out


def blockwise(n: int, chunk: int, work: Callable[[int, int], None]) -> None:
    """Call ``work(start, stop)`` for each block of ``chunk`` rows, the blocks spread over the cores
    and each block's matrix products on one BLAS thread.

    A product's last float digits depend on how BLAS splits it over threads; computed one block per
    thread, a block's products are the same with one core or sixteen, so the results (and the topics
    built on them) do not depend on the number of threads (benchmarks/README.md, "Same topics with
    any number of threads"), while float32 keeps its speed."""
    from concurrent.futures import ThreadPoolExecutor

    starts = range(0, n, chunk)
    workers = max(1, min(len(starts), _cores(), MAX_BLOCK_WORKERS))
    with threadpool_limits(1):
        if workers == 1:
            for start in starts:
                work(start, min(start + chunk, n))
            return
        with ThreadPoolExecutor(workers) as pool:
            for done in [pool.submit(work, start, min(start + chunk, n)) for start in starts]:
                done.result()


def _cores() -> int:
    """Threads for :func:`blockwise`: the BLAS thread limit in force (1 under threadpool_limits(1))."""
    from threadpoolctl import threadpool_info

    limits = [int(pool.get("num_threads", 1)) for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return max(1, min(limits)) if limits else 1


def knn_graph(X: np.ndarray, n_neighbors: int = 15, chunk: int = 2048) -> sparse.csr_matrix:
    """Symmetric k-nearest-neighbour graph weighted by cosine similarity (exact, in row chunks).

    The similarities are float32 products computed by :func:`blockwise`, so the graph is the same
    with any number of threads (before, BLAS's own threading changed near-tied neighbours and so the
    topics: 536 or 538 on the demo corpus with one or two threads)."""
    n = len(X)
    k = max(1, min(n_neighbors, n - 1))
    X32 = np.ascontiguousarray(X, dtype=np.float32)
    cols = np.empty((n, k), dtype=np.int64)
    sims = np.empty((n, k), dtype=np.float32)

    def work(start: int, stop: int) -> None:
        block = X32[start:stop] @ X32.T
        block[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        np.negative(block, out=block)  # in place: a second block-sized array costs more than the sort
        idx = np.argpartition(block, k - 1, axis=1)[:, :k]
        cols[start:stop] = idx
        sims[start:stop] = -np.take_along_axis(block, idx, axis=1)

    blockwise(n, chunk, work)
    weights = np.clip(sims.ravel(), 1e-3, None)
    graph = sparse.csr_matrix((weights, (np.repeat(np.arange(n), k), cols.ravel())), shape=(n, n))
    return graph.maximum(graph.T).tocsr()


class CharNgramView(BaseEstimator):
    """The embeddings side by side with a character n-gram view of the text (the default representation).

    TF-IDF over character 2-4-grams within words, reduced by LSA to ``n_components`` dimensions,
    L2-normalised, weighted by ``weight`` and appended to the embedding; the result is
    L2-normalised again. Catches the spelling, abbreviations and fixed phrases of short notes that
    a sentence encoder smooths away (+5.7 NMI on Banking77 with USE; benchmarks/README.md).
    """

    needs_text = True

    def __init__(self, weight: float = 0.7, n_components: int = 128, random_state: int = 0) -> None:
        self.weight = weight
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> CharNgramView:
        self._fit_counts(texts)
        return self

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """``fit`` then ``transform`` on the same texts, counting their n-grams once (same result)."""
        counts = self._fit_counts(texts)
        return self._join(embeddings, counts)

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """The representation of each row; a text that repeats (notes do) is counted and projected
        once, which gives the same rows: each row's view depends on its own text only."""
        check_is_fitted(self, "tfidf_")
        if self.tfidf_ is None or self.svd_ is None:
            return embeddings
        first: dict[str, int] = {}
        codes = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
        return self._join(embeddings, self._weights(list(first)), codes)

    def _weights(self, texts: list[str]) -> sparse.csr_matrix:
        """``tfidf_.transform(texts)``, with each word's n-grams found once rather than once per text.

        The fitted vectorizer's analyzer splits a lower-cased text on white space and takes the
        n-grams of each word on its own (``char_wb``), so a text's counts are the sum of its words'
        counts. Notes repeat the same few thousand words, and building the n-grams in Python was
        most of the time (100,000 demo notes: 6 s); per distinct word it is a fraction of that. The
        counts are the same as the vectorizer's and go through its own TF-IDF step
        (tests/test_topics.py compares the two)."""
        vocabulary = self.tfidf_.vocabulary_
        analyze = self.tfidf_.build_analyzer()
        ids_of: dict[str, np.ndarray] = {}
        parts: list[np.ndarray] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                ids = ids_of.get(word)
                if ids is None:
                    grams = (vocabulary.get(g) for g in analyze(word))
                    ids = ids_of[word] = np.fromiter((i for i in grams if i is not None), dtype=np.int32)
                parts.append(ids)
                lengths[row] += len(ids)
        indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        counts = sparse.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(texts), len(vocabulary)), dtype=np.float64
        )
        counts.sum_duplicates()
        return self.tfidf_._tfidf.transform(counts, copy=False)

    def _fit_counts(self, texts: Sequence[str]) -> sparse.csr_matrix | None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.svd_ = None
        self.tfidf_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2)
        try:
            counts = self.tfidf_.fit_transform(texts)
        except ValueError:  # too few texts for min_df=2, or no characters at all
            self.tfidf_.set_params(min_df=1)
            try:
                counts = self.tfidf_.fit_transform(texts)
            except ValueError:
                self.tfidf_ = None
                return None
        n = min(self.n_components, counts.shape[0] - 1, counts.shape[1] - 1)
        # One BLAS thread: the randomized SVD's last digits (and, where the texts span fewer dimensions
        # than n_components, its spare components) depend on how many threads BLAS uses, and with them
        # the topics; single-threaded, a machine with more cores finds the same topics (benchmarks/README.md).
        with warnings.catch_warnings(), threadpool_limits(1):  # degenerate text (all alike) gives a harmless 0/0
            warnings.simplefilter("ignore", RuntimeWarning)
            self.svd_ = TruncatedSVD(n, random_state=self.random_state).fit(counts) if n >= 1 else None
        return counts

    def _join(
        self, embeddings: np.ndarray, counts: sparse.csr_matrix | None, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """The embeddings with the view of ``counts`` appended (``rows``: the counts row of each
        embedding row, when the counts are of distinct texts only)."""
        if counts is None or self.svd_ is None:
            return embeddings
        view = normalise_rows(self.svd_.transform(counts))
        return normalise_rows(np.hstack([embeddings, self.weight * (view if rows is None else view[rows])]))


class Reduced(BaseEstimator):
    """A dimension reducer (anything with ``fit``/``transform``, e.g. PCA) as a representation step."""

    def __init__(self, reducer: Any) -> None:
        self.reducer = reducer

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> Reduced:
        self.reducer_ = clone(self.reducer).fit(embeddings)
        return self

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        return normalise_rows(self.reducer_.transform(embeddings))


class GraphTopics(BaseEstimator):
    """Two-level topics from communities of the k-nearest-neighbour graph (the default clusterer).

    Topics (``labels_``): the Louvain communities of the cosine kNN graph, each split once more
    by Louvain on its own subgraph when that split reaches a modularity of
    ``min_split_modularity``. The number of topics follows from the data. With ``n_clusters``
    set, the topics found are merged to exactly that many (average cosine linkage of their
    centroids; Ward on the kNN graph when fewer were found).

    Themes (``parent_labels_``, the coarse level): Louvain on the graph *of topics*, whose edge
    weights are the kNN edges between their notes, at ``theme_resolution``. Related questions
    (objecting to a WOZ value, asking for the valuation report) are separate topics but one
    theme. Measured on the demo corpus (20,000-call sample): themes on the topic graph keep 49%
    (resolution 1.0) or 62% (0.5, the default; 46 themes, the largest with 27% of the calls) of a
    letter's calls in one theme, against 28% for the communities of the note graph (144).
    The topic graph is small (hundreds of nodes) and its Louvain partition depends on the order
    the nodes are visited in (on a 12,000-call demo corpus the largest theme held 32-37% of the
    calls over ten orders), so themes take the best of ``theme_restarts`` orders by modularity.
    Deterministic for a given row order (fixed seeds).
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        n_neighbors: int = 15,
        min_split_modularity: float = 0.3,
        theme_resolution: float = 0.5,
        theme_restarts: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.n_neighbors = n_neighbors
        self.min_split_modularity = min_split_modularity
        self.theme_resolution = theme_resolution
        self.theme_restarts = theme_restarts
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: Any = None) -> GraphTopics:
        n = len(X)
        if n < 3:
            self.labels_ = self.parent_labels_ = np.zeros(n, dtype=np.int64)
            return self
        graph = knn_graph(X, self.n_neighbors)
        fine: list[list[int]] = []
        for community in self._louvain(graph):
            parts = [community]
            if len(community) >= 2 * max(3, self.n_neighbors):
                nodes = np.asarray(community)
                split = [nodes[part].tolist() for part in self._louvain(graph[nodes][:, nodes])]
                if len(split) > 1 and modularity(graph, community, split) >= self.min_split_modularity:
                    parts = split
            fine.extend(parts)
        self.labels_ = _labels_from_communities(fine, n)
        if self.n_clusters is not None:
            self.labels_ = self._to_k(X, graph, self.labels_, max(1, min(self.n_clusters, n)))
        self.parent_labels_ = self._themes(graph, self.labels_)
        return self

    def _themes(self, graph: sparse.csr_matrix, labels: np.ndarray) -> np.ndarray:
        """Theme of every note: Louvain communities of the topic graph (see the class docstring)."""
        k = int(labels.max()) + 1
        member = sparse.csr_matrix((np.ones(len(labels)), (np.arange(len(labels)), labels)), shape=(len(labels), k))
        between = (member.T @ graph @ member).tocsr()
        between.setdiag(0)  # edges inside a topic left out
        between.eliminate_zeros()
        themes = _labels_from_communities(self._louvain(between, self.theme_resolution, self.theme_restarts), k)
        return themes[labels]

    @staticmethod
    def _to_k(X: np.ndarray, graph: sparse.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
        """Exactly k topics: merge the found ones by average cosine linkage of their centroids, or,
        when fewer were found, Ward clustering constrained to the kNN graph."""
        from sklearn.cluster import AgglomerativeClustering

        found = int(labels.max()) + 1
        if found == k:
            return labels
        with warnings.catch_warnings():  # a disconnected graph is completed by sklearn, as intended
            warnings.simplefilter("ignore", UserWarning)
            if found < k:
                ward = AgglomerativeClustering(n_clusters=k, linkage="ward", connectivity=graph)
                return ward.fit_predict(X).astype(np.int64)
            centroids = normalise_rows(np.stack([X[labels == i].sum(axis=0) for i in range(found)]))
            merge = AgglomerativeClustering(n_clusters=k, linkage="average", metric="cosine").fit_predict(centroids)
        return merge[labels].astype(np.int64)

    def _louvain(self, graph: sparse.csr_matrix, resolution: float = 1.0, restarts: int = 1) -> list[list[int]]:
        """Louvain communities of a weighted graph (scikit-network's compiled implementation), each as
        sorted rows, by first row. The first run visits the nodes in row order; ``restarts`` > 1 adds
        runs in shuffled orders (seeds from ``random_state``) and keeps the partition of highest
        modularity, the first on ties. Deterministic either way."""
        from sknetwork.clustering import Louvain

        if graph.shape[0] == 0:
            return []
        if graph.nnz == 0:
            return [[i] for i in range(graph.shape[0])]
        nodes = np.arange(graph.shape[0])
        best: list[list[int]] = []
        best_q = -np.inf
        for run in range(max(1, restarts)):
            louvain = Louvain(resolution=resolution, shuffle_nodes=run > 0, random_state=self.random_state + run)
            labels = louvain.fit_predict(graph)
            order = np.argsort(labels, kind="stable")
            bounds = np.flatnonzero(np.diff(labels[order])) + 1
            parts = sorted((part.tolist() for part in np.split(order, bounds)), key=lambda c: c[0])
            q = modularity(graph, nodes, parts, resolution) if restarts > 1 else 0.0
            if q > best_q + 1e-12:
                best, best_q = parts, q
        return best


def modularity(
    graph: sparse.csr_matrix, nodes: Sequence[int], communities: Sequence[Sequence[int]], resolution: float = 1.0
) -> float:
    """Newman's weighted modularity of ``communities`` in the subgraph of ``graph`` on ``nodes`` (the
    value networkx.community.modularity gives, computed on the sparse matrix)."""
    nodes = np.asarray(nodes, dtype=np.int64)
    sub = graph[nodes][:, nodes].astype(np.float64)
    local = {int(v): i for i, v in enumerate(nodes)}
    member = np.empty(len(nodes), dtype=np.int64)
    for c, community in enumerate(communities):
        member[[local[int(v)] for v in community]] = c
    degree = np.asarray(sub.sum(axis=1)).ravel()
    two_m = float(degree.sum())
    if two_m <= 0:
        return 0.0
    coo = sub.tocoo()
    inside = float(coo.data[member[coo.row] == member[coo.col]].sum())
    totals = np.bincount(member, weights=degree)
    return inside / two_m - resolution * float((totals**2).sum()) / two_m**2


def _labels_from_communities(communities: Sequence[Sequence[int]], n: int) -> np.ndarray:
    labels = np.zeros(n, dtype=np.int64)
    for i, members in enumerate(communities):
        labels[list(members)] = i
    return labels


def match_topics(centroids: np.ndarray, previous: np.ndarray, threshold: float) -> np.ndarray:
    """For each new centroid the row of the previous centroid it continues, or -1.

    One-to-one (Hungarian matching on cosine similarity); a pair below ``threshold`` is no match.
    """
    match = np.full(len(centroids), -1, dtype=np.int64)
    if len(centroids) == 0 or len(previous) == 0:
        return match
    sim = centroids @ previous.T
    rows, cols = linear_sum_assignment(-sim)
    ok = sim[rows, cols] >= threshold
    match[rows[ok]] = cols[ok]
    return match


# --------------------------------------------------------------------------- the model


class TopicModel(BaseEstimator):
    """Topics of call notes from their embeddings; see the module docstring.

    Settings:
        k: force this many topics; ``None`` finds the number in the data.
        representation: object with ``fit(texts, X)``/``transform(texts, X)`` giving the vectors
            that are clustered; default :class:`CharNgramView`; ``"embeddings"`` uses X as it is.
        clusterer: object with ``fit(X)`` setting ``labels_`` (optionally ``parent_labels_``);
            default :class:`GraphTopics`. Negative labels (outliers) are reassigned, never kept.
        labeller: default :class:`~analyzer.topic_labels.CtfidfLabeller`.
        sample_size: notes clustered at most; all notes are then assigned to the nearest centroid.
        min_topic_size: smaller clusters of the sample are dissolved into their neighbours.
        refine_iter: spherical k-means steps on the sample after clustering.
        temperature: softmax temperature that turns cosine similarities into a confidence.
        min_confidence: below this confidence a note is flagged ``low_confidence``.
        floor_quantile: a note less similar to its topic than this quantile of the topic's sample
            members is flagged ``low_confidence`` too (and may start a new topic in partial_fit).
        match_threshold: centroid cosine needed to continue a previous topic's id.
        previous: the previous run's topics (:meth:`topics_frame`, as stored).
        renames: manual labels ``{topic_id: label}``; merges: ``[(source, target)]`` topic ids.
        label_sample_size: notes per topic used for its keywords.
        chunk_size: rows assigned per block (bounds the memory of transform).

    Learned: ``topics_`` (the topics table), ``labels_``/``confidence_``/``low_confidence_`` of the
    notes last fitted, ``centroids_`` (in the clustered space), ``row_topic_ids_``.
    """

    def __init__(
        self,
        k: int | None = None,
        *,
        representation: Any = None,
        clusterer: Any = None,
        labeller: Any = None,
        sample_size: int = 20_000,
        min_topic_size: int = 5,
        refine_iter: int = 2,
        temperature: float = 0.03,
        min_confidence: float = 0.5,
        floor_quantile: float = 0.05,
        match_threshold: float = 0.85,
        previous: pd.DataFrame | None = None,
        renames: Mapping[int, str] | None = None,
        merges: Sequence[tuple[int, int]] | None = None,
        label_sample_size: int = 200,
        chunk_size: int = 16_384,
        random_state: int = 0,
    ) -> None:
        self.k = k
        self.representation = representation
        self.clusterer = clusterer
        self.labeller = labeller
        self.sample_size = sample_size
        self.min_topic_size = min_topic_size
        self.refine_iter = refine_iter
        self.temperature = temperature
        self.min_confidence = min_confidence
        self.floor_quantile = floor_quantile
        self.match_threshold = match_threshold
        self.previous = previous
        self.renames = renames
        self.merges = merges
        self.label_sample_size = label_sample_size
        self.chunk_size = chunk_size
        self.random_state = random_state

    # ----------------------------------------------------------------- learning

    def fit(self, notes: pd.DataFrame | Sequence[str], embeddings: np.ndarray) -> TopicModel:
        """Find the topics of these notes (a ``text`` column or strings; ``timestamp`` optional; an
        optional ``subject`` column, analyzer.notes.subject_text, is clustered and labelled instead)."""
        texts, shown, stamps = _read_notes(notes)
        X = check_embeddings(embeddings, len(texts))
        if len(X) == 0:
            raise InputError("geen notities om onderwerpen in te vinden")
        keys = row_keys(X)
        sample = _sample(keys, self.sample_size)
        sample_texts = [texts[i] for i in sample]
        rep = CharNgramView(random_state=self.random_state) if self.representation is None else self.representation
        if isinstance(rep, str):
            self.representation_, Xs = None, X[sample]
        else:
            self.representation_ = clone(rep)
            if hasattr(self.representation_, "fit_transform"):
                Xs = self.representation_.fit_transform(sample_texts, X[sample])
            else:
                Xs = self.representation_.fit(sample_texts, X[sample]).transform(sample_texts, X[sample])
        clusterer = self._clusterer(self.k).fit(Xs)
        parents = getattr(clusterer, "parent_labels_", None)
        centroids = self._centroids(Xs, np.asarray(clusterer.labels_, dtype=np.int64), forced=self.k is not None)
        rows, _, sims = _assign(Xs, centroids, self.temperature, self.chunk_size)
        counts = np.bincount(rows, minlength=len(centroids))
        order = np.lexsort((row_keys(centroids), -counts))  # big topics first; ties by content
        rank = np.argsort(order)
        rows = rank[rows]
        self.centroids_ = centroids[order]
        members = [sims[rows == r] for r in range(len(order))]  # empty only for a forced k
        self.floors_ = np.array([np.quantile(m, self.floor_quantile) if len(m) else 0.0 for m in members])
        self.cohesion_ = np.array([m.mean() if len(m) else 0.0 for m in members])
        self.parent_rows_ = np.full(len(order), -1, dtype=np.int64)
        if parents is not None:
            parents = np.asarray(parents, dtype=np.int64)
            for r in range(len(order)):
                self.parent_rows_[r] = np.bincount(parents[rows == r]).argmax()
        self.n_features_in_ = X.shape[1]
        represented = None
        if len(sample) == len(X):  # every note was clustered: its representation is known already
            represented = np.empty_like(Xs)
            represented[sample] = Xs
        self._absorb(texts, shown, stamps, X, keys, previous=self.previous, partial=False, represented=represented)
        return self

    def partial_fit(self, notes: pd.DataFrame | Sequence[str], embeddings: np.ndarray) -> TopicModel:
        """Add a new day's notes. Existing topics keep their ids and centroids (so earlier notes
        keep their topics); a group of notes that fits no topic becomes a new topic (``is_new``)."""
        if not hasattr(self, "centroids_"):
            return self.fit(notes, embeddings)
        texts, shown, stamps = _read_notes(notes)
        X = check_embeddings(embeddings, len(texts))
        keys = row_keys(X)
        rows, _, sims = self._assign_all(texts, X)
        outlying = np.flatnonzero(sims < self.floors_[rows])
        min_new = max(self.min_topic_size, 10)
        if len(outlying) >= min_new:
            picked = outlying[_sample(keys[outlying], self.sample_size)]
            Xo = self._represent([texts[i] for i in picked], X[picked])
            found = self._clusterer(None).fit(Xo)
            cand = self._centroids(Xo, np.asarray(found.labels_), forced=False, min_size=min_new)
            cand_rows, _, cand_sims = _assign(Xo, cand, self.temperature, self.chunk_size)
            size = np.bincount(cand_rows, minlength=len(cand))
            cohesion = np.bincount(cand_rows, weights=cand_sims, minlength=len(cand)) / np.maximum(size, 1)
            # New: far from every topic, as tight as most topics, and big enough (not stray notes).
            novel_rows = (
                ((cand @ self.centroids_.T).max(axis=1) < self.match_threshold)
                & (cohesion >= np.quantile(self.cohesion_, 0.1))
                & (size >= min_new)
            )
            novel = cand[novel_rows]
            if len(novel):
                self.centroids_ = np.vstack([self.centroids_, novel]).astype(np.float32)
                self.cohesion_ = np.concatenate([self.cohesion_, cohesion[novel_rows]])
                self.floors_ = np.concatenate([self.floors_, np.zeros(len(novel))])
                self.parent_rows_ = np.concatenate([self.parent_rows_, np.full(len(novel), -1)])
        self._absorb(texts, shown, stamps, X, keys, previous=self.topics_frame(), partial=True)
        return self

    # ----------------------------------------------------------------- use

    def transform(self, notes: pd.DataFrame | Sequence[str] | None, embeddings: np.ndarray) -> pd.DataFrame:
        """Topic of every note: ``topic_id``, ``confidence`` in [0, 1], ``low_confidence``.

        ``notes`` (texts) are needed when the representation reads text (the default).
        """
        check_is_fitted(self, "centroids_")
        X = check_embeddings(embeddings)
        if notes is None and getattr(self.representation_, "needs_text", False):
            raise ValueError("this model's representation reads the note texts: pass notes")
        texts = _read_notes(notes)[0] if notes is not None else [""] * len(X)
        if len(texts) != len(X):
            raise ValueError("notes and embeddings must have the same number of rows")
        rows, confidence, sims = self._assign_all(texts, X)
        low = (confidence < self.min_confidence) | (sims < self.floors_[rows])
        return pd.DataFrame({"topic_id": self.row_topic_ids_[rows], "confidence": confidence, "low_confidence": low})

    def fit_transform(self, notes: pd.DataFrame | Sequence[str], embeddings: np.ndarray) -> pd.DataFrame:
        """:meth:`fit`, then the topic of every fitted note (the same as :meth:`transform` gives)."""
        self.fit(notes, embeddings)
        return pd.DataFrame(
            {"topic_id": self.labels_, "confidence": self.confidence_, "low_confidence": self.low_confidence_}
        )

    def predict(self, notes: pd.DataFrame | Sequence[str] | None, embeddings: np.ndarray) -> np.ndarray:
        return self.transform(notes, embeddings)["topic_id"].to_numpy()

    def topics_frame(self) -> pd.DataFrame:
        """One row per topic (both levels; merged and retired topics too): the store's topics table."""
        check_is_fitted(self, "topics_")
        return self.topics_.copy()

    def assignments_frame(
        self,
        call_ids: Sequence[str],
        notes: pd.DataFrame | Sequence[str] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """The store's call -> topic table: ``call_id, topic_id, confidence, low_confidence``.

        Without embeddings: the notes last fitted (``call_ids`` row-aligned with them).
        """
        if embeddings is None:
            check_is_fitted(self, "labels_")
            out = pd.DataFrame(
                {"topic_id": self.labels_, "confidence": self.confidence_, "low_confidence": self.low_confidence_}
            )
        else:
            out = self.transform(notes, embeddings)
        if len(call_ids) != len(out):
            raise ValueError("call_ids must be row-aligned with the notes")
        out.insert(0, "call_id", list(call_ids))
        return out[ASSIGNMENT_COLUMNS]

    # ----------------------------------------------------------------- internals

    def _clusterer(self, k: int | None) -> Any:
        if self.clusterer is not None:
            return clone(self.clusterer)
        return GraphTopics(n_clusters=k, random_state=self.random_state)

    def _represent(self, texts: Sequence[str], X: np.ndarray) -> np.ndarray:
        return X if self.representation_ is None else self.representation_.transform(texts, X)

    def _assign_all(
        self, texts: Sequence[str], X: np.ndarray, represented: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest centroid, confidence and similarity for every row, one chunk at a time
        (``represented``: the rows' representation when it is already known)."""
        c = self.chunk_size
        parts = [
            _assign(self._represent(texts[s : s + c], X[s : s + c]) if represented is None else represented[s : s + c],
                    self.centroids_, self.temperature, c)
            for s in range(0, len(X), c)
        ]  # fmt: skip
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32)
        return tuple(np.concatenate(p) for p in zip(*parts))  # type: ignore[return-value]

    def _centroids(self, X: np.ndarray, labels: np.ndarray, forced: bool, min_size: int | None = None) -> np.ndarray:
        """Cluster centroids after dissolving small clusters, then a few spherical k-means steps."""
        min_size = self.min_topic_size if min_size is None else min_size
        ids, counts = np.unique(labels[labels >= 0], return_counts=True)
        keep = ids if forced else ids[counts >= min(min_size, counts.max(initial=0))]
        if len(keep) == 0:  # nothing but outliers: one topic
            return normalise_rows(X.sum(axis=0, keepdims=True))
        centroids = normalise_rows(np.stack([X[labels == i].sum(axis=0) for i in keep]))
        for _ in range(self.refine_iter):
            rows = _assign(X, centroids, self.temperature, self.chunk_size)[0]
            filled = np.bincount(rows, minlength=len(centroids)) > 0
            sums = np.zeros_like(centroids)
            np.add.at(sums, rows, X)
            centroids = np.where(filled[:, None], normalise_rows(sums), centroids)
            if not forced:
                centroids = centroids[filled]
        return centroids.astype(np.float32)

    def _absorb(
        self, texts: list[str], shown: list[str], stamps: pd.Series | None, X: np.ndarray, keys: np.ndarray,
        previous: pd.DataFrame | None, partial: bool, represented: np.ndarray | None = None,
    ) -> None:  # fmt: skip
        """Assign every note, give topics their ids, update counts and labels, build ``topics_``."""
        rows, confidence, sims = self._assign_all(texts, X, represented)
        K = len(self.centroids_)
        counts = np.bincount(rows, minlength=K).astype(float)
        sums = _row_sums(X, rows, K, self.chunk_size)
        if partial:
            n_old = len(self.counts_)
            self.counts_ = np.concatenate([self.counts_, np.zeros(K - n_old)]) + counts
            self.sums_ = np.vstack([self.sums_, np.zeros((K - n_old, X.shape[1]), np.float32)]) + sums
            for r in range(n_old, K):  # a new topic's floor comes from its first notes
                self.floors_[r] = np.quantile(sims[rows == r], self.floor_quantile) if counts[r] else 0.0
        else:
            self.counts_, self.sums_ = counts, sums
        table_centroids = normalise_rows(self.sums_.copy())  # in embedding space, comparable across runs
        self._assign_ids(table_centroids, previous, partial)
        label_rows = _label_sample(rows, keys, K, self.label_sample_size)
        self._update_labellers(texts, label_rows, partial)
        representative = {r: shown[m[np.lexsort((keys[m], -sims[m]))[0]]] for r, m in enumerate(label_rows) if len(m)}
        topic_rows = TopicRows(
            ids=self.row_ids_, parents=self.parent_rows_, coarse_ids=self.coarse_ids_, counts=self.counts_,
            centroids=table_centroids, first_seen=_first_seen(rows, stamps, K), representative=representative,
            is_new=self.row_is_new_,
        )  # fmt: skip
        self.topics_ = build_topics_table(
            topic_rows, self.labeller_, self.coarse_labeller_, previous, self.merges, self.renames
        )
        self.row_topic_ids_ = final_topic_ids(self.row_ids_, self.topics_)
        self.labels_ = self.row_topic_ids_[rows]
        self.confidence_ = confidence
        self.low_confidence_ = (confidence < self.min_confidence) | (sims < self.floors_[rows])

    def _assign_ids(self, centroids: np.ndarray, previous: pd.DataFrame | None, partial: bool) -> None:
        """Topic ids per centroid row and per coarse group: previous ids where matched, else new."""
        prev = previous if previous is not None and len(previous) else None
        next_id = int(prev["topic_id"].max()) + 1 if prev is not None else 0
        K = len(centroids)
        if partial:
            n_old = len(self.row_ids_)
            self.row_ids_ = np.concatenate([self.row_ids_, np.arange(next_id, next_id + K - n_old)])
            self.row_is_new_ = np.arange(K) >= n_old
            next_id += K - n_old
        else:
            ids = _match_level(centroids, prev, FINE, self.match_threshold)
            fresh = np.flatnonzero(ids < 0)
            self.row_is_new_ = (ids < 0) & (prev is not None)
            ids[fresh] = np.arange(next_id, next_id + len(fresh))
            next_id += len(fresh)
            self.row_ids_ = ids
        groups = np.unique(self.parent_rows_[self.parent_rows_ >= 0])
        if len(groups) == 0:
            self.coarse_ids_ = {}
            return
        group_centroids = normalise_rows(np.stack([self.sums_[self.parent_rows_ == g].sum(0) for g in groups]))
        orphans = np.flatnonzero(self.parent_rows_ < 0)
        if len(orphans):  # topics found by partial_fit join the nearest coarse topic
            self.parent_rows_[orphans] = groups[(centroids[orphans] @ group_centroids.T).argmax(axis=1)]
        if not partial:
            ids = _match_level(group_centroids, prev, COARSE, self.match_threshold)
            fresh = np.flatnonzero(ids < 0)
            ids[fresh] = np.arange(next_id, next_id + len(fresh))
            self.coarse_ids_ = dict(zip(groups.tolist(), ids.tolist()))
        self.coarse_centroids_ = dict(zip(groups.tolist(), group_centroids))

    def _update_labellers(self, texts: list[str], label_rows: list[np.ndarray], partial: bool) -> None:
        """Count each topic's label sample; coarse topics sum the counts of their topics."""
        picked = [int(i) for members in label_rows for i in members]
        row_of = np.concatenate([np.full(len(m), r) for r, m in enumerate(label_rows)]).astype(np.int64)
        sample_texts = [texts[i] for i in picked]
        fine = self.row_ids_[row_of].tolist()
        if not partial:
            self.labeller_ = clone(self.labeller if self.labeller is not None else CtfidfLabeller())
            self.labeller_.fit(sample_texts, fine)
        else:
            self.labeller_.partial_fit(sample_texts, fine)
        groups = {int(t): self.coarse_ids_[int(g)] for t, g in zip(self.row_ids_, self.parent_rows_) if g >= 0}
        self.coarse_labeller_ = self.labeller_.grouped(groups)


def cluster_texts(texts: Sequence[str], embeddings: np.ndarray, k: int | None = None) -> pd.DataFrame:
    """Topics of loose texts (``analyzer cluster``): ``topic_id, topic_label, confidence`` per row."""
    model = TopicModel(k=k).fit(list(texts), embeddings)
    labels = model.topics_.set_index("topic_id")["label"]
    return pd.DataFrame(
        {
            "topic_id": model.labels_,
            "topic_label": labels.reindex(model.labels_).to_numpy(),
            "confidence": model.confidence_,
        }
    )


def apply_manual_edits(
    topics: pd.DataFrame,
    assignments: pd.DataFrame,
    renames: Mapping[int, str] | None = None,
    merges: Sequence[tuple[int, int]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stored topics and assignments with a rename or merge applied at once, without a re-fit
    (``analyzer topics --rename/--merge``); the next fit applies the same edits by itself."""
    topics, assignments = topics.copy(), assignments.copy()
    ids = set(topics["topic_id"].tolist())
    for source, target in merges or []:
        if source in ids and target in ids and source != target:
            rows = topics["topic_id"] == source
            moved = int(topics.loc[rows, "size"].sum())
            topics.loc[rows, ["merged_into", "size", "active"]] = [target, 0, False]
            topics.loc[topics["topic_id"] == target, "size"] += moved
            topics.loc[topics["topic_id"] == target, "active"] = True
            assignments.loc[assignments["topic_id"] == source, "topic_id"] = target
    for topic_id, label in (renames or {}).items():
        topics.loc[topics["topic_id"] == topic_id, "label"] = label
    return topics, assignments


# --------------------------------------------------------------------------- helpers


def _read_notes(notes: pd.DataFrame | Sequence[str]) -> tuple[list[str], list[str], pd.Series | None]:
    """Texts to cluster and label (``subject`` if given, else ``text``), texts to show, timestamps."""
    if isinstance(notes, pd.DataFrame):
        if "text" not in notes.columns:
            raise ValueError("notes need a 'text' column")
        shown = notes["text"].fillna("").astype(str).tolist()
        texts = notes["subject"].fillna("").astype(str).tolist() if "subject" in notes else shown
        stamps = pd.to_datetime(notes["timestamp"]).reset_index(drop=True) if "timestamp" in notes else None
        return texts, shown, stamps
    texts = ["" if t is None else str(t) for t in notes]
    return texts, texts, None


def _sample(keys: np.ndarray, size: int) -> np.ndarray:
    """Row indices of the ``size`` smallest keys, ordered by key: independent of row order."""
    if len(keys) > size:
        picked = np.argpartition(keys, size - 1)[:size]
        return picked[np.argsort(keys[picked], kind="stable")]
    return np.argsort(keys, kind="stable")


def _assign(
    X: np.ndarray, centroids: np.ndarray, temperature: float, chunk: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest centroid per row, its softmax confidence and its cosine similarity, in chunks.

    Similarities are float32 products by :func:`blockwise`, whose last digits depend on the shape of
    the block; the best three centroids of each row are re-scored in float64, which decides the
    nearest one (ties: the lower row) and its similarity. So a note gets the same topic and
    similarity whichever chunk it is assigned in (fit, transform, partial_fit) and however many
    threads run; only the confidence may differ in its sixth decimal."""
    n = len(X)
    rows = np.empty(n, dtype=np.int64)
    confidence = np.empty(n, dtype=np.float32)
    sims = np.empty(n, dtype=np.float32)
    C32 = np.ascontiguousarray(centroids, dtype=np.float32)
    C64 = C32.astype(np.float64)
    m = min(3, len(C32))

    def work(start: int, stop: int) -> None:
        part = np.asarray(X[start:stop], dtype=np.float32)
        s = part @ C32.T
        cand = np.argpartition(-s, m - 1, axis=1)[:, :m] if m < len(C32) else np.tile(np.arange(m), (len(s), 1))
        part64 = part.astype(np.float64)
        exact = np.stack([np.einsum("ij,ij->i", part64, C64[cand[:, j]]) for j in range(m)], axis=1)
        pick = np.lexsort((cand, -exact), axis=1)[:, 0]
        here = np.arange(len(s))
        best = cand[here, pick]
        s[here[:, None], cand] = exact  # so the nearest centroid's term of the softmax is exactly 1
        rows[start:stop] = best
        sims[start:stop] = exact[here, pick]
        confidence[start:stop] = 1.0 / np.exp((s - s[here, best][:, None]) / temperature).sum(axis=1)

    blockwise(n, chunk, work)
    return rows, confidence, sims


def _match_level(centroids: np.ndarray, prev: pd.DataFrame | None, level: int, threshold: float) -> np.ndarray:
    """The previous topic id each centroid continues at this level, or -1."""
    same = prev[prev["level"] == level] if prev is not None else None
    if same is None or same.empty:
        return np.full(len(centroids), -1, dtype=np.int64)
    match = match_topics(centroids, np.stack(same["centroid"].to_numpy()).astype(np.float32), threshold)
    ids = same["topic_id"].to_numpy(dtype=np.int64)
    return np.where(match >= 0, ids[np.maximum(match, 0)], -1)


def _row_sums(X: np.ndarray, rows: np.ndarray, K: int, chunk: int) -> np.ndarray:
    """Sum of the rows of X per assigned centroid, never holding more than a chunk extra."""
    out = np.zeros((K, X.shape[1]), dtype=np.float64)
    for start in range(0, len(X), chunk):
        part = rows[start : start + chunk]
        onehot = sparse.csr_matrix((np.ones(len(part)), (part, np.arange(len(part)))), shape=(K, len(part)))
        out += onehot @ X[start : start + chunk]
    return out.astype(np.float32)


def _label_sample(rows: np.ndarray, keys: np.ndarray, K: int, size: int) -> list[np.ndarray]:
    """Per centroid row, the indices of at most ``size`` of its notes (smallest keys first)."""
    order = np.lexsort((keys, rows))
    starts = np.searchsorted(rows[order], np.arange(K + 1))
    return [order[starts[r] : min(starts[r + 1], starts[r] + size)] for r in range(K)]


def _first_seen(rows: np.ndarray, stamps: pd.Series | None, K: int) -> list[pd.Timestamp]:
    today = pd.Timestamp.today().normalize()
    if stamps is None:
        return [today] * K
    first = pd.Series(stamps.to_numpy()).groupby(rows).min()
    return [first.get(r, today) for r in range(K)]
