"""The embeddable widget /w/<token>.js and the frameable survey page it opens."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time

import pytest
from django.core import signing
from django.core.cache import cache

from sillage.feedback.models import (
    Channel,
    Response,
    SurveyLink,
    SurveyStatus,
    Touchpoint,
)
from sillage.feedback.public import STAMP_SALT
from sillage.feedback.tests.factories import build_feedback

FR = {"Accept-Language": "fr-CA"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fw(world):
    return build_feedback(world.org, world.b1)


def aged_stamp(token: str) -> str:
    return signing.dumps({"t": token, "at": time.time() - 10}, salt=STAMP_SALT, compress=True)


def widget_config(body: str) -> dict:
    return json.loads(re.search(r"\}\)\((\{.*\}), document\.currentScript\);\n$", body).group(1))


@pytest.mark.django_db
def test_widget_script_is_cacheable_javascript_configured_for_its_link(client, fw, world):
    world.org.brand_colour = "#123456"
    world.org.save()

    response = client.get(f"/w/{fw.link.token}.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.content.decode()
    assert body.startswith("(/* Sillage survey widget.")
    assert "function sillageWidget(config, script)" in body
    assert widget_config(body) == {
        "url": f"http://testserver/s/{fw.link.token}?embed=1",
        "origin": "http://testserver",
        "colour": {"brand": "#123456", "ink": "#FFFFFF"},
        "labels": {
            "fr": {"open": "Donnez votre avis", "close": "Fermer", "title": "Sondage client"},
            "en": {"open": "Give feedback", "close": "Close", "title": "Customer survey"},
        },
    }
    assert response.cookies == {}


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not installed")
@pytest.mark.django_db
def test_widget_script_is_valid_javascript(client, fw, tmp_path):
    script = tmp_path / "widget.js"
    script.write_bytes(client.get(f"/w/{fw.link.token}.js").content)
    result = subprocess.run(
        ["node", "--check", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_widget_of_an_unknown_token_an_invitation_or_a_closed_survey_is_a_404_script(client, fw):
    for token in ("unknown-token", fw.invitation.token):
        response = client.get(f"/w/{token}.js")
        assert response.status_code == 404
        assert response["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.content == b"/* Sillage: this survey link is unknown or not open. */\n"
    fw.survey.status = SurveyStatus.DRAFT
    fw.survey.save()
    assert client.get(f"/w/{fw.link.token}.js").status_code == 404


@pytest.mark.django_db
def test_the_embedded_page_may_be_framed_by_any_site(client, fw):
    for url in (f"/s/{fw.link.token}?embed=1", f"/s/{fw.link.token}/merci?embed=1"):
        response = client.get(url, headers=FR)
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors *" in policy
        assert "frame-ancestors 'none'" not in policy


@pytest.mark.django_db
def test_staff_pages_still_refuse_to_be_framed(client_for, world):
    response = client_for(world.admin).get("/o/caisse/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_an_answer_through_the_widget_is_recorded_with_source_widget(client, fw):
    page = client.get(f"/s/{fw.link.token}?embed=1&lang=fr")
    assert '<body class="sv sv--embed">' in page.text
    assert '<input type="hidden" name="sv.embed" value="1">' in page.text

    response = client.post(
        f"/s/{fw.link.token}?embed=1",
        {"sv.lang": "fr", "sv.stamp": aged_stamp(fw.link.token), "sv.embed": "1", "nps": "9"},
    )

    assert response.status_code == 303
    assert response["Location"] == f"/s/{fw.link.token}/merci?lang=fr&embed=1"
    row = Response.objects.filter(link=fw.link).latest("id")
    assert (row.source, row.nps, row.touchpoint) == ("widget", 9, fw.touchpoint)


@pytest.mark.django_db
def test_the_widgets_touchpoint_names_another_touchpoint_of_the_organisation(client, fw, world):
    web = Touchpoint.objects.create(
        organization=world.org,
        stage=fw.stage,
        code="site-web",
        channel=Channel.WEB,
        name_fr="Site Web",
    )
    other_org = build_feedback(world.other_org, world.other_unit)
    Touchpoint.objects.filter(pk=other_org.touchpoint.pk).update(code="ailleurs")

    def answer(code: str) -> Response:
        page = client.get(f"/s/{fw.link.token}?embed=1&tp={code}", headers=FR)
        assert f'<input type="hidden" name="sv.tp" value="{code}">' in page.text
        client.post(
            f"/s/{fw.link.token}?embed=1&tp={code}",
            {"sv.stamp": aged_stamp(fw.link.token), "sv.embed": "1", "sv.tp": code, "nps": "7"},
        )
        return Response.objects.filter(link=fw.link).latest("id")

    assert answer("site-web").touchpoint == web
    assert answer("inconnu").touchpoint == fw.touchpoint
    assert answer("ailleurs").touchpoint == fw.touchpoint  # another organisation's code


@pytest.mark.django_db
def test_an_inactive_link_gets_no_widget(client, fw):
    SurveyLink.objects.filter(pk=fw.link.pk).update(is_active=False)
    assert client.get(f"/w/{fw.link.token}.js").status_code == 404
