"""Tests for the synthetic KCC corpus generator (corpora/generate.py) and the letter templates."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
LETTERS = CORPORA / "letters"
N_CALLS = 3_000

CALL_COLUMNS = ["call_id", "timestamp", "text", "channel", "duration_s", "reason", "agent"]
MAILING_COLUMNS = ["template_id", "sent_date", "count"]
TRUTH_COLUMNS = ["call_id", "cause", "template_id", "demand_type", "topic", "paragraph", "pii"]
DEMAND_TYPES = {"value", "clarification", "progress_chasing", "repeat", "wrong_channel", "error_correction"}
PII_KINDS = {"name", "bsn", "iban", "phone", "email", "address", "plate", "dob"}
BSN_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d{4}\.\d{2}\.\d{3}|\d{3} \d{3} \d{3}|\d{9})(?!\d)(?!\.\d)")
IBAN_RE = re.compile(r"\bNL\d{2} ?[A-Z]{4}(?: ?\d{4}){2} ?\d{2}\b")


def load_generator() -> ModuleType:
    """corpora/ is not a package: load generate.py by path."""
    spec = importlib.util.spec_from_file_location("kcc_corpus_generate", CORPORA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def bsn_ok(text: str) -> bool:
    """Eleven-test, written independently of the generator."""
    digits = re.sub(r"\D", "", text)
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return len(digits) == 9 and sum(w * int(d) for w, d in zip(weights, digits)) % 11 == 0


def iban_ok(text: str) -> bool:
    """ISO 13616 mod-97 check, written independently of the generator."""
    iban = text.replace(" ", "")
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return load_generator()


def _generated(gen: ModuleType, out: Path, **kwargs: object) -> dict:
    """Generate N_CALLS calls (seed 7, 2026) into ``out`` and read back every file written."""
    result = gen.generate(out, n_calls=N_CALLS, seed=7, year=2026, **kwargs)
    files = {"calls": "calls.csv", "mailings": "mailings.csv", "truth": "ground_truth.csv", "bursts": "bursts.csv"}
    return {"result": result, "out": out} | {k: read_csv(out / f) for k, f in files.items() if (out / f).is_file()}


@pytest.fixture(scope="module")
def corpus(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _generated(gen, tmp_path_factory.mktemp("corpus"))


def test_files_and_columns(corpus: dict) -> None:
    calls, mailings, truth = corpus["calls"], corpus["mailings"], corpus["truth"]
    assert list(calls.columns) == CALL_COLUMNS
    assert list(mailings.columns) == MAILING_COLUMNS
    assert list(truth.columns) == TRUTH_COLUMNS
    assert len(calls) == len(truth) == N_CALLS == corpus["result"]["n_calls"]
    assert (calls["call_id"] == truth["call_id"]).all()
    assert calls["call_id"].is_unique
    assert calls["call_id"].str.fullmatch(r"KCC-2026-\d{7}").all()
    assert calls["timestamp"].str.fullmatch(r"2026-\d\d-\d\d \d\d:\d\d:00").all()
    assert calls["timestamp"].is_monotonic_increasing
    assert set(calls["channel"]) == {"telefoon", "chat", "e-mail", "balie"}
    assert calls["duration_s"].str.fullmatch(r"\d+").all()
    assert calls["agent"].str.fullmatch(r"AG\d{3}").all()
    assert (calls["text"].str.len() > 5).all()
    assert mailings["sent_date"].str.fullmatch(r"2026-\d\d-\d\d").all()
    assert (mailings["count"].astype(int) > 0).all()


def test_ground_truth_values(corpus: dict) -> None:
    truth = corpus["truth"]
    assert set(truth["cause"]) == {"letter", "background", "repeat"}
    assert set(truth["demand_type"]) <= DEMAND_TYPES
    assert (truth.loc[truth["cause"] == "repeat", "demand_type"] == "repeat").all()
    assert (truth.loc[truth["cause"] == "background", "template_id"] == "").all()
    kinds = {k for value in truth["pii"] if value for k in value.split(";")}
    assert kinds <= PII_KINDS and {"name", "bsn", "iban"} <= kinds
    background_share = (truth["cause"] == "background").mean()
    assert 0.50 <= background_share <= 0.60
    assert 0.10 <= (truth["pii"] != "").mean() <= 0.20


def test_same_seed_same_bytes_other_seed_differs(gen: ModuleType, corpus: dict, tmp_path: Path) -> None:
    gen.generate(tmp_path / "again", n_calls=N_CALLS, seed=7, year=2026)
    gen.generate(tmp_path / "other", n_calls=N_CALLS, seed=8, year=2026)
    for name in ("calls.csv", "mailings.csv", "ground_truth.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (corpus["out"] / name).read_bytes(), name
    assert (tmp_path / "other" / "calls.csv").read_bytes() != (corpus["out"] / "calls.csv").read_bytes()


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2026, dt.date(2026, 4, 5)),
        (2027, dt.date(2027, 3, 28)),
        (2038, dt.date(2038, 4, 25)),
    ],
)
def test_easter(gen: ModuleType, year: int, easter: dt.date) -> None:
    assert gen.easter_sunday(year) == easter


def test_kings_day_moves_off_sunday(gen: ModuleType) -> None:
    assert dt.date(2025, 4, 26) in gen.public_holidays(2025)  # 27 April 2025 is a Sunday
    assert dt.date(2026, 4, 27) in gen.public_holidays(2026)


def test_no_phone_calls_when_closed(gen: ModuleType, corpus: dict) -> None:
    calls = corpus["calls"]
    stamp = pd.to_datetime(calls["timestamp"])
    phone = calls["channel"].isin(["telefoon", "balie"])
    closed = {d.isoformat() for d in gen.public_holidays(2026)}
    assert {"2026-04-27", "2026-12-25", "2026-12-26"} <= closed
    assert not (phone & calls["timestamp"].str[:10].isin(closed)).any()
    assert not (phone & (stamp.dt.day_of_week >= 5)).any()
    assert stamp[phone].dt.hour.between(8, 17).all()


def test_letter_calls_belong_to_a_known_letter(corpus: dict) -> None:
    truth, mailings = corpus["truth"], corpus["mailings"]
    letter_ids = {p.stem for p in LETTERS.glob("*.md")}
    caused = set(truth.loc[truth["cause"] == "letter", "template_id"])
    assert caused and caused <= letter_ids
    assert caused <= set(mailings["template_id"])


def test_mailings_include_an_unknown_template(corpus: dict) -> None:
    letter_ids = {p.stem for p in LETTERS.glob("*.md")}
    assert set(corpus["mailings"]["template_id"]) - letter_ids


def test_letter_calls_follow_a_mailing(corpus: dict) -> None:
    calls, truth, mailings = corpus["calls"], corpus["truth"], corpus["mailings"]
    sent = mailings.assign(sent=pd.to_datetime(mailings["sent_date"])).groupby("template_id")["sent"]
    letter = truth["cause"] == "letter"
    days = pd.to_datetime(calls.loc[letter, "timestamp"]).dt.normalize()
    for template_id, day in zip(truth.loc[letter, "template_id"], days):
        before = sent.get_group(template_id)
        before = before[before <= day]
        assert len(before), f"{template_id}: call on {day.date()} before any mailing"
        assert 0 <= (day - before.max()).days <= 21


def test_planted_bsn_and_iban_are_valid(corpus: dict) -> None:
    calls, truth = corpus["calls"], corpus["truth"]
    kinds = truth["pii"].str.split(";")
    with_bsn = calls.loc[kinds.map(lambda k: "bsn" in k), "text"]
    with_iban = calls.loc[kinds.map(lambda k: "iban" in k), "text"]
    assert len(with_bsn) and len(with_iban)
    for text in with_bsn:
        found = BSN_RE.findall(text)
        assert found and all(bsn_ok(b) for b in found), text
    for text in with_iban:
        found = IBAN_RE.findall(text)
        assert found and all(iban_ok(i) for i in found), text
    assert not bsn_ok("123456789") and bsn_ok("111222333")
    assert iban_ok("NL91 ABNA 0417 1643 00") and not iban_ok("NL92ABNA0417164300")


def test_generator_rejects_out_of_range_call_counts(gen: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        gen.generate(tmp_path, n_calls=10)


def letter_files() -> list[Path]:
    return sorted(LETTERS.glob("*.md"))


def test_at_least_22_letters() -> None:
    assert len(letter_files()) >= 22
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.stem) for p in letter_files())


@pytest.mark.parametrize("path", letter_files(), ids=lambda p: p.stem)
def test_letter_front_matter_and_paragraphs(path: Path) -> None:
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", path.read_text(encoding="utf-8"), re.S)
    assert match, "no front matter"
    meta = yaml.safe_load(match.group(1))
    assert {"title", "department", "version", "valid_from"} <= set(meta)
    assert isinstance(meta["valid_from"], dt.date)
    paragraphs = [b for b in re.split(r"\n[ \t]*\n", match.group(2).strip()) if b.strip()]
    assert len(paragraphs) >= 4
    if "confusing_paragraph" in meta:
        assert 1 < meta["confusing_paragraph"] < len(paragraphs)
    if "rewritten_on" in meta:
        assert meta["version"] >= 2 and isinstance(meta["rewritten_on"], dt.date)


def test_some_letters_are_unclear_and_some_rewritten() -> None:
    metas = [yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1]) for p in letter_files()]
    assert sum("confusing_paragraph" in m for m in metas) >= 8
    assert sum("rewritten_on" in m for m in metas) >= 1


# --- scenarios (kcc_model.yaml, `scenarios`) ------------------------------------------------

# sha256 of the default output at 3,000 calls, seed 7, 2026, taken before scenarios existed.
DEFAULT_SHA256 = {
    "calls.csv": "e0201988c21ced450187fa9f66e8f0d195f1141b1c1ba4370abadd942518257d",
    "ground_truth.csv": "9f2839933e765100cde092571c87991e7e6e050a43b36c6233b228b8c414d4a1",
    "mailings.csv": "98b9d47d047896bbd14827042e17a5a933c5920ac2c92bf0af5cf217c20a22b2",
}


@pytest.fixture(scope="module")
def hard(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _generated(gen, tmp_path_factory.mktemp("hard"), scenario="hard")


def test_default_output_is_unchanged_by_scenarios(gen: ModuleType, corpus: dict, tmp_path: Path) -> None:
    import hashlib

    for name, digest in DEFAULT_SHA256.items():
        assert hashlib.sha256((corpus["out"] / name).read_bytes()).hexdigest() == digest, name
    gen.generate(tmp_path, n_calls=N_CALLS, seed=7, year=2026, scenario="default")
    for name in DEFAULT_SHA256:
        assert (tmp_path / name).read_bytes() == (corpus["out"] / name).read_bytes(), name
    assert not (corpus["out"] / "bursts.csv").exists() and not (tmp_path / "bursts.csv").exists()


def test_scenarios_are_named_and_unknown_ones_rejected(gen: ModuleType, tmp_path: Path) -> None:
    assert {"default", "overlap", "burst", "clear", "seasonal", "hard"} <= set(gen.scenario_names())
    with pytest.raises(ValueError, match="unknown scenario"):
        gen.generate(tmp_path, n_calls=N_CALLS, scenario="no-such-scenario")


def test_scenario_is_deterministic(gen: ModuleType, hard: dict, tmp_path: Path) -> None:
    gen.generate(tmp_path, n_calls=N_CALLS, seed=7, year=2026, scenario="hard")
    for name in ("calls.csv", "mailings.csv", "ground_truth.csv", "bursts.csv"):
        assert (tmp_path / name).read_bytes() == (hard["out"] / name).read_bytes(), name
    assert hard["result"]["n_calls"] == N_CALLS == len(hard["calls"])


def test_overlapping_mailings_in_one_week(hard: dict) -> None:
    mailings = hard["mailings"]
    week = mailings[mailings["sent_date"].between("2026-09-07", "2026-09-11")]
    tax = {"rioolheffing", "afvalstoffenheffing-tarieven", "hondenbelasting", "herinnering-belastingen"}
    assert tax <= set(week["template_id"])
    assert len(mailings[mailings["template_id"] == "rioolheffing"]) == 2  # base in March, extra in September
    truth, days = hard["truth"], hard["calls"]["timestamp"].str[:10]
    september = (truth["cause"] == "letter") & days.between("2026-09-07", "2026-09-30")
    assert tax - {"herinnering-belastingen"} <= set(truth.loc[september, "template_id"])


def test_burst_calls_are_background_on_the_burst_days(hard: dict) -> None:
    truth, days, bursts = hard["truth"], hard["calls"]["timestamp"].str[:10], hard["bursts"]
    assert list(bursts.columns) == ["burst", "topic", "start", "end", "calls"]
    assert set(bursts["burst"]) == {"storm-afval", "storing-afspraken"}
    for burst in bursts.itertuples():
        assert int(burst.calls) >= 5
        on = days.between(burst.start, burst.end)
        topic = truth["topic"] == burst.topic
        assert (truth.loc[on & topic, "cause"] != "letter").all()  # no letter caused them
        per_day_on = (on & topic & (truth["cause"] == "background")).sum() / on.groupby(days).any().sum()
        per_day_off = (~on & topic & (truth["cause"] == "background")).sum() / days[~on].nunique()
        assert per_day_on > 3 * per_day_off, burst.burst
    assert (truth.loc[truth["cause"] == "background", "template_id"] == "").all()


def test_clear_letter_causes_few_calls_per_1000(gen: ModuleType, tmp_path: Path) -> None:
    gen.generate(tmp_path, n_calls=N_CALLS, seed=7, year=2026, scenario="clear")
    mailings, truth = read_csv(tmp_path / "mailings.csv"), read_csv(tmp_path / "ground_truth.csv")
    mailings["count"] = mailings["count"].astype(int)
    sent = mailings.groupby("template_id")["count"].sum()
    caused = truth[truth["cause"] == "letter"]["template_id"].value_counts()
    clear = mailings[mailings["template_id"] == "energietoeslag-besluit"]
    assert len(clear) == 1 and clear["sent_date"].iloc[0] == "2026-06-08"  # one bulk batch instead of weekly
    assert sent["energietoeslag-besluit"] > sent["rioolheffing"] / 20  # sent in bulk
    per_1000 = 1000 * caused.get("energietoeslag-besluit", 0) / sent["energietoeslag-besluit"]
    assert per_1000 < 4
    assert per_1000 < 1000 * caused["woz-beschikking"] / sent["woz-beschikking"] / 5


def test_seasonal_scenario_deepens_the_seasons(gen: ModuleType, corpus: dict, tmp_path: Path) -> None:
    gen.generate(tmp_path, n_calls=N_CALLS, seed=7, year=2026, scenario="seasonal")
    seasonal = read_csv(tmp_path / "ground_truth.csv")
    base = corpus["truth"]
    assert (seasonal["topic"] == "gladheid").sum() > 1.5 * (base["topic"] == "gladheid").sum()
