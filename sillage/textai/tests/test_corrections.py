"""One-click corrections from the verbatim explorer and the verbatim's analysis page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sillage.textai import processing
from sillage.textai.models import CommentAnalysis, CommentTheme, Correction, Theme
from sillage.textai.tests.conftest import comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(world, fake_engine):
    response = comment(world.org, world.b1, "Attente trop longue au comptoir", nps=3)
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    return response


def test_employee_corrects_the_sentiment_in_one_click_with_htmx(world, client_for, analysed):
    client = client_for(world.employee)
    url = reverse("textai_correct_sentiment", args=["caisse", analysed.pk])
    page = client.post(url, {"sentiment": "neutral"}, headers={"HX-Request": "true"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.startswith(f'<div class="textai-verbatim" id="textai-{analysed.pk}">')
    pressed = 'sentiment-btn--neutral" aria-pressed="true"'
    assert pressed in html
    assert "<mark>Attente</mark> trop longue" in html
    analysis = CommentAnalysis.objects.get(response=analysed)
    assert (analysis.sentiment, analysis.sentiment_corrected) == ("neutral", True)
    correction = Correction.objects.get()
    assert (correction.user, correction.field, correction.old_value, correction.new_value) == (
        world.employee, "sentiment", "negative", "neutral")  # fmt: skip


def test_without_javascript_the_correction_returns_to_the_detail_page(world, client_for, analysed):
    client = client_for(world.branch_manager)
    url = reverse("textai_correct_sentiment", args=["caisse", analysed.pk])
    page = client.post(url, {"sentiment": "positive", "next": "detail"})
    assert page.status_code == 302
    assert page["Location"] == reverse("textai_verbatim", args=["caisse", analysed.pk])
    detail = client.get(page["Location"]).content.decode()
    assert "Positif · corrigé" in detail  # the page is in the organisation's French
    assert '<td data-label="Avant">Négatif</td><td data-label="Après">Positif</td>' in detail


def test_removing_and_adding_themes(world, client_for, analysed):
    client = client_for(world.employee)
    url = reverse("textai_correct_theme", args=["caisse", analysed.pk])
    headers = {"HX-Request": "true"}
    client.post(url, {"action": "remove", "theme": "wait_time"}, headers=headers)
    assert not CommentTheme.objects.filter(theme__code="wait_time").exists()
    page = client.post(url, {"action": "add", "theme": "premises"}, headers=headers)
    assert 'data-theme="premises"' in page.content.decode()
    link = CommentTheme.objects.get(analysis__response=analysed)
    assert (link.theme.code, link.source) == ("premises", "correction")
    premises = Theme.objects.get(organization=world.org, code="premises")
    assert premises.examples[-1] == "Attente trop longue au comptoir"
    assert list(Correction.objects.order_by("id").values_list("field", flat=True)) == [
        "theme_removed", "theme_added"]  # fmt: skip


def test_a_sibling_branch_employee_cannot_correct_a_verbatim_she_cannot_see(
    world, client_for, analysed
):
    client = client_for(world.sibling_employee)
    url = reverse("textai_correct_sentiment", args=["caisse", analysed.pk])
    assert client.post(url, {"sentiment": "positive"}).status_code == 404
    assert client.get(reverse("textai_verbatim", args=["caisse", analysed.pk])).status_code == 404
    assert not Correction.objects.exists()


def test_invalid_values_are_refused(world, client_for, analysed):
    client = client_for(world.employee)
    url = reverse("textai_correct_sentiment", args=["caisse", analysed.pk])
    assert client.post(url, {"sentiment": "furious"}).status_code == 400
    url = reverse("textai_correct_theme", args=["caisse", analysed.pk])
    assert client.post(url, {"action": "add", "theme": "nope"}).status_code == 400
    assert client.get(url).status_code == 405
