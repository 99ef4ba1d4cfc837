"""GET /api/v1/metrics: values, n and margins from rollups, in the token's scope; 422s."""

import pytest

from sillage.accounts.models import ApiToken, Role
from sillage.insights.tests.conftest import MARCH

pytestmark = pytest.mark.django_db


def get(client, token: str, query: str):
    return client.get(f"/api/v1/metrics?{query}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_headline_metrics_with_n_and_margin(world, insights, client):
    body = get(client, world.admin_raw_token, f"metric=nps,csat,ces,responses&{MARCH}").json()
    assert body["first_day"] == "2025-03-01" and body["last_day"] == "2025-03-31"
    assert body["time_zone"] == "America/Toronto"
    assert body["small_sample_below"] == 30
    [row] = body["rows"]
    assert row["group"] == {}
    assert row["metrics"]["nps"] == {
        "value": 26.09,
        "n": 23,
        "margin_of_error": 36.59,
        "small_sample": True,
    }
    assert row["metrics"]["csat"]["value"] == 73.33
    # CES 7 6 6 5 4 3 2 1: mean 4.25, sample variance 31.5 / 7 = 4.5, 1.96 × √(4.5 / 8)
    assert row["metrics"]["ces"] == {
        "value": 4.25,
        "n": 8,
        "margin_of_error": 1.47,
        "small_sample": True,
    }


def test_group_by_month_and_unit(world, insights, client):
    body = get(
        client,
        world.admin_raw_token,
        "metric=nps&group_by=month,unit&from=2025-02-01&to=2025-03-31",
    ).json()
    groups = {
        (r["group"]["month"], r["group"]["unit"]["code"]): r["metrics"]["nps"] for r in body["rows"]
    }
    assert groups[("2025-02", "B1")]["value"] == 0.0
    # p = 0.5, d = 0.3: var = (0.8 - 0.2²) / 10 = 0.076, MoE = 1.96 × √0.076 × 100
    assert groups[("2025-03", "B1")] == {
        "value": 20.0,
        "n": 10,
        "margin_of_error": 54.03,
        "small_sample": True,
    }
    assert groups[("2025-03", "B3")]["value"] == -100.0
    assert body["rows"][0]["group"]["unit"] == {
        "id": world.b1.pk,
        "code": "B1",
        "name": "Succursale Plateau",
    }


def test_filters_by_journey_and_groups_by_stage(world, insights, client):
    cat = insights.catalogue
    body = get(
        client, world.admin_raw_token, f"metric=nps&journey={cat.visit.pk}&group_by=stage&{MARCH}"
    ).json()
    by_stage = {r["group"]["stage"]["name"]: r["metrics"]["nps"]["n"] for r in body["rows"]}
    assert by_stage == {"Accueil": 11, "Conseil": 7}


def test_a_manager_token_reads_only_its_subtree(world, insights, client):
    _token, raw = ApiToken.issue(organization=world.org, name="m", role=Role.MANAGER, unit=world.b1)
    body = get(client, raw, f"metric=responses&group_by=unit&{MARCH}").json()
    assert {r["group"]["unit"]["code"] for r in body["rows"]} == {"B1", "T1"}
    assert get(client, raw, f"unit={world.b2.pk}").status_code == 422


def test_bad_parameters_are_422_with_their_paths(world, insights, client):
    token = world.admin_raw_token
    cases = {
        "metric=nps,loyalty": "query.metric",
        "group_by=month,week": "query.group_by",
        "group_by=colour": "query.group_by",
        "group_by=unit,month,survey,language": "query.group_by",
        "from=2025-03-31&to=2025-03-01": "query.from",
        "from=2020-01-01&to=2025-03-01": "query.from",
        "group_by=day&from=2024-01-01&to=2025-03-01": "query.group_by",
        f"unit={world.other_unit.pk}": "query.unit",
        "unit=abc": "query.unit",
        "from=yesterday": "query.from",
        "journey=999999": "query.journey",
    }
    for query, path in cases.items():
        response = get(client, token, query)
        assert response.status_code == 422, query
        body = response.json()
        assert body["error"] == "The request is not valid."
        assert body["details"][0]["path"] == path, query


def test_response_rate_is_null_with_a_language(world, insights, client):
    body = get(client, world.admin_raw_token, f"metric=response_rate&language=fr&{MARCH}").json()
    assert body["rows"][0]["metrics"]["response_rate"]["value"] is None


def test_an_empty_period_still_answers_one_row(world, insights, client):
    body = get(client, world.admin_raw_token, "metric=nps&from=2020-01-01&to=2020-01-31").json()
    assert body["rows"] == [
        {
            "group": {},
            "metrics": {
                "nps": {"value": None, "n": 0, "margin_of_error": None, "small_sample": False}
            },
        }
    ]


def test_no_token_is_401_and_queries_are_few(
    world, insights, client, django_assert_max_num_queries
):
    assert client.get("/api/v1/metrics").status_code == 401
    with django_assert_max_num_queries(8):
        response = get(client, world.admin_raw_token, f"group_by=month,unit,touchpoint&{MARCH}")
    assert response.status_code == 200
