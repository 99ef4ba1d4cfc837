"""The unsubscribe link of every invitation: a confirmation page in the customer's language,
a POST that works without a session (RFC 8058 one-click), and its effect on invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sillage.feedback.models import Contact, Invitation, InvitationStatus
from sillage.feedback.services_contacts import contacts_clean
from sillage.feedback.services_invitations import invitations_create
from sillage.feedback.tests.factories import build_feedback
from tests.test_i18n import english_left_behind


@pytest.fixture
def fb(world):
    return build_feedback(world.org, world.b1)


def stop_url(contact) -> str:
    return reverse("public_unsubscribe", kwargs={"token": contact.unsubscribe_token})


def test_the_address_is_the_documented_one(fb):
    assert stop_url(fb.contact) == f"/u/{fb.contact.unsubscribe_token}"


def test_get_asks_for_confirmation_in_french_and_changes_nothing(world, fb, client):
    response = client.get(stop_url(fb.contact))
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Ne plus recevoir d’invitations à des sondages?" in html
    assert (
        "Caisse Test n’invitera plus client@caisse.example à répondre à ses sondages par courriel."
        in html
    )
    assert english_left_behind(html) == set()
    fb.contact.refresh_from_db()
    assert fb.contact.unsubscribed_at is None


def test_confirmation_page_follows_the_contacts_language_not_the_browsers(world, fb, client):
    Contact.objects.filter(pk=fb.contact.pk).update(language="en")
    response = client.get(stop_url(fb.contact), headers={"Accept-Language": "fr-CA"})
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "Stop survey invitations?" in html
    assert ">Unsubscribe</button>" in html


def test_post_unsubscribes_and_skips_invitations_not_yet_sent(world, fb):
    client = Client(enforce_csrf_checks=True)  # a mail provider has no CSRF token
    sent = Invitation.objects.create(
        organization=world.org,
        contact=fb.contact,
        survey=fb.survey,
        unit=world.b1,
        touchpoint=fb.touchpoint,
        status=InvitationStatus.SENT,
        sent_at=timezone.now(),
    )
    response = client.post(stop_url(fb.contact), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Vous êtes désabonné" in response.content.decode()
    fb.contact.refresh_from_db()
    assert fb.contact.unsubscribed_at is not None
    fb.invitation.refresh_from_db()
    assert (fb.invitation.status, fb.invitation.error) == (InvitationStatus.SKIPPED, "unsubscribed")
    sent.refresh_from_db()
    assert sent.status == InvitationStatus.SENT  # already in the inbox: the link still works


def test_unsubscribing_twice_keeps_the_first_date(world, fb, client):
    first = timezone.now() - timedelta(days=3)
    Contact.objects.filter(pk=fb.contact.pk).update(unsubscribed_at=first)
    client.post(stop_url(fb.contact))
    fb.contact.refresh_from_db()
    assert fb.contact.unsubscribed_at == first
    html = client.get(stop_url(fb.contact)).content.decode()
    assert "Vous êtes désabonné" in html
    assert ">Me désabonner</button>" not in html


def test_an_unknown_token_is_404(db, client):
    assert client.get("/u/not-a-token").status_code == 404
    assert client.post("/u/not-a-token").status_code == 404


def test_other_methods_are_refused(world, fb, client):
    assert client.put(stop_url(fb.contact)).status_code == 405
    fb.contact.refresh_from_db()
    assert fb.contact.unsubscribed_at is None


def test_an_unsubscribed_customer_is_not_invited_again(world, fb, client):
    client.post(stop_url(fb.contact))
    clean, _errors = contacts_clean(
        survey=fb.survey,
        items=[(0, {"email": fb.contact.email, "unit_code": "B1"})],
        where=str,
    )
    result = invitations_create(survey=fb.survey, contacts=clean, send=False)
    assert [(o.status, o.reason) for o in result.outcomes] == [("skipped", "unsubscribed")]


@pytest.mark.django_db(transaction=True)
def test_the_link_in_a_real_email_unsubscribes_in_one_click(world, smtp_server):
    fb = build_feedback(world.org, world.b1)
    clean, _errors = contacts_clean(
        survey=fb.survey,
        items=[(0, {"email": "oneclick@example.com", "unit_code": "B2", "language": "en"})],
        where=str,
    )
    invitations_create(survey=fb.survey, contacts=clean, send=True)
    header = smtp_server[0]["List-Unsubscribe"]
    path = header.strip("<>").split("127.0.0.1:8000", 1)[1]
    response = Client(enforce_csrf_checks=True).post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Contact.objects.get(email="oneclick@example.com").unsubscribed_at is not None
