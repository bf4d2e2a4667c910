"""The DuckDB store: one file holding everything an analysis produced.

The schema is versioned: ``meta.schema_version`` records the last migration applied, and
opening a store applies the missing ones in order. Writes go through :meth:`Store.transaction`,
so a run that dies half-way leaves the previous state intact and readable.

Only pseudonymised call text is ever written here (see analyzer.privacy).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analyzer.errors import InputError
from analyzer.schema import READABILITY_SCORES

SCORE_COLUMNS = READABILITY_SCORES
_SCORE_COLUMNS = ", ".join(f"{c} DOUBLE" for c in SCORE_COLUMNS) + ", b1_verdict VARCHAR"

MIGRATIONS: list[str] = [
    # 1: the foundation tables.
    """
    CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE SEQUENCE IF NOT EXISTS run_ids START 1;
    CREATE TABLE IF NOT EXISTS runs (
        run_id INTEGER PRIMARY KEY DEFAULT nextval('run_ids'),
        command VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
        status VARCHAR, settings_json VARCHAR, summary_json VARCHAR);
    CREATE TABLE IF NOT EXISTS calls (
        call_id VARCHAR PRIMARY KEY, "timestamp" TIMESTAMP NOT NULL, text VARCHAR NOT NULL,
        channel VARCHAR, duration_s DOUBLE, reason VARCHAR, agent VARCHAR,
        source_file VARCHAR, source_row INTEGER, row_hash VARCHAR, run_id INTEGER);
    CREATE TABLE IF NOT EXISTS letters (
        template_id VARCHAR PRIMARY KEY, title VARCHAR, department VARCHAR, version VARCHAR,
        valid_from DATE, kenmerk VARCHAR, source_path VARCHAR, format VARCHAR, text VARCHAR,
        content_hash VARCHAR, run_id INTEGER);
    CREATE TABLE IF NOT EXISTS letter_paragraphs (
        template_id VARCHAR, paragraph_no INTEGER, start_char INTEGER, end_char INTEGER,
        text VARCHAR, PRIMARY KEY (template_id, paragraph_no));
    CREATE TABLE IF NOT EXISTS mailings (
        template_id VARCHAR, sent_date DATE, count BIGINT, source_file VARCHAR,
        source_row INTEGER, run_id INTEGER, PRIMARY KEY (template_id, sent_date));
    CREATE SEQUENCE IF NOT EXISTS quarantine_ids START 1;
    CREATE TABLE IF NOT EXISTS quarantine (
        id INTEGER PRIMARY KEY DEFAULT nextval('quarantine_ids'), run_id INTEGER, kind VARCHAR,
        source_file VARCHAR, source_row INTEGER, column_name VARCHAR, reason VARCHAR,
        raw_json VARCHAR, fingerprint VARCHAR UNIQUE);
    CREATE TABLE IF NOT EXISTS embeddings (
        key VARCHAR, model_id VARCHAR, dim INTEGER, vector BLOB, PRIMARY KEY (key, model_id));
    """,
    # 2: readability scores per letter and paragraph, and sentence-level findings (analyzer.b1).
    f"""
    CREATE TABLE IF NOT EXISTS letter_readability (
        template_id VARCHAR PRIMARY KEY, {_SCORE_COLUMNS}, b1_reasons VARCHAR, syntax VARCHAR, run_id INTEGER);
    CREATE TABLE IF NOT EXISTS paragraph_readability (
        template_id VARCHAR, paragraph_no INTEGER, start_char INTEGER, end_char INTEGER, {_SCORE_COLUMNS},
        b1_reasons VARCHAR, n_findings INTEGER, PRIMARY KEY (template_id, paragraph_no));
    CREATE TABLE IF NOT EXISTS letter_findings (
        template_id VARCHAR, finding_no INTEGER, paragraph_no INTEGER, type VARCHAR, start_char INTEGER,
        end_char INTEGER, text VARCHAR, suggestion VARCHAR, PRIMARY KEY (template_id, finding_no));
    """,
    # 3: call topics (analyzer.topics), their assignment to calls, and manual edits by analysts.
    """
    CREATE TABLE IF NOT EXISTS topics (
        topic_id INTEGER PRIMARY KEY, level INTEGER, parent INTEGER, label VARCHAR, auto_label VARCHAR,
        keywords_json VARCHAR, representative VARCHAR, size BIGINT, centroid BLOB, first_seen TIMESTAMP,
        is_new BOOLEAN, merged_into INTEGER, active BOOLEAN, run_id INTEGER);
    CREATE TABLE IF NOT EXISTS call_topics (
        call_id VARCHAR PRIMARY KEY, topic_id INTEGER, confidence DOUBLE, low_confidence BOOLEAN, run_id INTEGER);
    CREATE SEQUENCE IF NOT EXISTS topic_edit_ids START 1;
    CREATE TABLE IF NOT EXISTS topic_edits (
        id INTEGER PRIMARY KEY DEFAULT nextval('topic_edit_ids'), kind VARCHAR, topic_id INTEGER,
        target_id INTEGER, label VARCHAR, created_at TIMESTAMP);
    """,
    # 4: call spikes per topic (analyzer.spikes); template_id and link_score are filled by linking.
    """
    CREATE TABLE IF NOT EXISTS spikes (
        topic_id INTEGER, start DATE, peak DATE, "end" DATE, days INTEGER, observed DOUBLE, expected DOUBLE,
        excess DOUBLE, template_id VARCHAR, link_score DOUBLE, run_id INTEGER, PRIMARY KEY (topic_id, start));
    """,
    # 5: avoidable contact per call (analyzer.demand), letter <-> topic links (analyzer.link) and the
    # calls attributed to each letter (analyzer.attribution).
    """
    CREATE TABLE IF NOT EXISTS call_demand (
        call_id VARCHAR PRIMARY KEY, demand_type VARCHAR, avoidable BOOLEAN, confidence DOUBLE,
        method VARCHAR, run_id INTEGER);
    CREATE TABLE IF NOT EXISTS demand_models (
        model_id VARCHAR PRIMARY KEY, embedding_model VARCHAR, created_at TIMESTAMP, n_labels INTEGER,
        metrics_json VARCHAR, model BLOB);
    CREATE TABLE IF NOT EXISTS letter_links (
        template_id VARCHAR, topic_id INTEGER, link_score DOUBLE, content_score DOUBLE, timing_score DOUBLE,
        mention_score DOUBLE, paragraph_no INTEGER, paragraph_score DOUBLE, attributed_calls DOUBLE,
        evidence_json VARCHAR, run_id INTEGER, PRIMARY KEY (template_id, topic_id));
    CREATE TABLE IF NOT EXISTS letter_attribution (
        template_id VARCHAR PRIMARY KEY, letters_sent BIGINT, attributed_calls DOUBLE, attributed_low DOUBLE,
        attributed_high DOUBLE, avoidable_calls DOUBLE, calls_per_1000 DOUBLE, estimated_cost_eur DOUBLE,
        top_topic INTEGER, top_paragraph INTEGER, demand_json VARCHAR, run_id INTEGER);
    CREATE TABLE IF NOT EXISTS call_letters (
        call_id VARCHAR, template_id VARCHAR, weight DOUBLE, run_id INTEGER, PRIMARY KEY (call_id, template_id));
    """,
    # 6: how many of a letter's attributed calls timing shows (the rest only content ties to it).
    """
    ALTER TABLE letter_attribution ADD COLUMN timing_shown_calls DOUBLE;
    """,
    # 7: surges within a day, per topic (analyzer.spikes.HourlySpikeDetector).
    """
    CREATE TABLE IF NOT EXISTS hourly_spikes (
        topic_id INTEGER, start TIMESTAMP, peak TIMESTAMP, "end" TIMESTAMP, hours INTEGER, observed DOUBLE,
        expected DOUBLE, excess DOUBLE, run_id INTEGER, PRIMARY KEY (topic_id, start));
    """,
    # 8: spikes of themes (level 0) beside those of topics (level 1), see analyzer.spikes.spread_spikes.
    """
    ALTER TABLE spikes ADD COLUMN level INTEGER DEFAULT 1;
    """,
    # 9: the lag profile the attribution used: the share of a mailing's calls on each day after it.
    """
    CREATE TABLE IF NOT EXISTS lag_profile (lag INTEGER PRIMARY KEY, share DOUBLE, learned BOOLEAN, run_id INTEGER);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


