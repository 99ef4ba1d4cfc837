"""Reads other apps may use (insights' verbatim explorer, workshops' pickers).

Kept free of imports from insights at module level: insights imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sillage.textai.models import CommentAnalysis, CommentTheme, Sentiment, Theme

SENTIMENT_CHOICES = [("", _("Any sentiment")), *Sentiment.choices]


def theme_options(organization) -> list[tuple[str, str]]:
    """The organisation's active themes as (code, label in the active language), for pickers.

    Other apps (workshops) call this; it returns [] until the organisation has themes.
    """
    return [(t.code, t.name) for t in Theme.objects.filter(organization=organization, active=True)]


def theme_choices(organization) -> list[tuple[str, str]]:
    """For the explorer's theme filter: every theme (inactive ones still filter the past)."""
    return [(t.code, t.name) for t in Theme.objects.filter(organization=organization)]


def explorer_fields(fields: dict, organization) -> None:
    """Label and fill the verbatim explorer's sentiment and theme filters."""
    fields["sentiment"].label = _("Sentiment")
    fields["sentiment"].choices = SENTIMENT_CHOICES
    fields["theme"].label = _("Theme")
    fields["theme"].choices = [("", _("Any theme")), *theme_choices(organization)]


def filter_responses(qs: QuerySet, organization, *, sentiment: str = "", theme: str = ""):
    """Narrow a queryset of responses to a sentiment and/or a theme (by code)."""
    if sentiment in Sentiment.values:
        qs = qs.filter(text_analysis__sentiment=sentiment)
    if theme:
        qs = qs.filter(
            pk__in=CommentTheme.objects.filter(organization=organization, theme__code=theme).values(
                "analysis__response_id"
            )
        )
    return qs


@dataclass
class ThemeTag:
    theme: Theme
    evidence: list[str]
    corrected: bool


@dataclass
class VerbatimText:
    """What the explorer shows of one comment's analysis."""

    response_id: int
    analysis: CommentAnalysis | None
    themes: list[ThemeTag] = field(default_factory=list)

    @property
    def sentiment(self) -> str:
        return self.analysis.sentiment if self.analysis else ""

    @property
    def evidence(self) -> list[str]:
        return [word for tag in self.themes for word in tag.evidence]


def verbatim_texts(organization, response_ids: Iterable[int]) -> dict[int, VerbatimText]:
    """The analyses of a page of verbatims, in two queries."""
    ids = list(response_ids)
    analyses = {
        a.response_id: a
        for a in CommentAnalysis.objects.filter(organization=organization, response_id__in=ids)
    }
    result = {pk: VerbatimText(pk, analyses.get(pk)) for pk in ids}
    links = (
        CommentTheme.objects.filter(organization=organization, analysis__response_id__in=ids)
        .select_related("theme", "analysis")
        .order_by("theme__order", "theme__code")
    )
    for link in links:
        result[link.analysis.response_id].themes.append(
            ThemeTag(link.theme, list(link.evidence), link.source == "correction")
        )
    return result


@dataclass(frozen=True)
class Progress:
    analysed: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.analysed / self.total)

    @property
    def done(self) -> bool:
        return self.analysed >= self.total


def progress(organization) -> Progress:
    from sillage.feedback.models import Response

    total = Response.objects.filter(organization=organization).exclude(comment="").count()
    analysed = CommentAnalysis.objects.filter(organization=organization).count()
    return Progress(min(analysed, total), total)
