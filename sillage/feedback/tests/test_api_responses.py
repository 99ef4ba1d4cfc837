"""POST and GET /api/v1/responses: ingestion from other systems, and reading responses back.

People: the admin token of Caisse Test (org-wide), a manager token on R1 (Montréal: B1, B2,
T1), an employee token on B1, and Autre organisation, whose ids must look unknown.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sillage.accounts.models import ApiToken, Membership, Role
from sillage.feedback.api import decode_cursor, encode_cursor
from sillage.feedback.models import Response, Source, Survey
from sillage.feedback.tests.factories import build_feedback, make_survey

pytestmark = pytest.mark.django_db
URL = "/api/v1/responses"
MONTREAL = ZoneInfo("America/Toronto")


@pytest.fixture
def world(world):
    world.feedback = build_feedback(world.org, world.b1)
    world.other_feedback = build_feedback(world.other_org, world.other_unit)
    _token, world.manager_raw = ApiToken.issue(
        organization=world.org, name="r1", role=Role.MANAGER, unit=world.r1
    )
    _token, world.employee_raw = ApiToken.issue(
        organization=world.org, name="b1", role=Role.EMPLOYEE, unit=world.b1
    )
    return world


def post(client, raw_token, data, **headers):
    return client.post(
        URL,
        data=data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw_token}", **headers},
    )


def get(client, raw_token, **params):
    return client.get(URL, params, headers={"Authorization": f"Bearer {raw_token}"})


def api_rows(world):
    return Response.objects.filter(organization=world.org, source=Source.API)


# --- POST: one response -------------------------------------------------------------------------


def test_one_response_is_recorded_with_its_scores(world, client):
    response = post(
        client,
        world.admin_raw_token,
        {
            "unit_code": "B2",
            "submitted_at": "2025-03-14T10:42:00-04:00",
            "language": "en",
            "nps": 4,
            "csat": 2,
            "ces": 6,
            "comment": "Waited 40 minutes at the counter.",
            "external_id": "crm-1",
        },
    )
    assert response.status_code == 201
    row = api_rows(world).get()
    assert response.json() == [{"id": row.pk, "external_id": "crm-1", "created": True}]
    assert (row.unit, row.touchpoint, row.survey, row.language) == (world.b2, None, None, "en")
    assert (row.nps, row.csat, row.ces) == (4, 2, 6)
    assert row.comment == "Waited 40 minutes at the counter."
    assert row.submitted_at == datetime(2025, 3, 14, 14, 42, tzinfo=ZoneInfo("UTC"))
    assert row.answers == {"nps": 4, "csat": 2, "ces": 6}


def test_defaults_are_now_and_the_organisations_language(world, client):
    before = timezone.now()
    response = post(client, world.admin_raw_token, {"unit": world.b1.pk, "nps": 10})
    row = api_rows(world).get()
    assert response.json() == [{"id": row.pk, "external_id": None, "created": True}]
    assert before <= row.submitted_at <= timezone.now()
    assert row.language == "fr"


def test_answers_are_checked_against_the_latest_published_version(world, client):
    survey = world.feedback.survey
    survey.questions.filter(key="csat").update(required=True)
    from sillage.feedback.services import survey_publish

    version = survey_publish(survey=survey, user=None)
    response = post(
        client,
        world.admin_raw_token,
        {
            "survey_id": survey.pk,
            "unit": world.b1.pk,
            "answers": {"nps": "3", "improve": "Les frais sont trop élevés.", "csat": 2},
            "employee_code": "E1",
        },
    )
    assert response.status_code == 201, response.json()
    row = api_rows(world).get()
    assert (row.survey, row.survey_version, row.survey_version.number) == (survey, version, 2)
    assert row.touchpoint == world.feedback.touchpoint  # the survey's default touchpoint
    assert (row.nps, row.csat) == (3, 2)
    assert row.comment == "Les frais sont trop élevés."
    assert row.answers == {"nps": 3, "improve": "Les frais sont trop élevés.", "csat": 2}
    assert row.employee_code == ""  # no member has the code E1

    missing = post(
        client,
        world.admin_raw_token,
        {"survey_id": survey.pk, "unit": world.b1.pk, "answers": {"nps": 9}},
    )
    assert missing.status_code == 422
    assert missing.json()["details"] == [
        {"path": "answers.csat", "message": "This question needs an answer."}
    ]


def test_top_level_scores_and_contact_fill_the_surveys_questions(world, client):
    survey = world.feedback.survey
    response = post(
        client,
        world.admin_raw_token,
        {
            "survey_id": survey.pk,
            "touchpoint_code": "comptoir",
            "unit": world.b1.pk,
            "nps": 2,
            "answers": {"improve": "Personne ne m'a rappelé."},
            "contact": {"consent": True, "name": "Marie Roy", "email": "marie@example.com"},
        },
    )
    assert response.status_code == 201, response.json()
    row = api_rows(world).get()
    assert row.nps == 2
    assert row.answers == {"nps": 2, "improve": "Personne ne m'a rappelé.", "contact": "yes"}
    assert (row.contact_consent, row.contact_name, row.contact_email) == (
        True,
        "Marie Roy",
        "marie@example.com",
    )


def test_contact_details_without_consent_are_not_kept(world, client):
    post(
        client,
        world.admin_raw_token,
        {"unit": world.b1.pk, "nps": 8, "contact": {"consent": False, "email": "x@example.com"}},
    )
    row = api_rows(world).get()
    assert (row.contact_consent, row.contact_email) == (False, "")


def test_known_employee_code_is_kept(world, client):
    Membership.objects.filter(user=world.employee).update(employee_code="E10042")
    post(client, world.admin_raw_token, {"unit": world.b1.pk, "nps": 10, "employee_code": "E10042"})
    assert api_rows(world).get().employee_code == "E10042"


def test_malformed_json_is_a_400_and_a_list_a_422(world, client):
    response = post(client, world.admin_raw_token, "{not json")
    assert response.status_code == 400
    assert response.json() == {"error": "The request body is not valid JSON.", "details": []}
    response = post(client, world.admin_raw_token, [{"unit": world.b1.pk}])
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "", "message": "Send one response object, or {“responses”: […]}."}
    ]
    assert not api_rows(world).exists()


def test_missing_token_is_refused(world, client):
    response = client.post(URL, data={"unit": world.b1.pk}, content_type="application/json")
    assert response.status_code == 401
    assert not api_rows(world).exists()


# --- POST: batches and retries ------------------------------------------------------------------


def batch(world, count, prefix="b", **extra):
    return {
        "responses": [
            {"unit": world.b1.pk, "nps": i % 11, "external_id": f"{prefix}-{i}", **extra}
            for i in range(count)
        ]
    }


def test_a_batch_is_recorded_in_order(world, client):
    response = post(client, world.admin_raw_token, batch(world, 3))
    assert response.status_code == 201
    rows = {r.external_id: r.pk for r in api_rows(world)}
    assert response.json() == [
        {"id": rows[f"b-{i}"], "external_id": f"b-{i}", "created": True} for i in range(3)
    ]


def test_a_retried_batch_creates_nothing_and_returns_the_same_ids(world, client):
    first = post(client, world.admin_raw_token, batch(world, 5))
    again = post(client, world.admin_raw_token, batch(world, 5))
    assert again.status_code == 200
    assert again.json() == [{**item, "created": False} for item in first.json()]
    assert api_rows(world).count() == 5


def test_a_retry_with_new_items_creates_only_those(world, client):
    first = post(client, world.admin_raw_token, batch(world, 2))
    response = post(client, world.admin_raw_token, batch(world, 4))
    assert response.status_code == 201
    body = response.json()
    assert [item["created"] for item in body] == [False, False, True, True]
    assert [item["id"] for item in body[:2]] == [item["id"] for item in first.json()]
    assert api_rows(world).count() == 4


def test_a_repeat_inside_one_batch_is_recorded_once(world, client):
    items = [
        {"unit": world.b1.pk, "nps": 9, "external_id": "same"},
        {"unit": world.b2.pk, "nps": 1, "external_id": "other"},
        {"unit": world.b1.pk, "nps": 9, "external_id": "same"},
    ]
    response = post(client, world.admin_raw_token, {"responses": items})
    body = response.json()
    assert response.status_code == 201
    assert [(i["external_id"], i["created"]) for i in body] == [
        ("same", True),
        ("other", True),
        ("same", False),
    ]
    assert body[0]["id"] == body[2]["id"]
    assert api_rows(world).count() == 2


def test_a_batch_of_1000_is_accepted_and_1001_refused(world, client):
    response = post(client, world.admin_raw_token, batch(world, 1001))
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "responses", "message": "Send at most 1000 responses per call (1001 sent)."}
    ]
    assert not api_rows(world).exists()
    # 2.6 kB comments make the batch larger than Django's default request cap (2.5 MB).
    response = post(client, world.admin_raw_token, batch(world, 1000, comment="x" * 2600))
    assert response.status_code == 201
    assert api_rows(world).count() == 1000
    assert len({item["id"] for item in response.json()}) == 1000


def test_a_body_over_the_cap_is_a_413(world, client, monkeypatch):
    from sillage.feedback import api

    monkeypatch.setattr(api, "MAX_BODY_BYTES", 1000)
    response = post(client, world.admin_raw_token, batch(world, 30))
    assert response.status_code == 413
    assert response.json() == {"error": "The request body is too large.", "details": []}
    assert not api_rows(world).exists()


def test_an_empty_batch_is_refused(world, client):
    response = post(client, world.admin_raw_token, {"responses": []})
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "responses", "message": "Send at least one response."}
    ]


def test_one_invalid_item_records_nothing_of_the_batch(world, client):
    data = batch(world, 5)
    data["responses"][3]["nps"] = 11
    response = post(client, world.admin_raw_token, data)
    assert response.status_code == 422
    assert response.json() == {
        "error": "1 response is not valid; none was recorded.",
        "details": [{"path": "responses.3.nps", "message": "11 is outside the scale 0–10."}],
    }
    assert not api_rows(world).exists()


def test_every_error_is_reported_with_its_path(world, client):
    survey = world.feedback.survey
    items = [
        {"nps": 9},
        {"unit": world.b1.pk, "touchpoint_code": "nope", "csat": 0, "ces": 8},
        {"unit": world.b1.pk, "submitted_at": "2025-03-14T10:42:00", "language": "de"},
        {"unit": world.b1.pk, "survey_id": survey.pk, "answers": {"nps": 5, "colour": "red"}},
        {"unit": world.b1.pk, "contact": {"consent": True, "email": "not-an-email"}},
        {"unit": world.b1.pk, "answers": {"nps": 5}},
        {"unit": world.b1.pk, "NPS": 5},
        {"unit_code": "B1", "unit": world.b2.pk},
    ]
    response = post(client, world.admin_raw_token, {"responses": items})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "8 responses are not valid; none was recorded."
    assert {(d["path"], d["message"]) for d in body["details"]} == {
        ("responses.0.unit", "Give the unit (its id) or unit_code."),
        ("responses.1.touchpoint_code", "Unknown touchpoint."),
        ("responses.1.csat", "0 is outside the scale 1–5."),
        ("responses.1.ces", "8 is outside the scale 1–7."),
        ("responses.2.submitted_at", "Input should have timezone info"),
        ("responses.2.language", "Input should be 'fr' or 'en'"),
        ("responses.3.answers.colour", "This survey has no question with this key."),
        ("responses.4.contact.email", "Enter a valid email address."),
        (
            "responses.5.answers",
            "Answers are checked against a survey's questions: give its survey_id.",
        ),
        ("responses.6.NPS", "Extra inputs are not permitted"),
        ("responses.7.unit_code", "unit and unit_code name different units."),
    }
    assert not api_rows(world).exists()


def test_consent_without_a_way_to_reach_is_refused(world, client):
    response = post(
        client, world.admin_raw_token, {"unit": world.b1.pk, "contact": {"consent": True}}
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {
            "path": "contact",
            "message": "Leave an email address or a phone number so we can reach you.",
        }
    ]


def test_errors_are_in_french_when_asked(world, client):
    response = post(
        client, world.admin_raw_token, {"unit": world.b1.pk, "nps": 12}, **{"Accept-Language": "fr"}
    )
    assert response.json()["details"] == [
        {"path": "nps", "message": "12 est hors de l’échelle 0–10."}
    ]


def test_a_time_in_the_future_is_refused_beyond_five_minutes(world, client):
    soon = (timezone.now() + timedelta(minutes=4)).astimezone(MONTREAL).isoformat()
    later = (timezone.now() + timedelta(minutes=6)).astimezone(MONTREAL).isoformat()
    response = post(
        client,
        world.admin_raw_token,
        {
            "responses": [
                {"unit": world.b1.pk, "submitted_at": soon},
                {"unit": world.b1.pk, "submitted_at": later},
            ]
        },
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "responses.1.submitted_at", "message": "This time is in the future."}
    ]
    response = post(client, world.admin_raw_token, {"unit": world.b1.pk, "submitted_at": soon})
    assert response.status_code == 201


def test_another_organisations_ids_are_unknown(world, client):
    other = world.other_feedback
    items = [
        {"unit": world.other_unit.pk},
        {"unit_code": "OB1"},
        {"unit": world.b1.pk, "touchpoint": other.touchpoint.pk},
        {"unit": world.b1.pk, "survey_id": other.survey.pk, "answers": {"nps": 9}},
        {"unit": 999_999},
        {"unit": world.b1.pk, "survey_id": 999_999},
    ]
    response = post(client, world.admin_raw_token, {"responses": items})
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "responses.0.unit", "message": "Unknown unit."},
        {"path": "responses.1.unit_code", "message": "Unknown unit."},
        {"path": "responses.2.touchpoint", "message": "Unknown touchpoint."},
        {"path": "responses.3.survey_id", "message": "Unknown survey."},
        {"path": "responses.4.unit", "message": "Unknown unit."},
        {"path": "responses.5.survey_id", "message": "Unknown survey."},
    ]
    assert Response.objects.filter(source=Source.API).count() == 0


def test_the_same_external_id_in_another_organisation_is_another_response(world, client):
    post(client, world.other_raw_token, {"unit": world.other_unit.pk, "external_id": "x-1"})
    response = post(client, world.admin_raw_token, {"unit": world.b1.pk, "external_id": "x-1"})
    assert response.status_code == 201
    assert response.json()[0]["created"] is True


def test_a_draft_survey_cannot_be_answered(world, client):
    draft = make_survey(world.org)
    response = post(
        client, world.admin_raw_token, {"unit": world.b1.pk, "survey_id": draft.pk, "nps": 9}
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "survey_id", "message": "This survey has no published version yet."}
    ]


def test_manager_token_writes_to_its_subtree_only(world, client):
    ok = post(client, world.manager_raw, {"responses": [{"unit": world.b2.pk, "nps": 7}]})
    assert ok.status_code == 201
    refused = post(client, world.manager_raw, {"unit": world.b3.pk, "nps": 7})
    assert refused.status_code == 422
    assert refused.json()["details"] == [{"path": "unit", "message": "Unknown unit."}]
    assert list(api_rows(world).values_list("unit__code", flat=True)) == ["B2"]


def test_employee_token_writes_to_its_own_unit_only(world, client):
    assert post(client, world.employee_raw, {"unit": world.b1.pk}).status_code == 201
    for unit in (world.t1, world.b2):
        response = post(client, world.employee_raw, {"unit": unit.pk})
        assert response.json()["details"] == [{"path": "unit", "message": "Unknown unit."}]


def test_a_manager_cannot_claim_an_external_id_recorded_outside_its_subtree(world, client):
    post(client, world.admin_raw_token, {"unit": world.b3.pk, "external_id": "crm-9"})
    response = post(client, world.manager_raw, {"unit": world.b1.pk, "external_id": "crm-9"})
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "external_id", "message": "This external_id is already used."}
    ]


def count_queries(client, world, data):
    # Token use is recorded at most once a minute: mark it as just used so that both calls
    # skip that write.
    ApiToken.objects.filter(pk=world.admin_token.pk).update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = post(client, world.admin_raw_token, data)
    assert response.status_code == 201, response.json()
    sql = [q["sql"] for q in queries]
    inserts = [q for q in sql if q.startswith("INSERT")]
    return len(sql) - len(inserts), len(inserts)


def test_a_batch_costs_the_same_queries_as_one_response(world, client):
    """Units, touchpoints, surveys, employee codes and known external ids are each read once
    per call; the rows go in with as few INSERTs as the database's parameter limit allows."""
    Membership.objects.filter(user=world.employee).update(employee_code="E7")
    survey = world.feedback.survey

    def items(count, prefix):
        return {
            "responses": [
                {
                    "unit_code": ("B1", "B2", "T1")[i % 3],
                    "touchpoint_code": "comptoir",
                    "survey_id": survey.pk,
                    "answers": {"nps": 9, "liked": "Merci!"},
                    "employee_code": "E7",
                    "external_id": f"{prefix}-{i}",
                }
                for i in range(count)
            ]
        }

    one_reads, one_inserts = count_queries(client, world, items(1, "one"))
    many_reads, many_inserts = count_queries(client, world, items(300, "many"))
    fields = len(Response._meta.concrete_fields) - 1  # all but the id
    per_insert = connection.ops.bulk_batch_size(["x"] * fields, [None] * 300)
    # token, units + touchpoints + survey versions (one statement), (the definition, until
    # kept), employee codes, and the transaction's savepoint and release
    assert one_inserts == 1
    assert 5 <= one_reads <= 6
    assert many_reads == 5
    assert many_inserts == -(-300 // per_insert)
    assert api_rows(world).filter(employee_code="E7", touchpoint__code="comptoir").count() == 301


@pytest.mark.django_db(transaction=True)
def test_one_new_response_is_one_insert_without_a_transaction(world, client):
    """One INSERT is atomic by itself: no BEGIN and COMMIT (round trips on PostgreSQL; on
    SQLite it still queues on the writer lock). A batch, or a retry that reads recorded ids
    first, runs in one transaction."""
    seen = []

    def spy(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "feedback_response"'):
            seen.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    one = {"unit": world.b1.pk, "nps": 8, "external_id": "solo-1"}
    batch = {"responses": [{"unit": world.b1.pk, "nps": 9}, {"unit": world.b2.pk, "nps": 3}]}
    with connection.execute_wrapper(spy):
        assert post(client, world.admin_raw_token, one).status_code == 201
        assert post(client, world.admin_raw_token, batch).status_code == 201
        retried = post(client, world.admin_raw_token, one)  # found by its external_id
    assert retried.status_code == 200
    # The retry's first attempt is refused by the unique constraint; its second reads the
    # recorded id and inserts nothing.
    assert seen == [False, True, False]
    assert api_rows(world).filter(external_id="solo-1").count() == 1


# --- GET ----------------------------------------------------------------------------------------


def make_response(world, unit, when, **fields):
    fields.setdefault("source", Source.API)
    return Response.objects.create(
        organization=unit.organization, unit=unit, submitted_at=when, **fields
    )


def ids(response):
    return [item["id"] for item in response.json()["items"]]


def test_list_shows_a_response_as_recorded(world, client):
    post(
        client,
        world.admin_raw_token,
        {
            "unit": world.b1.pk,
            "survey_id": world.feedback.survey.pk,
            "answers": {"nps": 2, "improve": "Trop d'attente."},
            "submitted_at": "2025-02-03T09:00:00-05:00",
            "contact": {"consent": True, "email": "client@example.com", "phone": "514 555-0100"},
            "external_id": "crm-7",
        },
    )
    row = api_rows(world).get()
    response = get(client, world.admin_raw_token, survey=world.feedback.survey.pk, nps_max=6)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": row.pk,
                "external_id": "crm-7",
                "survey_id": world.feedback.survey.pk,
                "survey_version": 1,
                "unit": world.b1.pk,
                "unit_code": "B1",
                "touchpoint": world.feedback.touchpoint.pk,
                "touchpoint_code": "comptoir",
                "source": "api",
                "language": "fr",
                "submitted_at": "2025-02-03T14:00:00Z",
                "received_at": row.received_at.isoformat().replace("+00:00", "Z")[:23] + "Z",
                "nps": 2,
                "csat": None,
                "ces": None,
                "comment": "Trop d'attente.",
                "answers": {"nps": 2, "improve": "Trop d'attente.", "contact": "yes"},
                "employee_code": "",
                "contact": {
                    "consent": True,
                    "name": "",
                    "email": "client@example.com",
                    "phone": "514 555-0100",
                },
            }
        ],
        "next_cursor": None,
    }


