"""POST /api/v1/invitations and GET /api/v1/invitations/{id}: per-contact outcomes, field
paths in validation errors, another organisation's ids, and roles that may not send."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, include, path, resolve

from sillage.accounts.models import ApiToken, Role
from sillage.feedback.models import Contact, Invitation, InvitationStatus
from sillage.feedback.tests.factories import build_feedback, make_survey


def _mounted() -> bool:
    try:
        resolve("/api/v1/invitations")
    except Resolver404:
        return False
    return True


# The lead mounts the router in sillage/api.py. Until then these tests mount it on an API of
# their own, with the same bearer authentication and error format, at the same address.
if _mounted():
    urlpatterns: list = []
    pytestmark = []
else:
    from ninja import NinjaAPI

    from sillage import api as main_api
    from sillage.feedback.api_invitations import router

    _test_api = NinjaAPI(auth=main_api.BearerToken(), urls_namespace="invitations-test")
    _test_api._exception_handlers.update(main_api.api._exception_handlers)
    _test_api.add_router("/", router)
    urlpatterns = [path("api/v1/", _test_api.urls), path("", include("config.urls"))]
    pytestmark = [pytest.mark.urls(__name__)]

URL = "/api/v1/invitations"


@pytest.fixture
def fb(world):
    return build_feedback(world.org, world.b1)


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def post(client, world, payload, raw: str | None = None):
    return client.post(
        URL,
        payload,
        content_type="application/json",
        headers=bearer(raw or world.admin_raw_token),
    )


def test_contacts_are_invited_and_each_outcome_reported(
    world, fb, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(
            client,
            world,
            {
                "survey_id": fb.survey.pk,
                "contacts": [
                    {
                        "email": "Ana@Example.com",
                        "name": "Ana",
                        "language": "en",
                        "unit_code": "B2",
                    },
                    {"email": "bo@example.com", "unit_id": world.b1.pk, "external_id": "crm-9"},
                ],
            },
        )
    assert response.status_code == 200
    data = response.json()
    ana = Invitation.objects.get(contact__email="ana@example.com")
    bo = Invitation.objects.get(contact__email="bo@example.com")
    assert data == {
        "survey_id": fb.survey.pk,
        "created": 2,
        "skipped": 0,
        "existing": 0,
        "results": [
            {
                "index": 0,
                "email": "ana@example.com",
                "result": "created",
                "reason": None,
                "invitation_id": ana.pk,
                "status": "pending",
                "url": f"http://127.0.0.1:8000/s/{ana.token}",
            },
            {
                "index": 1,
                "email": "bo@example.com",
                "result": "created",
                "reason": None,
                "invitation_id": bo.pk,
                "status": "pending",
                "url": f"http://127.0.0.1:8000/s/{bo.token}",
            },
        ],
    }
    assert (ana.unit, ana.touchpoint, ana.contact.language) == (world.b2, fb.touchpoint, "en")
    assert bo.contact.external_id == "crm-9"
    assert len(callbacks) == 1  # the sending task, enqueued after commit


@pytest.mark.django_db(transaction=True)
def test_send_true_emails_the_invitations(world, client, smtp_server):
    fb = build_feedback(world.org, world.b1)
    response = post(
        client,
        world,
        {"survey_id": fb.survey.pk, "contacts": [{"email": "mail@example.com", "unit_code": "B1"}]},
    )
    assert response.status_code == 200
    assert [m["X-Envelope-To"] for m in smtp_server] == ["mail@example.com"]
    invitation = Invitation.objects.get(pk=response.json()["results"][0]["invitation_id"])
    assert invitation.status == InvitationStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_send_false_only_creates_the_invitations(world, client, smtp_server):
    fb = build_feedback(world.org, world.b1)
    response = post(
        client,
        world,
        {
            "survey_id": fb.survey.pk,
            "send": False,
            "contacts": [{"email": "own@example.com", "unit_code": "B1"}],
        },
    )
    assert response.json()["results"][0]["status"] == "pending"
    assert smtp_server == []


def test_a_retried_call_invites_nobody_twice(world, fb, client, django_capture_on_commit_callbacks):
    payload = {
        "survey_id": fb.survey.pk,
        "contacts": [{"email": "retry@example.com", "unit_code": "B1", "external_id": "x1"}],
    }
    with django_capture_on_commit_callbacks(execute=False):
        first = post(client, world, payload).json()
        second = post(client, world, payload).json()
    assert (second["created"], second["existing"]) == (0, 1)
    assert second["results"][0]["result"] == "existing"
    assert second["results"][0]["reason"] == "already_invited"
    assert second["results"][0]["invitation_id"] == first["results"][0]["invitation_id"]
    assert Invitation.objects.filter(contact__email="retry@example.com").count() == 1


def test_skipped_contacts_say_why(world, fb, client, django_capture_on_commit_callbacks):
    from django.utils import timezone

    Contact.objects.create(
        organization=world.org, email="gone@example.com", unsubscribed_at=timezone.now()
    )
    Contact.objects.create(
        organization=world.org, email="recent@example.com", last_invited_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=False):
        data = post(
            client,
            world,
            {
                "survey_id": fb.survey.pk,
                "contacts": [
                    {"email": "gone@example.com", "unit_code": "B1"},
                    {"email": "recent@example.com", "unit_code": "B1"},
                ],
            },
        ).json()
    assert [(r["result"], r["reason"], r["status"], r["url"]) for r in data["results"]] == [
        ("skipped", "unsubscribed", "skipped", None),
        ("skipped", "recently_invited", "skipped", None),
    ]
    assert data["skipped"] == 2


def test_every_bad_field_is_reported_with_its_path_and_nothing_is_written(world, fb, client):
    other = build_feedback(world.other_org, world.other_unit)
    before = (Contact.objects.count(), Invitation.objects.count())
    response = post(
        client,
        world,
        {
            "survey_id": fb.survey.pk,
            "contacts": [
                {"email": "good@example.com", "unit_code": "B1"},
                {"email": "nope", "unit_code": "B1"},
                {"email": "x@example.com", "unit_code": "ZZ"},
                {"email": "y@example.com", "unit_id": world.other_unit.pk},
                {"email": "z@example.com", "unit_code": "B1", "touchpoint_id": other.touchpoint.pk},
                {"email": "w@example.com", "unit_code": "B1", "language": "de"},
                {"email": "good@example.com", "unit_code": "B1"},
                {"email": "v@example.com"},
                {"email": "u@example.com", "unit_code": "B1", "unit_id": world.b2.pk},
            ],
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "The request is not valid.",
        "details": [
            {"path": "contacts.1.email", "message": "“nope” is not an email address."},
            {"path": "contacts.2.unit_code", "message": "Unknown unit “ZZ”."},
            {"path": "contacts.3.unit_id", "message": f"Unknown unit “{world.other_unit.pk}”."},
            {
                "path": "contacts.4.touchpoint_id",
                "message": f"Unknown touchpoint “{other.touchpoint.pk}”.",
            },
            {"path": "contacts.5.language", "message": "Use fr or en."},
            {
                "path": "contacts.6.email",
                "message": "This address appears twice (also contacts.0).",
            },
            {"path": "contacts.7.unit_code", "message": "A unit is required."},
            {
                "path": "contacts.8.unit_id",
                "message": "The code and the id name two different things.",
            },
        ],
    }
    assert (Contact.objects.count(), Invitation.objects.count()) == before


def test_messages_are_in_french_when_the_call_asks_for_it(world, fb, client):
    response = client.post(
        URL,
        {"survey_id": fb.survey.pk, "contacts": [{"email": "nope", "unit_code": "B1"}]},
        content_type="application/json",
        headers={**bearer(world.admin_raw_token), "Accept-Language": "fr-CA"},
    )
    assert response.json()["details"] == [
        {"path": "contacts.0.email", "message": "« nope » n’est pas une adresse courriel."}
    ]


def test_schema_errors_keep_the_standard_error_format(world, fb, client):
    response = post(client, world, {"survey_id": fb.survey.pk, "contacts": [{"name": "x"}]})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "The request is not valid."
    assert any(d["path"].endswith("contacts.0.email") for d in body["details"])


def test_at_most_a_thousand_contacts_per_call(world, fb, client):
    contacts = [{"email": f"c{n}@example.com", "unit_code": "B1"} for n in range(1001)]
    response = post(client, world, {"survey_id": fb.survey.pk, "contacts": contacts})
    assert response.status_code == 422
    assert any(d["path"].endswith("contacts") for d in response.json()["details"])
    assert Invitation.objects.filter(contact__email__endswith="@example.com").count() == 0


def test_an_unpublished_survey_is_refused(world, fb, client):
    draft = make_survey(world.org, fb.touchpoint)
    response = post(
        client,
        world,
        {"survey_id": draft.pk, "contacts": [{"email": "a@example.com", "unit_code": "B1"}]},
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {
            "path": "survey_id",
            "message": "Publish the survey before inviting customers to answer it.",
        }
    ]


def test_another_organisations_survey_is_404(world, fb, client):
    other = build_feedback(world.other_org, world.other_unit)
    response = post(
        client,
        world,
        {"survey_id": other.survey.pk, "contacts": [{"email": "a@example.com", "unit_code": "B1"}]},
    )
    assert response.status_code == 404
    assert response.json() == {"error": "Not found."}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE, Role.EXECUTIVE])
def test_tokens_that_may_not_send_get_404(world, fb, client, role):
    unit = world.b1 if role != Role.EXECUTIVE else None
    _token, raw = ApiToken.issue(organization=world.org, name=role, role=role, unit=unit)
    payload = {
        "survey_id": fb.survey.pk,
        "contacts": [{"email": "a@example.com", "unit_code": "B1"}],
    }
    assert post(client, world, payload, raw).status_code == 404
    url = f"{URL}/{fb.invitation.pk}"
    assert client.get(url, headers=bearer(raw)).status_code == 404
    assert not Contact.objects.filter(email="a@example.com").exists()


def test_cx_lead_token_may_send(world, fb, client, django_capture_on_commit_callbacks):
    _token, raw = ApiToken.issue(organization=world.org, name="cx", role=Role.CX_LEAD)
    payload = {
        "survey_id": fb.survey.pk,
        "contacts": [{"email": "a@example.com", "unit_code": "B1"}],
    }
    with django_capture_on_commit_callbacks(execute=False):
        assert post(client, world, payload, raw).status_code == 200


def test_no_token_is_401(world, fb, client):
    response = client.post(URL, {}, content_type="application/json")
    assert response.status_code == 401


def test_get_gives_an_invitations_status(world, fb, client):
    Invitation.objects.filter(pk=fb.invitation.pk).update(
        status="skipped", error="recently_invited"
    )
    response = client.get(f"{URL}/{fb.invitation.pk}", headers=bearer(world.admin_raw_token))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == fb.invitation.pk
    assert data["email"] == "client@caisse.example"
    assert (data["status"], data["reason"], data["error"]) == ("skipped", "recently_invited", "")
    assert data["survey_id"] == fb.survey.pk and data["unit_id"] == world.b1.pk
    assert data["url"] == f"http://127.0.0.1:8000/s/{fb.invitation.token}"
    assert data["sent_at"] is None


def test_get_of_another_organisations_invitation_is_404(world, fb, client):
    other = build_feedback(world.other_org, world.other_unit)
    response = client.get(f"{URL}/{other.invitation.pk}", headers=bearer(world.admin_raw_token))
    assert response.status_code == 404
    response = client.get(f"{URL}/{fb.invitation.pk}", headers=bearer(world.other_raw_token))
    assert response.status_code == 404


def test_query_count_does_not_grow_with_the_number_of_contacts(
    world, fb, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def payload(prefix: str, count: int) -> dict:
        return {
            "survey_id": fb.survey.pk,
            "contacts": [
                {
                    "email": f"{prefix}{n}@example.com",
                    "unit_code": "B1",
                    "touchpoint_code": "comptoir",
                }
                for n in range(count)
            ],
        }

    with django_capture_on_commit_callbacks(execute=False):
        with django_assert_max_num_queries(16):
            assert post(client, world, payload("few", 3)).status_code == 200
        with django_assert_max_num_queries(16):
            response = post(client, world, payload("many", 200))
    assert response.json()["created"] == 200
