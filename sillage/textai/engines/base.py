"""The one interface of every text analytics engine.

`engine.analyze(texts, language_hint=...)` returns one `CommentAnalysis` per text, in order.
Engines ship with their data (no download at run time) and say their `name` and `version`,
which are stored with every result so that a re-analysis can be targeted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

Language = Literal["fr", "en", "other"]
SentimentLabel = Literal["positive", "neutral", "negative"]


@dataclass(frozen=True)
class ThemeSpec:
    """A theme of the organisation's taxonomy, as engines receive it."""

    code: str
    keywords_fr: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # example sentences, either language


@dataclass(frozen=True)
class ThemeMatch:
    code: str
    evidence: tuple[str, ...]  # the words or phrase of the comment that matched
    score: float = 1.0


@dataclass(frozen=True)
class SentenceAnalysis:
    text: str
    start: int  # character offsets in the comment
    end: int
    sentiment: SentimentLabel
    score: float  # -1 (very negative) … +1 (very positive)


@dataclass(frozen=True)
class CommentAnalysis:
    language: Language
    sentiment: SentimentLabel
    score: float  # -1 … +1
    sentences: tuple[SentenceAnalysis, ...] = ()
    themes: tuple[ThemeMatch, ...] = ()
    embedding: tuple[float, ...] | None = field(default=None, repr=False)


class Engine(Protocol):
    name: str
    version: str

    def analyze(
        self,
        texts: Sequence[str],
        *,
        language_hint: str | None = None,
        themes: Sequence[ThemeSpec] = (),
    ) -> list[CommentAnalysis]: ...
