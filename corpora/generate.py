"""Generate one synthetic year of KCC contacts for the Letter Clarity Analyzer demo.

A municipality sends letters (``mailings.csv``); every mailing causes calls at a per-template
rate, spread over the following days; on top of that come calls that have nothing to do with a
letter, and callers who call again about the same thing. Agents note each contact in shorthand
(``calls.csv``). What really caused each contact is written to ``ground_truth.csv``, which is for
tests and benchmarks only: the analysis never reads it. The model is described in
``corpora/README.md``; all Dutch phrases live in ``corpora/kcc_model.yaml``.

The output is deterministic: the same arguments give the same bytes. A named ``--scenario``
(``kcc_model.yaml``, ``scenarios``) changes the year for benchmarks: overlapping mailings, a surge
no letter caused (written to ``bursts.csv``), a clear letter sent in bulk, stronger seasons.
Without one the output is what it was before scenarios existed.

    python corpora/generate.py --out corpora/generated --calls 100000 --seed 7 --year 2026
    python corpora/generate.py --out /tmp/hard --calls 20000 --scenario hard
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analyzer import calendar_nl

HERE = Path(__file__).resolve().parent
DEFAULT_LETTERS_DIR = HERE / "letters"
MODEL_PATH = HERE / "kcc_model.yaml"


def _load_sibling(name: str) -> ModuleType:
    """Load a helper module that sits next to this file (``corpora/`` is not a package)."""
    module_name = f"_kcc_corpus_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


notes = _load_sibling("kcc_notes")
Topic, Question, string_list = notes.Topic, notes.Question, notes.string_list

# Shares of all contacts by cause; background (no letter) is the rest, 55%.
LETTER_SHARE = 0.35
REPEAT_SHARE = 0.10
# Multiplies every per-template call rate; mailing volumes shrink by the same factor, so the
# number of letter calls (LETTER_SHARE of --calls) stays the same.
CALL_RATE_SCALE = 7.4
MIN_CALLS, MAX_CALLS = 100, 1_500_000
# A mailing whose template is not in the letters folder (ingest must report it).
UNKNOWN_MAILING = ("brief-onbekend-{year}", "05-12", 5000)

# Lag between sending a letter and the call: post arrives after 1 or 2 days, then the response
# follows a gamma(shape, scale) curve (mode ~2.4 days after delivery, mean ~4, tail two weeks).
DELIVERY_DAYS = ((1, 0.55), (2, 0.45))
RESPONSE_GAMMA = (2.4, 1.7)
MAX_LAG_DAYS = 16
REPEAT_GAP_P, REPEAT_GAP_MAX = 0.35, 10  # geometric gap in days before calling again

CHANNELS = ("telefoon", "chat", "e-mail", "balie")
TEL, CHAT, EMAIL, BALIE = range(4)
CHANNEL_P = (0.80, 0.09, 0.08, 0.03)
REPEAT_CHANNEL_P = (0.86, 0.05, 0.07, 0.02)
PII_P = (0.13, 0.12, 0.36, 0.10)  # chance of planted personal data, by channel (e-mails: signatures)
TRANSCRIPT_P = (0.075, 0.45, 0.0, 0.04)  # "Klant: ... Medewerker: ..." notes, by channel
DURATION_MEDIAN_S = (210, 480, 240, 330)
CAUSES = ("letter", "background", "repeat")
DEMAND_TYPES = ("value", "clarification", "progress_chasing", "repeat", "wrong_channel", "error_correction")
DURATION_FACTOR = {
    "value": 1.0,
    "clarification": 1.2,
    "progress_chasing": 0.9,
    "repeat": 1.1,
    "wrong_channel": 0.55,
    "error_correction": 1.25,
}
REPEAT_PARENT_WEIGHT = {
    "value": 0.5,
    "clarification": 1.4,
    "progress_chasing": 2.5,
    "wrong_channel": 0.3,
    "error_correction": 1.5,
}
N_AGENTS = 48
TYPOS_PER_NOTE = 0.35  # mean; scaled per agent

# Relative contact volume by weekday (Mon..Sun) and month, before closed days are shifted.
WEEKDAY_WEIGHT = (1.2, 1.0, 0.95, 0.95, 0.85, 0.15, 0.1)
MONTH_WEIGHT = (1.0, 1.0, 1.02, 1.0, 0.98, 0.95, 0.85, 0.82, 1.0, 1.02, 1.0, 0.85)  # summer dip
TREND = (0.94, 1.06)  # slow growth from 1 January to 31 December
HOLIDAY_DESIRE = 0.5  # people call less on a day off
SECOND_OPEN_DAY_P = 0.35  # a caller who finds the office closed waits one more working day
# Hour-of-day profiles: (first hour, weights per hour).
HOURS_TEL = (8, (0.8, 1.5, 1.45, 1.2, 0.75, 0.95, 1.0, 0.9, 0.75, 0.45))
HOURS_TEL_MONDAY = (8, (1.1, 2.0, 1.9, 1.5, 0.75, 0.95, 1.0, 0.9, 0.75, 0.45))
HOURS_CHAT = (8, (0.6, 1.1, 1.2, 1.1, 0.9, 1.0, 1.0, 0.9, 0.8, 0.6, 0.5, 0.5, 0.45, 0.3))
HOURS_CHAT_WEEKEND = (10, (0.8, 1.0, 1.0, 0.9, 0.9, 0.8, 0.6))
HOURS_EMAIL = (0, (0.1, 0.05, 0.03, 0.03, 0.03, 0.05, 0.2, 0.5, 0.9, 1.1, 1.1, 1.0,
                   0.9, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.7, 0.8, 0.7, 0.5, 0.3))  # fmt: skip
HOURS_BALIE = (9, (0.9, 1.3, 1.2, 0.9, 1.0, 1.0, 0.9, 0.7))


# --- calendar ------------------------------------------------------------------------------


# Dutch public holidays (the KCC is closed) come from the analyzer itself, so the generator and
# the spike baseline agree on which days are closed.
easter_sunday = calendar_nl.easter
public_holidays = calendar_nl.holidays


@dataclass(frozen=True)
class Calendar:
    """The days of one year, indexed 0..n-1, with office opening (weekdays minus holidays)."""

    year: int
    dates: list[dt.date]
    weekday: np.ndarray
    month: np.ndarray
    is_open: np.ndarray
    next_open: np.ndarray  # index of the first open day on or after each day, -1 when none

    @classmethod
    def for_year(cls, year: int) -> Calendar:
        start = dt.date(year, 1, 1)
        n = (dt.date(year + 1, 1, 1) - start).days
        dates = [start + dt.timedelta(days=i) for i in range(n)]
        holidays = public_holidays(year)
        weekday = np.array([d.weekday() for d in dates])
        is_open = np.array([d.weekday() < 5 and d not in holidays for d in dates])
        next_open = np.full(n, -1)
        nxt = -1
        for i in range(n - 1, -1, -1):
            if is_open[i]:
                nxt = i
            next_open[i] = nxt
        return cls(year, dates, weekday, np.array([d.month for d in dates]), is_open, next_open)

    def index(self, date: dt.date) -> int:
        return (date - self.dates[0]).days

    def desire_weights(self, season_power: float = 1.0) -> np.ndarray:
        """Relative wish to contact the municipality per day (trend, season, weekday, holiday)."""
        n = len(self.dates)
        trend = np.linspace(TREND[0], TREND[1], n)
        season = np.array(MONTH_WEIGHT)[self.month - 1]
        if season_power != 1.0:
            season = season**season_power
        weekday = np.array(WEEKDAY_WEIGHT)[self.weekday]
        holiday = np.where((self.weekday < 5) & ~self.is_open, HOLIDAY_DESIRE, 1.0)
        return trend * season * weekday * holiday


# --- letters and the model -----------------------------------------------------------------

FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)


@dataclass(frozen=True)
class LetterFile:
    """A letter template: front matter and its blank-line separated blocks (paragraphs)."""

    template_id: str
    meta: dict[str, Any]
    paragraphs: list[str]

    @property
    def confusing_paragraph(self) -> int | None:
        return self.meta.get("confusing_paragraph")

    @property
    def rewritten_on(self) -> dt.date | None:
        return self.meta.get("rewritten_on")


def read_letter(path: Path) -> LetterFile:
    """Parse one ``.md`` template with YAML front matter."""
    match = FRONT_MATTER_RE.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{path}: no YAML front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    paragraphs = [b.strip() for b in re.split(r"\n[ \t]*\n", match.group(2).strip()) if b.strip()]
    return LetterFile(path.stem, meta, paragraphs)


def read_letters(letters_dir: Path) -> dict[str, LetterFile]:
    return {p.stem: read_letter(p) for p in sorted(Path(letters_dir).glob("*.md")) if p.stem.lower() != "readme"}


def _question(
    spec: dict[str, Any], topic: dict[str, Any], letter: LetterFile | None, model: dict[str, Any]
) -> Question:
    """One question of a topic; checks its paragraph against the letter it is about."""
    where = f"{topic['key']}/{spec['key']}"
    para = spec.get("paragraph")
    if para == "confusing":
        para = letter.confusing_paragraph if letter else None
        if para is None:
            raise ValueError(f"{where}: paragraph 'confusing' but the letter has no confusing_paragraph")
    if para is not None and (letter is None or not 1 <= para <= len(letter.paragraphs)):
        raise ValueError(f"{where}: paragraph {para} is not in the letter")
    if spec["demand"] not in DEMAND_TYPES:
        raise ValueError(f"{where}: unknown demand type {spec['demand']}")
    # Answers: the question's own; else the topic's (written for its first question); else generic.
    answers = spec.get("answers")
    if answers is None and spec is topic["questions"][0]:
        answers = topic.get("answers")
    if answers is None:
        answers = model["transcript"]["generic_answers"][spec["demand"]]
    return Question(
        spec["key"],
        spec["demand"],
        para,
        float(spec["weight"]),
        float(spec.get("weight_rewritten", spec["weight"])),
        string_list(spec["notes"], f"{where}/notes"),
        string_list(spec["says"], f"{where}/says"),
        string_list(answers, f"{where}/answers"),
    )


def load_model(letters: dict[str, LetterFile], path: Path = MODEL_PATH) -> tuple[dict[str, Any], list[Topic]]:
    """Read the phrase tables and topics; check them against the letter files.

    A letter topic whose template is not in the letters folder is left out with a warning.
    """
    model = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    topics: list[Topic] = []
    for kind in ("letters", "background"):
        for key, spec in model[kind].items():
            letter = letters.get(key) if kind == "letters" else None
            if kind == "letters" and letter is None:
                warnings.warn(f"no letter file for template '{key}': it is left out", stacklevel=2)
                continue
            spec = {**spec, "key": key}
            topic = Topic(
                key=key,
                template_id=key if letter else None,
                dept=spec["dept"],
                reason=spec.get("reason", model["departments"][spec["dept"]]["reason"]),
                refs=string_list(spec["refs"], f"{key}/refs"),
                questions=[_question(q, spec, letter, model) for q in spec["questions"]],
                pii_bias=spec.get("pii_bias", {}),
            )
            if letter is not None:
                topic.rate, topic.schedule = float(spec["rate"]), spec["schedule"]
                topic.rewritten_on = letter.rewritten_on
                if (topic.rewritten_on is None) != ("rate_rewritten" not in spec):
                    raise ValueError(f"{key}: rate_rewritten and the letter's rewritten_on go together")
                topic.rate_rewritten = spec.get("rate_rewritten")
            else:
                topic.weight = float(spec["weight"])
                topic.months = np.array(spec.get("months", [1.0] * 12), dtype=float)
            topics.append(topic)
    return model, topics


# --- mailings and letter-caused calls ------------------------------------------------------


def lag_pmf(max_lag: int = MAX_LAG_DAYS) -> np.ndarray:
    """P(call comes d days after the letter was sent), d = 0..max_lag."""
    shape, scale = RESPONSE_GAMMA
    r = np.arange(max_lag + 1) + 0.5
    response = r ** (shape - 1) * np.exp(-r / scale)
    response /= response.sum()
    pmf = np.zeros(max_lag + 1)
    for delay, p in DELIVERY_DAYS:
        pmf[delay:] += p * response[: max_lag + 1 - delay]
    return pmf / pmf.sum()


def _send_days(entry: dict[str, Any], cal: Calendar, rng: np.random.Generator) -> list[tuple[int, float]]:
    """(day index, base letter count) for one schedule entry, moved to the next working day."""
    factors = entry.get("month_factor", {})
    months = set(entry.get("months", range(1, 13)))
    if "once" in entry:
        month, day = map(int, entry["once"].split("-"))
        raw = [(cal.index(dt.date(cal.year, month, day)), float(entry["count"]))]
    else:
        if "monthly" in entry:
            days = [cal.index(dt.date(cal.year, m, entry["monthly"])) for m in sorted(months)]
        else:
            days = [i for i, d in enumerate(cal.dates) if d.weekday() == entry["weekly"] and d.month in months]
        jitter = np.exp(rng.normal(0.0, 0.12, len(days)))
        raw = [(i, entry["count"] * factors.get(cal.dates[i].month, 1.0) * j) for i, j in zip(days, jitter)]
    return [(int(cal.next_open[i]), count) for i, count in raw if cal.next_open[i] >= 0]


def build_mailings(topics: list[Topic], cal: Calendar, n_letter: int, rng: np.random.Generator) -> pd.DataFrame:
    """The send schedule, scaled so that the expected letter calls equal ``n_letter``."""
    rows = []
    for t, topic in enumerate(topics):
        for entry in topic.schedule or []:
            for day, base in _send_days(entry, cal, rng):
                rewritten = topic.rewritten_on is not None and cal.dates[day] >= topic.rewritten_on
                rate = topic.rate_rewritten if rewritten else topic.rate
                rate = float(entry.get("rate", rate))  # only scenario batches override the rate
                rows.append((topic.key, t, day, base, rate, rewritten))
    frame = pd.DataFrame(rows, columns=["template_id", "topic", "day", "base", "rate", "rewritten"])
    cdf = np.cumsum(lag_pmf())
    frame["max_lag"] = np.minimum(MAX_LAG_DAYS, len(cal.dates) - 1 - frame["day"].to_numpy())
    frame["mass"] = cdf[frame["max_lag"].to_numpy()]
    per_letter = frame["rate"] * CALL_RATE_SCALE / 1000 * frame["mass"]
    scale = n_letter / float((frame["base"] * per_letter).sum())
    frame["count"] = np.maximum(1, np.rint(frame["base"] * scale)).astype(np.int64)
    frame["expected_calls"] = frame["count"] * per_letter
    frame.attrs["scale"] = scale
    return frame


def sample_letter_calls(
    mailings: pd.DataFrame, topics: list[Topic], qbase: list[int], n_letter: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Letter-caused calls: which mailing, which question, and the day the caller wants to call."""
    pmf = lag_pmf()
    expected = mailings["expected_calls"].to_numpy()
    per_mailing = rng.multinomial(n_letter, expected / expected.sum())
    days, questions, topic_of = [], [], []
    for row, n in zip(mailings.itertuples(index=False), per_mailing):
        if n == 0:
            continue
        p = pmf[: row.max_lag + 1] / pmf[: row.max_lag + 1].sum()
        days.append(row.day + rng.choice(row.max_lag + 1, n, p=p))
        qs = topics[row.topic].questions
        w = np.array([q.weight_rewritten if row.rewritten else q.weight for q in qs])
        questions.append(qbase[row.topic] + rng.choice(len(qs), n, p=w / w.sum()))
        topic_of.append(np.full(n, row.topic))
    return {"day": np.concatenate(days), "question": np.concatenate(questions), "topic": np.concatenate(topic_of)}


