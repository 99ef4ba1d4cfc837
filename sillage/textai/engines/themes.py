"""Keyword theme matching shared by the engines: accent-insensitive, light stemming, phrases.

A keyword is one word or a phrase. Words match when their light stems are equal
("attentes" ~ "attente") or when the comment's word starts with a keyword stem of five
letters or more ("courtois" ~ "courtoisie"). A keyword ending in "*" is an explicit prefix
("rembours*" ~ "remboursement"). Evidence is the comment's own words, as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .base import ThemeMatch, ThemeSpec
from .text import Token, stem, tokenize

# Elisions and tiny words a phrase may have or lack: "temps d'attente" ~ "temps attente".
_SKIPPABLE = frozenset(
    {"l", "d", "de", "du", "des", "la", "le", "les", "a", "au", "the", "of", "to"}
)
_MAX_EXTRA = 3  # longest allowed extension of a keyword stem by prefix matching


@dataclass(frozen=True)
class _Pattern:
    parts: tuple[tuple[str, bool], ...]  # (stem, is_explicit_prefix) per significant word


@dataclass(frozen=True)
class _CompiledTheme:
    code: str
    patterns: tuple[_Pattern, ...]


def _compile_keyword(keyword: str) -> _Pattern | None:
    keyword = keyword.strip()
    if not keyword:
        return None
    explicit_prefix = keyword.endswith("*")
    tokens = [t.norm for t in tokenize(keyword.rstrip("*"))]
    words = [t for t in tokens if t not in _SKIPPABLE] or tokens
    if not words:
        return None
    parts = tuple(
        (
            stem(w) if not (explicit_prefix and i == len(words) - 1) else w,
            explicit_prefix and i == len(words) - 1,
        )
        for i, w in enumerate(words)
    )
    return _Pattern(parts)


@dataclass(frozen=True)
class _Index:
    """The patterns of a taxonomy by the key of their first word, so that a comment's words
    look their candidates up instead of trying every pattern of every theme."""

    themes: tuple[_CompiledTheme, ...]
    by_stem: dict[str, tuple[tuple[int, _Pattern], ...]]  # first stem equals the word's stem
    by_prefix: dict[str, tuple[tuple[int, _Pattern], ...]]  # the word starts with the key


@lru_cache(maxsize=256)
def compile_themes(themes: tuple[ThemeSpec, ...]) -> _Index:
    compiled = []
    by_stem: dict[str, list[tuple[int, _Pattern]]] = {}
    by_prefix: dict[str, list[tuple[int, _Pattern]]] = {}
    for number, theme in enumerate(themes):
        patterns = []
        seen = set()
        for keyword in (*theme.keywords_fr, *theme.keywords_en):
            pattern = _compile_keyword(keyword)
            if pattern and pattern.parts not in seen:
                seen.add(pattern.parts)
                patterns.append(pattern)
                key, explicit_prefix = pattern.parts[0]
                if not explicit_prefix:
                    by_stem.setdefault(key, []).append((number, pattern))
                if explicit_prefix or len(key) >= 5:
                    by_prefix.setdefault(key, []).append((number, pattern))
        compiled.append(_CompiledTheme(theme.code, tuple(patterns)))
    return _Index(
        tuple(compiled),
        {key: tuple(found) for key, found in by_stem.items()},
        {key: tuple(found) for key, found in by_prefix.items()},
    )


def _word_matches(word: str, word_stem: str, part: tuple[str, bool]) -> bool:
    key, explicit_prefix = part
    if explicit_prefix:
        return word.startswith(key)
    if word_stem == key:
        return True
    return len(key) >= 5 and word.startswith(key) and len(word) - len(key) <= _MAX_EXTRA


def match_themes(
    text: str, themes: Sequence[ThemeSpec], tokens: list[Token] | None = None
) -> tuple[ThemeMatch, ...]:
    """The themes whose keywords occur in `text`, with the matched words as evidence."""
    if not themes:
        return ()
    index = compile_themes(tuple(themes))
    if tokens is None:
        tokens = tokenize(text)
    significant = [t for t in tokens if t.norm not in _SKIPPABLE]
    if not significant:
        return ()
    stems = [stem(t.norm) for t in significant]
    spans: dict[int, set[tuple[int, int]]] = {}
    for i, token in enumerate(significant):
        word = token.norm
        candidates = list(index.by_stem.get(stems[i], ()))
        for length in range(1, len(word) + 1):
            candidates += index.by_prefix.get(word[:length], ())
        for number, pattern in candidates:
            size = len(pattern.parts)
            if i + size > len(significant):
                continue
            if all(
                _word_matches(significant[i + j].norm, stems[i + j], pattern.parts[j])
                for j in range(size)
            ):
                spans.setdefault(number, set()).add((token.start, significant[i + size - 1].end))
    matches: list[ThemeMatch] = []
    for number, theme in enumerate(index.themes):  # the taxonomy's order
        evidence = _evidence(text, list(spans.get(number, ())))
        if evidence:
            score = min(1.0, 0.6 + 0.2 * len(evidence))
            matches.append(ThemeMatch(code=theme.code, evidence=tuple(evidence), score=score))
    return tuple(matches)


def _evidence(text: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    """The matched phrases in reading order, without repeats or phrases inside a longer one."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if any(s <= start and end <= e for s, e in kept):
            continue
        kept.append((start, end))
    phrases: list[str] = []
    for start, end in kept:
        phrase = text[start:end]
        if phrase.lower() not in (p.lower() for p in phrases):
            phrases.append(phrase)
    return tuple(phrases)
