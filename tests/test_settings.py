"""Settings: defaults, the documented example file, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.settings import Settings

ROOT = Path(__file__).parents[1]


def test_defaults() -> None:
    s = Settings()
    assert s.store_path == "analysis.duckdb"
    assert s.embedding_model == "use-multilingual-v3-onnx-q"
    assert s.column_mapping == {}


def test_example_file_loads_every_section() -> None:
    s = Settings.load(ROOT / "analyzer.example.toml")
    assert s.column_mapping["Notitie"] == "text"
    assert s.cost_per_call_eur == 5.5
    assert s.use_deduce is True


def test_overrides_win_and_none_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('[store]\npath = "x.duckdb"\n[costs]\ncost_per_call_eur = 7\n', encoding="utf-8")
    s = Settings.load(path, store_path=None)
    assert s.store_path == "x.duckdb" and s.cost_per_call_eur == 7.0
    assert Settings.load(path, store_path="y.duckdb").store_path == "y.duckdb"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[onbekend]\nx = 1\n", "onbekende sectie [onbekend]"),
        ("[store]\nmap = 'x'\n", "onbekende instelling store.map"),
        ("[store\n", "geen geldig TOML-bestand"),
        ("[columns]\nNotitie = 3\n", "[columns]"),
        ("[privacy]\nuse_deduce = 'ja'\n", "privacy.use_deduce moet van het type bool zijn"),
    ],
)
def test_bad_settings_name_the_file_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "fout.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        Settings.load(path)
    assert message in str(err.value) and str(path) in str(err.value)
