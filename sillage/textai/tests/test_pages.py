"""The themes page (theme impact, progress, emerging topics), the top themes panel of the
insights dashboard, and the explorer's sentiment and theme filters with highlighted evidence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sillage.insights.tests.factories import at
from sillage.textai import processing
from sillage.textai.models import EmergingTopic, Theme, TopicKind
from sillage.textai.tests.conftest import comment

pytestmark = pytest.mark.django_db
MARCH = "from=2025-03-01&to=2025-03-31"


@pytest.fixture
def march(world, fake_engine):
    world.cx_lead.language = "en"
    world.cx_lead.save(update_fields=["language"])
    rows = [
        (world.b1, "Attente trop longue au comptoir", 2),
        (world.b1, "Attente longue, mauvais accueil", 0),
        (world.b1, "Merci, conseil parfait", 10),
        (world.b2, "Bon conseil, bravo", 9),
        (world.b2, "Attente correcte", 8),
    ]
    ids = [
        comment(world.org, unit, text, nps=nps, when=at(2025, 3, 3 + i)).pk
        for i, (unit, text, nps) in enumerate(rows)
    ]
    comment(world.org, world.b1, "Attente en février", nps=0, when=at(2025, 2, 10))
    processing.analyse_responses(organization=world.org, response_ids=ids)
    return ids


def test_theme_impact_compares_nps_with_and_without_each_theme(world, client_for, march):
    page = client_for(world.cx_lead).get(reverse("textai_themes", args=["caisse"]) + "?" + MARCH)
    assert page.status_code == 200
    rows = {row.theme.code: row for row in page.context["impact"].rows}
    wait = rows["wait_time"]
    assert wait.counts.n == 3
    assert round(wait.share, 1) == 60.0
    assert wait.nps_with.value == pytest.approx(-200 / 3)  # 0 promoters, 2 detractors of 3
    assert wait.nps_without.value == 100.0  # 10 and 9
    assert wait.gap == pytest.approx(-200 / 3 - 100)
    assert wait.nps_with.n == 3 and wait.nps_without.n == 2
    html = page.content.decode()
    assert "theme=wait_time" in html and "band=nps" in html
    assert "5 of 6 comments analysed" in html  # February's comment is not analysed yet


def test_theme_impact_is_limited_to_the_viewers_subtree(world, client_for, march):
    page = client_for(world.branch_manager).get(
        reverse("textai_themes", args=["caisse"]) + "?" + MARCH
    )
    rows = {row.theme.code: row for row in page.context["impact"].rows}
    assert rows["wait_time"].counts.n == 2  # Verdun's "Attente correcte" is not hers
    assert page.context["impact"].total.n == 3


def test_sorting_by_the_gap_puts_the_most_harmful_theme_first(world, client_for, march):
    url = reverse("textai_themes", args=["caisse"]) + "?" + MARCH + "&sort=gap"
    rows = client_for(world.cx_lead).get(url).context["impact"].rows
    assert rows[0].theme.code == "wait_time"


def test_dashboard_shows_the_top_themes_panel(world, client_for, march):
    EmergingTopic.objects.create(
        organization=world.org, week=at(2025, 3, 3).date(), kind=TopicKind.NEW, key="cheque",
        count=5,
    )  # fmt: skip
    page = client_for(world.cx_lead).get(
        reverse("insights_dashboard", args=["caisse"]) + "?" + MARCH
    )
    html = page.content.decode()
    assert "What comments talk about" in html
    assert "Wait time" in html
    assert "1 emerging topic in the week of March 3, 2025" in html


def test_explorer_filters_by_theme_and_sentiment_and_marks_the_evidence(world, client_for, march):
    client = client_for(world.cx_lead)
    url = reverse("insights_verbatims", args=["caisse"])
    page = client.get(f"{url}?{MARCH}&theme=wait_time&sentiment=negative")
    html = page.content.decode()
    assert page.context["total"].count == 2
    assert "<mark>Attente</mark> trop longue au comptoir" in html
    assert "<mark>Attente</mark> longue, mauvais <mark>accueil</mark>" in html
    assert "Bon conseil" not in html
    assert '<li class="badge">Negative</li>' in html


def test_emerging_topics_show_with_examples_the_viewer_may_see(world, client_for, march):
    wait = Theme.objects.get(organization=world.org, code="wait_time")
    EmergingTopic.objects.create(
        organization=world.org,
        week=at(2025, 3, 3).date(),
        kind=TopicKind.RISING,
        key="wait_time",
        theme=wait,
        count=3,
        share=0.6,
        baseline_mean=0.1,
        example_ids=march[:2] + [march[4]],
    )
    html = client_for(world.branch_manager).get(reverse("textai_themes", args=["caisse"])).content
    html = html.decode()
    assert "Thème en hausse</span> Temps d&#x27;attente" in html
    assert "Attente trop longue au comptoir" in html
    assert "Attente correcte" not in html  # Verdun's example is outside her subtree


def test_an_employee_without_the_permission_cannot_open_settings(world, client_for, march):
    client = client_for(world.employee)
    assert client.get(reverse("textai_themes", args=["caisse"])).status_code == 200
    assert client.get(reverse("textai_settings", args=["caisse"])).status_code == 404


def test_themes_page_query_count_does_not_grow_with_comments(
    world, client_for, march, fake_engine, django_assert_max_num_queries
):
    client = client_for(world.cx_lead)
    url = reverse("textai_themes", args=["caisse"]) + "?" + MARCH
    client.get(url)
    with django_assert_max_num_queries(14) as before:
        client.get(url)
    ids = [comment(world.org, world.b1, f"Attente {i}", nps=i % 11, when=at(2025, 3, 20)).pk
           for i in range(30)]  # fmt: skip
    processing.analyse_responses(organization=world.org, response_ids=ids)
    with django_assert_max_num_queries(len(before)):
        client.get(url)
