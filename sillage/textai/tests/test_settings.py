"""The settings page (MANAGE_TEXT_ANALYTICS): taxonomy editor, engine choice, re-analysis,
adaptation status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sillage.textai import processing
from sillage.textai.models import CommentAnalysis, TextSettings, Theme
from sillage.textai.tests.conftest import comment

pytestmark = pytest.mark.django_db


def test_cx_lead_sees_the_seeded_taxonomy_and_adds_a_theme(world, client_for, fake_engine):
    client = client_for(world.cx_lead)
    page = client.get(reverse("textai_settings", args=["caisse"]))
    assert page.status_code == 200
    assert "Temps d&#x27;attente" in page.content.decode()
    response = client.post(
        reverse("textai_theme_create", args=["caisse"]),
        {
            "name_fr": "Stationnement",
            "name_en": "Parking lot",
            "keywords_fr": "stationnement, parking\nplace",
            "keywords_en": "parking",
            "examples": "Aucune place pour se stationner.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    theme = Theme.objects.get(organization=world.org, code="parking_lot")
    assert theme.keywords_fr == ["stationnement", "parking", "place"]
    assert theme.examples == ["Aucune place pour se stationner."]


def test_deactivating_a_theme_removes_it_from_pickers(world, client_for, fake_engine):
    from sillage.textai.selectors import theme_options

    client = client_for(world.cx_lead)
    client.get(reverse("textai_settings", args=["caisse"]))
    fees = Theme.objects.get(organization=world.org, code="fees")
    client.post(
        reverse("textai_theme_edit", args=["caisse", fees.pk]),
        {"name_fr": "Frais", "name_en": "Fees", "keywords_fr": "frais", "keywords_en": "fee"},
    )
    fees.refresh_from_db()
    assert (fees.name_fr, fees.active, fees.keywords_en) == ("Frais", False, ["fee"])
    assert "fees" not in dict(theme_options(world.org))
    assert "wait_time" in dict(theme_options(world.org))


def test_reanalyse_button_reruns_what_is_stale(
    world, client_for, fake_engine, django_capture_on_commit_callbacks
):
    response = comment(world.org, world.b1, "Attente trop longue")
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    fake_engine.version = "2"
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for(world.cx_lead).post(reverse("textai_reanalyse", args=["caisse"]))
    assert page.status_code == 302
    assert CommentAnalysis.objects.get(response=response).engine_version == "2"


def test_engine_choice_is_saved(world, client_for):
    client = client_for(world.cx_lead)
    page = client.post(reverse("textai_settings", args=["caisse"]), {"engine": "lexicon"})
    assert page.status_code == 302
    assert TextSettings.objects.get(organization=world.org).engine == "lexicon"
    refused = client.post(reverse("textai_settings", args=["caisse"]), {"engine": "nope"})
    assert refused.status_code == 200  # the form again, with its error
    assert TextSettings.objects.get(organization=world.org).engine == "lexicon"


def test_managers_and_employees_cannot_manage(world, client_for):
    for user in (world.branch_manager, world.employee, world.executive):
        client = client_for(user)
        assert client.get(reverse("textai_settings", args=["caisse"])).status_code == 404
        assert client.post(reverse("textai_reanalyse", args=["caisse"])).status_code == 404
