"""The analysis run: ingest letters, mailings and calls, pseudonymise, store, embed.

Each input file is written in its own transaction together with its quarantined rows, so counts
always reconcile: for every file, rows in = accepted + quarantined. Re-running on the same files
adds nothing: calls already stored with the same content are counted as accepted but not new.
Later analysis steps (topics, spikes, links, readability) hang off :func:`analyze` as they land.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from analyzer.embed import CachedEmbedder, Embedder, get_embedder
from analyzer.errors import printable
from analyzer.ingest.calls import CallBatch, read_calls
from analyzer.ingest.letters import read_letters, strip_markers
from analyzer.ingest.mailings import read_mailings
from analyzer.ingest.tables import blank_rows_note
from analyzer.settings import Settings
from analyzer.store import Store

log = logging.getLogger(__name__)

Pseudonymise = Callable[[Sequence[str]], list[str]]


@dataclass
class FileCounts:
    """What happened to the rows of one input."""

    kind: str
    source: str
    rows_in: int
    accepted: int
    quarantined: int
    new: int = 0
    already_present: int = 0
    notes: list[str] = field(default_factory=list)

    def reconciles(self) -> bool:
        return self.rows_in == self.accepted + self.quarantined


@dataclass
class AnalysisSummary:
    run_id: int
    files: list[FileCounts]
    letters_scored: int = 0
    embedded: int = 0
    embeddings_cached: int = 0
    topics: int = 0
    spikes: int = 0
    avoidable_calls: int = 0
    linked_letters: int = 0
    linked_spikes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # wall-clock time per step

    def as_dict(self) -> dict:
        return asdict(self)


class _StepTimer:
    """``with step("name"):`` adds the block's wall-clock seconds to ``seconds[name]``."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - started, 2)


def default_pseudonymiser(settings: Settings, show_progress: bool) -> Pseudonymise:
    from analyzer.privacy import Pseudonymiser

    p = Pseudonymiser(use_deduce=settings.use_deduce)
    return lambda texts: p.pseudonymise_many(texts, show_progress=show_progress)


def analyze(
    store: Store,
    calls: Sequence[str | Path],
    letters_dir: str | Path,
    mailings: str | Path | None,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    pseudonymise: Pseudonymise | None = None,
    progress: bool = True,
) -> AnalysisSummary:
    """Run every step that exists on the given inputs and record the run in the store."""
    run_id = store.start_run("analyze", asdict(settings))
    summary = AnalysisSummary(run_id, [])
    step = _StepTimer(summary.seconds)
    try:
        pseudonymise = pseudonymise or default_pseudonymiser(settings, progress)
        # Every input file is stored in one transaction: a calls file that cannot be read must not leave
        # this run's letters and mailings behind in the store (a later report would show them as analysed).
        with store.transaction():
            with step("letters"):
                letter_counts, rejected_letters = ingest_letters(store, letters_dir, run_id)
                summary.files.append(letter_counts)
                summary.letters_scored = score_letters(store, run_id, settings.use_frog)
            with step("ingest"):
                if mailings is not None:
                    summary.files.append(ingest_mailings(store, mailings, settings, run_id, rejected_letters))
                for path in calls:
                    summary.files.append(ingest_calls(store, path, settings, run_id, pseudonymise))
        with step("embed"):
            subjects = call_subjects(store)  # read by embedding, topics and links: derived once
            embedder = embedder or get_embedder(settings.embedding_model)
            summary.embedded, summary.embeddings_cached = embed_store(
                store, embedder, settings.embedding_batch_size, progress, subjects
            )
        with step("topics"):
            summary.topics = discover_topics(store, embedder, run_id, progress, subjects)
        with step("spikes"):
            summary.spikes = find_spikes(store, run_id)
        with step("demand"):
            summary.avoidable_calls = classify_demand(store, embedder, run_id)
        with step("links"):
            summary.linked_letters, summary.linked_spikes = link_letters(store, run_id, settings, subjects)
    except BaseException as exc:
        store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}", **summary.as_dict()})
        raise
    store.finish_run(run_id, "completed", summary.as_dict())
    return summary


