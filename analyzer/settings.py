"""Settings: one frozen object, read once from a TOML file and passed down explicitly.

Every field has a default, so the analyzer runs without a settings file. A file only needs the
keys it changes. ``analyzer.example.toml`` in the repository documents every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from analyzer.errors import InputError

DEFAULT_STORE = "analysis.duckdb"


@dataclass(frozen=True)
class Settings:
    """All knobs of an analysis run."""

    store_path: str = DEFAULT_STORE
    # Embedding model id (see analyzer.embed); "hashing-256" is a fast non-semantic stand-in.
    embedding_model: str = "use-multilingual-v3-onnx-q"
    embedding_batch_size: int = 64
    # Maps a KCC export's own headers onto our column names, e.g. {"Notitie": "text"}.
    column_mapping: dict[str, str] = field(default_factory=dict)
    # Names found by deduce in notes as well as by our own rules (slower, catches more names).
    use_deduce: bool = True
    # Readability: cross-check our spaCy parse with Debian's Frog (slow, optional).
    use_frog: bool = False
    # Euro per call handled by the KCC; an assumption until a municipality sets its own figure.
    cost_per_call_eur: float = 5.5

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        """Read settings from a TOML file (if given) and apply keyword overrides."""
        values: dict[str, Any] = {}
        if path is not None:
            values.update(_read_toml(Path(path)))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


_SECTIONS = {
    "store": {"path": "store_path"},
    "embedding": {"model": "embedding_model", "batch_size": "embedding_batch_size"},
    "privacy": {"use_deduce": "use_deduce"},
    "readability": {"use_frog": "use_frog"},
    "costs": {"cost_per_call_eur": "cost_per_call_eur"},
}


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"{path}: instellingenbestand niet gevonden")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: geen geldig TOML-bestand ({exc})") from None
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for section, content in raw.items():
        if section == "columns":
            if not isinstance(content, dict) or not all(isinstance(v, str) for v in content.values()):
                raise InputError(f'{path}: [columns] moet kop = "kolomnaam" paren bevatten')
            values["column_mapping"] = dict(content)
            continue
        mapping = _SECTIONS.get(section)
        if mapping is None or not isinstance(content, dict):
            raise InputError(f"{path}: onbekende sectie [{section}]")
        for key, value in content.items():
            if key not in mapping:
                raise InputError(f"{path}: onbekende instelling {section}.{key}")
            name = mapping[key]
            expected = type(getattr(Settings(), name))
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected):
                raise InputError(f"{path}: {section}.{key} moet van het type {expected.__name__} zijn, niet {value!r}")
            values[name] = value
    assert set(values) <= set(known)
    return values