# The topics as they are shown: a topic merged into another (by hand, analyzer.topics.apply_manual_edits)
# takes the label of the topic it ended in, so spikes and rankings stored before the merge do not show a
# topic that no longer exists. Use as ``LEFT JOIN SHOWN_TOPICS t USING (topic_id)``; columns topic_id, label.
SHOWN_TOPICS = """(
    WITH RECURSIVE chain(topic_id, target, depth) AS (
        SELECT topic_id, topic_id, 0 FROM topics
        UNION ALL
        SELECT c.topic_id, t.merged_into, c.depth + 1 FROM chain c JOIN topics t ON t.topic_id = c.target
        WHERE t.merged_into IS NOT NULL AND c.depth < 50)
    SELECT c.topic_id, f.label FROM chain c JOIN topics f ON f.topic_id = c.target
    QUALIFY row_number() OVER (PARTITION BY c.topic_id ORDER BY c.depth DESC) = 1
)"""

_NOT_A_STORE = frozenset(".csv .tsv .txt .xlsx .xls .jsonl .ndjson .json .docx .pdf .md .toml".split())


def _check_is_store(path: Path) -> None:
    """Refuse a path that is an input file, not a database: DuckDB would otherwise open some of them
    (a CSV) without complaint and nothing would be stored."""
    if path.suffix.lower() in _NOT_A_STORE:
        raise InputError(f"{path}: dit is geen database maar een {path.suffix}-bestand; kies een .duckdb-bestand")
    if path.is_dir():
        raise InputError(f"{path}: is een map; kies een .duckdb-bestand")
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as f:
            head = f.read(12)
        if head[8:12] != b"DUCK":
            raise InputError(f"{path}: is geen DuckDB-database (een ander soort bestand); kies een .duckdb-bestand")


