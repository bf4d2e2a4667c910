"""What every page shares: the settings in the sidebar, cached reads from the store, Dutch labels.

Data is read through :func:`load`, which opens the store read-only for the read and closes it again
(so the analyzer can still write to it between page views) and caches the result per store file and
modification time. Models are shared between sessions with ``st.cache_resource``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from analyzer import explore
from analyzer.errors import InputError
from analyzer.settings import Settings

DEFAULT_STORE = "demo.duckdb"

COLUMN_LABELS = {
    "rank": "#",
    "template_id": "brief",
    "title": "titel",
    "department": "afdeling",
    "letters_sent": "verstuurd",
    "attributed_calls": "toegerekende gesprekken",
    "attributed_low": "ondergrens",
    "attributed_high": "bovengrens",
    "timing_shown_calls": "waarvan door tijdstip aangetoond",
    "avoidable_calls": "vermijdbare gesprekken",
    "calls_per_1000": "gesprekken per 1.000 brieven",
    "estimated_cost_eur": "geschatte kosten (€)",
    "top_topic": "onderwerp-id",
    "top_topic_label": "belangrijkste onderwerp",
    "top_paragraph": "alinea",
    "top_paragraph_text": "alinea met de meeste vermijdbare vragen",
    "b1_verdict": "B1-oordeel",
    "lint_level": "LiNT-niveau",
    "first_sent": "eerst verstuurd",
    "last_sent": "laatst verstuurd",
    "topic_id": "id",
    "label": "onderwerp",
    "topic_label": "onderwerp",
    "parent_label": "hoofdonderwerp",
    "calls": "gesprekken",
    "share": "aandeel",
    "trend": "trend (4 weken)",
    "keywords": "kernwoorden",
    "is_new": "nieuw",
    "start": "begin",
    "peak": "piek",
    "end": "eind",
    "observed": "gesprekken",
    "expected": "verwacht",
    "excess": "extra gesprekken",
    "letter_title": "gekoppelde brief",
    "link_score": "koppeling",
    "finding_no": "nr",
    "paragraph_no": "alinea",
    "soort": "soort",
    "text": "tekst",
    "suggestion": "suggestie",
    "start_char": "van teken",
    "end_char": "tot teken",
    "similarity": "gelijkenis",
    "best_paragraph_text": "meest gelijkende alinea",
    "timestamp": "tijdstip",
    "channel": "kanaal",
    "confidence": "zekerheid",
    "content_score": "inhoud",
    "timing_score": "tijdpatroon",
    "mention_score": "noemt de brief",
    "example": "voorbeeld",
    "theme": "hoofdonderwerp",
    "paragraph_text": "tekst van de alinea",
    "top_topic_share": "aandeel belangrijkste onderwerp",
    "n_topics": "aantal onderwerpen",
}


@dataclass(frozen=True)
class Context:
    """The sidebar's settings as the pages use them."""

    store_path: str
    start: dt.date | None
    end: dt.date | None
    cost_factor: float
    cost_per_call: float


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The analyzer settings (``ANALYZER_CONFIG`` names a TOML file; otherwise the defaults)."""
    return Settings.load(os.environ.get("ANALYZER_CONFIG") or None)


def default_store() -> str:
    return os.environ.get("ANALYZER_STORE") or (
        DEFAULT_STORE if Path(DEFAULT_STORE).is_file() else settings().store_path
    )


def _stamp(path: str) -> tuple[str, float]:
    p = Path(path)
    return str(p.resolve()), (p.stat().st_mtime if p.is_file() else 0.0)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(name: str, path: str, mtime: float, args: tuple, kwargs: tuple) -> object:
    with explore.open_store(path) as store:
        return getattr(explore, name)(store, *args, **dict(kwargs))


def load(name: str, *args: object, **kwargs: object) -> object:
    """``analyzer.explore.<name>(store, *args, **kwargs)`` on the chosen store, cached."""
    path, mtime = _stamp(st.session_state.get("store_path") or default_store())
    return _cached(name, path, mtime, tuple(args), tuple(sorted(kwargs.items())))


@st.cache_resource(show_spinner=False)
def embedder(model_id: str):
    """The embedding model the store was built with, loaded once per server process."""
    from analyzer.embed import get_embedder

    return get_embedder(model_id)


@st.cache_resource(show_spinner=False)
def warm_up(path: str) -> threading.Thread:
    """Load the readability lexicons and the store's embedding model in the background, once per server,
    so the first draft check is as fast as the next ones (scripts/serve.sh sets ANALYZER_WARMUP=1)."""

    def work() -> None:
        try:
            explore.check_draft("Dit is een korte zin. Wij lezen hem.")
            with explore.open_store(path) as store:
                model_id = explore.embedding_model(store)
            if model_id:
                embedder(model_id).encode(["warm"])
        except Exception:  # noqa: BLE001 — warming up is an optimisation; the page reports real errors
            pass

    thread = threading.Thread(target=work, name="analyzer-warm-up", daemon=True)
    thread.start()
    return thread


def sidebar() -> Context | None:
    """Render the settings panel; returns None (after showing why) when the store cannot be used."""
    with st.sidebar:
        st.header("Instellingen")
        path = st.text_input("Database (store)", value=default_store(), key="store_path")
    try:
        span = load("date_range")
        analysed_at = load("analysis_cost_per_call") or settings().cost_per_call_eur
    except InputError as exc:
        st.error(f"De database kan niet geopend worden: {exc}")
        st.info("Maak de demo-database met `bash scripts/demo.sh --no-serve` of kies een andere database.")
        return None
    except Exception as exc:  # noqa: BLE001 — a locked or broken file must not show a traceback
        st.error(f"De database kan niet gelezen worden ({type(exc).__name__}). Wordt er nog een analyse gedraaid?")
        return None
    with st.sidebar:
        # A text field, not st.number_input: that one shows and takes "5.50", which a Dutch reader types as 5,50
        typed = st.text_input(
            "Kosten per gesprek (€)",
            value=explore.nl_number(float(analysed_at), 2),
            key="cost_per_call",
            help=(
                f"Aanname voor de geschatte kosten, in euro (bijvoorbeeld 5,50); de analyse rekende met "
                f"€ {explore.nl_number(float(analysed_at), 2)} per gesprek."
            ),
        )
        try:
            cost = explore.parse_nl_amount(typed)
        except InputError as exc:
            cost = float(analysed_at)
            st.error(f"Kosten per gesprek: {exc} Er wordt gerekend met € {explore.nl_number(cost, 2)}.")
    start = end = None
    if st.session_state.get("_period_span") != span:  # another store: its own period, not the old one
        st.session_state.pop("period", None)
        st.session_state["_period_span"] = span
    if span is not None:
        with st.sidebar:
            period = st.date_input(
                "Periode",
                value=span,
                min_value=span[0],
                max_value=span[1],
                format="DD-MM-YYYY",
                key="period",
            )
        if isinstance(period, tuple | list) and len(period) == 2:
            start, end = period
            if (start, end) == span:
                start = end = None
    if os.environ.get("ANALYZER_WARMUP") == "1":
        warm_up(path)
    factor = cost / analysed_at if analysed_at else 1.0
    return Context(path, start, end, factor, cost)


def _formats() -> dict:
    """Column formats: numbers in the reader's browser locale (a Dutch browser shows 199.603 and 65,1;
    printf formats cannot group thousands), with as many decimals as the step says; Dutch dates."""
    count, tenth, score = number(1), number(0.1), number(0.01)
    day = st.column_config.DateColumn(format="DD-MM-YYYY")
    return {
        "verstuurd": count,
        "toegerekende gesprekken": count,
        "ondergrens": count,
        "bovengrens": count,
        "vermijdbare gesprekken": count,
        "gesprekken per 1.000 brieven": tenth,
        "geschatte kosten (€)": st.column_config.NumberColumn(format="euro", step=1),
        "gesprekken": count,
        "verwacht": tenth,
        "extra gesprekken": count,
        "koppeling": score,
        "aandeel": st.column_config.NumberColumn(format="percent"),
        "zekerheid": score,
        "inhoud": score,
        "tijdpatroon": score,
        "noemt de brief": score,
        "aandeel belangrijkste onderwerp": st.column_config.NumberColumn(format="percent"),
        "begin": day,
        "piek": day,
        "eind": day,
        "eerst verstuurd": day,
        "laatst verstuurd": day,
        "tijdstip": st.column_config.DatetimeColumn(format="DD-MM-YYYY HH:mm"),
    }


def number(step: float, **kwargs: Any) -> Any:
    """A number column in the browser's locale with the decimals of ``step`` (1: none, 0.1: one)."""
    return st.column_config.NumberColumn(format="localized", step=step, **kwargs)


