"""Alert rules on new responses: feedback's hook calls this after the responses committed."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_alert_rules(*, response_ids: list[int]) -> dict[str, int]:
    """Open cases or flag responses; safe to run twice (one case, one flag per response)."""
    from sillage.cases.services import alerts_apply

    return alerts_apply(response_ids=response_ids)


def on_responses_recorded(response_ids: list[int]) -> None:
    apply_alert_rules.enqueue(response_ids=list(response_ids))
