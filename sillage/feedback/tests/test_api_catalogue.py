"""GET /api/v1/surveys and /api/v1/journeys: what a calling system needs to send responses.

People: the admin token of Caisse Test, an employee token (may not list them), and Autre
organisation, whose surveys and journeys must never appear.
"""

from __future__ import annotations

import pytest

from sillage.accounts.models import ApiToken, Role
from sillage.feedback.models import Channel, Journey, Question, QuestionType, Stage, Touchpoint
from sillage.feedback.services import survey_publish
from sillage.feedback.tests.factories import build_feedback, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world.feedback = build_feedback(world.org, world.b1)
    world.other_feedback = build_feedback(world.other_org, world.other_unit)
    return world


def get(client, raw_token, url):
    return client.get(url, headers={"Authorization": f"Bearer {raw_token}"})


def test_surveys_list_versions_and_the_latest_questions(world, client):
    survey = world.feedback.survey
    Question.objects.create(
        survey=survey, key="effort", rank=9, type=QuestionType.CES, text_fr="Effort?"
    )
    survey_publish(survey=survey, user=None)
    draft = make_survey(world.org)
    response = get(client, world.admin_raw_token, "/api/v1/surveys")
    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body] == [survey.pk, draft.pk]
    published, unpublished = body
    assert (published["name_fr"], published["status"], published["touchpoint"]) == (
        "Visite en succursale",
        "published",
        world.feedback.touchpoint.pk,
    )
    assert published["published_versions"] == [1, 2]
    assert published["latest_version"]["number"] == 2
    questions = published["latest_version"]["questions"]
    assert [(q["key"], q["type"]) for q in questions] == [
        ("nps", "nps"),
        ("improve", "long_text"),
        ("liked", "long_text"),
        ("csat", "csat"),
        ("reason", "single"),
        ("contact", "consent"),
        ("effort", "ces"),
    ]
    assert questions[0] == {
        "key": "nps",
        "type": "nps",
        "required": True,
        "text_fr": "Recommanderiez-vous notre caisse à un proche?",
        "text_en": "Would you recommend us to a friend or relative?",
        "min": 0,
        "max": 10,
        "choices": [],
        "show_if": None,
    }
    assert questions[1]["show_if"] == {"key": "nps", "min": 0, "max": 6}
    assert questions[4]["choices"] == ["advice", "teller"]
    assert (unpublished["status"], unpublished["published_versions"]) == ("draft", [])
    assert unpublished["latest_version"] is None


def test_surveys_list_costs_three_queries_whatever_the_count(
    world, client, django_assert_max_num_queries
):
    for _ in range(5):
        survey_publish(survey=make_survey(world.org), user=None)
    ApiToken.objects.filter(pk=world.admin_token.pk).update(last_used_at=None)
    # token, token use, surveys, version numbers, latest definitions
    with django_assert_max_num_queries(5):
        body = get(client, world.admin_raw_token, "/api/v1/surveys").json()
    assert len(body) == 6


def test_journeys_list_stages_and_touchpoints_in_order(world, client):
    journey = Journey.objects.create(
        organization=world.org, code="pret", name_fr="Prêt hypothécaire", name_en="Mortgage"
    )
    later = Stage.objects.create(
        organization=world.org, journey=journey, rank=2, name_fr="Signature", name_en="Signing"
    )
    first = Stage.objects.create(
        organization=world.org, journey=journey, rank=1, name_fr="Demande", name_en="Application"
    )
    for rank, code in ((2, "notaire"), (1, "rendez-vous")):
        Touchpoint.objects.create(
            organization=world.org,
            stage=later,
            code=code,
            rank=rank,
            channel=Channel.BRANCH,
            name_fr=code,
        )
    Journey.objects.filter(pk=world.feedback.journey.pk).update(rank=5)
    response = get(client, world.admin_raw_token, "/api/v1/journeys")
    assert response.status_code == 200
    body = response.json()
    assert [j["code"] for j in body] == ["pret", "visite"]
    assert [s["id"] for s in body[0]["stages"]] == [first.pk, later.pk]
    assert [t["code"] for t in body[0]["stages"][1]["touchpoints"]] == ["rendez-vous", "notaire"]
    assert body[1]["stages"][0]["touchpoints"] == [
        {
            "id": world.feedback.touchpoint.pk,
            "code": "comptoir",
            "name_fr": "Comptoir",
            "name_en": "Counter",
            "channel": "branch",
            "rank": 0,
        }
    ]


def test_journeys_list_costs_the_same_queries_for_many_journeys(
    world, client, django_assert_max_num_queries
):
    for i in range(6):
        journey = Journey.objects.create(organization=world.org, code=f"j{i}", name_fr=f"J{i}")
        for k in range(3):
            stage = Stage.objects.create(organization=world.org, journey=journey, name_fr="S")
            Touchpoint.objects.create(
                organization=world.org,
                stage=stage,
                code=f"t{i}-{k}",
                channel=Channel.WEB,
                name_fr="T",
            )
    ApiToken.objects.filter(pk=world.admin_token.pk).update(last_used_at=None)
    # token, token use, journeys, stages, touchpoints
    with django_assert_max_num_queries(5):
        body = get(client, world.admin_raw_token, "/api/v1/journeys").json()
    assert len(body) == 7


def test_another_organisations_surveys_and_journeys_never_appear(world, client):
    surveys = get(client, world.admin_raw_token, "/api/v1/surveys").json()
    journeys = get(client, world.admin_raw_token, "/api/v1/journeys").json()
    assert [s["id"] for s in surveys] == [world.feedback.survey.pk]
    assert [j["id"] for j in journeys] == [world.feedback.journey.pk]
    theirs = get(client, world.other_raw_token, "/api/v1/surveys").json()
    assert [s["id"] for s in theirs] == [world.other_feedback.survey.pk]


def test_front_line_employee_token_may_not_list_them(world, client):
    _token, raw = ApiToken.issue(
        organization=world.org, name="b1", role=Role.EMPLOYEE, unit=world.b1
    )
    for url in ("/api/v1/surveys", "/api/v1/journeys"):
        response = get(client, raw, url)
        assert response.status_code == 404
        assert response.json() == {"error": "Not found."}
    _token, manager = ApiToken.issue(
        organization=world.org, name="r1", role=Role.MANAGER, unit=world.r1
    )
    assert get(client, manager, "/api/v1/surveys").status_code == 200


def test_openapi_documents_the_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/responses"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    single, batch = body["schema"]["oneOf"]
    assert "external_id" in single["properties"]
    assert single["properties"]["contact"]["anyOf"][0]["properties"]["consent"]["type"] == (
        "boolean"
    )
    assert batch["properties"]["responses"]["maxItems"] == 1000
    assert set(body["examples"]) == {"one", "batch"}
    assert {"200", "201", "422"} <= set(post["responses"])
    get_params = {p["name"] for p in schema["paths"]["/api/v1/responses"]["get"]["parameters"]}
    assert {"unit", "from", "to", "nps_min", "cursor", "limit"} <= get_params
    assert "/api/v1/surveys" in schema["paths"] and "/api/v1/journeys" in schema["paths"]
