"""The fast default engine: language detection, sentences, lexicon sentiment, keyword themes.

Pure Python, no model, thousands of comments per second on one core. The sentiment rules
follow the VADER family (Hutto & Gilbert, 2014): word valences, intensifiers, negation
within three words, contrast words ("mais", "but") that shift the weight to what follows,
exclamation marks; the lexicon is Sillage's own, written for front-line service comments.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence

from . import lexicon_data as data
from .base import CommentAnalysis, SentenceAnalysis, SentimentLabel, ThemeSpec
from .langdetect import detect_language
from .text import Token, split_sentences, tokenize
from .themes import match_themes

_ALPHA = 6.0  # normalisation: score = s / sqrt(s² + alpha)
NEUTRAL_BAND = 0.2  # |score| below this is neutral
_NEGATION_WINDOW = 3
_NE = frozenset({"ne", "n"})
_MAX_PHRASE = 4


def _index_phrases(table: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Split a lexicon into single words and phrases, phrases keyed by their token norms."""
    words: dict[str, float] = {}
    phrases: dict[str, float] = {}
    for key, value in table.items():
        norms = [t.norm for t in tokenize(key)]
        if len(norms) == 1:
            words[norms[0]] = value
        elif norms:
            phrases[" ".join(norms)] = value
    return words, phrases


_TABLES = {lang: _index_phrases(table) for lang, table in data.VALENCE_BY_LANGUAGE.items()}
_INTENSIFIER_WORDS, _INTENSIFIER_PHRASES = _index_phrases(data.INTENSIFIERS)
_CONTRAST_PHRASES = frozenset(" ".join(t.norm for t in tokenize(p)) for p in data.CONTRAST_PHRASES)
_EMOTICON_RE = re.compile(
    "|".join(re.escape(e) for e in sorted(data.EMOTICONS, key=len, reverse=True))
)


def label_for(score: float, band: float = NEUTRAL_BAND) -> SentimentLabel:
    if score >= band:
        return "positive"
    if score <= -band:
        return "negative"
    return "neutral"


def normalise(raw: float) -> float:
    return raw / math.sqrt(raw * raw + _ALPHA) if raw else 0.0


def _is_negated(norms: list[str], position: int, consumed: set[int]) -> bool:
    for back in range(1, _NEGATION_WINDOW + 1):
        i = position - back
        if i < 0:
            return False
        if i in consumed:  # a negator inside a phrase ("aucun problème") is spent
            continue
        word = norms[i]
        if word in data.CONTRASTS or word == "que":  # "je n'ai que des éloges": not a negation
            return False
        if word in data.NEGATORS:
            return True
        if word in data.NE_NEGATORS and (
            (i > 0 and norms[i - 1] in _NE)
            or (i > 1 and norms[i - 2] in _NE)
            or (i + 1 < len(norms) and norms[i + 1] in _NE)
        ):
            return True
    return False


def _intensity(norms: list[str], position: int) -> float:
    factor = 1.0
    i = position - 1
    steps = 0
    while i >= 0 and steps < 2:
        if i >= 1 and f"{norms[i - 1]} {norms[i]}" in _INTENSIFIER_PHRASES:
            factor *= _INTENSIFIER_PHRASES[f"{norms[i - 1]} {norms[i]}"]
            i -= 2
        elif norms[i] in _INTENSIFIER_WORDS:
            factor *= _INTENSIFIER_WORDS[norms[i]]
            i -= 1
        else:
            break
        steps += 1
    return factor


def sentence_valence(tokens: list[Token], language: str) -> float:
    """The raw (unbounded) valence of one sentence's tokens."""
    words, phrases = _TABLES.get(language, _TABLES["other"])
    norms = [t.norm for t in tokens]
    n = len(norms)
    items: list[tuple[int, float]] = []  # (position, valence)
    contrast_at = -1
    consumed: set[int] = set()
    i = 0
    while i < n:
        word = norms[i]
        matched = False
        for size in range(min(_MAX_PHRASE, n - i), 1, -1):
            key = " ".join(norms[i : i + size])
            if key in phrases:
                items.append((i + size - 1, phrases[key]))
                consumed.update(range(i, i + size))
                i += size
                matched = True
                break
            if size == 2 and key in _CONTRAST_PHRASES:
                contrast_at = i
        if matched:
            continue
        if word in data.CONTRASTS and i > 0:
            contrast_at = i
        value = words.get(word)
        if value is not None:
            # "super lent", "bien long": an intensifier that is also a word of praise.
            if word in _INTENSIFIER_WORDS and i + 1 < n and norms[i + 1] in words:
                value = None
        if value is not None:
            items.append((i, value))
        i += 1
    total = 0.0
    for position, value in items:
        value *= _intensity(norms, position)
        if position not in consumed and _is_negated(norms, position, consumed):
            value *= -0.75 if value > 0 else -0.6
        if contrast_at >= 0:
            value *= 0.5 if position < contrast_at else 1.5
        total += value
    return total


class LexiconEngine:
    """Rules and a bilingual lexicon; the default engine."""

    name = "lexicon"
    version = "1.0"

    def analyze(
        self,
        texts: Sequence[str],
        *,
        language_hint: str | None = None,
        themes: Sequence[ThemeSpec] = (),
    ) -> list[CommentAnalysis]:
        return [
            self.analyze_one(text, language_hint=language_hint, themes=themes) for text in texts
        ]

    def analyze_one(
        self, text: str, *, language_hint: str | None = None, themes: Sequence[ThemeSpec] = ()
    ) -> CommentAnalysis:
        text = text or ""
        tokens = tokenize(text)
        language = detect_language(text, hint=language_hint, tokens=tokens)
        sentences, raws, firsts = self._sentences(text, tokens, language)
        weights = [1.0] * len(raws)
        for k in range(1, len(sentences)):
            if firsts[k] in data.CONTRASTS:
                weights[k - 1] *= 0.5
                weights[k] *= 1.5
        raw_total = sum(w * r for w, r in zip(weights, raws, strict=True))
        score = round(normalise(raw_total), 4)
        return CommentAnalysis(
            language=language,
            sentiment=label_for(score),
            score=score,
            sentences=tuple(sentences),
            themes=match_themes(text, themes, tokens) if themes else (),
        )

    def _sentences(
        self, text: str, tokens: list[Token], language: str
    ) -> tuple[list[SentenceAnalysis], list[float], list[str]]:
        sentences: list[SentenceAnalysis] = []
        raws: list[float] = []
        firsts: list[str] = []
        starts = [t.start for t in tokens]
        has_emoticon = _EMOTICON_RE.search(text) is not None
        for start, end in split_sentences(text):
            piece = text[start:end]
            own = tokens[bisect_left(starts, start) : bisect_left(starts, end)]
            firsts.append(own[0].norm if own else "")
            raw = sentence_valence(own, language)
            if has_emoticon:
                raw += sum(data.EMOTICONS[m.group()] for m in _EMOTICON_RE.finditer(piece))
            if piece.endswith("!") and raw:
                raw *= 1.0 + 0.1 * min(3, len(piece) - len(piece.rstrip("!")))
            raws.append(raw)
            score = round(normalise(raw), 4)
            sentences.append(
                SentenceAnalysis(
                    text=piece, start=start, end=end, sentiment=label_for(score), score=score
                )
            )
        return sentences, raws, firsts
