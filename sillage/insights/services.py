"""Keeping rollups in step with responses: the hooks other apps call, and the rebuild.

How they are reached: feedback's hooks (feedback/hooks.py) tell `listeners.py`, registered in
InsightsConfig.ready(), in a background task after commit: responses recorded one at a time
(a page, the API) in one coalesced pass per second, a batch (the demo) at once, an import by
its job id; the listeners call `rollups_refresh_responses` and `rollups_refresh_import`.
After deletions or a change of the organisation's time zone, call `rollups_refresh_days`
or `rollups_rebuild` (tasks.py has tasks for both). The periodic `sillage_tick` job
(tick.py) catches anything a hook missed within a minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max, Min

from sillage.accounts.models import Organization
from sillage.feedback.models import Response
from sillage.insights import rollups
from sillage.insights.rollups import Log, RebuildResult
from sillage.insights.spacing import DaySpacing
from sillage.insights.tasks import refresh_rollups


def rollups_refresh_days(
    *, organization: Organization, days: Iterable[date], spaced: bool = False
) -> int:
    """Recompute these local days of the organisation; returns how many. `spaced`: the
    refresh queued by the spacing of new answers (spacing.py), which it times."""
    if not spaced:
        return rollups.refresh_days(organization, days)
    days = set(days)
    with _SPACING.timed(organization.pk, days):
        return rollups.refresh_days(organization, days)


# Beyond this many days, one bulk rebuild from the first of them costs less than refreshing
# each day (a demo load, a back-fill through the API).
BULK_DAYS = 31
ID_CHUNK = 5_000  # SQLite accepts at most 32,766 parameters in a statement
# Comments of batches up to this size are indexed ahead of their days' refresh (see
# rollups.index_verbatims); a larger batch (the demo, many days) goes through the rebuild.
VERBATIMS_AHEAD = 5_000
_SPACING = DaySpacing(refresh_rollups)


def rollups_refresh_responses(*, response_ids: Iterable[int], spaced: bool = False) -> int:
    """Recompute the days these responses (and their invitations) belong to; returns how
    many days were recomputed now. `spaced` (the follow-up of new answers, in a worker): a
    day recomputed less than `SILLAGE_ROLLUP_INTERVAL` seconds ago is left to one refresh
    queued for the interval's end (see spacing.py)."""
    ids = list(response_ids)
    by_org: dict[int, set[date]] = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        for org_id, days in rollups.days_of_responses(chunk).items():
            by_org.setdefault(org_id, set()).update(days)
        if len(ids) <= VERBATIMS_AHEAD:
            rollups.index_verbatims(chunk)
    organizations = Organization.objects.in_bulk(list(by_org))
    refreshed = 0
    for org_id, days in by_org.items():
        organization = organizations.get(org_id)
        if organization is None:
            continue
        if len(days) > BULK_DAYS:
            refreshed += rollups_rebuild(organization=organization, since=min(days)).days
        else:
            if spaced:
                days = _SPACING.due_now(organization.pk, days)
                with _SPACING.timed(organization.pk, days):
                    refreshed += rollups.refresh_days(organization, days)
            else:
                refreshed += rollups.refresh_days(organization, days)
    return refreshed


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
