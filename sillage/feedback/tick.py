"""Periodic jobs of the feedback app, run by `manage.py sillage_tick`."""

from __future__ import annotations

from datetime import datetime

from sillage.accounts.ticking import tick_job


@tick_job
def send_due_reminders(now: datetime) -> int:
    """One reminder to customers who have not answered an invitation after the survey's delay.

    Idempotent and safe from two machines at once: each reminder is claimed by a conditional
    UPDATE under `select_for_update(skip_locked=True)`, so it is never sent twice.
    """
    from sillage.feedback.services_invitation_emails import reminders_send_due

    return reminders_send_due(now=now)


@tick_job
def resume_stale_imports(now: datetime) -> int:
    """Re-enqueue imports whose worker died mid-way (still checking or importing after 30
    minutes); the import task is safe to run twice."""
    from sillage.feedback.importing.services import import_resume_stale

    return import_resume_stale(now=now)


@tick_job
def follow_up_responses(now: datetime) -> int:
    """Responses still flagged for follow-up (their queued pass was lost with its worker, or
    no worker runs): hand them to the listeners now."""
    from sillage.feedback.hooks import follow_up_pending

    return follow_up_pending()
