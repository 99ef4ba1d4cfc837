"""Does an alert rule match a response? Pure functions, shared by the listener and the preview.

Words are compared folded: Unicode NFKD with the combining marks dropped, then case-folded,
so "Fraude", "FRAUDÉ" and "fraude" are one word, in French and English alike. A keyword
matches a whole word of the comment; ending it with * matches any word that starts with it
("plaint*": plainte, plaintes). A keyword of several words matches them in a row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[,;\n]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def parse_keywords(raw: str) -> list[tuple[tuple[str, ...], bool]]:
    """Each keyword as (its folded words, is_prefix)."""
    result = []
    for item in _SEPARATORS.split(raw or ""):
        item = item.strip()
        if not item:
            continue
        prefix = item.endswith("*")
        parts = tuple(words(item.rstrip("*")))
        if parts:
            result.append((parts, prefix))
    return result


def keywords_match(keywords: Sequence[tuple[tuple[str, ...], bool]], text_words: list[str]) -> bool:
    if not keywords or not text_words:
        return False
    vocabulary: set[str] | None = None  # the comment's distinct words, for one-word keywords
    for parts, prefix in keywords:
        if len(parts) == 1:
            if vocabulary is None:
                vocabulary = set(text_words)
            word = parts[0]
            if word in vocabulary or (prefix and any(w.startswith(word) for w in vocabulary)):
                return True
            continue
        size, head, tail = len(parts), parts[:-1], parts[-1]
        for start in range(len(text_words) - size + 1):
            if tuple(text_words[start : start + size - 1]) != head:
                continue
            last = text_words[start + size - 1]
            if last == tail or (prefix and last.startswith(tail)):
                return True
    return False


@dataclass(frozen=True)
class CompiledRule:
    id: int
    priority: str
    opens_case: bool
    ranges: tuple[tuple[str, int | None, int | None], ...]
    keywords: tuple[tuple[tuple[str, ...], bool], ...]
    journey_id: int | None
    touchpoint_id: int | None

    def matches(self, row: dict, text_words: list[str] | None = None) -> bool:
        if self.touchpoint_id is not None and row.get("touchpoint_id") != self.touchpoint_id:
            return False
        if self.journey_id is not None and row.get("journey_id") != self.journey_id:
            return False
        for name, low, high in self.ranges:
            value = row.get(name)
            if value is None:
                return False
            if (low is not None and value < low) or (high is not None and value > high):
                return False
        if self.keywords:
            if text_words is None:
                text_words = words(row.get("comment") or "")
            if not keywords_match(self.keywords, text_words):
                return False
        # A rule with no condition at all would match everything: it matches nothing.
        return bool(self.ranges or self.keywords or self.journey_id or self.touchpoint_id)


def compile_rule(rule) -> CompiledRule:
    ranges = tuple(
        (name, getattr(rule, f"{name}_min"), getattr(rule, f"{name}_max"))
        for name in ("nps", "csat", "ces")
        if getattr(rule, f"{name}_min") is not None or getattr(rule, f"{name}_max") is not None
    )
    return CompiledRule(
        id=rule.pk or 0,
        priority=rule.priority,
        opens_case=rule.opens_case,
        ranges=ranges,
        keywords=tuple(parse_keywords(rule.keywords)),
        journey_id=rule.journey_id,
        touchpoint_id=rule.touchpoint_id,
    )


def matching_rules(rules: Iterable[CompiledRule], row: dict) -> list[CompiledRule]:
    text_words = words(row.get("comment") or "")
    return [rule for rule in rules if rule.matches(row, text_words)]
