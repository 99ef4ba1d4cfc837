"""How the public answer page protects itself: one response per invitation, honeypot,
minimum fill time, signed stamp, per-IP rate limit, no CSRF cookie needed, no IP stored."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from sillage.accounts.models import Membership
from sillage.feedback.models import (
    Invitation,
    InvitationStatus,
    Question,
    QuestionType,
    Response,
)
from sillage.feedback.public import STAMP_SALT, rate_limit_key
from sillage.feedback.services import survey_publish
from sillage.feedback.tests.factories import build_feedback

FR = {"Accept-Language": "fr-CA"}
CUSTOMER_IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fw(world):
    return build_feedback(world.org, world.b1)


def aged_stamp(token: str, seconds: float = 10) -> str:
    return signing.dumps({"t": token, "at": time.time() - seconds}, salt=STAMP_SALT, compress=True)


def post(client, token, data=None, *, age=10, stamp=None, ip="127.0.0.1", **extra):
    body = {"sv.lang": "fr", "sv.stamp": aged_stamp(token, age) if stamp is None else stamp}
    body.update(data if data is not None else {"nps": "8"})
    return client.post(f"/s/{token}", body, headers=FR, REMOTE_ADDR=ip, **extra)


def responses_for(link) -> int:
    return Response.objects.filter(link=link).count()


# --- Invitations: one response each ------------------------------------------------------


@pytest.mark.django_db
def test_invitation_records_one_response_attributed_to_its_unit_touchpoint_and_employee(
    client, fw, world
):
    Invitation.objects.filter(pk=fw.invitation.pk).update(unit=world.b2, employee_code="E7")
    Membership.objects.filter(user=world.sibling_employee).update(employee_code="E7")

    response = post(client, fw.invitation.token, {"nps": "6", "improve": "Attente"})

    assert response.status_code == 303
    row = Response.objects.get(invitation=fw.invitation)
    assert (row.source, row.unit, row.touchpoint, row.link) == (
        "email",
        world.b2,
        fw.touchpoint,
        None,
    )
    assert row.employee_code == "E7"
    assert row.answers == {"nps": 6, "improve": "Attente"}
    fw.invitation.refresh_from_db()
    assert fw.invitation.status == InvitationStatus.ANSWERED


@pytest.mark.django_db
def test_a_used_invitation_shows_already_answered_and_records_nothing_more(client, fw):
    assert post(client, fw.invitation.token).status_code == 303

    again = post(client, fw.invitation.token, {"nps": "0"})
    assert again.status_code == 409
    assert "<h1>Vous avez déjà répondu</h1>" in again.text
    assert "Merci de votre temps!" in again.text
    page = client.get(f"/s/{fw.invitation.token}", headers=FR)
    assert page.status_code == 200
    assert "<h1>Vous avez déjà répondu</h1>" in page.text
    assert Response.objects.filter(invitation=fw.invitation).count() == 1
    assert Response.objects.get(invitation=fw.invitation).nps == 8


@pytest.mark.django_db
def test_the_database_constraint_decides_when_two_submissions_cross(client, fw, monkeypatch):
    """The second submission passed the early check (as when two requests run at once): the
    unique constraint refuses it and the customer sees "already answered", not an error."""
    assert post(client, fw.invitation.token).status_code == 303
    monkeypatch.setattr("sillage.feedback.public.Target.already_answered", lambda self: False)

    again = post(client, fw.invitation.token, {"nps": "1"})

    assert again.status_code == 409
    assert "Vous avez déjà répondu" in again.text
    assert Response.objects.filter(invitation=fw.invitation).count() == 1


# --- Bots: honeypot and minimum fill time ------------------------------------------------


@pytest.mark.django_db
def test_honeypot_field_is_hidden_from_people_screen_readers_and_the_tab_key(client, fw):
    html = client.get(f"/s/{fw.link.token}", headers=FR).text
    honeypot = re.search(r'<div class="sv-hp" aria-hidden="true">.*?</div>', html).group(0)
    assert 'name="website" tabindex="-1" autocomplete="off"' in honeypot


@pytest.mark.django_db
def test_a_filled_honeypot_gets_the_thanks_page_but_nothing_is_stored(client, fw):
    before = responses_for(fw.link)

    response = post(client, fw.link.token, {"nps": "10", "website": "http://spam.example"})

    assert response.status_code == 303
    assert response["Location"] == f"/s/{fw.link.token}/merci?lang=fr"
    assert responses_for(fw.link) == before


@pytest.mark.django_db
def test_a_submission_faster_than_the_minimum_fill_time_is_dropped_silently(client, fw):
    before = responses_for(fw.link)

    too_fast = post(client, fw.link.token, age=1)  # default minimum: 3 seconds
    assert too_fast.status_code == 303
    assert too_fast["Location"] == f"/s/{fw.link.token}/merci?lang=fr"
    assert responses_for(fw.link) == before

    assert post(client, fw.link.token, age=3.5).status_code == 303
    assert responses_for(fw.link) == before + 1


@pytest.mark.django_db
def test_the_minimum_fill_time_is_a_setting(client, fw, settings):
    settings.SILLAGE_SURVEY_MIN_SECONDS = 0.5
    before = responses_for(fw.link)
    post(client, fw.link.token, age=1)
    assert responses_for(fw.link) == before + 1


@pytest.mark.django_db
def test_the_page_issues_a_stamp_that_is_accepted_after_the_minimum_time(client, fw, settings):
    settings.SILLAGE_SURVEY_MIN_SECONDS = 0
    html = client.get(f"/s/{fw.link.token}", headers=FR).text
    stamp = re.search(r'name="sv.stamp" value="([^"]+)"', html).group(1)
    before = responses_for(fw.link)
    assert post(client, fw.link.token, stamp=stamp).status_code == 303
    assert responses_for(fw.link) == before + 1


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "not-a-stamp",
        "tampered",
        "other-token",
        "expired",
    ],
)
@pytest.mark.django_db
def test_a_missing_altered_or_foreign_stamp_re_renders_the_form_with_answers_kept(
    client, fw, stamp, monkeypatch
):
    if stamp == "tampered":
        good = aged_stamp(fw.link.token)
        stamp = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    elif stamp == "other-token":
        stamp = aged_stamp(fw.invitation.token)
    elif stamp == "expired":
        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() - 3 * 24 * 3600)
        stamp = aged_stamp(fw.link.token)
        monkeypatch.setattr(time, "time", real_time)
    before = responses_for(fw.link)

    response = post(client, fw.link.token, {"nps": "4", "improve": "Mon texte"}, stamp=stamp)

    assert response.status_code == 422
    assert (
        "Nous n’avons pas pu vérifier ce formulaire (il a peut-être expiré). Vos réponses sont "
        "conservées : veuillez les envoyer de nouveau."
    ) in response.text
    assert 'id="q-nps-4" name="nps" value="4" checked' in response.text
    assert ">Mon texte</textarea>" in response.text
    new_stamp = re.search(r'name="sv.stamp" value="([^"]+)"', response.text).group(1)
    assert new_stamp != stamp
    assert responses_for(fw.link) == before


# --- Rate limit ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rate_limit_per_ip_and_token_then_passes_again_after_the_window(client, fw, settings):
    settings.SILLAGE_PUBLIC_RATE_LIMIT = (3, 600)
    before = responses_for(fw.link)
    for _ in range(3):
        assert post(client, fw.link.token, ip=CUSTOMER_IP).status_code == 303

    blocked = post(client, fw.link.token, {"nps": "2", "improve": "Gardé"}, ip=CUSTOMER_IP)

    assert blocked.status_code == 429
    assert "Beaucoup de réponses ont été envoyées depuis votre connexion" in blocked.text
    assert 'value="2" checked' in blocked.text and ">Gardé</textarea>" in blocked.text
    assert responses_for(fw.link) == before + 3
    # Another address is not limited; the same address on another token is not either.
    assert post(client, fw.link.token, ip="198.51.100.4").status_code == 303
    assert post(client, fw.invitation.token, ip=CUSTOMER_IP).status_code == 303
    # The window ends (the cache entry expires): the address may answer again.
    cache.delete(rate_limit_key(_request(CUSTOMER_IP), fw.link.token))
    assert post(client, fw.link.token, ip=CUSTOMER_IP).status_code == 303
    assert responses_for(fw.link) == before + 5


@pytest.mark.django_db
def test_rate_limit_setting_accepts_count_slash_seconds(client, fw, settings):
    settings.SILLAGE_PUBLIC_RATE_LIMIT = "1/60"
    assert post(client, fw.link.token).status_code == 303
    assert post(client, fw.link.token).status_code == 429


@pytest.mark.django_db
def test_default_rate_limit_is_twenty_submissions_per_ten_minutes(client, fw):
    for _ in range(20):
        assert post(client, fw.link.token).status_code == 303
    assert post(client, fw.link.token).status_code == 429
    cache.clear()
    assert post(client, fw.link.token).status_code == 303


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(client, fw, settings):
    settings.SILLAGE_PROXY_COUNT = 1
    settings.SILLAGE_PUBLIC_RATE_LIMIT = (1, 600)
    forwarded = {"HTTP_X_FORWARDED_FOR": f"10.0.0.9, {CUSTOMER_IP}"}
    assert post(client, fw.link.token, ip="10.1.1.1", **forwarded).status_code == 303
    # Same proxy, another customer: not limited by the first one's submission.
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert post(client, fw.link.token, ip="10.1.1.1", **other).status_code == 303
    assert post(client, fw.link.token, ip="10.1.1.1", **forwarded).status_code == 429


def _request(ip: str):
    from django.test import RequestFactory

    return RequestFactory().post("/", REMOTE_ADDR=ip)


# --- Privacy and CSRF ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_customers_ip_address_is_stored_nowhere(client, fw):
    response = post(
        client,
        fw.link.token,
        {"nps": "5", "improve": "Rien", "contact": "yes", "contact_email": "a@example.com"},
        ip=CUSTOMER_IP,
        HTTP_X_FORWARDED_FOR=CUSTOMER_IP,
    )
    assert response.status_code == 303

    row = Response.objects.filter(link=fw.link).values().latest("id")
    stored = json.dumps(row, cls=DjangoJSONEncoder)
    assert CUSTOMER_IP not in stored
    assert "203.0.113" not in stored
    # Nor in the cache: the rate limit's key is a salted hash of the address.
    keys = " ".join(str(k) for k in cache._cache)  # LocMemCache, the test configuration
    assert keys and CUSTOMER_IP not in keys


@pytest.mark.django_db
def test_the_page_works_without_cookies_and_with_csrf_checks_enforced(fw):
    customer = Client(enforce_csrf_checks=True)
    page = customer.get(f"/s/{fw.link.token}", headers=FR)
    assert page.cookies == {}
    assert "csrfmiddlewaretoken" not in page.text

    response = post(customer, fw.link.token, {"nps": "9"})

    assert response.status_code == 303
    assert response.cookies == {}
    assert Response.objects.filter(link=fw.link, nps=9).exists()


@pytest.mark.django_db
def test_a_question_keyed_website_moves_the_honeypot_aside(client, fw):
    Question.objects.create(
        survey=fw.survey, key="website", rank=9, type=QuestionType.SHORT_TEXT, text_fr="Site?"
    )
    survey_publish(survey=fw.survey, user=None)
    html = client.get(f"/s/{fw.link.token}", headers=FR).text
    assert 'name="homepage_url" tabindex="-1"' in html
    assert '<input type="text" id="q-website" name="website"' in html

    assert post(client, fw.link.token, {"nps": "8", "website": "caisse.example"}).status_code == 303
    assert Response.objects.filter(link=fw.link).latest("id").answers["website"] == "caisse.example"