def sample_background_calls(
    topics: list[Topic],
    qbase: list[int],
    cal: Calendar,
    n_background: int,
    rng: np.random.Generator,
    season_power: float = 1.0,
) -> dict[str, np.ndarray]:
    """Calls unrelated to any letter, spread over the year by topic seasonality."""
    desire = cal.desire_weights(season_power)
    background = [t for t, topic in enumerate(topics) if topic.template_id is None]
    day_w = [desire * topics[t].months[cal.month - 1] for t in background]
    volume = np.array([topics[t].weight * w.sum() for t, w in zip(background, day_w)])
    per_topic = rng.multinomial(n_background, volume / volume.sum())
    days, questions, topic_of = [], [], []
    for t, w, n in zip(background, day_w, per_topic):
        days.append(rng.choice(len(w), n, p=w / w.sum()))
        qw = np.array([q.weight for q in topics[t].questions])
        questions.append(qbase[t] + rng.choice(len(qw), n, p=qw / qw.sum()))
        topic_of.append(np.full(n, t))
    return {"day": np.concatenate(days), "question": np.concatenate(questions), "topic": np.concatenate(topic_of)}


# --- scenarios ------------------------------------------------------------------------------


def scenario_names(path: Path = MODEL_PATH) -> list[str]:
    """The named scenarios of ``kcc_model.yaml``, plus ``default`` (the model as it is)."""
    model = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return ["default", *model.get("scenarios", {})]


