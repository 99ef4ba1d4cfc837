"""The plain-SQL paths of the two write routes (token check, lookups, insert, link resolution)
behave as the ORM did: nothing is cached beyond a request except published survey
definitions, which never change, so revocations, new units and new versions count at once.

People: the admin token of Caisse Test (org-wide), a manager token on R1, and Autre
organisation, whose ids must look unknown.
"""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import RequestFactory

from sillage.accounts.models import ApiToken, Organization, Role, Unit
from sillage.accounts.services import api_token_revoke
from sillage.api import BearerToken
from sillage.feedback.models import Question, QuestionType, Response, SurveyLink, Touchpoint
from sillage.feedback.public import STAMP_SALT, resolve_token
from sillage.feedback.services import survey_publish
from sillage.feedback.tests.factories import build_feedback

pytestmark = pytest.mark.django_db
URL = "/api/v1/responses"


@pytest.fixture
def world(world):
    cache.clear()  # the public form's rate limit counts in the cache
    world.feedback = build_feedback(world.org, world.b1)
    world.other_feedback = build_feedback(world.other_org, world.other_unit)
    world.manager_token, world.manager_raw = ApiToken.issue(
        organization=world.org, name="r1", role=Role.MANAGER, unit=world.r1
    )
    return world


def post(client, raw_token, data):
    return client.post(
        URL,
        data=data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw_token}"},
    )


def details(response):
    return [(d["path"], d["message"]) for d in response.json()["details"]]


