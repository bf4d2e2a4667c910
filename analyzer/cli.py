"""The ``analyzer`` command: thin sub-commands over the library.

Bad input ends with one Dutch line on stderr naming the file (and row/column where known) and
exit code 2; an unexpected error with one line and exit code 1 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analyzer.errors import InputError
from analyzer.settings import DEFAULT_STORE, Settings

EXIT_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analyzer",
        description="Letter Clarity Analyzer: welke brieven leiden tot vermijdbare telefoontjes.",
    )
    parser.add_argument("--debug", action="store_true", help="toon volledige foutmeldingen (traceback)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    p = sub.add_parser("readability", help="leesbaarheid en B1-toets van brieven (bestanden of mappen)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="brief (.txt, .md, .docx, .pdf, .odt) of map met brieven")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--frog", action="store_true", help="gebruik Frog voor de zinsontleding (traag, nauwkeuriger)")
    p.set_defaults(func=cmd_readability)

    p = sub.add_parser("quarantine", help="afgekeurde invoerregels met de reden")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="FILE")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_quarantine)
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
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — one line for the user, the traceback with --debug
        if args.debug:
            raise
        print(f"onverwachte fout: {type(exc).__name__}: {exc} (gebruik --debug voor details)", file=sys.stderr)
        return 1


def cmd_analyze(args: argparse.Namespace) -> int:
    from analyzer.pipeline import analyze
    from analyzer.store import Store

    settings = Settings.load(args.config, store_path=args.store)
    for path in [*args.calls, args.mailings]:
        if path is not None and not Path(path).is_file():
            raise InputError(f"{path}: bestand niet gevonden")
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
        if any(f.quarantined for f in summary.files):
            print(f"  Bekijk afgekeurde regels met: analyzer quarantine --store {settings.store_path}")
    return 0


REPORT_LABELS = {
    "template_id": "sjabloon",
    "title": "titel",
    "department": "afdeling",
    "version": "versie",
    "letters_sent": "verzonden",
    "mailings": "verzendingen",
    "first_sent": "eerste",
    "last_sent": "laatste",
    "paragraphs": "alinea's", "b1_verdict": "B1-oordeel", "lint_level": "LiNT-niveau", "difficulty": "moeilijkheid",
}


def cmd_report(args: argparse.Namespace) -> int:
    from analyzer.store import Store

    with Store(args.store, read_only=True) as store:
        frame = store.letter_summary()
    if args.top is not None:
        frame = frame.head(args.top)
    for col in ("first_sent", "last_sent"):
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d")
    return _emit(frame, args.format, args.out, REPORT_LABELS, sheet="Brieven")


READABILITY_COLUMNS = {
    "path": "bestand", "b1_verdict": "B1-oordeel", "flesch_douma": "Flesch-Douma", "brouwer": "Brouwer",
    "lint_score": "LiNT", "lint_level": "LiNT-niveau", "difficulty": "moeilijkheid",
    "avg_sentence_length": "gem. zinslengte", "n_findings": "bevindingen",
}


def cmd_readability(args: argparse.Namespace) -> int:
    from analyzer.b1 import analyze_documents
    from analyzer.ingest.letters import LETTER_SUFFIXES, read_letter, read_letters

    letters = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            batch = read_letters(path)
            for row in batch.rejected.rows:
                print(f"let op: {row['reason']}", file=sys.stderr)
            letters += batch.letters
        elif path.is_file():
            if path.suffix.lower() not in LETTER_SUFFIXES:
                raise InputError(f"{path}: bestandstype {path.suffix or '(geen)'} wordt niet ondersteund "
                                 f"(wel: {', '.join(LETTER_SUFFIXES)})")
            letters.append(read_letter(path))
        else:
            raise InputError(f"{path}: bestand of map niet gevonden")
    results = analyze_documents([x.text for x in letters], [x.source_path for x in letters], use_frog=args.frog)
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False, indent=2, default=str))
        return 0
    frame = pd.DataFrame(results)
    frame["n_findings"] = frame["findings"].map(len)
    frame = frame[list(READABILITY_COLUMNS)].round(1)
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 50):
        print(frame.rename(columns=READABILITY_COLUMNS).to_string(index=False, na_rep=""))
    if results and results[0].get("syntax_note"):
        print(f"\n{results[0]['syntax_note']}")
    return 0


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


def _emit(frame: pd.DataFrame, fmt: str, out: str | None, labels: dict[str, str], sheet: str) -> int:
    if fmt == "json":
        text = frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso")
    elif fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "xlsx":
        if not out:
            raise InputError("--format xlsx heeft --out BESTAND.xlsx nodig")
        frame.rename(columns=labels).to_excel(out, index=False, sheet_name=sheet)
        print(f"geschreven: {out}", file=sys.stderr)
        return 0
    else:
        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
        ):
            text = frame.rename(columns=labels).to_string(index=False, na_rep="")
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        print(f"geschreven: {out}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