def scenario_spec(model: dict[str, Any], name: str | None) -> dict[str, Any]:
    """One scenario with its ``include``s merged: mailings, bursts, season_power; {} for default."""
    if name in (None, "default"):
        return {}
    scenarios = model.get("scenarios", {})
    if name not in scenarios:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(['default', *scenarios])}")
    spec = scenarios[name]
    merged: dict[str, Any] = {"mailings": [], "bursts": [], "season_power": 1.0}
    for part in [scenario_spec(model, n) for n in spec.get("include", [])] + [spec]:
        merged["mailings"] += part.get("mailings", [])
        merged["bursts"] += part.get("bursts", [])
        merged["season_power"] = max(merged["season_power"], float(part.get("season_power", 1.0)))
    return merged


def apply_scenario(spec: dict[str, Any], topics: list[Topic]) -> None:
    """Add or replace the scenario's mailings in the topics' schedules; sharpen the seasons."""
    by_key = {t.key: t for t in topics}
    replaced: set[str] = set()
    for entry in spec["mailings"]:
        topic = by_key.get(entry["template"])
        if topic is None or topic.template_id is None:
            raise ValueError(f"scenario mailing: no letter template {entry['template']!r}")
        batch = {k: v for k, v in entry.items() if k not in ("template", "replace")}
        if entry.get("replace") and topic.key not in replaced:
            topic.schedule = []
            replaced.add(topic.key)
        topic.schedule = [*(topic.schedule or []), batch]
    for burst in spec["bursts"]:
        topic = by_key.get(burst["topic"])
        if topic is None or topic.template_id is not None:
            raise ValueError(f"burst {burst['name']}: no background topic {burst['topic']!r}")
    if spec["season_power"] != 1.0:
        for topic in topics:
            if topic.months is not None:
                topic.months = topic.months ** spec["season_power"]


