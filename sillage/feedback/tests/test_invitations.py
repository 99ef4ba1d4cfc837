"""Email invitations from a contacts CSV: checking every line, the contact rule, sending through
a real SMTP server, failures, and the invitations page. Alice (admin) and Chloé (CX lead) may
invite; managers, the executive and employees may not."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sillage.accounts.models import Membership
from sillage.feedback.models import Contact, Invitation, InvitationStatus
from sillage.feedback.services_contacts import contacts_clean
from sillage.feedback.services_invitation_emails import invitations_send
from sillage.feedback.services_invitations import invitations_create
from sillage.feedback.tests.factories import build_feedback, make_survey
from tests.test_i18n import english_left_behind

HEADER = "email,name,language,unit_code,touchpoint_code,employee_code,external_id\n"


@pytest.fixture
def fb(world):
    for user in (world.admin, world.cx_lead):
        user.language = "en"
        user.save(update_fields=["language"])
    Membership.objects.filter(user=world.employee).update(employee_code="E42")
    return build_feedback(world.org, world.b1)


def page_url(survey) -> str:
    return reverse("survey_invitations", kwargs={"org_slug": "caisse", "survey_id": survey.pk})


def upload(client, survey, text: str, encoding: str = "utf-8"):
    file = SimpleUploadedFile("contacts.csv", text.encode(encoding), content_type="text/csv")
    return client.post(page_url(survey), {"file": file})


def body_of(message, subtype: str = "plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def counts() -> tuple[int, int]:
    return Contact.objects.count(), Invitation.objects.count()


@pytest.mark.django_db(transaction=True)
def test_uploaded_contacts_are_invited_by_email_in_their_language(
    world, fb, client_for, smtp_server
):
    csv = HEADER + (
        "Marie.Roy@Exemple.ca,Marie Roy,fr,B1,comptoir,E42,crm-1\n"
        "john@example.com,John Smith,en,B2,,,crm-2\n"
    )
    response = upload(client_for(world.admin), fb.survey, csv)
    assert response.status_code == 302
    marie = Contact.objects.get(email="marie.roy@exemple.ca")
    assert (marie.name, marie.language, marie.external_id) == ("Marie Roy", "fr", "crm-1")
    assert marie.last_invited_at is not None
    invitation = Invitation.objects.get(contact=marie)
    assert (invitation.status, invitation.unit, invitation.touchpoint) == (
        InvitationStatus.SENT,
        world.b1,
        fb.touchpoint,
    )
    assert invitation.employee_code == "E42" and invitation.sent_at is not None
    assert Invitation.objects.get(contact__email="john@example.com").unit == world.b2

    by_recipient = {m["X-Envelope-To"]: m for m in smtp_server}
    assert set(by_recipient) == {"marie.roy@exemple.ca", "john@example.com"}
    french, english = by_recipient["marie.roy@exemple.ca"], by_recipient["john@example.com"]
    assert french["Subject"] == "Caisse Test aimerait avoir votre avis"
    assert french["From"] == "Caisse Test <no-reply@sillage.local>"
    text = body_of(french)
    assert "Bonjour Marie Roy," in text
    assert "« Recommanderiez-vous notre caisse à un proche? »" in text
    assert f"http://127.0.0.1:8000/s/{invitation.token}" in text
    html = body_of(french, "html")
    assert "border-top:6px solid #0B6E4F" in html and "background:#0B6E4F" in html
    assert f'href="http://127.0.0.1:8000/s/{invitation.token}"' in html
    unsubscribe = f"http://127.0.0.1:8000/u/{marie.unsubscribe_token}"
    assert french["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert french["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and f'href="{unsubscribe}"' in html

    assert english["Subject"] == "Caisse Test would like your opinion"
    assert "Hello John Smith," in body_of(english)
    assert "“Would you recommend us to a friend or relative?”" in body_of(english)
    assert "Answer the survey" in body_of(english, "html")
    assert english["Content-Language"] == "en"


@pytest.mark.django_db(transaction=True)
def test_the_organisations_colour_and_language_are_used(world, fb, client_for, smtp_server):
    world.org.brand_colour = "#FFD100"  # pale: the button text turns dark to stay readable
    world.org.default_language = "en"
    world.org.save()
    upload(client_for(world.admin), fb.survey, "email,unit_code\nana@example.com,B1\n")
    html = body_of(smtp_server[0], "html")
    assert "background:#FFD100;color:#111111" in html
    assert Contact.objects.get(email="ana@example.com").language == "en"
    assert smtp_server[0]["Subject"] == "Caisse Test would like your opinion"


def test_every_bad_line_is_reported_by_line_and_column_and_nothing_is_written(
    world, fb, client_for
):
    world.b3.archive()
    before = counts()
    csv = HEADER + (
        "ok@example.com,Ok,fr,B1,,,\n"
        "not-an-email,X,fr,B1,,,\n"
        "ok@example.com,Twice,fr,B1,,,\n"
        "lang@example.com,L,es,B1,,,\n"
        "unit@example.com,U,fr,NOPE,,,\n"
        "archived@example.com,A,fr,B3,,,\n"
        "tp@example.com,T,fr,B1,kiosk,,\n"
        "emp@example.com,E,en,B1,,E999,\n"
        f"long@example.com,Long,en,B1,,,{'x' * 101}\n"
        ",No email,fr,,,,\n"
    )
    response = upload(client_for(world.admin), fb.survey, csv)
    assert response.status_code == 400
    html = response.content.decode()
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td><code>([\w—]+)</code></td><td>(.*?)</td></tr>', html
    )
    assert rows == [
        ("3", "email", "“not-an-email” is not an email address."),
        ("4", "email", "This address appears twice (also line 2)."),
        ("5", "language", "Use fr or en."),
        ("6", "unit_code", "Unknown unit “NOPE”."),
        ("7", "unit_code", "This unit is archived."),
        ("8", "touchpoint_code", "Unknown touchpoint “kiosk”."),
        ("9", "employee_code", "No member of the organisation has the employee code “E999”."),
        ("10", "external_id", "At most 100 characters."),
        ("11", "email", "An email address is required."),
        ("11", "unit_code", "A unit is required."),
    ]
    assert "10 errors — nothing was written" in html
    assert counts() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name,language\nA,fr\n", [("1", "email"), ("1", "unit_code")]),
        ("email,unit_code,colour\na@example.com,B1,red\n", [("1", "colour")]),
        ("email,unit_code\n", [("2", "—")]),
        ("\n\n", [("1", "email"), ("1", "unit_code")]),
    ],
)
def test_file_level_problems_are_reported(world, fb, client_for, text, expected):
    before = counts()
    response = upload(client_for(world.admin), fb.survey, text)
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td><code>([\w—]+)</code>', response.content.decode()
    )
    assert rows == expected
    assert counts() == before


def test_an_empty_file_is_refused_by_the_form(world, fb, client_for):
    before = counts()
    response = upload(client_for(world.admin), fb.survey, "")
    assert "The submitted file is empty." in response.content.decode()
    assert counts() == before


def test_a_survey_without_default_touchpoint_needs_one_per_line(world, fb, client_for):
    survey = make_survey(world.org)  # no default touchpoint
    from sillage.feedback.services import survey_publish

    survey_publish(survey=survey, user=None)
    response = upload(client_for(world.admin), survey, "email,unit_code\nz@example.com,B1\n")
    assert "A touchpoint is required: this survey has no default touchpoint." in (
        response.content.decode()
    )


def test_windows_spreadsheet_with_semicolons_and_accents_is_read(
    world, fb, client_for, django_capture_on_commit_callbacks
):
    csv = "email;name;language;unit_code\r\nhelene@exemple.ca;Hélène Bérubé;FR-CA;B2\r\n"
    with django_capture_on_commit_callbacks(execute=False):
        response = upload(client_for(world.admin), fb.survey, csv, encoding="cp1252")
    assert response.status_code == 302
    contact = Contact.objects.get(email="helene@exemple.ca")
    assert (contact.name, contact.language) == ("Hélène Bérubé", "fr")


def test_utf8_with_bom_is_read(world, fb, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        upload(client_for(world.admin), fb.survey, "\ufeffemail,unit_code\nbom@example.com,B1\n")
    assert Contact.objects.filter(email="bom@example.com").exists()


def test_contact_rule_skips_people_invited_recently_and_unsubscribed_ones(
    world, fb, client_for, django_capture_on_commit_callbacks
):
    now = timezone.now()
    Contact.objects.create(
        organization=world.org, email="recent@example.com", last_invited_at=now - timedelta(days=10)
    )
    Contact.objects.create(
        organization=world.org, email="old@example.com", last_invited_at=now - timedelta(days=31)
    )
    Contact.objects.create(organization=world.org, email="gone@example.com", unsubscribed_at=now)
    csv = "email,unit_code\nrecent@example.com,B1\nold@example.com,B1\ngone@example.com,B1\n"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client_for(world.admin), fb.survey, csv)
    assert len(callbacks) == 1  # one sending task, for the one invitation to send
    statuses = dict(Invitation.objects.values_list("contact__email", "status"))
    assert statuses["recent@example.com"] == InvitationStatus.SKIPPED
    assert statuses["gone@example.com"] == InvitationStatus.SKIPPED
    assert statuses["old@example.com"] == InvitationStatus.PENDING
    page = client_for(world.admin).get(response.url).content.decode()
    assert (
        "1 invitations created and being sent; 2 not sent (contact rule or unsubscribed); "
        "0 already invited to this survey."
    ) in page
    assert (
        "Not sent: 1 because the person was invited less than 30 days ago (contact rule), "
        "1 because the person unsubscribed."
    ) in page
    assert "invited too recently (contact rule)" in page
    assert (
        '<span class="stat__value">2</span><span class="stat__label">Not sent (contact rule)'
        in page
    )


def test_the_contact_period_is_the_organisations(
    world, fb, client_for, django_capture_on_commit_callbacks
):
    world.org.contact_frequency_days = 7
    world.org.save()
    Contact.objects.create(
        organization=world.org,
        email="recent@example.com",
        last_invited_at=timezone.now() - timedelta(days=8),
    )
    with django_capture_on_commit_callbacks(execute=False):
        upload(client_for(world.admin), fb.survey, "email,unit_code\nrecent@example.com,B1\n")
    assert Invitation.objects.get(contact__email="recent@example.com").status == "pending"


@pytest.mark.django_db(transaction=True)
def test_uploading_the_same_file_twice_invites_nobody_twice(world, fb, client_for, smtp_server):
    client = client_for(world.admin)
    csv = "email,unit_code\none@example.com,B1\ntwo@example.com,B2\n"
    upload(client, fb.survey, csv)
    response = upload(client, fb.survey, csv)
    assert len(smtp_server) == 2
    assert Invitation.objects.filter(contact__email__endswith="@example.com").count() == 2
    page = client.get(response.url).content.decode()
    assert (
        "0 invitations created and being sent; 0 not sent (contact rule or unsubscribed); "
        "2 already invited to this survey." in page
    )


@pytest.fixture
def picky_smtp_server(settings):
    """A real SMTP server that refuses any address starting with "bounce"."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            if address.startswith("bounce"):
                return "550 5.1.1 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        yield received
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_is_recorded_as_failed_and_the_batch_goes_on(
    world, fb, client_for, picky_smtp_server
):
    csv = "email,unit_code\nfirst@example.com,B1\nbounce@example.com,B1\nlast@example.com,B1\n"
    upload(client_for(world.admin), fb.survey, csv)
    failed = Invitation.objects.get(contact__email="bounce@example.com")
    assert failed.status == InvitationStatus.FAILED
    assert failed.error.startswith("SMTPRecipientsRefused: ")
    assert "No such mailbox" in failed.error
    assert set(
        Invitation.objects.filter(status=InvitationStatus.SENT).values_list(
            "contact__email", flat=True
        )
    ) == {"first@example.com", "last@example.com"}
    assert len(picky_smtp_server) == 2
    page = client_for(world.admin).get(page_url(fb.survey) + "?status=failed").content.decode()
    assert "No such mailbox" in page and "first@example.com" not in page


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_mail_server_fails_every_invitation_without_crashing(
    world, fb, client_for, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", probe.getsockname()[1]
    response = upload(client_for(world.admin), fb.survey, "email,unit_code\na@example.com,B1\n")
    assert response.status_code == 302
    invitation = Invitation.objects.get(contact__email="a@example.com")
    assert invitation.status == InvitationStatus.FAILED
    assert invitation.error.startswith("ConnectionRefusedError: ")


@pytest.mark.django_db(transaction=True)
def test_failed_invitations_can_be_sent_again(world, fb, client_for, smtp_server):
    contact = Contact.objects.create(organization=world.org, email="retry@example.com")
    invitation = Invitation.objects.create(
        organization=world.org,
        contact=contact,
        survey=fb.survey,
        unit=world.b1,
        touchpoint=fb.touchpoint,
        status=InvitationStatus.FAILED,
        error="ConnectionRefusedError: [Errno 111]",
    )
    url = reverse(
        "survey_invitations_retry", kwargs={"org_slug": "caisse", "survey_id": fb.survey.pk}
    )
    client = client_for(world.admin)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "1 failed invitation is being sent again." in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.error) == (InvitationStatus.SENT, "")
    assert [m["X-Envelope-To"] for m in smtp_server] == ["retry@example.com"]


