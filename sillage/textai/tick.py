"""Periodic jobs of text analytics, run by `manage.py sillage_tick`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from sillage.accounts.ticking import tick_job

BACKLOG_PER_TICK = 2000
CLAIM = timedelta(minutes=10)


def _organizations_with_backlog() -> list[int]:
    from sillage.feedback.models import Response

    return list(
        Response.objects.exclude(comment="")
        .filter(text_analysis__isnull=True)
        .values_list("organization_id", flat=True)
        .distinct()
    )


@tick_job
def analyse_backlog(now: datetime) -> int:
    """Analyse comments never analysed (left by a large import or the demo), newest first, a
    bounded batch per organisation. Each organisation is claimed with a conditional UPDATE
    (expiring, in case a machine dies), so two machines work on different organisations and
    no transaction stays open while the engine runs; a batch is idempotent anyway."""
    from sillage.accounts.models import Organization
    from sillage.textai.models import TextSettings
    from sillage.textai.processing import analyse_pending

    done = 0
    for organization in Organization.objects.filter(pk__in=_organizations_with_backlog()):
        TextSettings.objects.get_or_create(organization=organization)
        claimed = (
            TextSettings.objects.filter(organization=organization)
            .filter(Q(backlog_claimed_until__isnull=True) | Q(backlog_claimed_until__lt=now))
            .update(backlog_claimed_until=now + CLAIM)
        )
        if not claimed:
            continue  # another machine is on it
        try:
            done += analyse_pending(organization=organization, limit=BACKLOG_PER_TICK)
        finally:
            TextSettings.objects.filter(organization=organization).update(
                backlog_claimed_until=None
            )
    return done


@tick_job
def weekly_emerging_topics(now: datetime) -> int:
    """Once a week per organisation: the emerging topics of the week that ended, then the
    email to CX leads who asked for it."""
    from sillage.accounts.models import Organization
    from sillage.textai.emerging import last_full_week, topics_compute
    from sillage.textai.models import CommentAnalysis, TopicRun
    from sillage.textai.notifications import emerging_email_send

    done = 0
    org_ids = CommentAnalysis.objects.values_list("organization_id", flat=True).distinct()
    for organization in Organization.objects.filter(pk__in=org_ids):
        week = last_full_week(organization)
        if not TopicRun.objects.filter(organization=organization, week=week).exists():
            topics_compute(organization=organization, week=week)
            done += 1
        done += emerging_email_send(organization=organization, week=week)
    return done
