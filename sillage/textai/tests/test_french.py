"""The text analytics pages in French leave no English behind."""

from __future__ import annotations

import pytest

from sillage.insights.tests.factories import at
from sillage.textai import processing
from sillage.textai.models import EmergingTopic, Theme, TopicKind
from sillage.textai.tests.conftest import comment
from tests.test_i18n import english_left_behind

pytestmark = pytest.mark.django_db
MARCH = "from=2025-03-01&to=2025-03-31"


def test_text_analytics_pages_in_french(world, client, fake_engine):
    response = comment(world.org, world.b1, "Attente trop longue", nps=2, when=at(2025, 3, 3))
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    EmergingTopic.objects.create(
        organization=world.org,
        week=at(2025, 3, 3).date(),
        kind=TopicKind.RISING,
        key="wait_time",
        theme=Theme.objects.get(organization=world.org, code="wait_time"),
        count=6,
        share=0.3,
        baseline_mean=0.1,
        example_ids=[response.pk],
    )
    world.cx_lead.language = "fr"
    world.cx_lead.save(update_fields=["language"])
    client.force_login(world.cx_lead)
    # A theme written in French only: English keywords and examples are the organisation's
    # own content, marked lang="en" or shown as typed.
    local = Theme.objects.create(
        organization=world.org,
        code="local",
        name_fr="Caisse locale",
        keywords_fr=["caisse"],
        examples=["Ma caisse est proche."],
    )
    for path in (
        f"/o/caisse/insights/themes/?{MARCH}",
        f"/o/caisse/insights/themes/responses/{response.pk}/",
        "/o/caisse/insights/themes/settings/",
        "/o/caisse/insights/themes/settings/themes/new/",
        f"/o/caisse/insights/themes/settings/themes/{local.pk}/",
        f"/o/caisse/insights/verbatims/?{MARCH}&theme=wait_time&sentiment=negative",
        f"/o/caisse/insights/?{MARCH}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page["Content-Language"] == "fr"
        assert english_left_behind(page.content.decode()) == set(), path
