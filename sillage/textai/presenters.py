"""What text analytics pages and partials show, as plain values for the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from sillage.textai.models import Sentiment, Theme
from sillage.textai.selectors import SENTIMENT_CHOICES, VerbatimText, verbatim_texts

TOP_THEMES = 5
SENTIMENT_ICONS = {"positive": "☺", "neutral": "–", "negative": "☹"}


@dataclass
class PageTexts:
    texts: dict[int, VerbatimText]
    themes: list[Theme] = field(default_factory=list)

    def get(self, pk: int) -> VerbatimText | None:
        return self.texts.get(pk)


def page_texts(organization: Any, response_ids: list[int]) -> PageTexts:
    return PageTexts(
        verbatim_texts(organization, response_ids),
        list(Theme.objects.filter(organization=organization, active=True)),
    )


def evidence_terms(text: VerbatimText | None) -> list[str]:
    from sillage.insights.rollups import fold

    if text is None:
        return []
    return [t for t in dict.fromkeys(fold(e).strip() for e in text.evidence) if len(t) >= 2]


def highlighted(comment: str, text: VerbatimText | None, terms: list[str]):
    from sillage.insights.verbatims import highlight

    return highlight(comment, list(dict.fromkeys([*terms, *evidence_terms(text)])))


def verbatim_values(
    *,
    organization: Any,
    can_correct: bool,
    response: Any,
    text: VerbatimText | None,
    themes: list[Theme],
    terms: list[str],
    csrf_token: Any = None,
    detail: bool = False,
) -> dict:
    shown = {tag.theme.pk for tag in text.themes} if text else set()
    slug = organization.slug
    return {
        "organization": organization,
        "response": response,
        "text": text,
        "comment": highlighted(response.comment, text, terms),
        "can_correct": can_correct and bool(response.comment),
        "sentiments": [
            (value, label, SENTIMENT_ICONS[value]) for value, label in Sentiment.choices
        ],  # fmt: skip
        "addable": [t for t in themes if t.pk not in shown],
        "csrf_token": csrf_token,
        "detail": detail,
        "sentiment_url": reverse("textai_correct_sentiment", args=[slug, response.pk]),
        "theme_url": reverse("textai_correct_theme", args=[slug, response.pk]),
        "detail_url": reverse("textai_verbatim", args=[slug, response.pk]),
    }


def verbatim_context(context: Any, response: Any, page: PageTexts | None, terms: list[str]):
    can = context.get("can") or {}
    return verbatim_values(
        organization=context["organization"],
        can_correct=bool(can.get("correct_text_analytics")),
        response=response,
        text=page.get(response.pk) if page else None,
        themes=page.themes if page else [],
        terms=terms,
        csrf_token=context.get("csrf_token"),
    )


def top_themes_context(context: Any) -> dict:
    """The top themes of the page's scope, unit or journey, and period."""
    from sillage.textai.impact import theme_impact

    scope, filters = context.get("scope"), context.get("filters")
    can = context.get("can") or {}
    if scope is None or filters is None or not can.get("view_text_analytics"):
        return {"show": False}
    impact = theme_impact(scope, filters, sort="volume")
    query = f"from={filters.start.isoformat()}&to={filters.end.isoformat()}"
    if filters.unit is not None:
        query += f"&unit={filters.unit.pk}"
    if filters.journey_id:
        query += f"&journey={filters.journey_id}"
    from sillage.textai.models import EmergingTopic

    latest = EmergingTopic.objects.filter(organization=scope.organization).order_by("-week").first()
    return {
        "show": True,
        "emerging": latest,
        "emerging_count": EmergingTopic.objects.filter(
            organization=scope.organization, week=latest.week
        ).count()
        if latest
        else 0,
        "rows": impact.rows[:TOP_THEMES],
        "total": impact.total,
        "themes_url": reverse("textai_themes", args=[scope.organization.slug]) + "?" + query,
    }


def filter_labels(form: Any) -> list[str]:
    values = form.initial if not form.is_bound else getattr(form, "cleaned_data", {})
    labels = []
    sentiment = values.get("sentiment")
    if sentiment:
        labels.append(str(dict(SENTIMENT_CHOICES).get(sentiment, sentiment)))
    theme = values.get("theme")
    if theme and "theme" in form.fields:
        labels.append(str(dict(form.fields["theme"].choices).get(theme, theme)))
    return labels


def correction_rows(corrections: Any, themes: list[Theme]) -> list[dict]:
    """Corrections with their values in words: a sentiment's label, a theme's name."""
    words = {**dict(Sentiment.choices), **{t.code: t.name for t in themes}}
    return [
        {
            "correction": c,
            "old": words.get(c.old_value, c.old_value),
            "new": words.get(c.new_value, c.new_value),
        }
        for c in corrections
    ]