def test_employee_token_sees_its_unit_without_contact_details(world, client):
    mine = make_response(
        world, world.b1, timezone.now(), contact_consent=True, contact_email="a@example.com"
    )
    make_response(world, world.b2, timezone.now())
    make_response(world, world.t1, timezone.now())
    response = get(client, world.employee_raw)
    assert ids(response) == [mine.pk, world.feedback.response.pk]
    assert response.json()["items"][0]["contact"] is None


def test_manager_token_sees_its_subtree_only(world, client):
    now = timezone.now()
    in_scope = [make_response(world, unit, now) for unit in (world.b2, world.t1)]
    make_response(world, world.b3, now)
    response = get(client, world.manager_raw)
    assert set(ids(response)) == {r.pk for r in in_scope} | {world.feedback.response.pk}
    assert ids(get(client, world.manager_raw, unit=world.b3.pk)) == []


def test_unit_filter_covers_the_subtree(world, client):
    now = timezone.now()
    b1 = make_response(world, world.b1, now)
    t1 = make_response(world, world.t1, now)
    make_response(world, world.b2, now)
    assert set(ids(get(client, world.admin_raw_token, unit=world.b1.pk))) == {
        b1.pk,
        t1.pk,
        world.feedback.response.pk,
    }
    assert ids(get(client, world.admin_raw_token, unit=world.t1.pk)) == [t1.pk]
    assert ids(get(client, world.admin_raw_token, unit=world.other_unit.pk)) == []


