"""Background work of insights: refreshing rollups. Tasks take ids, re-read the rows, and are
safe to run twice (a refresh recomputes whole days from the raw responses).

New responses reach `listeners.on_responses_recorded` inside feedback's background tasks
(`follow_up_responses`, `notify_listeners`)."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def refresh_rollups_for_import(*, import_job_id: int) -> int:
    from sillage.insights.services import rollups_refresh_import

    return rollups_refresh_import(import_job_id=import_job_id)


@task()
def refresh_rollups(*, organization_id: int, days: list[str]) -> int:
    """The refresh queued by the spacing of new answers (spacing.py); `days` are ISO dates
    (task arguments must be JSON)."""
    from sillage.accounts.models import Organization
    from sillage.insights.services import rollups_refresh_days

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return rollups_refresh_days(
        organization=organization, days=[date.fromisoformat(d) for d in days], spaced=True
    )


@task()
def rebuild_rollups(*, organization_id: int, since: str | None = None) -> int:
    """After a change of the organisation's time zone, every day moves."""
    from sillage.accounts.models import Organization
    from sillage.insights.services import rollups_rebuild

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    result = rollups_rebuild(
        organization=organization, since=date.fromisoformat(since) if since else None
    )
    return result.days
