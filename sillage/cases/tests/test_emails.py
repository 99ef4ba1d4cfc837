"""Emails through a real local SMTP server, in the recipient's language."""

from datetime import UTC, datetime

import pytest

from sillage.cases.services import alerts_apply
from sillage.cases.services_work import case_assign, case_change_status
from sillage.cases.sla import escalate_due, warn_due
from sillage.cases.tests.factories import make_case, make_response

pytestmark = pytest.mark.django_db

OPENED = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def test_assignment_email_in_french_without_contact_data(
    world, smtp_server, django_capture_on_commit_callbacks
):
    response = make_response(world.org, world.b1, nps=2)
    with django_capture_on_commit_callbacks(execute=True):
        alerts_apply(response_ids=[response.pk])
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["X-Envelope-To"] == "beatrice@caisse.test"
    assert message["Subject"].strip().startswith("Le dossier n° ")
    assert "un client de Succursale Plateau à rappeler" in message["Subject"]
    body = message.get_content()
    assert "http://127.0.0.1:8000/o/caisse/cases/" in body
    assert "Marie Client" not in body and "514 555-0100" not in body


def test_reassignment_email_in_the_recipients_language(
    world, smtp_server, django_capture_on_commit_callbacks
):
    world.regional_manager.language = "en"
    world.regional_manager.save()
    case = make_case(world.org, world.b1, now=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(case=case, owner=world.regional_manager, by=world.branch_manager)
    assert [m["Subject"] for m in smtp_server] == [
        f"Case #{case.pk} is yours: a customer of Succursale Plateau to call back"
    ]


def test_warning_breach_and_escalation_emails(
    world, smtp_server, django_capture_on_commit_callbacks
):
    case = make_case(world.org, world.b1, now=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        warn_due(now=case.warn_at)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_due(now=case.first_contact_due)
    sent = [(m["X-Envelope-To"], m["Subject"].strip()) for m in smtp_server]
    assert sent == [
        (
            "beatrice@caisse.test",
            f"Dossier n° {case.pk} (Succursale Plateau) : l’échéance approche",
        ),
        ("remi@caisse.test", f"Le dossier n° {case.pk} (Succursale Plateau) vous est escaladé"),
        ("beatrice@caisse.test", f"Dossier n° {case.pk} (Succursale Plateau) : échéance dépassée"),
    ]


def test_follow_up_email_to_the_customer_in_their_language(
    world, smtp_server, django_capture_on_commit_callbacks
):
    case = make_case(world.org, world.b1, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        case_change_status(
            case=case,
            to_status="resolved",
            expected_status="new",
            user=world.branch_manager,
            resolution="Refunded",
            send_follow_up=True,
        )
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["X-Envelope-To"] == "marie.client@example.com"
    assert message["Subject"] == "Caisse Test: did we resolve your issue?"
    assert f"/r/{case.follow_up.token}/" in message.get_content()