def test_filters_by_touchpoint_survey_and_scores(world, client):
    now = timezone.now()
    touchpoint = world.feedback.touchpoint
    low = make_response(world, world.b2, now, nps=2, csat=1, ces=7, touchpoint=touchpoint)
    high = make_response(world, world.b2, now, nps=10, csat=5, ces=1)
    token = world.admin_raw_token
    assert set(ids(get(client, token, touchpoint=touchpoint.pk))) == {
        low.pk,
        world.feedback.response.pk,
    }
    assert ids(get(client, token, survey=world.feedback.survey.pk)) == [world.feedback.response.pk]
    assert ids(get(client, token, nps_min=0, nps_max=6)) == [low.pk]
    assert ids(get(client, token, csat_min=5)) == [high.pk]
    assert ids(get(client, token, ces_max=2)) == [high.pk]
    assert ids(get(client, token, touchpoint=world.other_feedback.touchpoint.pk)) == []
    assert ids(get(client, token, survey=world.other_feedback.survey.pk)) == []


def test_date_filters_cover_whole_days_in_the_organisations_time_zone(world, client):
    Response.objects.all().delete()
    late_evening = make_response(world, world.b1, datetime(2025, 3, 31, 23, 30, tzinfo=MONTREAL))
    next_morning = make_response(world, world.b1, datetime(2025, 4, 1, 8, 0, tzinfo=MONTREAL))
    token = world.admin_raw_token
    assert ids(get(client, token, to="2025-03-31")) == [late_evening.pk]
    assert ids(get(client, token, **{"from": "2025-04-01"})) == [next_morning.pk]
    assert ids(get(client, token, **{"from": "2025-03-31T23:45:00-04:00"})) == [next_morning.pk]
    assert ids(get(client, token, to="2025-04-01T08:00:00-04:00")) == [
        next_morning.pk,
        late_evening.pk,
    ]


