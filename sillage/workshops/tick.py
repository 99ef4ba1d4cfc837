"""Periodic job of workshops, run by `manage.py sillage_tick`."""

from __future__ import annotations

from datetime import datetime

from sillage.accounts.ticking import tick_job


@tick_job
def send_checkin_reminders(now: datetime) -> int:
    """Remind owners of open team actions at +2, +4 and +8 weeks, once each (idempotent)."""
    from sillage.workshops.services_actions import reminders_send

    return reminders_send(now)
