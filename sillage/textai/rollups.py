"""Theme rollups: analysed comments per organisation × local day × unit × theme.

A refresh deletes the days' rows and recomputes them from the analyses of those days with
two GROUP BY queries (one per theme, one for the totals), in one transaction: exact,
idempotent, safe to run twice. Pages read these rows, never the analyses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, When

from sillage.accounts.models import Organization
from sillage.textai.models import CommentAnalysis, CommentTheme, ThemeDayRollup

DAYS_PER_QUERY = 60


def _counters(prefix: str = "") -> dict:
    def when(condition: Q) -> Sum:
        return Sum(Case(When(condition, then=1), default=0, output_field=IntegerField()))

    return {
        "n": Count("pk"),
        "positive": when(Q(**{f"{prefix}sentiment": "positive"})),
        "neutral": when(Q(**{f"{prefix}sentiment": "neutral"})),
        "negative": when(Q(**{f"{prefix}sentiment": "negative"})),
        "score_sum": Sum(f"{prefix}score"),
        "nps_n": Count(f"{prefix}nps"),
        "promoters": when(Q(**{f"{prefix}nps__gte": 9})),
        "passives": when(Q(**{f"{prefix}nps__in": [7, 8]})),
        "detractors": when(Q(**{f"{prefix}nps__lte": 6})),
    }


COUNTER_NAMES = tuple(_counters())


def refresh_days(organization: Organization, days: Iterable[date]) -> int:
    """Recompute the rollups of these local days; returns the rows written."""
    ordered = sorted(set(days))
    written = 0
    for start in range(0, len(ordered), DAYS_PER_QUERY):
        written += _refresh(organization, ordered[start : start + DAYS_PER_QUERY])
    return written


def _refresh(organization: Organization, days: list[date]) -> int:
    if not days:
        return 0
    rows: list[ThemeDayRollup] = []
    totals = (
        CommentAnalysis.objects.filter(organization=organization, day__in=days)
        .values("day", "unit_id", "touchpoint_id")
        .annotate(**_counters())
    )
    for row in totals:
        rows.append(_row(organization, row, None))
    per_theme = (
        CommentTheme.objects.filter(analysis__organization=organization, analysis__day__in=days)
        .values("analysis__day", "analysis__unit_id", "analysis__touchpoint_id", "theme_id")
        .annotate(**_counters("analysis__"))
    )
    for row in per_theme:
        row["day"], row["unit_id"] = row.pop("analysis__day"), row.pop("analysis__unit_id")
        row["touchpoint_id"] = row.pop("analysis__touchpoint_id")
        rows.append(_row(organization, row, row["theme_id"]))
    with transaction.atomic():
        ThemeDayRollup.objects.filter(organization=organization, day__in=days).delete()
        ThemeDayRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _row(organization: Organization, row: dict, theme_id: int | None) -> ThemeDayRollup:
    day = row["day"]
    return ThemeDayRollup(
        organization=organization,
        day=day,
        week=day - timedelta(days=day.weekday()),
        unit_id=row["unit_id"],
        touchpoint_id=row["touchpoint_id"],
        theme_id=theme_id,
        **{name: row[name] or 0 for name in COUNTER_NAMES},
    )


def rebuild(organization: Organization) -> int:
    days = (
        CommentAnalysis.objects.filter(organization=organization)
        .values_list("day", flat=True)
        .distinct()
    )
    ThemeDayRollup.objects.filter(organization=organization).delete()
    return refresh_days(organization, list(days))
