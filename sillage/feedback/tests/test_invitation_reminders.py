"""The one reminder: sent by `manage.py sillage_tick` to customers who have not answered after
the survey's delay, never twice, never to those who answered or unsubscribed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sillage.accounts.ticking import registered_jobs
from sillage.feedback.definition import validate_answers
from sillage.feedback.models import Contact, Invitation, InvitationStatus
from sillage.feedback.services import response_create
from sillage.feedback.services_invitation_emails import reminders_send_due
from sillage.feedback.tests.factories import build_feedback


@pytest.fixture
def fb(world):
    return build_feedback(world.org, world.b1)


def invite(world, fb, email: str, *, days_ago: float, language: str = "fr", **extra):
    contact = Contact.objects.create(organization=world.org, email=email, language=language)
    fields = {"status": InvitationStatus.SENT, "sent_at": timezone.now() - timedelta(days=days_ago)}
    fields.update(extra)
    return Invitation.objects.create(
        organization=world.org,
        contact=contact,
        survey=fb.survey,
        unit=world.b1,
        touchpoint=fb.touchpoint,
        **fields,
    )


def tick() -> None:
    call_command("sillage_tick", "--only", "send_due_reminders", verbosity=0)


def test_the_reminder_job_is_registered():
    assert "sillage.feedback.tick.send_due_reminders" in registered_jobs()


def test_reminder_is_sent_exactly_once_even_when_the_tick_runs_twice(world, fb, smtp_server):
    invitation = invite(world, fb, "lent@example.com", days_ago=3.5)
    tick()
    tick()
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["X-Envelope-To"] == "lent@example.com"
    assert message["Subject"] == "Rappel : Caisse Test aimerait avoir votre avis"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Il y a quelques jours, Caisse Test vous a demandé votre avis." in text
    assert f"/s/{invitation.token}" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REMINDED
    assert invitation.reminded_at is not None


def test_reminder_in_english_for_an_english_customer(world, fb, smtp_server):
    invite(world, fb, "late@example.com", days_ago=4, language="en")
    assert reminders_send_due(now=timezone.now()) == 1
    assert smtp_server[0]["Subject"] == "Reminder: Caisse Test would like your opinion"


def test_no_reminder_before_the_surveys_delay(world, fb, smtp_server):
    fb.survey.reminder_after_days = 5
    fb.survey.save()
    invitation = invite(world, fb, "patient@example.com", days_ago=4)
    tick()
    assert smtp_server == []
    invitation.refresh_from_db()
    assert (invitation.status, invitation.reminded_at) == (InvitationStatus.SENT, None)
    assert reminders_send_due(now=timezone.now() + timedelta(days=1, minutes=1)) == 1


def test_no_reminder_when_the_survey_asks_for_none(world, fb, smtp_server):
    fb.survey.reminder_after_days = 0
    fb.survey.save()
    invite(world, fb, "none@example.com", days_ago=10)
    tick()
    assert smtp_server == []


def test_no_reminder_to_a_customer_who_answered(world, fb, smtp_server):
    invitation = invite(world, fb, "done@example.com", days_ago=4)
    response_create(
        organization=world.org,
        unit=world.b1,
        touchpoint=fb.touchpoint,
        source="email",
        validated=validate_answers(fb.version.definition, {"nps": "8"}),
        language="fr",
        survey_version=fb.version,
        invitation=invitation,
    )
    tick()
    assert smtp_server == []
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED


def test_no_reminder_to_a_customer_who_unsubscribed(world, fb, smtp_server):
    invitation = invite(world, fb, "stop@example.com", days_ago=4)
    Contact.objects.filter(pk=invitation.contact_id).update(unsubscribed_at=timezone.now())
    tick()
    assert smtp_server == []


def test_no_reminder_weeks_late(world, fb, smtp_server):
    """After the tick was stopped for weeks, old invitations are not reminded all at once."""
    invite(world, fb, "old@example.com", days_ago=3 + 8)
    tick()
    assert smtp_server == []


def test_only_sent_invitations_are_reminded(world, fb, smtp_server):
    for number, status in enumerate(["pending", "skipped", "failed", "reminded"]):
        invite(world, fb, f"s{number}@example.com", days_ago=4, status=status)
    tick()
    assert smtp_server == []


def test_a_failed_reminder_is_recorded_and_the_others_still_go(world, fb, settings):
    import socket

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", probe.getsockname()[1]
    first = invite(world, fb, "a@example.com", days_ago=4)
    second = invite(world, fb, "b@example.com", days_ago=4)
    assert reminders_send_due(now=timezone.now()) == 0
    for invitation in (first, second):
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.FAILED
        assert invitation.error.startswith("Relance : ConnectionRefusedError")
    assert reminders_send_due(now=timezone.now()) == 0  # failed ones are not retried


def test_tick_prints_what_it_did(world, fb, smtp_server, capsys):
    invite(world, fb, "count@example.com", days_ago=4)
    call_command("sillage_tick", "--only", "send_due_reminders")
    assert "sillage.feedback.tick.send_due_reminders: 1" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_machines_ticking_at_once_send_each_reminder_once(world, smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database shares one cache whose table locks fail instead "
            "of waiting; a real SQLite file serialises the two transactions (IMMEDIATE mode)."
        )
    fb = build_feedback(world.org, world.b1)
    for number in range(20):
        invite(world, fb, f"busy{number}@example.com", days_ago=4)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def machine() -> None:
        try:
            start.wait()
            reminders_send_due(now=timezone.now())
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=machine) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    recipients = sorted(m["X-Envelope-To"] for m in smtp_server)
    assert recipients == sorted(f"busy{n}@example.com" for n in range(20))
    assert Invitation.objects.filter(status=InvitationStatus.REMINDED).count() == 20
