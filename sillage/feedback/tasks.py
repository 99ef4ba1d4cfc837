"""Background work of the feedback app. Tasks take ids, re-read the rows, and are safe to run
twice (each invitation is claimed before it is sent)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_invitations(*, invitation_ids: list[int]) -> int:
    """Email the pending invitations among these ids; returns how many went out."""
    from sillage.feedback.services_invitation_emails import invitations_send

    return invitations_send(invitation_ids=invitation_ids)


@task()
def notify_listeners(
    *, response_ids: list[int] | None = None, import_job_id: int | None = None
) -> int:
    """Tell the apps above feedback (rollups, text analysis, alert rules…) what was recorded."""
    from sillage.feedback import hooks

    hooks.notify(response_ids=response_ids, import_job_id=import_job_id)
    return len(response_ids or ())


@task()
def follow_up_responses() -> int:
    """The coalesced pass: tell the listeners of every response flagged `follow_up_pending`."""
    from sillage.feedback import hooks

    return hooks.follow_up_pending()
