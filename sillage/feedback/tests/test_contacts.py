"""The contacts page: Alice (admin) and Chloé (CX lead) see the organisation's customer
contacts, find them and unsubscribe one on the customer's behalf; managers and employees do
not see the page; another organisation's contact is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sillage.feedback.models import Contact, Invitation, InvitationStatus
from sillage.feedback.tests.factories import build_feedback
from tests.test_i18n import english_left_behind


@pytest.fixture
def fb(world):
    feedback = build_feedback(world.org, world.b1)
    feedback.contact.name = "Jeanne Tremblay"
    feedback.contact.save()
    Contact.objects.create(organization=world.org, email="marc@exemple.ca", language="en")
    Contact.objects.create(
        organization=world.org, email="parti@exemple.ca", unsubscribed_at=timezone.now()
    )
    Invitation.objects.filter(pk=feedback.invitation.pk).update(status=InvitationStatus.ANSWERED)
    return feedback


def url(world, **kwargs) -> str:
    return reverse("contact_list", kwargs={"org_slug": world.org.slug}, **kwargs)


def test_admin_lists_contacts_with_their_invitations(world, fb, client_for):
    world.admin.language = "en"
    world.admin.save()
    page = client_for(world.admin).get(url(world))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Jeanne Tremblay" in content
    assert "marc@exemple.ca" in content
    assert "unsubscribed on" in content
    row = content.split(f'id="contact-{fb.contact.pk}"')[1].split("</tr>")[0]
    assert '<td data-label="Invitations" class="num">1</td>' in row
    assert '<td data-label="Answered" class="num">1</td>' in row


def test_search_and_state_filter(world, fb, client_for):
    client = client_for(world.cx_lead)
    found = client.get(url(world), {"q": "tremblay"}).content.decode()
    assert "Jeanne Tremblay" in found
    assert "marc@exemple.ca" not in found
    gone = client.get(url(world), {"state": "unsubscribed"}).content.decode()
    assert "parti@exemple.ca" in gone
    assert "marc@exemple.ca" not in gone


def test_unsubscribing_a_contact_stops_its_invitations(world, fb, client_for):
    marc = Contact.objects.get(email="marc@exemple.ca")
    response = client_for(world.admin).post(
        reverse("contact_unsubscribe", kwargs={"org_slug": world.org.slug, "contact_id": marc.pk})
    )
    assert response.status_code == 302
    marc.refresh_from_db()
    assert marc.unsubscribed_at is not None


def test_unsubscribe_needs_a_post(world, fb, client_for):
    marc = Contact.objects.get(email="marc@exemple.ca")
    response = client_for(world.admin).get(
        reverse("contact_unsubscribe", kwargs={"org_slug": world.org.slug, "contact_id": marc.pk})
    )
    assert response.status_code == 405
    marc.refresh_from_db()
    assert marc.unsubscribed_at is None


@pytest.mark.parametrize("who", ["regional_manager", "branch_manager", "employee", "executive"])
def test_people_who_do_not_send_invitations_do_not_see_contacts(world, fb, client_for, who):
    assert client_for(getattr(world, who)).get(url(world)).status_code == 404


def test_another_organisations_contact_cannot_be_unsubscribed(world, fb, client_for):
    other = build_feedback(world.other_org, world.other_unit).contact
    response = client_for(world.admin).post(
        reverse("contact_unsubscribe", kwargs={"org_slug": world.org.slug, "contact_id": other.pk})
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.unsubscribed_at is None


def test_contacts_page_in_french(world, fb, client_for):
    world.admin.language = "fr"
    world.admin.save()
    content = client_for(world.admin).get(url(world)).content.decode()
    assert "Contacts clients" in content
    assert english_left_behind(content) == set()
