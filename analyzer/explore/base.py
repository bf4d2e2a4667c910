"""What the pages share: opening the store, period bounds, filter lists, and what the analysis used."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

from analyzer.errors import InputError
from analyzer.schema import parse_numbers
from analyzer.store import Store


def open_store(path: str | Path) -> Store:
    """Open a store read-only. The app never writes except for a topic edit, so a store made by an
    older analyzer is not migrated here: the message says to analyse again (that migrates it)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: database niet gevonden (voer eerst 'analyzer analyze' of scripts/demo.sh uit)")
    try:
        return Store(path, read_only=True)
    except InputError as exc:
        if "schemaversie" in str(exc):
            raise InputError(
                f"{path}: deze database is gemaakt door een oudere versie van analyzer; analyseer opnieuw "
                "('analyzer analyze' of 'bash scripts/demo.sh --reanalyze')"
            ) from None
        raise


def nl_number(value: float | None, decimals: int = 0) -> str:
    """A number as Dutch readers write it: a point between thousands, a comma before decimals
    (12942.5 → ``12.942,5``); ``–`` for a missing value."""
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:[,.]\d+)?")


def parse_nl_amount(text: str, lowest: float = 0.0, highest: float = 1000.0) -> float:
    """An amount in euros as a Dutch reader types it: ``5,50``, ``€ 5,50``, ``1.000`` or ``5.50``. A point
    followed by three digits groups thousands; otherwise a point or comma is the decimal sign. Raises
    :class:`InputError` with a Dutch message for anything else or an amount outside ``lowest``..``highest``."""
    cleaned = re.sub(r"\s+", "", text.replace("€", "")).removesuffix(",-")
    if not _AMOUNT.fullmatch(cleaned):
        raise InputError(f"'{text}' is geen bedrag. Schrijf het bijvoorbeeld als 5,50.")
    value = float(parse_numbers(pd.Series([cleaned])).values.iloc[0])  # as every number of the input files
    if not lowest <= value <= highest:
        raise InputError(f"{nl_number(value, 2)} valt buiten {nl_number(lowest, 2)} tot {nl_number(highest, 2)}.")
    return value


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(start, dt.time.min) if start else dt.datetime(1900, 1, 1)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min) if end else dt.datetime(2999, 1, 1)
    return lo, hi


def date_range(store: Store) -> tuple[dt.date, dt.date] | None:
    """First and last day with calls, or None for a store without calls."""
    lo, hi = store.con.execute('SELECT min("timestamp"), max("timestamp") FROM calls').fetchall()[0]
    if lo is None:
        return None
    return pd.Timestamp(lo).date(), pd.Timestamp(hi).date()


def channels(store: Store) -> list[str]:
    rows = store.con.execute("SELECT DISTINCT channel FROM calls WHERE channel IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def departments(store: Store) -> list[str]:
    rows = store.con.execute(
        "SELECT DISTINCT department FROM letters WHERE department IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def analysis_cost_per_call(store: Store) -> float | None:
    """The cost per call (EUR) the latest completed analysis priced its calls at (from its settings)."""
    rows = store.con.execute(
        "SELECT settings_json FROM runs WHERE command = 'analyze' AND status = 'completed' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()
    if not rows or not rows[0][0]:
        return None
    value = json.loads(rows[0][0]).get("cost_per_call_eur")
    return float(value) if isinstance(value, int | float) else None


def embedding_model(store: Store) -> str | None:
    """The embedding model the store's vectors were made with (the one a draft must be embedded with)."""
    rows = store.con.execute(
        "SELECT model_id FROM embeddings GROUP BY model_id ORDER BY count(*) DESC, model_id LIMIT 1"
    ).fetchall()
    return rows[0][0] if rows else None
