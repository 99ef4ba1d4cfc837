"""Periodic jobs of the closed loop, run by `manage.py sillage_tick` (every minute is fine).

Each job is idempotent and safe from two machines at once: see sillage/cases/sla.py.
"""

from __future__ import annotations

from datetime import datetime

from sillage.accounts.ticking import tick_job


@tick_job
def cases_warn_before_breach(now: datetime) -> int:
    """Warn owners when most of a case's delay has elapsed (75 % by default)."""
    from sillage.cases.sla import warn_due

    return warn_due(now=now)


@tick_job
def cases_escalate_breached(now: datetime) -> int:
    """Escalate cases past their deadline to the next manager up the tree."""
    from sillage.cases.sla import escalate_due

    return escalate_due(now=now)


@tick_job
def cases_send_digests(now: datetime) -> int:
    """The daily summary of open cases, for those who asked for it."""
    from sillage.cases.sla import digests_send

    return digests_send(now=now)


@tick_job
def cases_preload_holidays(now: datetime) -> int:
    """Keep next year's statutory holidays loaded for every organisation's calendar."""
    from sillage.cases.defaults import holidays_ensure
    from sillage.cases.models import CasePolicy, Holiday

    year = now.year + 1
    ready = Holiday.objects.filter(date__year=year).values("organization_id")
    added = 0
    for policy in CasePolicy.objects.exclude(organization_id__in=ready).select_related(
        "organization"
    ):
        added += holidays_ensure(organization=policy.organization, years=[year])
    return added
