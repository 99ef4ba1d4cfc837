"""A tiny fake engine (keywords in, labels out) for the services' unit tests, and a few
comments in Caisse Test."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest
from django.utils import timezone

from sillage.accounts.models import Organization, Unit
from sillage.feedback.models import Response
from sillage.insights.tests.factories import add_response
from sillage.textai.engines.base import CommentAnalysis, SentenceAnalysis, ThemeMatch, ThemeSpec

NEGATIVE = ("long", "mauvais", "rude", "slow", "trop", "plante")
POSITIVE = ("bravo", "great", "merci", "excellent", "rapide")


class FakeEngine:
    """Sentiment by a handful of words; themes by keyword substrings (evidence: the keyword)."""

    name = "fake"
    version = "1"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def analyze(
        self,
        texts: Sequence[str],
        *,
        language_hint: str | None = None,
        themes: Sequence[ThemeSpec] = (),
    ) -> list[CommentAnalysis]:
        self.calls.append(list(texts))
        results = []
        for text in texts:
            low = text.lower()
            score = 0.6 * sum(w in low for w in POSITIVE) - 0.6 * sum(w in low for w in NEGATIVE)
            score = max(-1.0, min(1.0, score))
            label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
            matches = []
            for spec in themes:
                found = [k for k in (*spec.keywords_fr, *spec.keywords_en) if k in low]
                if found:
                    matches.append(ThemeMatch(spec.code, tuple(found[:2])))
            results.append(
                CommentAnalysis(
                    language=language_hint or "fr",
                    sentiment=label,
                    score=score,
                    sentences=(SentenceAnalysis(text, 0, len(text), label, score),),
                    themes=tuple(matches),
                )
            )
        return results


@pytest.fixture
def fake_engine(monkeypatch):
    engine = FakeEngine()
    monkeypatch.setattr(
        "sillage.textai.processing.engine_for", lambda organization, name=None: engine
    )
    from sillage.textai import processing

    processing._CACHE.clear()
    return engine


def comment(
    org: Organization,
    unit: Unit,
    text: str,
    *,
    nps: int | None = None,
    when: datetime | None = None,
    language: str = "fr",
    **extra: object,
) -> Response:
    return add_response(
        org, unit, when or timezone.now(), nps=nps, comment=text, language=language, **extra
    )