def test_bad_parameters_are_a_422_with_their_path(world, client):
    token = world.admin_raw_token
    response = get(client, token, **{"from": "yesterday", "cursor": "garbage"})
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"path": "query.from", "message": "Give a date or an ISO 8601 datetime."},
        {"path": "query.cursor", "message": "This cursor is not valid."},
    ]
    response = get(client, token, limit=1001)
    assert response.status_code == 422
    assert response.json()["details"][0]["path"] == "query.limit"


def test_cursor_pages_through_everything_once_in_a_stable_order(world, client):
    Response.objects.all().delete()
    base = timezone.now() - timedelta(days=1)
    # Several responses share a second: the id breaks the tie, so none is skipped.
    created = [
        make_response(world, (world.b1, world.b2)[i % 2], base + timedelta(seconds=i // 3))
        for i in range(25)
    ]
    expected = [r.pk for r in sorted(created, key=lambda r: (r.submitted_at, r.pk), reverse=True)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = get(client, world.admin_raw_token, **params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if pages == 1:
            # Recorded while the caller pages: newer than the first page, so it shifts nothing.
            make_response(world, world.b1, timezone.now())
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == expected


def test_cursor_round_trips(world):
    when = datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=ZoneInfo("UTC"))
    assert decode_cursor(encode_cursor(when, 42)) == (when, 42)
    with pytest.raises(ValueError):
        decode_cursor(encode_cursor(when.replace(tzinfo=None), 42))


def test_list_costs_the_same_queries_for_5_or_500_rows(
    world, client, django_assert_max_num_queries
):
    now = timezone.now()
    for i in range(5):
        make_response(world, world.b1, now - timedelta(minutes=i))
    with CaptureQueriesContext(connection) as few:
        get(client, world.admin_raw_token, unit=world.r1.pk, limit=1000)
    Response.objects.bulk_create(
        Response(
            organization=world.org,
            unit=world.b2,
            touchpoint=world.feedback.touchpoint,
            source=Source.API,
            submitted_at=now - timedelta(hours=i),
        )
        for i in range(500)
    )
    with django_assert_max_num_queries(len(few)):
        response = get(client, world.admin_raw_token, unit=world.r1.pk, limit=1000)
    assert len(ids(response)) == 506


def test_surveys_are_unchanged_by_ingestion(world, client):
    post(
        client,
        world.admin_raw_token,
        {"unit": world.b1.pk, "survey_id": world.feedback.survey.pk, "answers": {"nps": 9}},
    )
    assert Survey.objects.get(pk=world.feedback.survey.pk).versions.count() == 1


def test_a_concurrent_retry_that_wins_the_race_is_returned(world, client, monkeypatch):
    """Two calls with the same external_id both find it unrecorded (PostgreSQL lets them
    read at once): the loser's insert breaks the unique constraint, and its next attempt
    answers with the winner's response."""
    from sillage.feedback import ingest_checks

    winner = post(client, world.admin_raw_token, {"unit": world.b1.pk, "external_id": "race"})
    real = ingest_checks.Checker.load_recorded
    calls = []

    def blind_first_time(self, items):
        calls.append(1)
        return {} if len(calls) == 1 else real(self, items)

    monkeypatch.setattr(ingest_checks.Checker, "load_recorded", blind_first_time)
    # Attempts: insert without looking (refused), look but miss the winner (refused), look
    # and find it.
    loser = post(client, world.admin_raw_token, {"unit": world.b1.pk, "external_id": "race"})
    assert loser.status_code == 200
    assert loser.json() == [{**winner.json()[0], "created": False}]
    assert len(calls) == 2
    assert api_rows(world).count() == 1


def test_a_retry_is_answered_even_if_the_item_would_now_be_refused(world, client):
    """The survey changed since the first call: a retry of an item already recorded is not
    checked again, it gets its response."""
    first = post(client, world.admin_raw_token, {"unit": world.b2.pk, "external_id": "old-1"})
    world.b2.archive()  # still a unit of the organisation: retries must not depend on it
    from sillage.accounts.models import Unit

    Unit.objects.filter(pk=world.b2.pk).update(code="B2-OLD")
    again = post(client, world.admin_raw_token, {"unit_code": "B2", "external_id": "old-1"})
    assert again.status_code == 200
    assert again.json() == [{**first.json()[0], "created": False}]
