"""The ``analyzer`` command: thin sub-commands over the library.

Bad input ends with one Dutch line on stderr naming the file (and row/column where known) and
exit code 2; an unexpected error with one line and exit code 1 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

import pandas as pd

from analyzer.errors import InputError
from analyzer.settings import DEFAULT_STORE, Settings

EXIT_INPUT = 2


# argparse's own messages, in Dutch (it has no translations of its own); unmatched ones pass through.
_ARGPARSE_NL = (
    (re.compile(r"the following arguments are required: (.+)"), r"deze opties zijn verplicht: \1"),
    (re.compile(r"argument (\S+): invalid int value: (.+)"), r"\1 verwacht een geheel getal, niet \2"),
    (re.compile(r"argument (\S+): invalid float value: (.+)"), r"\1 verwacht een getal, niet \2"),
    (re.compile(r"argument (\S+): invalid choice: (\S+) \(choose from (.+)\)"), r"\1: \2 kan niet; kies uit \3"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 verwacht een waarde"),
    (re.compile(r"argument (\S+): expected (\d+) arguments"), r"\1 verwacht \2 waarden"),
    (re.compile(r"unrecognized arguments: (.+)"), r"onbekende opties: \1"),
)


class DutchArgumentParser(argparse.ArgumentParser):
    """An argument parser whose error messages are Dutch, like every other message of the command."""

    _HEADINGS = (("usage:", "gebruik:"), ("positional arguments:", "argumenten:"), ("options:", "opties:"),
                 ("show this help message and exit", "toon deze hulp en stop"))  # fmt: skip

    def format_usage(self) -> str:
        return self._dutch(super().format_usage())

    def format_help(self) -> str:
        return self._dutch(super().format_help())

    def _dutch(self, text: str) -> str:
        for english, dutch in self._HEADINGS:
            text = text.replace(english, dutch)
        return text

    def error(self, message: str) -> NoReturn:
        for pattern, dutch in _ARGPARSE_NL:
            if pattern.fullmatch(message):
                message = pattern.sub(dutch, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"fout: {message} (zie {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = DutchArgumentParser(
        prog="analyzer",
        description="Letter Clarity Analyzer: welke brieven leiden tot vermijdbare telefoontjes.",
    )
    parser.add_argument("--debug", action="store_true", help="toon volledige foutmeldingen (traceback)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=DutchArgumentParser)

    p = sub.add_parser("analyze", help="lees gesprekken, brieven en verzendlog in en analyseer ze")
    p.add_argument(
        "--calls",
        action="append",
        required=True,
        metavar="FILE",
        help="gesprekken (CSV, XLSX of JSON lines); mag vaker",
    )
    p.add_argument("--letters", required=True, metavar="DIR", help="map met briefsjablonen")
    p.add_argument("--mailings", metavar="FILE", help="verzendlog: template_id, sent_date, count")
    p.add_argument("--store", default=None, metavar="FILE", help=f"DuckDB-bestand (standaard {DEFAULT_STORE})")
    p.add_argument("--config", metavar="FILE", help="instellingen (TOML)")
    p.add_argument("--quiet", action="store_true", help="geen voortgangsbalken of samenvatting")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("report", help="de ranglijst van brieven")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="FILE")
    p.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
    p.add_argument("--top", type=int, default=None, metavar="N", help="alleen de eerste N brieven")
    p.add_argument("--out", metavar="FILE", help="schrijf naar dit bestand (verplicht voor xlsx)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("cluster", help="groepeer korte teksten uit een bestand in onderwerpen")
    p.add_argument("--input", required=True, metavar="FILE", help="CSV, TSV, XLSX of JSON lines")
    p.add_argument("--text-column", required=True, metavar="COL", help="kolom met de tekst")
    p.add_argument("--k", type=int, default=None, metavar="K", help="aantal onderwerpen (standaard: automatisch)")
    p.add_argument("--out", metavar="FILE", help="uitvoer (.csv, .xlsx of .jsonl); standaard CSV naar het scherm")
    p.add_argument("--config", metavar="FILE", help="instellingen (TOML), voor het taalmodel")
    p.set_defaults(func=cmd_cluster)

    p = sub.add_parser("topics", help="de onderwerpen van de geanalyseerde gesprekken")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="FILE")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--rename", nargs=2, metavar=("ID", "LABEL"), help="geef onderwerp ID een eigen naam")
    p.add_argument("--merge", nargs=2, type=int, metavar=("ID", "DOEL"), help="voeg onderwerp ID samen met DOEL")
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("spikes", help="pieken in het aantal gesprekken per onderwerp")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="FILE")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--hourly", action="store_true", help="pieken binnen een dag (per uur) in plaats van per dag")
    p.set_defaults(func=cmd_spikes)

    p = sub.add_parser("readability", help="leesbaarheid en B1-toets van brieven (bestanden of mappen)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="brief (.txt, .md, .docx, .pdf, .odt) of map met brieven")
    p.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
    p.add_argument(
        "--out", metavar="FILE", help="schrijf naar dit bestand (verplicht voor xlsx: scores en bevindingen)"
    )
    p.add_argument("--frog", action="store_true", help="controleer de zinsontleding met Frog (traag)")
    p.set_defaults(func=cmd_readability)

    p = sub.add_parser("quarantine", help="afgekeurde invoerregels met de reden")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="FILE")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_quarantine)

    p = sub.add_parser("train-demand", help="train het herkennen van vermijdbare gesprekken op eigen labels")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="FILE")
    p.add_argument("--labels", required=True, metavar="FILE", help="CSV/XLSX met de kolommen call_id, demand_type")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_train_demand)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, format="%(message)s")
    if not args.debug:
        warnings.filterwarnings("ignore")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        if getattr(args, "out", None):
            check_out(args.out)  # before the work: a clustering must not run for minutes, then fail to write
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 — silence the flush at exit
        return 0
    except Exception as exc:  # noqa: BLE001 — one line for the user, the traceback with --debug
        if args.debug:
            raise
        print(f"onverwachte fout: {type(exc).__name__}: {exc} (gebruik --debug voor details)", file=sys.stderr)
        return 1


def check_out(out: str) -> None:
    """Stop with a Dutch message when ``out`` cannot be written: a folder, a missing folder, no permission."""
    path = Path(out)
    if path.is_dir():
        raise InputError(f"{out}: is een map; geef een bestandsnaam voor --out")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{out}: de map {folder} bestaat niet")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{out}: geen schrijfrechten")


@contextlib.contextmanager
def writing(out: str) -> Iterator[None]:
    """Turn an OS error while writing ``out`` (disk full, file locked by Excel) into a Dutch message."""
    try:
        yield
    except OSError as exc:
        raise InputError(f"{out}: kan niet geschreven worden ({exc.strerror or exc})") from None


def cmd_analyze(args: argparse.Namespace) -> int:
    from analyzer.pipeline import analyze
    from analyzer.store import Store

    settings = Settings.load(args.config, store_path=args.store)
    for path in [*args.calls, args.mailings]:
        if path is not None and Path(path).is_dir():
            raise InputError(f"{path}: is een map; geef een bestand (.csv, .tsv, .xlsx of .jsonl)")
        if path is not None and not Path(path).is_file():
            raise InputError(f"{path}: bestand niet gevonden")
    seen: dict[Path, str] = {}
    for path in args.calls:  # the same file twice would be read twice and its quarantine counted twice
        if (key := Path(path).resolve()) in seen:
            also = "" if seen[key] == path else f" (ook als {seen[key]})"
            raise InputError(f"{path}: staat twee keer bij --calls{also}; geef elk bestand één keer")
        seen[key] = path
    with Store(settings.store_path) as store:
        summary = analyze(store, args.calls, args.letters, args.mailings, settings, progress=not args.quiet)
    if not args.quiet:
        print(f"Analyse {summary.run_id} klaar; opgeslagen in {settings.store_path}")
        for f in summary.files:
            extra = f" (nieuw {f.new}, al aanwezig {f.already_present})" if f.kind == "calls" else ""
            print(
                f"  {f.kind:<9} {f.source}: ingelezen {f.rows_in}, geaccepteerd {f.accepted}{extra}, "
                f"quarantaine {f.quarantined}"
            )
            for note in f.notes:
                print(f"    let op: {note}")
        print(f"  leesbaarheid: {summary.letters_scored} brieven beoordeeld")
        print(f"  embeddings: {summary.embedded} berekend, {summary.embeddings_cached} uit de cache")
        print(f"  onderwerpen: {summary.topics} (bekijk ze met: analyzer topics --store {settings.store_path})")
        print(
            f"  pieken: {summary.spikes}, waarvan {summary.linked_spikes} gekoppeld aan een brief "
            f"(bekijk ze met: analyzer spikes --store {settings.store_path})"
        )
        print(f"  vermijdbaar contact: {summary.avoidable_calls} gesprekken")
        print(
            f"  brieven met toegeschreven gesprekken: {summary.linked_letters} "
            f"(ranglijst: analyzer report --store {settings.store_path})"
        )
        steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in summary.seconds.items())
        print(f"  tijd per stap: {steps}")
        if any(f.quarantined for f in summary.files):
            print(f"  Bekijk afgekeurde regels met: analyzer quarantine --store {settings.store_path}")
    return 0


REPORT_LABELS = {
    "rank": "nr",
    "template_id": "sjabloon",
    "title": "titel",
    "department": "afdeling",
    "letters_sent": "verzonden",
    "attributed_calls": "gesprekken",
    "attributed_low": "gesprekken (laag)",
    "attributed_high": "gesprekken (hoog)",
    "timing_shown_calls": "door tijdstip aangetoond",
    "avoidable_calls": "vermijdbaar",
    "calls_per_1000": "per 1000 brieven",
    "estimated_cost_eur": "kosten (EUR)",
    "top_topic": "onderwerp-id",
    "top_topic_label": "belangrijkste onderwerp",
    "top_topic_share": "aandeel van dat onderwerp",
    "n_topics": "aantal onderwerpen",
    "top_paragraph": "alinea",
    "top_paragraph_text": "tekst van de alinea",
    "first_sent": "eerste",
    "last_sent": "laatste",
    "b1_verdict": "B1-oordeel",
    "lint_level": "LiNT-niveau",
}


TABLE_COLUMNS = {"rank", "template_id", "letters_sent", "attributed_calls", "avoidable_calls", "calls_per_1000",
                 "estimated_cost_eur", "top_topic_label", "top_paragraph", "b1_verdict"}  # fmt: skip


def cmd_report(args: argparse.Namespace) -> int:
    from analyzer.report import letter_ranking
    from analyzer.store import Store

    with Store(args.store, read_only=True) as store:
        frame = letter_ranking(store)
    if args.top is not None:
        if args.top < 1:
            raise InputError("--top moet 1 of groter zijn")
        frame = frame.head(args.top)
    for col in ("first_sent", "last_sent"):
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d")
    for col in (
        "attributed_calls",
        "attributed_low",
        "attributed_high",
        "timing_shown_calls",
        "avoidable_calls",
        "calls_per_1000",
    ):
        frame[col] = frame[col].round(1)
    frame["top_topic_share"] = frame["top_topic_share"].astype(float).round(3)
    frame["estimated_cost_eur"] = frame["estimated_cost_eur"].round(0)
    if args.format == "table":  # the full width is for JSON and the file exports
        frame = frame[[c for c in REPORT_LABELS if c in TABLE_COLUMNS]]
    return _emit(frame, args.format, args.out, REPORT_LABELS, sheet="Brieven")


def cmd_cluster(args: argparse.Namespace) -> int:
    from analyzer.embed import get_embedder
    from analyzer.ingest.tables import blank_rows_note, read_table
    from analyzer.pipeline import default_pseudonymiser
    from analyzer.topics import cluster_texts

    settings = Settings.load(args.config)
    table = read_table(args.input)
    column = args.text_column.strip().lower()
    if column not in table.frame.columns:
        present = ", ".join(str(c) for c in table.frame.columns if c != "_row")
        raise InputError(f"{args.input}: kolom '{args.text_column}' niet gevonden (gevonden: {present})")
    if args.k is not None and args.k < 1:
        raise InputError("--k moet 1 of groter zijn")
    if args.out and Path(args.out).suffix.lower() not in (".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".ndjson"):
        raise InputError(f"{args.out}: gebruik .csv, .tsv, .xlsx of .jsonl")
    frame = table.frame
    texts = frame[column].map(lambda v: "" if v is None else str(v).strip())
    empty = texts.eq("")
    for row in frame.loc[empty, "_row"]:
        print(f"let op: {args.input}, rij {row}: kolom '{args.text_column}' is leeg; overgeslagen", file=sys.stderr)
    for row_no, reason, _ in table.broken:
        print(f"let op: {args.input}, rij {row_no}: {reason}; overgeslagen", file=sys.stderr)
    if table.blank_rows:
        print(f"let op: {args.input}: {blank_rows_note(table.blank_rows)}", file=sys.stderr)
    kept = frame.loc[~empty].reset_index(drop=True)
    if len(kept) < 2:
        raise InputError(f"{args.input}: te weinig teksten om te groeperen ({len(kept)})")
    if args.k is not None and args.k > len(kept):
        raise InputError(f"--k {args.k} is groter dan het aantal teksten ({len(kept)})")
    # Personal data is replaced before anything is embedded, labelled or written, as in analyze: a name
    # would otherwise become a topic's keyword ("Jansen, WOZ beschikking")
    clean = default_pseudonymiser(settings, sys.stderr.isatty())(texts[~empty].tolist())
    embedder = get_embedder(settings.embedding_model)
    vectors = embedder.encode(clean, settings.embedding_batch_size, show_progress=sys.stderr.isatty())
    topics = cluster_texts(clean, vectors, k=args.k)
    kept[column] = clean
    out = pd.concat([kept.drop(columns=["_row"]), topics], axis=1)
    skipped = int(empty.sum()) + len(table.broken) + len(table.blank_rows)
    print(
        f"{len(kept) + skipped} rijen ingelezen: {len(kept)} teksten in {out['topic_id'].nunique()} onderwerpen, "
        f"{skipped} overgeslagen",
        file=sys.stderr,
    )
    if args.out is None:
        sys.stdout.write(out.to_csv(index=False))
        return 0
    suffix = Path(args.out).suffix.lower()
    with writing(args.out):
        if suffix == ".xlsx":
            out.to_excel(args.out, index=False)
        elif suffix in (".jsonl", ".ndjson"):
            out.to_json(args.out, orient="records", lines=True, force_ascii=False)
        else:
            out.to_csv(args.out, index=False, sep="\t" if suffix == ".tsv" else ",")
    print(f"geschreven: {args.out}", file=sys.stderr)
    return 0


TOPIC_LABELS = {
    "topic_id": "id",
    "label": "onderwerp",
    "size": "gesprekken",
    "share": "aandeel %",
    "low_confidence": "twijfel",
    "keywords": "kernwoorden",
    "first_seen": "eerst gezien",
    "is_new": "nieuw",
    "parent": "hoofdonderwerp",
}


def cmd_topics(args: argparse.Namespace) -> int:
    from analyzer.store import Store

    if args.rename or args.merge:
        with Store(args.store) as store:
            known = set(store.topics()["topic_id"].tolist())
            if args.rename:
                topic_id = _topic_id(args.rename[0], known)
                label = args.rename[1].strip()
                if not label:
                    raise InputError("--rename: de nieuwe naam is leeg")
                store.apply_topic_edit("rename", topic_id, label=label, source="cli")
            else:
                source, target = (_topic_id(str(v), known) for v in args.merge)
                if source == target:
                    raise InputError("--merge: een onderwerp kan niet met zichzelf samengevoegd worden")
                store.apply_topic_edit("merge", source, target_id=target, source="cli")
        print("opgeslagen; de wijziging blijft gelden bij volgende analyses", file=sys.stderr)
    with Store(args.store, read_only=not (args.rename or args.merge)) as store:
        frame = store.con.execute(
            """
            SELECT t.topic_id, t.label, t.size, t.keywords_json, t.first_seen, t.is_new, t.parent,
                   coalesce(sum(c.low_confidence::INTEGER), 0)::BIGINT AS low_confidence
            FROM topics t LEFT JOIN call_topics c USING (topic_id)
            WHERE t.active AND t.level = 1 GROUP BY ALL ORDER BY t.size DESC, t.topic_id
            """
        ).df()
    if frame.empty:
        print("Nog geen onderwerpen in deze database (geen gesprekken geanalyseerd).", file=sys.stderr)
        if args.format == "json":
            print("[]")
        return 0
    frame["keywords"] = frame.pop("keywords_json").map(json.loads)
    frame["share"] = (100 * frame["size"] / frame["size"].sum()).round(1)
    frame["first_seen"] = pd.to_datetime(frame["first_seen"]).dt.strftime("%Y-%m-%d")
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, indent=2))
        return 0
    frame["keywords"] = frame["keywords"].map(lambda k: ", ".join(k[:6]))
    frame = frame[["topic_id", "label", "size", "share", "low_confidence", "is_new", "keywords"]]
    with pd.option_context("display.max_rows", None, "display.width", 220, "display.max_colwidth", 70):
        print(dutch_table(frame, {"share": 1}).rename(columns=TOPIC_LABELS).to_string(index=False))
    return 0


SPIKE_LABELS = {"topic_id": "id", "topic_label": "onderwerp", "start": "begin", "peak": "piek", "end": "eind",
                "hours": "uren", "observed": "gesprekken", "expected": "verwacht", "excess_calls": "extra",
                "template_id": "brief", "link_score": "koppeling", "level": "niveau"}  # fmt: skip


def cmd_spikes(args: argparse.Namespace) -> int:
    from analyzer.store import SHOWN_TOPICS, Store

    with Store(args.store, read_only=True) as store:
        if args.hourly:
            frame = store.con.execute(
                f"""
                SELECT s.topic_id, t.label AS topic_label, s.start, s.peak, s."end", s.hours, s.observed,
                       s.expected, s.excess AS excess_calls
                FROM hourly_spikes s LEFT JOIN {SHOWN_TOPICS} t USING (topic_id) ORDER BY s.excess DESC, s.start
                """
            ).df()
        else:
            frame = store.con.execute(
                f"""
                SELECT s.topic_id, t.label AS topic_label, CASE WHEN s.level = 0 THEN 'theme' ELSE 'topic' END AS level,
                       s.start, s.peak, s."end", s.observed, s.expected, s.excess AS excess_calls, s.template_id,
                       s.link_score
                FROM spikes s LEFT JOIN {SHOWN_TOPICS} t USING (topic_id) ORDER BY s.excess DESC, s.start
                """
            ).df()
    stamp = "%Y-%m-%d %H:%M" if args.hourly else "%Y-%m-%d"
    for col in ("start", "peak", "end"):
        frame[col] = pd.to_datetime(frame[col]).dt.strftime(stamp)
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, indent=2))
        return 0
    if frame.empty:
        print("Geen pieken binnen een dag gevonden." if args.hourly else "Geen pieken gevonden.")
        return 0
    if "level" in frame:
        frame["level"] = frame["level"].map({"theme": "thema", "topic": "onderwerp"})
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 60):
        table = dutch_table(frame, {"observed": 0, "expected": 1, "excess_calls": 1, "link_score": 2})
        print(table.astype(object).where(frame.notna(), "").rename(columns=SPIKE_LABELS).to_string(index=False))
    return 0


def _topic_id(value: str, known: set[int]) -> int:
    try:
        topic_id = int(value)
    except ValueError:
        raise InputError(f"onderwerp '{value}' is geen nummer") from None
    if topic_id not in known:
        raise InputError(f"onderwerp {topic_id} bestaat niet (zie analyzer topics)")
    return topic_id


READABILITY_COLUMNS = {
    "path": "bestand",
    "b1_verdict": "B1-oordeel",
    "flesch_douma": "Flesch-Douma",
    "brouwer": "Brouwer",
    "lint_score": "LiNT",
    "lint_level": "LiNT-niveau",
    "difficulty": "moeilijkheid",
    "avg_sentence_length": "gem. zinslengte",
    "n_findings": "bevindingen",
}


def cmd_readability(args: argparse.Namespace) -> int:
    from analyzer.b1 import analyze_documents
    from analyzer.findings import FINDING_LABELS
    from analyzer.ingest.letters import LETTER_SUFFIXES, read_letter, read_letters

    letters, skipped = [], []
    for raw in args.paths:
        path = Path(raw)
        try:
            if path.is_dir():
                batch = read_letters(path)
                skipped += [row["reason"] for row in batch.rejected.rows]
                letters += batch.letters
            elif path.is_file():
                if path.suffix.lower() not in LETTER_SUFFIXES:
                    raise InputError(
                        f"{path}: bestandstype {path.suffix or '(geen)'} wordt niet ondersteund "
                        f"(wel: {', '.join(LETTER_SUFFIXES)})"
                    )
                letters.append(read_letter(path))
            else:
                raise InputError(f"{path}: bestand of map niet gevonden")
        except InputError as exc:  # one bad file among several: the others are still scored
            if len(args.paths) == 1:
                raise
            skipped.append(str(exc))
    for reason in skipped:
        print(f"let op, overgeslagen: {reason}", file=sys.stderr)
    if not letters:
        raise InputError(
            "geen brief kon gelezen worden" + (f" ({len(skipped)} overgeslagen, zie hierboven)" if skipped else "")
        )
    results = analyze_documents([x.text for x in letters], [x.source_path for x in letters], use_frog=args.frog)
    if args.format == "json":
        # the text the findings' start and end point into: the file's text without front matter and markup
        full = [{**r, "text": letter.text} for r, letter in zip(results, letters)]
        return _print_or_write(json.dumps(full, ensure_ascii=False, indent=2, default=str), args.out)
    frame = pd.DataFrame(results)
    frame["n_findings"] = frame["findings"].map(len)
    frame = frame[list(READABILITY_COLUMNS)].round(1)
    if args.format in ("csv", "xlsx"):
        scores = frame.assign(b1_reasons=["\n".join(r["b1_reasons"]) for r in results]).rename(
            columns={**READABILITY_COLUMNS, "b1_reasons": "redenen"}
        )
        if args.format == "csv":
            return _emit(scores, "csv", args.out, {}, "Leesbaarheid")
        if not args.out:
            raise InputError("--format xlsx heeft --out BESTAND.xlsx nodig")
        found = pd.DataFrame(
            [
                {"bestand": r["path"], "zin": f.get("sentence"), "soort": FINDING_LABELS.get(f["type"], f["type"]),
                 "tekst": f["text"], "suggestie": f["suggestion"]}
                for r in results for f in r["findings"]
            ],
            columns=["bestand", "zin", "soort", "tekst", "suggestie"],
        )  # fmt: skip
        with writing(args.out), pd.ExcelWriter(args.out) as book:
            scores.to_excel(book, index=False, sheet_name="Leesbaarheid")
            found.to_excel(book, index=False, sheet_name="Bevindingen")
        print(f"geschreven: {args.out} (bladen Leesbaarheid en Bevindingen)", file=sys.stderr)
        return 0
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 50):
        table = dutch_table(frame).rename(columns=READABILITY_COLUMNS).to_string(index=False, na_rep="")
    lines = [table, ""]
    for result in results:  # the verdict's reasons under the table: what an editor acts on
        lines.append(f"{result['path']}: {result['b1_verdict']}")
        lines += [f"  - {reason}" for reason in result["b1_reasons"]]
    if results[0].get("syntax_note"):
        lines.append(f"\n{results[0]['syntax_note']}")
    return _print_or_write("\n".join(lines), args.out)


def cmd_quarantine(args: argparse.Namespace) -> int:
    from analyzer.store import Store

    with Store(args.store, read_only=True) as store:
        frame = store.quarantine()
    frame["raw"] = frame.pop("raw_json").map(json.loads)
    if args.format == "table":
        frame = frame.drop(columns=["raw"])
        if frame.empty:
            print("Geen afgekeurde regels.")
            return 0
    return _emit(
        frame,
        args.format,
        None,
        {"source_file": "bestand", "source_row": "rij", "column_name": "kolom", "reason": "reden"},
        sheet="Quarantaine",
    )


DEMAND_METRIC_LABELS = {"precision": "precisie", "recall": "recall", "f1": "F1", "support": "labels"}


def cmd_train_demand(args: argparse.Namespace) -> int:
    from analyzer.demand import analysis_embedding_model, train_demand
    from analyzer.embed import get_embedder
    from analyzer.store import Store

    if not Path(args.store).is_file():
        raise InputError(f"{args.store}: opslag niet gevonden (voer eerst 'analyzer analyze' uit)")
    with Store(args.store) as store:
        model_name = analysis_embedding_model(store)
        result = train_demand(store, get_embedder(model_name), args.labels)
    for problem in result.problems:
        print(f"let op: {problem}; overgeslagen", file=sys.stderr)
    if args.format == "json":
        out = {"model_id": result.model_id, "embedding_model": model_name, "rows_in": result.rows_in,
               "n_labels": result.n_labels, "skipped": len(result.problems), "problems": result.problems,
               "metrics": result.metrics}  # fmt: skip
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(
        f"Model {result.model_id} getraind op {result.n_labels} labels (ingelezen {result.rows_in}, "
        f"overgeslagen {len(result.problems)}); taalmodel {model_name}"
    )
    cv = result.metrics.get("cross_validation")
    if cv is None:
        print(f"Geen kruisvalidatie: {result.metrics.get('note', '')}")
    else:
        print(
            f"Kruisvalidatie ({cv['folds']}-voudig): juistheid {cv['accuracy']:.2f}, macro-F1 {cv['macro_f1']:.2f}; "
            f"vermijdbaar: precisie {cv['avoidable']['precision']:.2f}, recall {cv['avoidable']['recall']:.2f}"
        )
        frame = pd.DataFrame(cv["per_type"]).T.astype({"support": int}).rename(columns=DEMAND_METRIC_LABELS)
        print(frame.to_string())
    zero = result.metrics["zero_shot_on_labels"]
    print(f"Zonder labels (prototypes) op dezelfde gesprekken: juistheid {zero['accuracy']:.2f}, "
          f"macro-F1 {zero['macro_f1']:.2f}")  # fmt: skip
    print("Het model wordt gebruikt bij de volgende 'analyzer analyze'.")
    return 0


def dutch_table(frame: pd.DataFrame, decimals: dict[str, int] | None = None) -> pd.DataFrame:
    """The frame with its number columns written the Dutch way for a printed table (12.942; 64,8):
    the ``decimals`` given per column, else whole numbers without decimals, numbers up to 1 (scores)
    with two and others with one; true/false as ja/nee."""
    from analyzer.explore.base import nl_number

    out = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_bool_dtype(values):
            out[col] = values.map({True: "ja", False: "nee"})
            continue
        if not pd.api.types.is_numeric_dtype(values):
            out[col] = values.map(lambda v: "–" if v is None or (not isinstance(v, list | dict) and pd.isna(v)) else v)
            continue
        finite = values.dropna().astype(float)
        fixed = (decimals or {}).get(col)
        auto = 0 if (finite == finite.round()).all() else (2 if finite.abs().max() <= 1 else 1)
        decimals_here = auto if fixed is None else fixed
        out[col] = values.map(lambda v, d=decimals_here: "–" if pd.isna(v) else nl_number(float(v), d))
    return out


def _emit(frame: pd.DataFrame, fmt: str, out: str | None, labels: dict[str, str], sheet: str) -> int:
    if fmt == "json":
        text = frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso")
    elif fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "xlsx":
        if not out:
            raise InputError("--format xlsx heeft --out BESTAND.xlsx nodig")
        with writing(out):
            frame.rename(columns=labels).to_excel(out, index=False, sheet_name=sheet)
        print(f"geschreven: {out}", file=sys.stderr)
        return 0
    else:
        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
        ):
            text = dutch_table(frame).rename(columns=labels).to_string(index=False, na_rep="")
    return _print_or_write(text, out)


def _print_or_write(text: str, out: str | None) -> int:
    """``text`` to standard output, or to the file ``out`` with a line saying so."""
    if out:
        with writing(out):
            Path(out).write_text(text + "\n", encoding="utf-8")
        print(f"geschreven: {out}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
