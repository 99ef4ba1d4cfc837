"""Periodic pulse jobs, run by `manage.py sillage_tick` (see sillage/accounts/ticking.py).

Two machines may run the tick at once: every service called here locks its wave
(`select_for_update`) and re-checks its status inside the transaction, so a wave is opened,
reminded or closed once whichever machine gets there first.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from sillage.accounts.ticking import tick_job
from sillage.pulse import services
from sillage.pulse.models import Campaign, CampaignStatus, Recurrence, Wave, WaveStatus


def _due(status: str, **lookups: object) -> list[Wave]:
    return list(Wave.objects.filter(status=status, **lookups).order_by("pk"))


@tick_job
def pulse_open_waves(now: datetime) -> int:
    """Open the scheduled waves whose window has begun, and send their invitations."""
    opened = 0
    for wave in _due(WaveStatus.SCHEDULED, opens_at__lte=now, closes_at__gt=now):
        services.wave_open(wave=wave, now=now)
        opened += 1
    return opened


@tick_job
def pulse_close_waves(now: datetime) -> int:
    """Close the waves whose window has ended and publish their results."""
    closed = 0
    for wave in _due(WaveStatus.OPEN, closes_at__lte=now):
        services.wave_close(wave=wave, now=now)
        closed += 1
    # A scheduled wave whose whole window passed (the tick did not run) is closed empty.
    for wave in _due(WaveStatus.SCHEDULED, closes_at__lte=now):
        with transaction.atomic():
            if Wave.objects.filter(pk=wave.pk, status=WaveStatus.SCHEDULED).update(
                status=WaveStatus.OPEN
            ):
                services.wave_close(wave=wave, now=now)
                closed += 1
    return closed


@tick_job
def pulse_send_reminders(now: datetime) -> int:
    """Send each open wave's one reminder when it is due."""
    reminded = 0
    for wave in Wave.objects.filter(status=WaveStatus.OPEN, reminder_sent_at__isnull=True):
        if services.reminder_due(wave, now):
            reminded += services.wave_remind(wave=wave, now=now)
    return reminded


@tick_job
def pulse_schedule_recurring(now: datetime) -> int:
    """Give each recurring campaign its next wave once the current one has opened."""
    created = 0
    campaigns = Campaign.objects.filter(status=CampaignStatus.ACTIVE).exclude(
        recurrence=Recurrence.ONCE
    )
    for campaign in campaigns:
        if services.campaign_schedule_next(campaign=campaign, now=now) is not None:
            created += 1
    return created
