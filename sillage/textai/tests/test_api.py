"""The text analytics API: themes, a response's analysis, corrections; scoped."""

from __future__ import annotations

import pytest

from sillage.accounts.models import ApiToken, Role
from sillage.textai import processing
from sillage.textai.models import Correction
from sillage.textai.tests.conftest import comment

pytestmark = pytest.mark.django_db


def _auth(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_themes_lists_the_organisations_taxonomy(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/themes", headers=_auth(world.admin_raw_token)).json()
    codes = [t["code"] for t in body]
    assert codes[0] == "wait_time" and "errors_fraud" in codes
    assert body[0]["name_en"] == "Wait time"


def test_analysis_and_correction(world, client, fake_engine):
    response = comment(world.org, world.b1, "Attente trop longue", nps=2)
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    url = f"/api/v1/responses/{response.pk}/analysis"
    body = client.get(url, headers=_auth(world.admin_raw_token)).json()
    assert body["analysed"] is True
    assert (body["engine"], body["sentiment"]) == ("fake", "negative")
    assert body["themes"] == [{"code": "wait_time", "evidence": ["attente"], "source": "engine"}]
    corrected = client.post(
        url + "/corrections",
        {"sentiment": "neutral", "add_themes": ["courtesy"], "remove_themes": ["wait_time"]},
        content_type="application/json",
        headers=_auth(world.admin_raw_token),
    ).json()
    assert corrected["sentiment"] == "neutral" and corrected["sentiment_corrected"] is True
    assert [t["code"] for t in corrected["themes"]] == ["courtesy"]
    assert Correction.objects.count() == 3
    bad = client.post(
        url + "/corrections",
        {"sentiment": "furious"},
        content_type="application/json",
        headers=_auth(world.admin_raw_token),
    )
    assert bad.status_code == 400


def test_a_unit_token_cannot_read_another_units_response(world, client, fake_engine):
    response = comment(world.org, world.b2, "Attente")
    _token, raw = ApiToken.issue(
        organization=world.org, name="b1", role=Role.MANAGER, unit=world.b1
    )
    url = f"/api/v1/responses/{response.pk}/analysis"
    assert client.get(url, headers=_auth(raw)).status_code == 404
    assert client.get(url, headers=_auth(world.other_raw_token)).status_code == 404