def table(frame: pd.DataFrame, key: str, column_config: dict | None = None) -> None:
    """``st.dataframe`` without the index, with Dutch number and date formats for the known columns."""
    config = {c: f for c, f in _formats().items() if c in frame.columns}
    st.dataframe(frame, hide_index=True, key=key, column_config={**config, **(column_config or {})})


def labelled(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The given columns with Dutch headers, for display and export."""
    return frame.reindex(columns=columns).rename(columns=COLUMN_LABELS)


# Decimals in downloads, per Dutch header: calls are whole, rates and scores get one to three decimals.
# Columns not named here keep up to three decimals.
DECIMALS = {
    **dict.fromkeys(["verstuurd", "toegerekende gesprekken", "ondergrens", "bovengrens", "vermijdbare gesprekken",
                     "waarvan door tijdstip aangetoond", "gesprekken", "extra gesprekken", "extra",
                     "geschatte kosten (€)"], 0),
    **dict.fromkeys(["gesprekken per 1.000 brieven", "verwacht"], 1),
    **dict.fromkeys(["koppeling", "zekerheid", "inhoud", "tijdpatroon", "noemt de brief", "gelijkenis",
                     "trend (4 weken)"], 2),
    **dict.fromkeys(["aandeel", "aandeel belangrijkste onderwerp"], 3),
}  # fmt: skip
DEFAULT_DECIMALS = 3
EXCEL_DECIMALS = {0: "#,##0", 1: "#,##0.0", 2: "0.00", 3: "0.000"}  # Dutch Excel shows these as 1.234 and 0,5
EXCEL_NUMBER = {"aandeel": "0.0%", "aandeel belangrijkste onderwerp": "0.0%"}  # shares: 5,6%


def _dates(column: pd.Series) -> pd.Series | None:
    """``column`` as datetimes when it holds dates or timestamps (also as date objects), else None."""
    if pd.api.types.is_datetime64_any_dtype(column):
        out = column
    elif column.dtype == object and len(column.dropna()) and all(
        isinstance(v, dt.date) for v in column.dropna()
    ):  # fmt: skip
        out = pd.to_datetime(column)
    else:
        return None
    return out.dt.tz_localize(None) if getattr(out.dt, "tz", None) is not None else out


def _has_time(column: pd.Series) -> bool:
    stamps = column.dropna()
    return bool(len(stamps)) and bool((stamps != stamps.dt.normalize()).any())


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as it goes into a download: numbers rounded (:data:`DECIMALS`; whole numbers as integers, not
    12942.005616140868), dates and timestamps as datetimes without time zone."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if (when := _dates(column)) is not None:
            out[name] = when
        elif pd.api.types.is_float_dtype(column):
            decimals = DECIMALS.get(str(name), DEFAULT_DECIMALS)
            rounded = column.round(decimals)
            out[name] = rounded.astype("Int64") if decimals == 0 else rounded
    return out


def to_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    """Excel with rounded numbers, real dates shown as dd-mm-jjjj (with the time where there is one) and
    columns wide enough for their contents."""
    from openpyxl.utils import get_column_letter

    data = export_frame(frame)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        data.to_excel(writer, index=False, sheet_name=sheet[:31])
        cells = writer.sheets[sheet[:31]]
        for i, name in enumerate(data.columns, start=1):
            column = data[name]
            if pd.api.types.is_datetime64_any_dtype(column):
                timed = _has_time(column)
                number_format = "DD-MM-YYYY HH:MM" if timed else "DD-MM-YYYY"
                shown = [16 if timed else 10]
            elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
                decimals = 0 if pd.api.types.is_integer_dtype(column) else DECIMALS.get(str(name), DEFAULT_DECIMALS)
                number_format = EXCEL_NUMBER.get(str(name)) or (
                    EXCEL_DECIMALS[DECIMALS[str(name)]] if str(name) in DECIMALS else None
                )  # others (a row number, an id): Excel's own
                shown = [len(f"{v:,.{decimals}f}") for v in column.dropna()]
            else:
                number_format = None
                shown = [len(str(v)) for v in column.dropna()]
            if number_format:
                for (cell,) in cells.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = number_format
            width = max([len(str(name)), *shown]) + 2
            cells.column_dimensions[get_column_letter(i)].width = min(width, 60)
    return out.getvalue()


def to_csv_nl(frame: pd.DataFrame) -> bytes:
    """CSV as Dutch Excel opens it: UTF-8 with BOM, semicolons between fields, a decimal comma (64,8; with a
    point Excel in a Dutch locale reads 64.8 as 648 or as a date), rounded numbers and dates as dd-mm-jjjj."""
    data = export_frame(frame)
    for name in data.columns:
        if pd.api.types.is_datetime64_any_dtype(data[name]):
            pattern = "%d-%m-%Y %H:%M" if _has_time(data[name]) else "%d-%m-%Y"
            data[name] = data[name].dt.strftime(pattern)
    return data.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def downloads(frame: pd.DataFrame, name: str, sheet: str, key: str) -> None:
    """Two download buttons: Excel and CSV for Dutch Excel (:func:`to_csv_nl`)."""
    left, right = st.columns(2)
    left.download_button(
        "Download Excel (.xlsx)",
        data=to_xlsx(frame, sheet),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )
    right.download_button(
        "Download CSV",
        data=to_csv_nl(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )


MARKUP_CSS = """
<style>
.letter {line-height: 1.6; font-size: 0.95rem; padding: 0.5rem 0;}
.letter .hot {background: #fff3cd; border-left: 4px solid #e0a800; padding: 0.25rem 0.5rem; margin: 0.25rem 0;}
.letter mark {background: #f8d7da; border-bottom: 2px solid #c82333; padding: 0 1px; cursor: help;}
.letter span.f-long_sentence {background: #eef0fb; border-bottom: 2px dotted #4b4fa6; cursor: help;}
.letter mark.f-passive {background: #d1ecf1; border-bottom-color: #117a8b;}
</style>
"""


def markup(html_text: str) -> None:
    st.markdown(MARKUP_CSS + html_text, unsafe_allow_html=True)


def dutch_uploader(limit_mb: int, suffixes: list[str]) -> None:
    """Dutch texts in the file uploaders on this page. Streamlit has no translations: its uploader says
    "Upload" and "5MB per file"; a style sheet hides those and writes the Dutch ones in their place."""
    kinds = ", ".join(s.upper() for s in suffixes)
    st.html(
        f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{font-size: 0;}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "Bestand kiezen"; font-size: 0.875rem;}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0;}}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "of sleep het hierheen • hooguit {limit_mb} MB • {kinds}"; font-size: 0.875rem;}}
</style>"""
    )


def titles_with_versions(frame: pd.DataFrame) -> pd.DataFrame:
    """The ranking with "(nieuwe tekst sinds 01-09-2026)" after the title of a rewritten letter: its figures
    mix the old and the new text (the Versies tab of Brieven compares them)."""
    if "rewritten_on" not in frame:
        return frame
    since = pd.to_datetime(frame["rewritten_on"])
    note = since.dt.strftime(" (nieuwe tekst sinds %d-%m-%Y)").fillna("")
    return frame.assign(title=frame["title"].astype(str) + note)


def no_data(message: str) -> None:
    st.info(message)


DAY_MS = 86_400_000
# Dutch day-month on time axes, ticks at least a day apart (else a short period repeats a day: 01-07, 01-07)
DATE_AXIS = {"format": "%d-%m", "labelAngle": 0, "tickMinStep": DAY_MS}
# Dutch thousands on number axes (20.000; the grouping comes from VEGA_LOCALE), no trailing zeros
NUMBER_AXIS = {"format": ",~f"}
DATE_FORMAT = "%d-%m-%Y"  # dates in tooltips
COUNT_FORMAT = ",d"  # counts in tooltips: 14.509
TENTH_FORMAT = ",.1f"  # one decimal: 10,2

# Vega's number and time names are English unless the spec brings a locale (d3's nl-NL, as used by
# d3-format and d3-time-format): 14.509 and 10,2, "1 maart" instead of 14,509, 10.2 and "March 1".
VEGA_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "time": {
        "dateTime": "%a %e %B %Y %X",
        "date": "%d-%m-%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                   "oktober", "november", "december"],
        "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
}  # fmt: skip


def date_axis(first: object, last: object) -> dict:
    """:data:`DATE_AXIS` for data from ``first`` to ``last``: over a short span (up to three weeks) a tick
    on every day, since d3 would otherwise pick 12-hour ticks for a span of a few days."""
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days if first is not None and last is not None else None
    if days is not None and days <= 21:
        return {**DATE_AXIS, "tickCount": {"interval": "day", "step": 1}}
    return DATE_AXIS


def chart(spec: Any, key: str) -> None:
    """``st.altair_chart`` with the Dutch Vega locale (numbers, months and days) and Dutch default
    formats for tooltips; every chart in the app goes through here."""
    st.altair_chart(spec.configure(locale=VEGA_LOCALE, timeFormat=DATE_FORMAT, numberFormat=",~f"), key=key)
