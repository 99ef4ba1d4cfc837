"""Writes of text analytics: the taxonomy, settings, corrections, re-analysis."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from sillage.accounts.models import Organization, User
from sillage.feedback.models import Response
from sillage.textai.models import (
    CommentAnalysis,
    CommentTheme,
    Correction,
    CorrectionField,
    TextSettings,
    Theme,
    ThemeSource,
)
from sillage.textai.taxonomy import DEFAULT_THEMES

MAX_EXAMPLES = 30
RETRAIN_EVERY = 10  # corrections between two retrainings, once MIN_CORRECTIONS are reached


# --- Taxonomy ----------------------------------------------------------------------------------


def themes_ensure(*, organization: Organization) -> int:
    """Seed the default taxonomy the first time an organisation uses text analytics."""
    if Theme.objects.filter(organization=organization).exists():
        return 0
    rows = [
        Theme(
            organization=organization,
            code=spec.code,
            name_fr=spec.name_fr,
            name_en=spec.name_en,
            keywords_fr=list(spec.keywords_fr),
            keywords_en=list(spec.keywords_en),
            examples=list(spec.examples),
            order=10 * (index + 1),
        )
        for index, spec in enumerate(DEFAULT_THEMES)
    ]
    try:
        with transaction.atomic():
            Theme.objects.bulk_create(rows)
    except IntegrityError:  # seeded at the same moment by another request
        return 0
    return len(rows)


def theme_save(*, theme: Theme, data: dict) -> Theme:
    """Create or update a theme from cleaned form data."""
    for name in ("name_fr", "name_en", "keywords_fr", "keywords_en", "examples", "active"):
        if name in data:
            setattr(theme, name, data[name])
    if theme.pk is None:
        last = Theme.objects.filter(organization=theme.organization).aggregate(m=Max("order"))
        theme.order = (last["m"] or 0) + 10
        theme.code = data["code"]
    theme.save()
    return theme


# --- Settings ----------------------------------------------------------------------------------


def settings_update(
    *, organization: Organization, engine: str, email_emerging: bool
) -> TextSettings:
    row, _created = TextSettings.objects.get_or_create(organization=organization)
    row.engine = engine
    row.email_emerging = email_emerging
    row.save(update_fields=["engine", "email_emerging", "updated_at"])
    return row


def reanalysis_request(*, organization: Organization, everything: bool = False) -> None:
    """Enqueue the re-analysis of comments whose engine or version differ (or all)."""
    from sillage.textai.tasks import reanalyse_organization

    transaction.on_commit(
        lambda: reanalyse_organization.enqueue(
            organization_id=organization.pk, everything=everything
        )
    )


# --- Corrections -------------------------------------------------------------------------------


def _analysis(response: Response) -> CommentAnalysis:
    analysis = CommentAnalysis.objects.filter(response=response).first()
    if analysis is None:
        from sillage.textai.processing import analyse_responses

        analyse_responses(organization=response.organization, response_ids=[response.pk])
        analysis = CommentAnalysis.objects.get(response=response)
    return analysis


def _after_correction(organization: Organization, analysis: CommentAnalysis) -> None:
    from sillage.textai.rollups import refresh_days

    refresh_days(organization, [analysis.day])
    count = Correction.objects.filter(
        organization=organization, field=CorrectionField.SENTIMENT
    ).count()
    from sillage.textai.adaptation import MIN_CORRECTIONS

    if count >= MIN_CORRECTIONS and (count - MIN_CORRECTIONS) % RETRAIN_EVERY == 0:
        from sillage.textai.tasks import retrain_adapter

        transaction.on_commit(lambda: retrain_adapter.enqueue(organization_id=organization.pk))


def sentiment_correct(*, response: Response, user: User | None, sentiment: str) -> CommentAnalysis:
    with transaction.atomic():
        analysis = _analysis(response)
        analysis = CommentAnalysis.objects.select_for_update().get(pk=analysis.pk)
        if analysis.sentiment == sentiment and analysis.sentiment_corrected:
            return analysis
        Correction.objects.create(
            organization=response.organization,
            response=response,
            user=user,
            field=CorrectionField.SENTIMENT,
            old_value=analysis.sentiment,
            new_value=sentiment,
        )
        analysis.sentiment = sentiment
        analysis.sentiment_corrected = True
        analysis.save(update_fields=["sentiment", "sentiment_corrected"])
        _after_correction(response.organization, analysis)
    return analysis


def theme_add(*, response: Response, user: User | None, theme: Theme) -> CommentAnalysis:
    """A person says the comment talks about `theme`; the comment becomes one of the theme's
    examples, so engines that learn from examples recognise such comments too."""
    with transaction.atomic():
        analysis = _analysis(response)
        link, created = CommentTheme.objects.get_or_create(
            analysis=analysis,
            theme=theme,
            defaults={"organization": response.organization, "source": ThemeSource.CORRECTION},
        )
        if not created:
            return analysis
        Correction.objects.create(
            organization=response.organization,
            response=response,
            user=user,
            field=CorrectionField.THEME_ADDED,
            new_value=theme.code,
        )
        analysis.themes_corrected = True
        analysis.save(update_fields=["themes_corrected"])
        if response.comment not in theme.examples and len(theme.examples) < MAX_EXAMPLES:
            theme.examples = [*theme.examples, response.comment[:500]]
            theme.save(update_fields=["examples"])
        _after_correction(response.organization, analysis)
    return analysis


def theme_remove(*, response: Response, user: User | None, theme: Theme) -> CommentAnalysis:
    with transaction.atomic():
        analysis = _analysis(response)
        deleted, _rows = CommentTheme.objects.filter(analysis=analysis, theme=theme).delete()
        if not deleted:
            return analysis
        Correction.objects.create(
            organization=response.organization,
            response=response,
            user=user,
            field=CorrectionField.THEME_REMOVED,
            old_value=theme.code,
        )
        analysis.themes_corrected = True
        analysis.save(update_fields=["themes_corrected"])
        _after_correction(response.organization, analysis)
    return analysis