class Store:
    """A DuckDB file with the analyzer's schema."""

    def __init__(self, path: str | Path = "analysis.duckdb", read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.is_file():
            raise InputError(f"{self.path}: database niet gevonden (voer eerst 'analyzer analyze' uit)")
        _check_is_store(self.path)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise InputError(f"{self.path}: database kan niet geopend worden ({exc})") from None
        self._in_transaction = False
        if not read_only:
            self.migrate()
        elif self.schema_version() != SCHEMA_VERSION:
            raise InputError(
                f"{self.path}: database heeft schemaversie {self.schema_version()}, "
                f"deze versie van analyzer verwacht {SCHEMA_VERSION}; open hem één keer zonder alleen-lezen"
            )

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All writes inside happen or none do. Nested use joins the outer transaction."""
        if self._in_transaction:
            yield self.con
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_transaction = False

    @contextmanager
    def _frame_view(self, name: str, frame: pd.DataFrame) -> Iterator[None]:
        """Make a DataFrame queryable as ``name`` for the duration of the block."""
        self.con.register(name, frame)
        try:
            yield
        finally:
            self.con.unregister(name)

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchall()[0][0]
        if not exists:
            return 0
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise InputError(f"{self.path}: database is gemaakt door een nieuwere versie van analyzer")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as con:
                con.execute(MIGRATIONS[version - 1])
                con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
        with self.transaction() as con:
            if con.execute("SELECT count(*) FROM meta WHERE key = 'hash_salt'").fetchall()[0][0] == 0:
                con.execute("INSERT INTO meta VALUES ('hash_salt', ?)", [secrets.token_hex(16)])

    def meta(self, key: str) -> str | None:
        rows = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    # ----------------------------------------------------------------- runs

    def start_run(self, command: str, settings: dict) -> int:
        with self.transaction() as con:
            row = con.execute(
                "INSERT INTO runs (command, started_at, status, settings_json) "
                "VALUES (?, now()::TIMESTAMP, 'running', ?) RETURNING run_id",
                [command, json.dumps(settings, default=str)],
            ).fetchall()
        return int(row[0][0])

    def finish_run(self, run_id: int, status: str, summary: dict) -> None:
        with self.transaction() as con:
            con.execute(
                "UPDATE runs SET finished_at = now()::TIMESTAMP, status = ?, summary_json = ? WHERE run_id = ?",
                [status, json.dumps(summary, default=str), run_id],
            )

    # ----------------------------------------------------------------- writes

    def existing_calls(self, call_ids: Sequence[str]) -> pd.DataFrame:
        """call_id, row_hash, source_file of the given ids that are already stored."""
        ids = pd.DataFrame({"call_id": list(call_ids)})
        with self._frame_view("_ids", ids):
            return self.con.execute(
                "SELECT c.call_id, c.row_hash, c.source_file FROM calls c JOIN _ids USING (call_id)"
            ).df()

    def insert_calls(self, calls: pd.DataFrame, run_id: int) -> int:
        frame = calls.assign(run_id=run_id)
        with self.transaction() as con:
            with self._frame_view("_calls", frame):
                con.execute(
                    'INSERT INTO calls (call_id, "timestamp", text, channel, duration_s, reason, agent, '
                    "source_file, source_row, row_hash, run_id) "
                    'SELECT call_id, "timestamp", text, channel, duration_s, reason, agent, source_file, '
                    "source_row, row_hash, run_id FROM _calls"
                )
        return len(frame)

    def upsert_letters(self, letters: pd.DataFrame, paragraphs: pd.DataFrame, run_id: int) -> None:
        with self.transaction() as con:
            with self._frame_view("_letters", letters.assign(run_id=run_id)), self._frame_view("_paras", paragraphs):
                con.execute("DELETE FROM letter_paragraphs WHERE template_id IN (SELECT template_id FROM _letters)")
                con.execute("DELETE FROM letters WHERE template_id IN (SELECT template_id FROM _letters)")
                con.execute(
                    "INSERT INTO letters SELECT template_id, title, department, version, valid_from, kenmerk, "
                    "source_path, format, text, content_hash, run_id FROM _letters"
                )
                con.execute(
                    "INSERT INTO letter_paragraphs SELECT template_id, paragraph_no, start_char, end_char, text "
                    "FROM _paras"
                )

    def replace_readability(
        self, letters: pd.DataFrame, paragraphs: pd.DataFrame, findings: pd.DataFrame, run_id: int
    ) -> None:
        """Scores and findings of the given letters replace what was stored for them."""
        score_cols = [*SCORE_COLUMNS, "b1_verdict"]
        tables = {
            "letter_readability": (
                letters.assign(run_id=run_id),
                ["template_id", *score_cols, "b1_reasons", "syntax", "run_id"],
            ),
            "paragraph_readability": (
                paragraphs,
                ["template_id", "paragraph_no", "start_char", "end_char", *score_cols, "b1_reasons", "n_findings"],
            ),
            "letter_findings": (
                findings,
                ["template_id", "finding_no", "paragraph_no", "type", "start_char", "end_char", "text", "suggestion"],
            ),
        }
        ids = pd.DataFrame({"template_id": letters["template_id"].astype(str)})
        with self.transaction() as con:
            with self._frame_view("_ids", ids):
                for table, (frame, columns) in tables.items():
                    con.execute(f"DELETE FROM {table} WHERE template_id IN (SELECT template_id FROM _ids)")
                    if frame.empty:
                        continue
                    with self._frame_view("_rows", frame.reindex(columns=columns)):
                        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM _rows")

    def replace_topics(self, topics: pd.DataFrame, assignments: pd.DataFrame, run_id: int) -> None:
        """The run's topics (every level, retired ones too) and the topic of every call."""
        frame = topics.copy()
        frame["keywords_json"] = frame["keywords"].map(lambda k: json.dumps(list(k), ensure_ascii=False))
        frame["centroid"] = frame["centroid"].map(
            lambda c: None if c is None else np.asarray(c, dtype=np.float32).tobytes()
        )
        frame["run_id"] = run_id
        columns = [
            "topic_id",
            "level",
            "parent",
            "label",
            "auto_label",
            "keywords_json",
            "representative",
            "size",
            "centroid",
            "first_seen",
            "is_new",
            "merged_into",
            "active",
            "run_id",
        ]
        calls = assignments[["call_id", "topic_id", "confidence", "low_confidence"]].assign(run_id=run_id)
        with self.transaction() as con:
            con.execute("DELETE FROM topics")
            con.execute("DELETE FROM call_topics")
            with self._frame_view("_topics", frame.reindex(columns=columns)), self._frame_view("_assign", calls):
                con.execute(f"INSERT INTO topics ({', '.join(columns)}) SELECT * FROM _topics")
                con.execute("INSERT INTO call_topics SELECT * FROM _assign")

    def replace_spikes(self, spikes: pd.DataFrame, run_id: int) -> None:
        columns = ["topic_id", "start", "peak", "end", "days", "observed", "expected", "excess", "template_id",
                   "link_score", "run_id", "level"]  # fmt: skip
        frame = spikes.assign(run_id=run_id).reindex(columns=columns)
        frame["level"] = frame["level"].fillna(1).astype("int64")
        with self.transaction() as con, self._frame_view("_spikes", frame):
            con.execute("DELETE FROM spikes")
            con.execute(
                'INSERT INTO spikes SELECT topic_id, start::DATE, peak::DATE, "end"::DATE, days, observed, expected, '
                "excess, template_id, link_score, run_id, level FROM _spikes"
            )

    def replace_hourly_spikes(self, spikes: pd.DataFrame, run_id: int) -> None:
        columns = ["topic_id", "start", "peak", "end", "hours", "observed", "expected", "excess", "run_id"]
        frame = spikes.assign(run_id=run_id).reindex(columns=columns)
        with self.transaction() as con:
            con.execute("DELETE FROM hourly_spikes")
            if frame.empty:
                return
            with self._frame_view("_hourly", frame):
                con.execute("INSERT INTO hourly_spikes SELECT * FROM _hourly")

    def replace_demand(self, demand: pd.DataFrame, run_id: int) -> None:
        """Demand type of every call: ``call_id, demand_type, avoidable, confidence, method``."""
        columns = ["call_id", "demand_type", "avoidable", "confidence", "method", "run_id"]
        frame = demand.assign(run_id=run_id).reindex(columns=columns)
        with self.transaction() as con, self._frame_view("_demand", frame):
            con.execute("DELETE FROM call_demand")
            con.execute("INSERT INTO call_demand SELECT * FROM _demand")

    def save_demand_model(self, model_id: str, embedding_model: str, n_labels: int, metrics: dict, blob: bytes) -> None:
        """A trained demand classifier (pickled bytes); the newest one is used by later runs."""
        with self.transaction() as con:
            con.execute("DELETE FROM demand_models WHERE model_id = ?", [model_id])
            con.execute(
                "INSERT INTO demand_models VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?)",
                [model_id, embedding_model, n_labels, json.dumps(metrics, ensure_ascii=False), blob],
            )

    def latest_demand_model(self, embedding_model: str) -> tuple[str, dict, bytes] | None:
        """``(model_id, metrics, pickled bytes)`` of the newest classifier for this embedding, or None."""
        rows = self.con.execute(
            "SELECT model_id, metrics_json, model FROM demand_models WHERE embedding_model = ? "
            "ORDER BY created_at DESC, model_id DESC LIMIT 1",
            [embedding_model],
        ).fetchall()
        if not rows:
            return None
        model_id, metrics, blob = rows[0]
        return str(model_id), json.loads(metrics or "{}"), bytes(blob)

    def replace_attribution(
        self, links: pd.DataFrame, attribution: pd.DataFrame, call_letters: pd.DataFrame, run_id: int
    ) -> None:
        """Letter <-> topic links, per-letter attribution and per-call letter weights, in one go."""
        tables = {
            "letter_links": ["template_id", "topic_id", "link_score", "content_score", "timing_score",
                             "mention_score", "paragraph_no", "paragraph_score", "attributed_calls",
                             "evidence_json", "run_id"],
            "letter_attribution": ["template_id", "letters_sent", "attributed_calls", "attributed_low",
                                   "attributed_high", "avoidable_calls", "calls_per_1000", "estimated_cost_eur",
                                   "top_topic", "top_paragraph", "demand_json", "run_id", "timing_shown_calls"],
            "call_letters": ["call_id", "template_id", "weight", "run_id"],
        }  # fmt: skip
        frames = {"letter_links": links, "letter_attribution": attribution, "call_letters": call_letters}
        with self.transaction() as con:
            for table, columns in tables.items():
                con.execute(f"DELETE FROM {table}")  # noqa: S608 — fixed names
                frame = frames[table].assign(run_id=run_id).reindex(columns=columns)
                if frame.empty:
                    continue
                with self._frame_view("_rows", frame):
                    con.execute(f"INSERT INTO {table} SELECT * FROM _rows")  # noqa: S608

    def replace_lag_profile(self, profile: np.ndarray, learned: bool, run_id: int) -> None:
        """The lag profile of the last attribution (analyzer.link.learn_lag_profile): share per day after sending."""
        frame = pd.DataFrame({"lag": np.arange(len(profile)), "share": np.asarray(profile, dtype=float)})
        frame = frame.assign(learned=bool(learned), run_id=run_id)
        with self.transaction() as con:
            con.execute("DELETE FROM lag_profile")
            if len(frame):
                with self._frame_view("_rows", frame):
                    con.execute("INSERT INTO lag_profile SELECT lag, share, learned, run_id FROM _rows")

    def topics(self) -> pd.DataFrame:
        """Stored topics with ``keywords`` as lists and ``centroid`` as float32 arrays."""
        frame = self.con.execute("SELECT * EXCLUDE (run_id) FROM topics ORDER BY level DESC, topic_id").df()
        frame["keywords"] = frame.pop("keywords_json").map(lambda s: json.loads(s) if s else [])
        frame["centroid"] = frame["centroid"].map(
            lambda b: None if b is None or (isinstance(b, float) and np.isnan(b)) else np.frombuffer(b, np.float32)
        )
        return frame

    def add_topic_edit(self, kind: str, topic_id: int, target_id: int | None = None, label: str | None = None) -> None:
        with self.transaction() as con:
            con.execute(
                "INSERT INTO topic_edits (kind, topic_id, target_id, label, created_at) "
                "VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
                [kind, topic_id, target_id, label],
            )

    def apply_topic_edit(
        self, kind: str, topic_id: int, target_id: int | None = None, label: str | None = None, source: str = ""
    ) -> None:
        """Record a rename or merge (re-applied by every later analysis) and apply it to the stored
        topics and assignments at once, in one transaction. Callers check the ids and label."""
        # The same change as analyzer.topics.apply_manual_edits makes on a fit, as updates of the rows it
        # touches: rewriting every call's assignment took 8-9 s for a rename on 100,000 calls.
        with self.transaction() as con:
            self.add_topic_edit(kind, topic_id, target_id=target_id, label=label)
            run_id = self.start_run("topics-edit", {"kind": kind, "topic_id": topic_id, "target_id": target_id})
            if kind == "rename":
                con.execute(
                    "UPDATE topics SET label = ?, run_id = ? WHERE topic_id = ?", [str(label), run_id, topic_id]
                )
            elif kind == "merge" and target_id is not None and topic_id != target_id:
                known = {t for (t,) in con.execute("SELECT topic_id FROM topics WHERE topic_id IN (?, ?)",
                                                   [topic_id, target_id]).fetchall()}  # fmt: skip
                if known == {topic_id, target_id}:
                    (moved,) = con.execute("SELECT size FROM topics WHERE topic_id = ?", [topic_id]).fetchone()
                    con.execute(
                        "UPDATE topics SET merged_into = ?, size = 0, active = false, run_id = ? WHERE topic_id = ?",
                        [int(target_id), run_id, topic_id],
                    )
                    con.execute(
                        "UPDATE topics SET size = size + ?, active = true, run_id = ? WHERE topic_id = ?",
                        [int(moved or 0), run_id, int(target_id)],
                    )
                    con.execute(
                        "UPDATE call_topics SET topic_id = ?, run_id = ? WHERE topic_id = ?",
                        [int(target_id), run_id, topic_id],
                    )
            self.finish_run(run_id, "completed", {"source": source})

    def topic_edits(self) -> tuple[dict[int, str], list[tuple[int, int]]]:
        """Manual renames ({topic_id: label}, the latest wins) and merges ([(source, target)]), in order."""
        rows = self.con.execute("SELECT kind, topic_id, target_id, label FROM topic_edits ORDER BY id").fetchall()
        renames = {int(t): str(label) for kind, t, _, label in rows if kind == "rename"}
        merges = [(int(t), int(target)) for kind, t, target, _ in rows if kind == "merge"]
        return renames, merges

    def upsert_mailings(self, mailings: pd.DataFrame, source_file: str, run_id: int) -> None:
        frame = mailings.assign(source_file=source_file, run_id=run_id)
        with self.transaction() as con:
            with self._frame_view("_mail", frame):
                con.execute(
                    "INSERT OR REPLACE INTO mailings SELECT template_id, sent_date::DATE, count, source_file, "
                    "source_row, run_id FROM _mail"
                )

    def add_quarantine(self, rows: pd.DataFrame, run_id: int) -> int:
        """Store rejected rows; a row already quarantined before (same file, row, column, reason) is not
        repeated. Rows without a row number (a whole letter file) are fingerprinted too: each is stored."""
        if rows.empty:
            return 0
        frame = rows.copy()
        frame["raw_json"] = frame["raw"].map(lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        frame["fingerprint"] = [
            "|".join((_text(kind), _text(source), _row_text(row), _text(column), _text(reason)))
            for kind, source, row, column, reason in zip(
                frame["kind"], frame["source_file"], frame["source_row"], frame["column_name"], frame["reason"]
            )
        ]
        frame["source_row"] = frame["source_row"].astype("Int64")
        frame = frame.drop_duplicates("fingerprint").assign(run_id=run_id)
        with self.transaction() as con:
            # Stores written before this fix may hold one row without a fingerprint (a letter file's):
            # give it the fingerprint it would get now, so it is not repeated either.
            con.execute(
                "UPDATE quarantine SET fingerprint = kind || '|' || source_file || '|' || "
                "coalesce(CAST(source_row AS VARCHAR), '') || '|' || coalesce(column_name, '') || '|' || reason "
                "WHERE fingerprint IS NULL"
            )
            columns = [
                "kind",
                "source_file",
                "source_row",
                "column_name",
                "reason",
                "raw_json",
                "fingerprint",
                "run_id",
            ]
            with self._frame_view("_q", frame[columns]):
                before = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
                con.execute(
                    "INSERT INTO quarantine (run_id, kind, source_file, source_row, column_name, reason, "
                    "raw_json, fingerprint) SELECT run_id, kind, source_file, source_row, column_name, reason, "
                    "raw_json, fingerprint FROM _q "
                    "WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.fingerprint = _q.fingerprint)"
                )
                after = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
        return int(after - before)

    # ----------------------------------------------------------------- embeddings

    def get_embeddings(self, keys: Sequence[str], model_id: str) -> dict[str, np.ndarray]:
        if not keys:
            return {}
        with self._frame_view("_keys", pd.DataFrame({"key": list(keys)})):
            rows = self.con.execute(
                "SELECT e.key, e.vector FROM embeddings e JOIN _keys USING (key) WHERE e.model_id = ?",
                [model_id],
            ).fetchall()
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}

    def missing_embeddings(self, keys: Sequence[str], model_id: str) -> list[str]:
        """The keys (in the given order) that have no vector for this model yet."""
        if not keys:
            return []
        with self._frame_view("_keys", pd.DataFrame({"key": list(keys), "pos": range(len(keys))})):
            rows = self.con.execute(
                "SELECT k.key FROM _keys k ANTI JOIN (SELECT key FROM embeddings WHERE model_id = ?) e "
                "USING (key) ORDER BY k.pos",
                [model_id],
            ).fetchall()
        return [r[0] for r in rows]

    def put_embeddings(self, vectors: dict[str, np.ndarray], model_id: str) -> None:
        if not vectors:
            return
        frame = pd.DataFrame(
            {
                "key": list(vectors),
                "model_id": model_id,
                "dim": [len(v) for v in vectors.values()],
                "vector": [np.asarray(v, dtype=np.float32).tobytes() for v in vectors.values()],
            }
        )
        with self.transaction() as con:
            with self._frame_view("_emb", frame):
                con.execute("INSERT OR IGNORE INTO embeddings SELECT key, model_id, dim, vector FROM _emb")

    # ----------------------------------------------------------------- reads

    def table(self, name: str) -> pd.DataFrame:
        if name not in {
            "calls",
            "letters",
            "letter_paragraphs",
            "mailings",
            "quarantine",
            "runs",
            "letter_readability",
            "paragraph_readability",
            "letter_findings",
            "spikes",
            "call_demand",
            "letter_links",
            "letter_attribution",
            "call_letters",
            "hourly_spikes",
            "lag_profile",
        }:
            raise ValueError(name)
        return self.con.execute(f"SELECT * FROM {name}").df()  # noqa: S608 — name is whitelisted

    def count(self, name: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])  # noqa: S608

    def quarantine(self) -> pd.DataFrame:
        return self.con.execute(
            "SELECT id, run_id, kind, source_file, source_row, column_name, reason, raw_json "
            "FROM quarantine ORDER BY id"
        ).df()


def _text(value: object) -> str:
    """A quarantine field as text for its fingerprint; missing (None, NaN, NA) is empty."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _row_text(value: object) -> str:
    """A source row number as text ("7", not "7.0"); missing is empty."""
    return "" if value is None or pd.isna(value) else str(int(value))
