"""Invitations, the one reminder and the results email, through a real SMTP server."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sillage.pulse import services
from sillage.pulse.models import Invitation
from sillage.pulse.tests.factories import add_people, answer, make_campaign, open_wave

pytestmark = pytest.mark.django_db(transaction=True)


def bodies(messages) -> dict[str, str]:
    return {m["To"]: m.get_body(preferencelist=("plain",)).get_content() for m in messages}


def test_opening_sends_each_invitee_a_personal_link_in_their_language(world, smtp_server):
    world.sibling_employee.language = "en"
    world.sibling_employee.save()
    wave = open_wave(world.org, audience=world.r1)
    assert sorted(m["To"] for m in smtp_server) == [
        "beatrice@caisse.test",
        "emile@caisse.test",
        "remi@caisse.test",
        "victor@caisse.test",
    ]
    text = bodies(smtp_server)
    token = Invitation.objects.get(wave=wave, membership__user=world.employee).token
    assert f"/p/{token}/" in text["emile@caisse.test"]
    assert "anonymes" in text["emile@caisse.test"]
    assert "au moins 5 personnes" in text["emile@caisse.test"]
    assert "at least 5 people" in text["victor@caisse.test"]
    subjects = {m["To"]: m["Subject"] for m in smtp_server}
    assert subjects["victor@caisse.test"] == "Your opinion counts: a two-minute anonymous survey"
    assert Invitation.objects.filter(wave=wave, sent_at__isnull=True).count() == 0


def test_one_reminder_goes_only_to_those_who_have_not_answered(world, smtp_server):
    start = timezone.now() - timedelta(days=4)
    campaign = make_campaign(world.org, audience=world.r1, opens_at=start)
    wave = services.campaign_open(campaign=campaign, now=start)
    answer(wave, world.membership(world.employee))
    smtp_server.clear()
    call_command("sillage_tick", "--only", "pulse_send_reminders", verbosity=0)
    assert sorted(m["To"] for m in smtp_server) == [
        "beatrice@caisse.test",
        "remi@caisse.test",
        "victor@caisse.test",
    ]
    assert all("Rappel" in m["Subject"] for m in smtp_server)
    smtp_server.clear()
    call_command("sillage_tick", "--only", "pulse_send_reminders", verbosity=0)
    assert smtp_server == []


def test_results_email_carries_the_report_of_each_recipients_scope(world, smtp_server):
    people = add_people(world.org, world.b2, 6)
    wave = open_wave(world.org, audience=world.r1)
    for person in people:
        answer(wave, person, value=4)
    smtp_server.clear()
    services.wave_close(wave=wave)
    text = bodies(smtp_server)
    # Rémi (R1, 6 answers, all from B2) reads a figure; Béatrice (B1, no answer) does not.
    assert (
        "Région de Montréal : quotient d’implication 75 sur 100 (6 réponses)."
        in text["remi@caisse.test"]
    )
    assert "pas assez de réponses" in text["beatrice@caisse.test"]
    assert "alice@caisse.test" in text  # organisation-wide roles are told too
    assert "emile@caisse.test" not in text  # employees are not