def ingest_letters(store: Store, folder: str | Path, run_id: int) -> tuple[FileCounts, set[str]]:
    """Store the letters of a folder; also returns the template ids (file names) of the files rejected."""
    batch = read_letters(folder)
    rejected = batch.rejected.frame()
    with store.transaction():
        if batch.letters:
            store.upsert_letters(batch.letters_frame(), batch.paragraphs_frame(), run_id)
        store.add_quarantine(rejected, run_id)
    counts = FileCounts("letters", printable(str(folder)), batch.rows_in, len(batch.letters), len(batch.rejected))
    counts.new = counts.accepted
    files = [raw.get("file", "") for raw in rejected["raw"]]
    return counts, {Path(f).stem for f in files if f} - {letter.template_id for letter in batch.letters}


def score_letters(store: Store, run_id: int, use_frog: bool = False) -> int:
    """Readability scores, B1 verdicts and findings for every stored letter."""
    from analyzer.b1 import analyze_documents, to_frames

    letters = store.con.execute("SELECT template_id, source_path, text FROM letters ORDER BY template_id").df()
    if letters.empty:
        return 0
    results = analyze_documents(letters["text"].tolist(), letters["source_path"].tolist(), use_frog=use_frog)
    frames = to_frames(results, letters["template_id"].tolist())
    store.replace_readability(*frames, run_id=run_id)
    return len(letters)


def ingest_mailings(
    store: Store, path: str | Path, settings: Settings, run_id: int, rejected_letters: Collection[str] = ()
) -> FileCounts:
    known = set(store.con.execute("SELECT template_id FROM letters").df()["template_id"])
    batch = read_mailings(path, known, settings.column_mapping, rejected_letters)
    source = printable(str(path))  # a name that is not UTF-8 can be neither shown nor stored as it is
    with store.transaction():
        store.upsert_mailings(batch.per_day(), source, run_id)
        store.add_quarantine(batch.rejected.frame(), run_id)
    counts = FileCounts("mailings", source, batch.rows_in, len(batch.accepted), len(batch.rejected))
    counts.new = counts.accepted
    if batch.blank_rows:
        counts.notes.append(blank_rows_note(batch.blank_rows))
    if batch.unknown_templates:
        counts.notes.append("sjablonen in verzendlog maar niet in de brievenmap: " + ", ".join(batch.unknown_templates))
    if repeated := batch.repeated_rows():
        shown = ", ".join(map(str, repeated[:10])) + (" ..." if len(repeated) > 10 else "")
        counts.notes.append(
            f"{len(repeated)} regel(s) gelijk aan een eerdere regel (zelfde brief, datum en aantal), opgeteld als "
            f"aparte verzending: rij {shown}; controleer of ze niet dubbel zijn gekopieerd"
        )
    return counts


def row_hashes(batch: CallBatch, salt: str) -> pd.Series:
    """Salted hash of each accepted row's original content, to recognise a re-ingested call."""
    columns = ["call_id", "timestamp", "text", "channel", "duration_s", "reason", "agent"]
    parts = [batch.accepted[c].astype("string").fillna("") for c in columns]
    joined = parts[0].str.cat(parts[1:], sep="\x1f")
    prefix = f"{salt}\x00"
    return pd.Series(
        [hashlib.sha256((prefix + s).encode()).hexdigest() for s in joined.tolist()],
        index=batch.accepted.index,
    )


