"""Keeping rollups in step with responses: the hooks other apps call, and the rebuild.

Where to call them (see the lead's notes in the final report):
- after a response is recorded: `transaction.on_commit(lambda:
  refresh_rollups_for_response.enqueue(response_id=response.pk))` (sillage/insights/tasks.py);
- after an import commits: `refresh_rollups_for_import.enqueue(import_job_id=job.pk)`;
- after bulk writes, deletions or a time-zone change: `rollups_refresh_days(...)` or
  `rollups_rebuild(...)`.
The periodic `sillage_tick` job (tick.py) catches anything a hook missed within a minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max, Min

from sillage.accounts.models import Organization
from sillage.feedback.models import Response
from sillage.insights import rollups
from sillage.insights.rollups import Log, RebuildResult


def rollups_refresh_days(*, organization: Organization, days: Iterable[date]) -> int:
    """Recompute these local days of the organisation; returns how many."""
    return rollups.refresh_days(organization, days)


def rollups_refresh_responses(*, response_ids: Iterable[int]) -> int:
    """Recompute the days these responses (and their invitations) belong to."""
    by_org = rollups.days_of_responses(response_ids)
    organizations = Organization.objects.in_bulk(list(by_org))
    return sum(
        rollups.refresh_days(organizations[org_id], days)
        for org_id, days in by_org.items()
        if org_id in organizations
    )


def rollups_refresh_import(*, import_job_id: int) -> int:
    """Recompute every day between the first and the last response of an import."""
    span = Response.objects.filter(import_job_id=import_job_id).aggregate(
        first=Min("submitted_at"), last=Max("submitted_at"), org=Max("organization_id")
    )
    if span["org"] is None:
        return 0
    organization = Organization.objects.get(pk=span["org"])
    zone = rollups.zone_of(organization)
    days = rollups.day_range(
        rollups.local_day(span["first"], zone), rollups.local_day(span["last"], zone)
    )
    return rollups.refresh_days(organization, days)


def rollups_rebuild(
    *, organization: Organization, since: date | None = None, log: Log | None = None
) -> RebuildResult:
    """Recompute all of an organisation's rollups (from `since`, a local day): exact and
    idempotent, in one transaction (dashboards read the old rollups until it commits)."""
    from sillage.insights.rebuild import rebuild

    return rebuild(organization, since=since, log=log)
