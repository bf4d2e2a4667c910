"""The Dutch spaCy pipeline, loaded once: tags, morphology, dependency parse, sentences, lemmas.

The pipeline is trained from Universal Dependencies (see ``models/nl_ud/MODEL_CARD.md`` and
``models/train_nl.py``) and lives in ``models/nl_ud/model`` at the repository root, next to this
package. ``$ANALYZER_NL_MODEL`` points at another copy. Without a model, :func:`load_nlp` warns
and returns ``spacy.blank("nl")`` with a rule-based sentencizer, so callers still get tokens and
sentences (no tags, no parse, no lemmas). spaCy Docs stay inside the modules that call this.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

ENV_VAR = "ANALYZER_NL_MODEL"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "nl_ud" / "model"


class MissingModelWarning(UserWarning):
    """The trained Dutch pipeline was not found; a blank pipeline is used instead."""


def model_path() -> Path:
    """Where the Dutch pipeline is looked for: ``$ANALYZER_NL_MODEL`` or ``models/nl_ud/model``."""
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override).expanduser() if override else DEFAULT_MODEL_PATH


def has_parser(nlp: Language) -> bool:
    """True when ``nlp`` is the trained pipeline (it tags and parses), False for the blank fallback."""
    return "parser" in nlp.pipe_names


@lru_cache(maxsize=4)
def _load(path: str) -> Language:
    import spacy

    model_dir = Path(path)
    if (model_dir / "config.cfg").is_file():
        return spacy.load(model_dir)
    warnings.warn(
        f"Dutch spaCy pipeline not found at {model_dir}; falling back to spacy.blank('nl') with a "
        "sentencizer (no POS tags, morphology, dependency parse or lemmas). Retrain with "
        f"`python models/train_nl.py` or set ${ENV_VAR}.",
        MissingModelWarning,
        stacklevel=3,
    )
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    return nlp


def load_nlp(path: str | Path | None = None) -> Language:
    """The Dutch pipeline, loaded once per path (cached); the blank fallback with a warning if missing."""
    return _load(str(Path(path) if path is not None else model_path()))


def plain_lemma(form: str, lemma: str) -> str:
    """A UD Dutch (Alpino) lemma as one word: 'aan_bieden' for 'aangeboden' -> 'aanbieden', 'over_nemen' for
    'neem' (particle elsewhere in the clause) -> 'nemen', 'aandacht_punt' for 'aandachtspunten' -> 'aandachtspunt'.

    The model's lookup table takes its UD lemmas as Alpino writes separable verbs and compounds; word lists,
    frequencies and topic keywords need the written word.
    """
    if "_" not in lemma:
        return lemma
    parts = [p for p in lemma.split("_") if p]
    if not parts:
        return lemma
    low = form.lower()
    if not low.startswith(parts[0][:3]):
        return parts[-1]  # the particle or first part is not in this form: 'neem' (... over)
    head = parts[-1]
    at = low.rfind(head[: max(3, len(head) - 2)])
    return low[:at] + head if at > 0 else "".join(parts)


def clear_cache() -> None:
    """Forget loaded pipelines (tests; after retraining in a running process)."""
    _load.cache_clear()