def ingest_calls(
    store: Store, path: str | Path, settings: Settings, run_id: int, pseudonymise: Pseudonymise
) -> FileCounts:
    batch = read_calls(path, settings.column_mapping)
    accepted = batch.accepted.copy()
    accepted["row_hash"] = row_hashes(batch, store.meta("hash_salt") or "")
    existing = store.existing_calls(accepted["call_id"].tolist()).set_index("call_id")
    known = accepted["call_id"].isin(existing.index)
    stored_hash = accepted["call_id"].map(existing["row_hash"]).astype("string").fillna("")
    same = known & accepted["row_hash"].eq(stored_hash)
    conflict = known & ~same
    for _, row in accepted[conflict].iterrows():
        batch.rejected.add(
            int(row["source_row"]),
            "call_id",
            f"call_id '{row['call_id']}' bestaat al met andere inhoud "
            f"(uit {existing.loc[row['call_id'], 'source_file']})",
            {k: "" if pd.isna(v) else str(v) for k, v in row.drop(["row_hash", "source_row"]).items()},
        )
    new = accepted[~known].copy()
    new["text"] = pseudonymise(new["text"].tolist())
    # The agent's category field is free text too; most of it repeats, so pseudonymise each value once.
    reasons = new["reason"].dropna().unique().tolist()
    new["reason"] = new["reason"].map(dict(zip(reasons, pseudonymise(reasons), strict=True)))
    source = printable(str(path))  # a name that is not UTF-8 can be neither shown nor stored as it is
    new["source_file"] = source
    rejected = _pseudonymise_raw(batch.rejected.frame(), pseudonymise)
    with store.transaction():
        store.insert_calls(new, run_id)
        store.add_quarantine(rejected, run_id)
    counts = FileCounts(
        "calls",
        source,
        batch.rows_in,
        int(len(accepted) - conflict.sum()),
        len(rejected),
        new=len(new),
        already_present=int(same.sum()),
    )
    if batch.blank_rows:
        counts.notes.append(blank_rows_note(batch.blank_rows))
    assert counts.reconciles(), counts
    return counts


def _pseudonymise_raw(rejected: pd.DataFrame, pseudonymise: Pseudonymise) -> pd.DataFrame:
    """Quarantined rows keep their values for review, but never personal data: not in the raw values and
    not in the reason, which quotes the bad cell ("onbekende datum/tijd: 'bsn 111222333 ...'")."""
    if rejected.empty:
        return rejected
    cells = [(i, k, v) for i, raw in enumerate(rejected["raw"]) for k, v in raw.items() if v]
    reasons = rejected["reason"].astype(str).tolist()
    cleaned = pseudonymise([v for _, _, v in cells] + reasons)
    raws = [dict(r) for r in rejected["raw"]]
    for (i, k, _), value in zip(cells, cleaned[: len(cells)], strict=True):
        raws[i][k] = value
    return rejected.assign(raw=raws, reason=cleaned[len(cells) :])


def call_subjects(store: Store) -> pd.Series:
    """The subject (analyzer.notes) of every stored call, indexed by call_id."""
    from analyzer.notes import subject_texts

    calls = store.con.execute("SELECT call_id, text FROM calls ORDER BY call_id").df()
    return pd.Series(subject_texts(calls["text"].tolist()), index=calls["call_id"].to_numpy(), dtype=object)


def embed_store(
    store: Store, embedder: Embedder, batch_size: int, progress: bool, subjects: pd.Series | None = None
) -> tuple[int, int]:
    """Make sure every stored call (its subject and the whole note) and letter paragraph has a cached
    embedding. ``subjects``: :func:`call_subjects`, when the caller has it already."""
    subjects = call_subjects(store) if subjects is None else subjects
    notes = store.con.execute("SELECT text FROM calls ORDER BY call_id").df()["text"].tolist()
    paragraphs = store.con.execute("SELECT text FROM letter_paragraphs").df()["text"].tolist()
    # subjects for topics, whole notes for the demand type (analyzer.demand), paragraphs for the app
    texts = subjects.tolist() + notes + [strip_markers(t) for t in paragraphs]
    cached = CachedEmbedder(embedder, store)
    return cached.ensure(texts, batch_size=batch_size, show_progress=progress)


def discover_topics(
    store: Store, embedder: Embedder, run_id: int, progress: bool = False, subjects: pd.Series | None = None
) -> int:
    """Fit topics on every stored call, continuing the previous run's topic ids and manual edits."""
    from analyzer.topics import TopicModel

    calls = store.con.execute('SELECT call_id, "timestamp", text FROM calls ORDER BY call_id').df()
    if len(calls) < 2:
        return 0
    if progress:
        log.warning("Onderwerpen zoeken in %d gesprekken ...", len(calls))
    subjects = call_subjects(store) if subjects is None else subjects
    calls["subject"] = calls["call_id"].map(subjects)
    vectors = CachedEmbedder(embedder, store).encode(calls["subject"].tolist())
    previous = store.topics()
    renames, merges = store.topic_edits()
    model = TopicModel(previous=previous if len(previous) else None, renames=renames, merges=merges)
    model.fit(calls, vectors)
    assignments = model.assignments_frame(calls["call_id"].tolist())
    store.replace_topics(model.topics_frame(), assignments, run_id)
    return int(assignments["topic_id"].nunique())


