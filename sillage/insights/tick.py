"""Periodic job of insights, run by `manage.py sillage_tick`."""

from __future__ import annotations

from datetime import datetime

from sillage.accounts.ticking import tick_job


@tick_job
def refresh_recent_rollups(now: datetime) -> int:
    """The safety net: refresh the days of responses recorded (and invitations sent) since the
    last pass, whichever way they arrived. Exact and idempotent, so running it from two
    machines at once, or after the hooks already did the work, only costs time."""
    from sillage.insights.rollups import catch_up

    return catch_up(now)