@pytest.mark.django_db(transaction=True)
def test_the_sending_task_run_twice_sends_each_invitation_once(world, fb, smtp_server):
    clean, errors = contacts_clean(
        survey=fb.survey,
        items=[(0, {"email": "twice@example.com", "unit_code": "B1"})],
        where=str,
    )
    assert errors == []
    result = invitations_create(survey=fb.survey, contacts=clean, send=False)
    ids = [result.outcomes[0].invitation.pk]
    assert invitations_send(invitation_ids=ids) == 1
    assert invitations_send(invitation_ids=ids) == 0
    assert len(smtp_server) == 1


def test_an_unpublished_survey_cannot_be_sent(world, fb, client_for):
    draft = make_survey(world.org, fb.touchpoint)
    client = client_for(world.admin)
    html = client.get(page_url(draft)).content.decode()
    assert "Publish the survey before inviting customers to answer it." in html
    assert 'enctype="multipart/form-data"' not in html
    before = counts()
    response = upload(client, draft, "email,unit_code\na@example.com,B1\n")
    assert "Publish the survey before inviting customers to answer it." in response.content.decode()
    assert counts() == before


def test_page_shows_counts_per_status_and_the_response_rate(
    world, fb, client_for, django_assert_max_num_queries
):
    statuses = ["sent", "sent", "reminded", "answered", "skipped", "failed"]
    for number, status in enumerate(statuses):
        contact = Contact.objects.create(organization=world.org, email=f"c{number}@example.com")
        Invitation.objects.create(
            organization=world.org,
            contact=contact,
            survey=fb.survey,
            unit=world.b1,
            touchpoint=fb.touchpoint,
            status=status,
            error="recently_invited" if status == "skipped" else "",
        )
    client = client_for(world.cx_lead)
    client.get(page_url(fb.survey))
    with django_assert_max_num_queries(12):
        html = client.get(page_url(fb.survey)).content.decode()
    stats = dict(
        (label, value)
        for value, label in re.findall(
            r'<span class="stat__value">([^<]+)</span><span class="stat__label">([^<]+)</span>',
            html,
        )
    )
    assert stats == {
        "To send": "1",  # the factory's invitation
        "Sent": "2",
        "Reminded": "1",
        "Answered": "1",
        "Not sent (contact rule)": "1",
        "Failed": "1",
        "response rate (1 of 4 delivered)": "25 %",
    }
    assert "Send the failed invitations again" in html