def concrete_values(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


# --- Token check ----------------------------------------------------------------------------


def test_the_token_check_loads_the_token_its_organisation_and_unit_as_the_orm_does(world):
    token = ApiToken.objects.get(pk=world.manager_token.pk)  # before the check records its use
    request = RequestFactory().get(URL)
    scope = BearerToken().authenticate(request, world.manager_raw)
    assert concrete_values(scope.organization) == concrete_values(
        Organization.objects.get(pk=world.org.pk)
    )
    assert concrete_values(scope.unit) == concrete_values(Unit.objects.get(pk=world.r1.pk))
    assert concrete_values(scope.token) == concrete_values(token)
    assert scope.organization.created_at.tzinfo is not None
    assert (scope.role, scope.unit_path, scope.subtree) == (Role.MANAGER, world.r1.path, True)


def test_an_org_wide_token_has_no_unit(world):
    scope = BearerToken().authenticate(RequestFactory().get(URL), world.admin_raw_token)
    assert (scope.unit, scope.unit_path, scope.organization.pk) == (None, None, world.org.pk)


def test_a_revoked_token_is_refused_at_the_very_next_call(world, client):
    body = {"unit": world.b1.pk, "nps": 9, "external_id": "before"}
    assert post(client, world.manager_raw, body).status_code == 201
    api_token_revoke(token=world.manager_token)
    refused = post(client, world.manager_raw, {**body, "external_id": "after"})
    assert refused.status_code == 401
    assert refused.json() == {"error": "Missing or invalid bearer token."}
    assert not Response.objects.filter(external_id="after").exists()


def test_an_unknown_token_is_refused(world, client):
    assert post(client, "sil_nope", {"unit": world.b1.pk, "nps": 9}).status_code == 401


# --- Lookups ---------------------------------------------------------------------------------


def test_ids_of_another_organisation_are_unknown(world, client):
    other = world.other_feedback
    response = post(
        client,
        world.admin_raw_token,
        {
            "unit": world.other_unit.pk,
            "touchpoint": other.touchpoint.pk,
            "survey_id": other.survey.pk,
            "nps": 9,
        },
    )
    assert response.status_code == 422
    assert details(response) == [
        ("unit", "Unknown unit."),
        ("survey_id", "Unknown survey."),
        ("touchpoint", "Unknown touchpoint."),
    ]
    other_code = post(client, world.admin_raw_token, {"unit_code": world.other_unit.code, "nps": 9})
    assert details(other_code) == [("unit_code", "Unknown unit.")]
    assert not Response.objects.filter(source="api").exists()


def test_a_unit_outside_a_managers_subtree_is_unknown(world, client):
    response = post(client, world.manager_raw, {"unit": world.b3.pk, "nps": 9})
    assert details(response) == [("unit", "Unknown unit.")]


def test_ids_too_large_for_the_database_are_unknown_not_an_error(world, client):
    response = post(
        client, world.admin_raw_token, {"unit": 2**70, "touchpoint": 2**64, "survey_id": 2**63}
    )
    assert response.status_code == 422
    assert details(response) == [
        ("unit", "Unknown unit."),
        ("survey_id", "Unknown survey."),
        ("touchpoint", "Unknown touchpoint."),
    ]


def test_a_unit_added_or_recoded_is_seen_by_the_next_call(world, client):
    unit = Unit.objects.create(organization=world.org, parent=world.r1, code="B9", name_fr="B9")
    first = post(client, world.admin_raw_token, {"unit_code": "B9", "nps": 9})
    assert first.status_code == 201
    Unit.objects.filter(pk=unit.pk).update(code="B10")
    old = post(client, world.admin_raw_token, {"unit_code": "B9", "nps": 9})
    assert details(old) == [("unit_code", "Unknown unit.")]
    new = post(client, world.admin_raw_token, {"unit_code": "B10", "nps": 9})
    assert new.status_code == 201
    assert Response.objects.get(pk=new.json()[0]["id"]).unit == unit


def test_a_touchpoint_added_is_seen_by_the_next_call(world, client):
    stage = world.feedback.stage
    touchpoint = Touchpoint.objects.create(
        organization=world.org, stage=stage, code="guichet", name_fr="Guichet", name_en="Desk"
    )
    response = post(
        client, world.admin_raw_token, {"unit": world.b1.pk, "touchpoint_code": "guichet", "nps": 8}
    )
    assert response.status_code == 201
    assert Response.objects.get(pk=response.json()[0]["id"]).touchpoint == touchpoint


# --- Insert ----------------------------------------------------------------------------------


def test_the_single_insert_stores_every_value_as_save_did(world, client):
    fw = world.feedback
    response = post(
        client,
        world.admin_raw_token,
        {
            "survey_id": fw.survey.pk,
            "unit": world.b1.pk,
            "submitted_at": "2025-03-14T10:42:00-04:00",
            "answers": {"nps": 9, "liked": "Accueil « chaleureux »", "reason": "advice"},
            "contact": {"consent": True, "name": "Lise", "email": "lise@example.com"},
            "external_id": "crm-9",
        },
    )
    assert response.status_code == 201
    row = Response.objects.get(pk=response.json()[0]["id"])
    assert (row.answers["nps"], row.answers["liked"], row.answers["reason"]) == (
        9,
        "Accueil « chaleureux »",
        "advice",
    )
    assert (row.survey_version, row.touchpoint, row.nps, row.external_id) == (
        fw.version,
        fw.touchpoint,
        9,
        "crm-9",
    )
    assert (row.contact_consent, row.contact_email) == (True, "lise@example.com")
    assert (
        row.received_at is not None and row.submitted_at.isoformat() == "2025-03-14T14:42:00+00:00"
    )
    again = post(
        client, world.admin_raw_token, {"unit": world.b1.pk, "nps": 3, "external_id": "crm-9"}
    )
    assert (again.status_code, again.json()) == (
        200,
        [{"id": row.pk, "external_id": "crm-9", "created": False}],
    )


# --- Public link -----------------------------------------------------------------------------


def form_post(client, token):
    stamp = signing.dumps({"t": token, "at": time.time() - 10}, salt=STAMP_SALT, compress=True)
    return client.post(f"/s/{token}", {"sv.lang": "fr", "sv.stamp": stamp, "nps": "9"})


def test_a_link_resolves_to_its_objects_and_the_latest_version(world):
    fw = world.feedback
    target = resolve_token(fw.link.token)
    assert concrete_values(target.link) == concrete_values(SurveyLink.objects.get(pk=fw.link.pk))
    assert concrete_values(target.organization) == concrete_values(
        Organization.objects.get(pk=world.org.pk)
    )
    assert (target.survey, target.unit, target.touchpoint) == (fw.survey, world.b1, fw.touchpoint)
    assert target.survey.status == fw.survey.status
    version = target.version()
    assert (version.pk, version.number, version.definition) == (
        fw.version.pk,
        fw.version.number,
        fw.version.definition,
    )


def test_a_version_published_after_a_first_answer_is_used_at_once(world, client):
    fw = world.feedback
    assert form_post(client, fw.link.token).status_code == 303
    Question.objects.create(
        survey=fw.survey, key="wait", rank=9, type=QuestionType.SHORT_TEXT, text_fr="Attente?"
    )
    newer = survey_publish(survey=fw.survey, user=None)
    assert form_post(client, fw.link.token).status_code == 303
    latest = Response.objects.filter(link=fw.link).order_by("-pk").first()
    assert latest.survey_version == newer
    assert "wait" in {
        q["key"] for q in resolve_token(fw.link.token).version().definition["questions"]
    }


def test_an_inactive_link_is_closed_at_once(world, client):
    fw = world.feedback
    SurveyLink.objects.filter(pk=fw.link.pk).update(is_active=False)
    assert form_post(client, fw.link.token).status_code == 404
