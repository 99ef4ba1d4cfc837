"""Background work of text analytics. Tasks take ids, re-read the rows, call a service, and
are safe to run twice (an analysis is keyed by its response; rollups are whole days)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django_tasks import task


@task()
def analyse_comments(*, response_ids: list[int]) -> int:
    """Analyse these responses' comments that are not analysed by the current engine yet."""
    from sillage.accounts.models import Organization
    from sillage.feedback.models import Response
    from sillage.textai.processing import analyse_responses

    by_org: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in (
        Response.objects.filter(pk__in=response_ids)
        .exclude(comment="")
        .values_list("pk", "organization_id")
    ):
        by_org[org_id].append(pk)
    done = 0
    for organization in Organization.objects.filter(pk__in=list(by_org)):
        done += analyse_responses(
            organization=organization,
            response_ids=by_org[organization.pk],
            only_stale=True,
            spaced=True,
        )
    return done


@task()
def refresh_theme_rollups(*, organization_id: int, days: list[str]) -> int:
    """Recompute the theme rollups of these days (ISO dates): a spaced refresh."""
    from sillage.accounts.models import Organization
    from sillage.textai.processing import spacing
    from sillage.textai.rollups import refresh_days

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    chosen = [date.fromisoformat(d) for d in days]
    with spacing().timed(organization.pk, chosen):
        return refresh_days(organization, chosen)


@task()
def analyse_import(*, import_job_id: int) -> int:
    from sillage.feedback.models import Response
    from sillage.textai.listeners import dispatch

    ids = list(
        Response.objects.filter(import_job_id=import_job_id)
        .exclude(comment="")
        .values_list("pk", flat=True)
    )
    dispatch(ids)
    return len(ids)


@task()
def reanalyse_organization(*, organization_id: int, everything: bool = False) -> int:
    from sillage.accounts.models import Organization
    from sillage.textai.processing import analyse_responses, analyse_stale, with_comment

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    if everything:
        ids = list(with_comment(organization).values_list("pk", flat=True))
        return analyse_responses(organization=organization, response_ids=ids)
    return analyse_stale(organization=organization)


@task()
def retrain_adapter(*, organization_id: int) -> dict:
    from sillage.accounts.models import Organization
    from sillage.textai.adaptation import adapter_train

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {}
    return adapter_train(organization=organization)