def topic_calls(store: Store, columns: Sequence[str]) -> pd.DataFrame:
    """The given columns of every call with a topic, plus its ``topic_id`` and ``theme_id`` (the
    topic's parent, or the topic itself when it has none); in call order when ``call_id`` is asked."""
    if not set(columns) <= {"call_id", "timestamp", "text"}:
        raise ValueError(columns)
    selected = ", ".join(f'c."{c}"' for c in columns)
    order = " ORDER BY c.call_id" if "call_id" in columns else ""
    return store.con.execute(
        f"SELECT {selected}, t.topic_id, coalesce(p.parent, t.topic_id) AS theme_id FROM calls c "  # noqa: S608 — whitelisted
        f"JOIN call_topics t USING (call_id) LEFT JOIN topics p ON p.topic_id = t.topic_id{order}"
    ).df()


def find_spikes(store: Store, run_id: int) -> int:
    """Surges of daily calls per topic (analyzer.spikes), and per theme where a surge spreads over
    its topics (spread_spikes); :func:`link_letters` links them to letters. Surges within a day
    (hourly counts, where timestamps have a time of day) are stored beside them."""
    from analyzer.spikes import HourlySpikeDetector, SpikeDetector, daily_counts, hourly_counts, spread_spikes

    calls = topic_calls(store, ("timestamp",))
    detector = SpikeDetector()
    spikes = detector.detect(daily_counts(calls)).assign(level=1)
    theme_of = dict(zip(calls["topic_id"], calls["theme_id"]))
    themes = spread_spikes(detector.detect(daily_counts(calls, by="theme_id")), spikes, theme_of).assign(level=0)
    themes = themes[~themes["topic_id"].isin(set(spikes["topic_id"]))]  # a topic that is its own theme
    spikes = pd.concat([spikes, themes], ignore_index=True) if len(themes) else spikes
    store.replace_spikes(spikes.assign(template_id=None, link_score=None), run_id)
    store.replace_hourly_spikes(HourlySpikeDetector().detect(hourly_counts(calls)), run_id)
    return len(spikes)


def classify_demand(store: Store, embedder: Embedder, run_id: int) -> int:
    """Demand type of every call (analyzer.demand); returns the number of avoidable calls."""
    from analyzer.demand import classify_calls

    if store.count("calls") == 0:
        return 0
    demand = classify_calls(store, embedder, run_id)
    return int(demand["avoidable"].sum())


def link_letters(store: Store, run_id: int, settings: Settings, subjects: pd.Series | None = None) -> tuple[int, int]:
    """Link topics and spikes to letters and attribute calls to letters (analyzer.attribution).

    Returns the number of letters with attributed calls and of spikes linked to a letter.
    """
    from analyzer.attribution import attribute

    calls = topic_calls(store, ("call_id", "timestamp", "text"))
    letters = store.table("letters")
    if calls.empty or letters.empty:
        return 0, 0
    subjects = call_subjects(store) if subjects is None else subjects
    calls["subject"] = calls["call_id"].map(subjects)
    paragraphs = store.table("letter_paragraphs").sort_values(["template_id", "paragraph_no"])
    paragraphs["text"] = paragraphs["text"].map(strip_markers)
    result = attribute(
        calls, paragraphs, letters, store.table("mailings"),
        demand=store.table("call_demand"), spikes=store.table("spikes"),
        cost_per_call_eur=settings.cost_per_call_eur,
    )  # fmt: skip
    with store.transaction():
        store.replace_attribution(result.links, result.letters, result.call_letters, run_id)
        store.replace_lag_profile(result.lag_profile, result.profile_learned, run_id)
        store.replace_spikes(result.spikes, run_id)
    linked = int((result.letters["attributed_calls"] > 0).sum())
    return linked, int(result.spikes["template_id"].notna().sum()) if len(result.spikes) else 0