def test_invitations_list_query_count_does_not_grow(
    world, fb, client_for, django_assert_max_num_queries
):
    for number in range(30):
        contact = Contact.objects.create(organization=world.org, email=f"n{number}@example.com")
        Invitation.objects.create(
            organization=world.org,
            contact=contact,
            survey=fb.survey,
            unit=world.b2,
            touchpoint=fb.touchpoint,
        )
    client = client_for(world.admin)
    client.get(page_url(fb.survey))
    with django_assert_max_num_queries(12):
        html = client.get(page_url(fb.survey)).content.decode()
    assert html.count("@example.com") >= 30


@pytest.mark.parametrize("who", ["executive", "regional_manager", "branch_manager", "employee"])
def test_only_those_who_manage_distribution_see_invitations(world, fb, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(page_url(fb.survey)).status_code == 404
    before = counts()
    assert upload(client, fb.survey, "email,unit_code\nx@example.com,B1\n").status_code == 404
    assert counts() == before


def test_another_organisations_survey_is_404(world, fb, client_for):
    other = build_feedback(world.other_org, world.other_unit)
    assert client_for(world.admin).get(page_url(other.survey)).status_code == 404
    before = counts()
    upload(client_for(world.admin), other.survey, "email,unit_code\nx@example.com,OB1\n")
    assert counts() == before


def test_invitations_page_in_french_leaves_no_english_behind(world, fb, client_for):
    world.admin.language = "fr"
    world.admin.save(update_fields=["language"])
    response = client_for(world.admin).get(page_url(fb.survey))
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert english_left_behind(html) == set()
    assert "Invitations par courriel" in html


def test_csv_errors_are_reported_in_french(world, fb, client_for):
    world.admin.language = "fr"
    world.admin.save(update_fields=["language"])
    html = upload(
        client_for(world.admin), fb.survey, "email,unit_code\nbad,B1\nbad,NOPE\n"
    ).content.decode()
    assert "« bad » n’est pas une adresse courriel." in html
    assert "Cette adresse figure deux fois (aussi ligne 2)." in html
    assert "Unité inconnue « NOPE »." in html