def sample_burst_calls(
    bursts: list[dict[str, Any]], topics: list[Topic], qbase: list[int], cal: Calendar, n_calls: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Surges of a background topic that no letter caused, e.g. after a storm or an outage."""
    keys = [t.key for t in topics]
    days, questions, topic_of, burst_of = [], [], [], []
    for b, burst in enumerate(bursts):
        t = keys.index(burst["topic"])
        month, day = map(int, burst["start"].split("-"))
        start = cal.index(dt.date(cal.year, month, day))
        profile = np.array(burst["profile"], dtype=float)
        profile = profile[: len(cal.dates) - start]
        n = round(burst["share"] * n_calls)
        days.append(start + rng.choice(len(profile), n, p=profile / profile.sum()))
        qs = topics[t].questions
        allowed = set(burst.get("questions", [q.key for q in qs]))
        qw = np.array([q.weight if q.key in allowed else 0.0 for q in qs])
        questions.append(qbase[t] + rng.choice(len(qs), n, p=qw / qw.sum()))
        topic_of.append(np.full(n, t))
        burst_of.append(np.full(n, b))
    return {
        "day": np.concatenate(days), "question": np.concatenate(questions),
        "topic": np.concatenate(topic_of), "burst": np.concatenate(burst_of),
    }  # fmt: skip


def burst_rows(bursts: list[dict[str, Any]], burst_of: np.ndarray, day: np.ndarray, cal: Calendar) -> dict[str, list]:
    """``bursts.csv``: each burst's topic, first and last day with its calls, and its number of calls."""
    rows: dict[str, list] = {"burst": [], "topic": [], "start": [], "end": [], "calls": []}
    for b, burst in enumerate(bursts):
        mine = day[burst_of == b]
        rows["burst"].append(burst["name"])
        rows["topic"].append(burst["topic"])
        rows["start"].append(cal.dates[int(mine.min())].isoformat() if len(mine) else "")
        rows["end"].append(cal.dates[int(mine.max())].isoformat() if len(mine) else "")
        rows["calls"].append(int(len(mine)))
    return rows


# --- timing --------------------------------------------------------------------------------


def shift_to_open(
    day: np.ndarray, channel: np.ndarray, cal: Calendar, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Phone and desk contacts on a closed day move to the next open day (Monday peaks), some
    to the open day after that; when no open day is left in the year they become e-mails."""
    needs_open = ((channel == TEL) | (channel == BALIE)) & ~cal.is_open[day]
    nxt = cal.next_open[day]
    later = np.where(nxt + 1 < len(cal.dates), cal.next_open[np.minimum(nxt + 1, len(cal.dates) - 1)], -1)
    wait = (rng.random(len(day)) < SECOND_OPEN_DAY_P) & (nxt >= 0) & (later >= 0)
    nxt = np.where(wait, later, nxt)
    day = np.where(needs_open & (nxt >= 0), nxt, day)
    channel = np.where(needs_open & (nxt < 0), EMAIL, channel)
    return day, channel


def sample_minutes(day: np.ndarray, channel: np.ndarray, cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    """Minute of the day, by channel-specific opening hours and busy hours."""
    minute = np.zeros(len(day), dtype=np.int64)
    monday = cal.weekday[day] == 0
    closed = ~cal.is_open[day]
    everyone = np.ones(len(day), dtype=bool)
    groups = [
        (TEL, monday, HOURS_TEL_MONDAY),
        (TEL, ~monday, HOURS_TEL),
        (CHAT, ~closed, HOURS_CHAT),
        (CHAT, closed, HOURS_CHAT_WEEKEND),
        (EMAIL, everyone, HOURS_EMAIL),
        (BALIE, everyone, HOURS_BALIE),
    ]
    for ch, mask, (first, weights) in groups:
        idx = np.flatnonzero((channel == ch) & mask)
        w = np.array(weights) / sum(weights)
        hours = first + rng.choice(len(w), len(idx), p=w)
        minute[idx] = hours * 60 + rng.integers(0, 60, len(idx))
    return minute


# --- generate ------------------------------------------------------------------------------


def _agents(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Agent codes and note-taking habits (each agent writes a little differently)."""
    codes = np.sort(rng.choice(np.arange(1, 100), N_AGENTS, replace=False))
    weight = rng.lognormal(0.0, 0.5, N_AGENTS)
    return {
        "code": np.array([f"AG{c:03d}" for c in codes]),
        "p": weight / weight.sum(),
        "p_reason_empty": rng.uniform(0.05, 0.6, N_AGENTS),
        "typo_rate": rng.gamma(2.0, 0.5, N_AGENTS),
        "p_lower": rng.uniform(0.5, 1.0, N_AGENTS),
        "p_caps": rng.uniform(0.0, 0.5, N_AGENTS),
        "p_outcome": rng.uniform(0.5, 0.95, N_AGENTS),
        "transcript_bias": rng.uniform(0.5, 1.6, N_AGENTS),
    }


def generate(
    out_dir: Path,
    n_calls: int = 100_000,
    seed: int = 7,
    year: int = 2026,
    letters_dir: Path = DEFAULT_LETTERS_DIR,
    scenario: str | None = None,
) -> dict[str, Any]:
    """Write calls.csv, mailings.csv and ground_truth.csv to ``out_dir``; return paths and counts.

    ``scenario`` names a change to the year from ``kcc_model.yaml`` (see :func:`scenario_spec`);
    one with bursts also writes ``bursts.csv``. ``None`` or ``"default"`` is the model as it is.
    """
    if not MIN_CALLS <= n_calls <= MAX_CALLS:
        raise ValueError(f"n_calls must be between {MIN_CALLS:,} and {MAX_CALLS:,}")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng_mail, rng_letter, rng_bg, rng_rep, rng_time, rng_agent, rng_note = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)
    )
    cal = Calendar.for_year(year)
    model, topics = load_model(read_letters(Path(letters_dir)))
    spec = scenario_spec(model, scenario)
    if spec:
        apply_scenario(spec, topics)
    questions = [q for t in topics for q in t.questions]
    qbase = np.cumsum([0] + [len(t.questions) for t in topics]).tolist()
    q_demand = np.array([DEMAND_TYPES.index(q.demand) for q in questions])

    n_letter = round(n_calls * LETTER_SHARE)
    n_repeat = round(n_calls * REPEAT_SHARE)
    n_background = n_calls - n_letter - n_repeat
    letter_topics = [t for t in topics if t.template_id]
    mailings = build_mailings(letter_topics, cal, n_letter, rng_mail)
    mailings["topic"] = [topics.index(letter_topics[i]) for i in mailings["topic"]]
    letter = sample_letter_calls(mailings, topics, qbase, n_letter, rng_letter)
    if spec:
        # Its own random stream (the 8th child of the seed), so the default draws stay untouched.
        rng_scenario = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
        bursts = None
        if spec["bursts"]:
            bursts = sample_burst_calls(spec["bursts"], topics, qbase, cal, n_calls, rng_scenario)
        n_burst = 0 if bursts is None else len(bursts["day"])
        background = sample_background_calls(topics, qbase, cal, n_background - n_burst, rng_bg, spec["season_power"])
        if bursts is not None:
            burst_of = np.concatenate([np.full(len(letter["day"]) + len(background["day"]), -1), bursts["burst"]])
            background = {k: np.concatenate([background[k], bursts[k]]) for k in ("day", "question", "topic")}
    else:
        background = sample_background_calls(topics, qbase, cal, n_background, rng_bg)
        bursts = None

    # Original (non-repeat) contacts: channel, closed-day shift, time of day.
    day = np.concatenate([letter["day"], background["day"]])
    question = np.concatenate([letter["question"], background["question"]])
    topic = np.concatenate([letter["topic"], background["topic"]])
    cause = np.concatenate([np.zeros(len(letter["day"]), np.int8), np.ones(len(background["day"]), np.int8)])
    channel = rng_time.choice(4, len(day), p=CHANNEL_P)
    day, channel = shift_to_open(day, channel, cal, rng_time)
    minute = sample_minutes(day, channel, cal, rng_time)
    if bursts is not None:
        write_csv(out_dir / "bursts.csv", burst_rows(spec["bursts"], burst_of, day, cal))

    # Repeats: the same caller again about the same question, 1-10 days later.
    weight = np.array([REPEAT_PARENT_WEIGHT[DEMAND_TYPES[d]] for d in q_demand[question]])
    weight[day >= len(cal.dates) - 2] = 0.0
    parent = rng_rep.choice(len(day), n_repeat, p=weight / weight.sum())
    gap = np.minimum(
        np.minimum(rng_rep.geometric(REPEAT_GAP_P, n_repeat), REPEAT_GAP_MAX), len(cal.dates) - 1 - day[parent]
    )
    r_channel = rng_rep.choice(4, n_repeat, p=REPEAT_CHANNEL_P)
    r_day, r_channel = shift_to_open(day[parent] + gap, r_channel, cal, rng_rep)
    r_minute = sample_minutes(r_day, r_channel, cal, rng_rep)

    n = len(day) + n_repeat
    day = np.concatenate([day, r_day])
    channel = np.concatenate([channel, r_channel])
    minute = np.concatenate([minute, r_minute])
    question = np.concatenate([question, question[parent]])
    topic = np.concatenate([topic, topic[parent]])
    cause = np.concatenate([cause, np.full(n_repeat, 2, np.int8)])
    parent_of = np.concatenate([np.full(n - n_repeat, -1), parent])
    gender = rng_time.choice(3, n, p=(0.45, 0.45, 0.10))
    gender[n - n_repeat :] = gender[parent]

    agents = _agents(rng_agent)
    agent = rng_time.choice(N_AGENTS, n, p=agents["p"])
    transcript = rng_time.random(n) < np.array(TRANSCRIPT_P)[channel] * agents["transcript_bias"][agent]
    has_pii = rng_time.random(n) < np.array(PII_P)[channel]
    n_typos = rng_time.poisson(TYPOS_PER_NOTE * agents["typo_rate"][agent])
    demand = np.where(cause == 2, DEMAND_TYPES.index("repeat"), q_demand[question])
    duration = (
        rng_time.lognormal(np.log(np.array(DURATION_MEDIAN_S)[channel]), 0.55)
        * np.array([DURATION_FACTOR[d] for d in DEMAND_TYPES])[demand]
        * np.where(transcript, 1.3, 1.0)
    )
    duration = np.maximum(15, np.rint(duration)).astype(np.int64)
    order = np.lexsort((np.arange(n), minute, day))

    contacts = {
        "topic": topic, "question": question, "channel": np.array(CHANNELS)[channel], "agent": agent,
        "gender": gender, "repeat": cause == 2, "parent": parent_of, "has_pii": has_pii,
        "transcript": transcript, "n_typos": n_typos,
    }  # fmt: skip
    texts, reasons, piis = notes.write_notes(model, topics, contacts, agents, order, year, rng_note)

    stamp = np.datetime64(f"{year}-01-01", "m") + day.astype("timedelta64[D]") + minute.astype("timedelta64[m]")
    stamps = np.char.replace(np.datetime_as_string(stamp[order], unit="s"), "T", " ").tolist()
    call_ids = [f"KCC-{year}-{k:07d}" for k in range(1, n + 1)]
    paths = {name: out_dir / f"{name}.csv" for name in ("calls", "mailings", "ground_truth")}
    pick = lambda labels, codes: np.asarray(labels, dtype=object)[codes[order]].tolist()  # noqa: E731
    write_csv(
        paths["calls"],
        {
            "call_id": call_ids,
            "timestamp": stamps,
            "text": texts,
            "channel": pick(CHANNELS, channel),
            "duration_s": duration[order].tolist(),
            "reason": reasons,
            "agent": pick(agents["code"], agent),
        },
    )
    del texts, stamps
    paragraph = ["" if q.paragraph is None else str(q.paragraph) for q in questions]
    write_csv(
        paths["ground_truth"],
        {
            "call_id": call_ids,
            "cause": pick(CAUSES, cause),
            "template_id": pick([t.template_id or "" for t in topics], topic),
            "demand_type": pick(DEMAND_TYPES, demand),
            "topic": pick([t.key for t in topics], topic),
            "paragraph": pick(paragraph, question),
            "pii": piis,
        },
    )
    unknown_id, unknown_day, unknown_base = UNKNOWN_MAILING
    mailing_rows = pd.DataFrame(
        {
            "template_id": list(mailings["template_id"]) + [unknown_id.format(year=year)],
            "sent_date": [cal.dates[d].isoformat() for d in mailings["day"]] + [f"{year}-{unknown_day}"],
            "count": list(mailings["count"]) + [max(1, round(unknown_base * mailings.attrs["scale"]))],
        }
    ).sort_values(["sent_date", "template_id"], kind="stable", ignore_index=True)
    write_csv(paths["mailings"], {column: mailing_rows[column].tolist() for column in mailing_rows.columns})
    scenario_info = {"scenario": scenario} if spec else {}
    if bursts is not None:
        scenario_info["bursts"] = out_dir / "bursts.csv"
    return {
        **paths,
        **scenario_info,
        "n_calls": n,
        "n_mailings": len(mailing_rows),
        "letters_sent": int(mailing_rows["count"].sum()),
        "mailing_scale": round(float(mailings.attrs["scale"]), 4),
        "by_cause": dict(zip(CAUSES, np.bincount(cause, minlength=3).tolist())),
        "seconds": round(time.perf_counter() - started, 2),
    }


def write_csv(path: Path, columns: dict[str, list[Any]]) -> None:
    """UTF-8, comma-separated, minimal quoting, "\\n" line ends; streamed, without a DataFrame copy."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(columns))
        writer.writerows(zip(*columns.values()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "generated", help="output folder")
    parser.add_argument("--calls", type=int, default=100_000, help=f"contacts ({MIN_CALLS:,}-{MAX_CALLS:,})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--letters", type=Path, default=DEFAULT_LETTERS_DIR, help="folder of letter templates")
    parser.add_argument(
        "--scenario", default="default", choices=scenario_names(), help="a named change to the year (kcc_model.yaml)"
    )
    args = parser.parse_args(argv)
    result = generate(args.out, args.calls, args.seed, args.year, args.letters, args.scenario)
    for key, value in result.items():
        print(f"{key:>14}: {value}")


if __name__ == "__main__":
    main()
