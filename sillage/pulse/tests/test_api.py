"""The pulse API: the same reporting function, scoped to the token."""

import pytest

from sillage.accounts.models import ApiToken, Role
from sillage.accounts.scope import scope_for_token
from sillage.pulse.api import report_as_dict
from sillage.pulse.reporting import pulse_report

pytestmark = pytest.mark.django_db


def get(client, token: str, url: str):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_campaigns_list_the_organisations_campaigns_and_waves(
    client, world, closed_wave, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = get(client, world.admin_raw_token, "/api/v1/pulse/campaigns")
    assert response.status_code == 200
    [campaign] = response.json()
    assert (campaign["name_fr"], campaign["anonymity_threshold"], campaign["audience_unit_id"]) == (
        "Pouls d'automne",
        5,
        None,
    )
    assert [(w["number"], w["status"]) for w in campaign["waves"]] == [(1, "closed")]
    assert get(client, world.other_raw_token, "/api/v1/pulse/campaigns").json() == []


def test_report_is_the_reporting_functions_output(client, world, closed_wave):
    url = f"/api/v1/pulse/waves/{closed_wave.pk}/report?unit={world.r1.pk}"
    body = get(client, world.admin_raw_token, url).json()
    expected = pulse_report(
        scope=scope_for_token(world.admin_token), wave=closed_wave, unit_id=world.r1.pk
    )
    assert body["state"] == "ready" and body["threshold"] == 5
    assert (
        [(r["unit_id"], r["shown"], r["n"]) for r in body["rows"]]
        == [(g.unit_id, g.shown, g.n) for g in expected.rows]
        == [(world.r1.pk, True, 16), (world.b1.pk, True, 9), (world.b2.pk, True, 7)]
    )
    assert body["group"]["qi"]["score"] == pytest.approx(expected.group.qi.score)
    assert body["group"]["gap"] == {
        "know": pytest.approx(100 * 13 / 16),  # answers of 4 or 5: B1's 6 and B2's 7
        "can": pytest.approx(100 * 13 / 16),
        "difference": 0.0,
        "share_know_above_can": 0.0,
    }


def test_hidden_groups_come_back_without_figures(client, world, closed_wave):
    body = get(
        client,
        world.admin_raw_token,
        f"/api/v1/pulse/waves/{closed_wave.pk}/report?unit={world.b1.pk}",
    ).json()
    assert body["rows"][1] == {
        "unit_id": world.t1.pk,
        "unit_code": "T1",
        "unit_name": "Équipe conseil",
        "tenure": "",
        "shown": False,
        "n": None,
        "qi": None,
        "relations": [],
        "enps": None,
        "gap": None,
        "others": [],
        "custom": [],
        "comments_shown": False,
    }
    body = get(
        client,
        world.admin_raw_token,
        f"/api/v1/pulse/waves/{closed_wave.pk}/report?unit={world.t1.pk}",
    ).json()
    assert (body["state"], body["group"], body["rows"]) == ("not_enough", None, [])


def test_a_manager_token_reads_its_subtree_only(client, world, closed_wave):
    _token, raw = ApiToken.issue(
        organization=world.org, name="bi", role=Role.MANAGER, unit=world.b1
    )
    base = f"/api/v1/pulse/waves/{closed_wave.pk}/report"
    assert get(client, raw, base).json()["unit_id"] == world.b1.pk
    assert get(client, raw, f"{base}?unit={world.b2.pk}").status_code == 404
    assert [c["id"] for c in get(client, raw, "/api/v1/pulse/campaigns").json()] == [
        closed_wave.campaign_id
    ]


def test_another_organisations_wave_is_a_404_and_a_bad_band_a_422(client, world, closed_wave):
    assert (
        get(
            client, world.other_raw_token, f"/api/v1/pulse/waves/{closed_wave.pk}/report"
        ).status_code
        == 404
    )
    response = get(
        client, world.admin_raw_token, f"/api/v1/pulse/waves/{closed_wave.pk}/report?tenure=old"
    )
    assert (response.status_code, response.json()) == (422, {"error": "Ancienneté inconnue."})
    assert client.get(f"/api/v1/pulse/waves/{closed_wave.pk}/report").status_code == 401


def test_report_as_dict_is_what_the_endpoint_serialises(world, closed_wave):
    report = pulse_report(scope=scope_for_token(world.admin_token), wave=closed_wave)
    data = report_as_dict(report)
    assert data["wave_id"] == closed_wave.pk and data["unit_id"] == world.hq.pk
    assert [f["tenure"] for f in data["filters"] if f["available"]] == ["lt1", "gt5"]
