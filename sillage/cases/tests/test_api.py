"""GET /api/v1/cases, GET/PATCH /api/v1/cases/{id}, POST /api/v1/cases/{id}/notes."""

import pytest

from sillage.accounts.models import ApiToken
from sillage.cases.models import Case, CaseEvent
from sillage.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


def auth(raw):
    return {"Authorization": f"Bearer {raw}"}


def token(world, role, unit=None):
    _token, raw = ApiToken.issue(
        organization=world.org, name=f"{role} system", role=role, unit=unit
    )
    return auth(raw)


@pytest.fixture
def case(world):
    return make_case(world.org, world.b1, nps=2, comment="Mauvais conseil")


def test_list_cases_with_contact_for_an_admin_token(world, client, case):
    make_case(world.other_org, world.other_unit, nps=1)
    body = client.get("/api/v1/cases", headers=auth(world.admin_raw_token)).json()
    assert body["count"] == 1 and body["limit"] == 50 and body["offset"] == 0
    item = body["items"][0]
    assert (item["id"], item["status"], item["unit_code"], item["nps"]) == (case.pk, "new", "B1", 2)
    assert item["contact"] == {
        "name": "Marie Client",
        "email": "marie.client@example.com",
        "phone": "514 555-0100",
    }
    assert item["contact_hidden"] is False


def test_executive_and_employee_tokens_never_see_contact(world, client, case):
    for headers in (token(world, "executive"), token(world, "employee", world.b1)):
        item = client.get(f"/api/v1/cases/{case.pk}", headers=headers).json()
        assert item["contact"] is None and item["contact_hidden"] is True


def test_manager_token_sees_contact_of_its_subtree_only(world, client, case):
    headers = token(world, "manager", world.r1)
    assert client.get(f"/api/v1/cases/{case.pk}", headers=headers).json()["contact"]["name"] == (
        "Marie Client"
    )
    elsewhere = make_case(world.org, world.b3, nps=1)
    assert client.get(f"/api/v1/cases/{elsewhere.pk}", headers=headers).status_code == 404


def test_list_filters_and_pagination(world, client, case, django_assert_max_num_queries):
    for _ in range(4):
        make_case(world.org, world.b2, nps=1)
    headers = auth(world.admin_raw_token)
    with django_assert_max_num_queries(5):
        page = client.get("/api/v1/cases?limit=2&offset=2", headers=headers).json()
    assert (page["count"], len(page["items"])) == (5, 2)
    unit = client.get(f"/api/v1/cases?unit={world.b1.pk}", headers=headers).json()
    assert [i["id"] for i in unit["items"]] == [case.pk]
    assert client.get("/api/v1/cases?status=resolved", headers=headers).json()["count"] == 0


def test_patch_status_and_stale_expected_status_is_409(world, client, case):
    headers = auth(world.admin_raw_token)
    ok = client.patch(
        f"/api/v1/cases/{case.pk}",
        {"status": "acknowledged", "expected_status": "new"},
        content_type="application/json",
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    stale = client.patch(
        f"/api/v1/cases/{case.pk}",
        {"status": "contacted", "expected_status": "new"},
        content_type="application/json",
        headers=headers,
    )
    assert stale.status_code == 409
    assert "Someone else changed this case" in stale.json()["error"]
    case.refresh_from_db()
    assert case.status == "acknowledged"


def test_patch_resolution_root_cause_and_owner(world, client, case):
    headers = auth(world.admin_raw_token)
    answer = client.patch(
        f"/api/v1/cases/{case.pk}",
        {
            "status": "resolved",
            "resolution": "Rappel et excuses",
            "root_cause": "conseil",
            "owner": world.regional_manager.pk,
        },
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["root_cause"], body["owner"]) == (
        "resolved",
        "conseil",
        world.regional_manager.pk,
    )
    unknown = client.patch(
        f"/api/v1/cases/{case.pk}",
        {"root_cause": "nope"},
        content_type="application/json",
        headers=headers,
    )
    assert unknown.status_code == 422


def test_post_a_note(world, client, case):
    answer = client.post(
        f"/api/v1/cases/{case.pk}/notes",
        {"body": "Appel du CRM"},
        content_type="application/json",
        headers=auth(world.admin_raw_token),
    )
    assert answer.status_code == 201
    event = CaseEvent.objects.get(case=case, kind="note")
    assert (event.body, event.author_label) == ("Appel du CRM", "API: caisse")


def test_employee_token_cannot_write(world, client, case):
    headers = token(world, "employee", world.b1)
    assert (
        client.post(
            f"/api/v1/cases/{case.pk}/notes",
            {"body": "x"},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/v1/cases/{case.pk}",
            {"status": "acknowledged"},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 404
    )
    assert Case.objects.get(pk=case.pk).status == "new"


def test_other_organisations_case_is_404(world, client):
    other = make_case(world.other_org, world.other_unit, nps=1)
    assert (
        client.get(f"/api/v1/cases/{other.pk}", headers=auth(world.admin_raw_token)).status_code
        == 404
    )
