"""`manage.py sillage_tick` drives the waves: open, remind, close, and schedule the next."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sillage.accounts.ticking import registered_jobs
from sillage.pulse import services
from sillage.pulse.models import Invitation, Wave, WaveNode, WaveStatus
from sillage.pulse.tests.factories import add_people, answer, make_campaign

pytestmark = pytest.mark.django_db


def tick() -> str:
    out = StringIO()
    call_command("sillage_tick", verbosity=1, stdout=out)
    return out.getvalue()


def test_pulse_jobs_are_registered():
    names = [name for name in registered_jobs() if ".pulse." in name]
    assert names == [
        "sillage.pulse.tick.pulse_close_waves",
        "sillage.pulse.tick.pulse_open_waves",
        "sillage.pulse.tick.pulse_schedule_recurring",
        "sillage.pulse.tick.pulse_send_reminders",
    ]


def test_a_scheduled_wave_opens_when_its_window_begins(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(hours=2)
    wave = services.campaign_open(
        campaign=make_campaign(world.org, audience=world.b2, opens_at=start)
    )
    assert tick() == ""
    Wave.objects.filter(pk=wave.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert "pulse_open_waves: 1" in tick()
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN
    assert [m.to for m in mailoutbox] == [["victor@caisse.test"]]
    assert Invitation.objects.filter(wave=wave).count() == 1


def test_a_wave_closes_and_publishes_when_its_window_ends(world):
    people = add_people(world.org, world.b2, 5)
    wave = services.campaign_open(campaign=make_campaign(world.org))
    for person in people:
        answer(wave, person)
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert "pulse_close_waves: 1" in tick()
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED
    assert WaveNode.objects.get(wave=wave, unit=world.b2, tenure="").n == 5
    assert "pulse_close_waves" not in tick()  # idempotent


def test_recurring_campaign_gets_its_next_wave_and_it_opens_on_time(world):
    start = timezone.now() - timedelta(hours=1)
    campaign = make_campaign(
        world.org, recurrence="monthly", opens_at=start, closes_at=start + timedelta(days=7)
    )
    services.campaign_open(campaign=campaign)
    assert "pulse_schedule_recurring: 1" in tick()
    assert "pulse_schedule_recurring" not in tick()
    second = campaign.waves.get(number=2)
    assert second.status == WaveStatus.SCHEDULED
    assert second.anonymity_threshold == 5
    assert [i.series for i in second.items.order_by("rank")] == [
        i.series for i in campaign.waves.get(number=1).items.order_by("rank")
    ]
