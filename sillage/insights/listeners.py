"""Keep rollups current as responses arrive: feedback's hooks call these after commit."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_rollups_for_responses(*, response_ids: list[int]) -> int:
    """Recompute the days these responses belong to (idempotent: whole days are rebuilt)."""
    from sillage.insights.services import rollups_refresh_responses

    return rollups_refresh_responses(response_ids=response_ids)


def on_responses_recorded(response_ids: list[int]) -> None:
    """Listeners already run in a background task (feedback's hooks): refresh right here, a
    busy day at most once per `SILLAGE_ROLLUP_INTERVAL` (see spacing.py)."""
    from sillage.insights.services import rollups_refresh_responses

    rollups_refresh_responses(response_ids=list(response_ids), spaced=True)


def on_import_committed(import_job_id: int) -> None:
    from sillage.insights.services import rollups_refresh_import

    rollups_refresh_import(import_job_id=import_job_id)


def on_time_zone_changed(organization_id: int) -> None:
    """Every local day moved: rebuild the organisation's rollups in the background."""
    from sillage.insights.tasks import rebuild_rollups

    rebuild_rollups.enqueue(organization_id=organization_id)
