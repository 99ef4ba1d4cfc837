"""Rollups follow new responses through feedback's hooks, with no manual rebuild."""

import pytest
from django.db.models import Sum

from sillage.feedback.definition import validate_answers
from sillage.feedback.services import response_create
from sillage.feedback.tests.factories import build_feedback


@pytest.mark.django_db(transaction=True)
def test_a_new_response_reaches_the_rollups(world):
    from sillage.insights import models as insights_models

    rollup = next(
        m
        for m in vars(insights_models).values()
        if isinstance(m, type)
        and hasattr(m, "_meta")
        and not m._meta.abstract
        and any(f.name == "detractors" for f in m._meta.get_fields())
    )
    feedback = build_feedback(world.org, world.b1)
    before = rollup.objects.filter(organization=world.org).aggregate(d=Sum("detractors"))["d"]
    response_create(
        organization=world.org,
        unit=world.b1,
        touchpoint=feedback.touchpoint,
        source="link",
        validated=validate_answers(feedback.version.definition, {"nps": "2"}),
        language="fr",
        survey_version=feedback.version,
    )
    after = rollup.objects.filter(organization=world.org).aggregate(d=Sum("detractors"))["d"]
    assert (before or 0) + 1 == after


@pytest.mark.django_db(transaction=True)
def test_a_new_time_zone_moves_responses_to_their_new_local_day(world, client):
    """03:30 UTC on 14 March is still the 13th in Toronto but already the 14th in Paris:
    saving the organisation's new time zone rebuilds the rollups on the new days."""
    from datetime import UTC, date, datetime

    from sillage.insights.models import OrgDayRollup

    feedback = build_feedback(world.org, world.b1)
    world.org.time_zone = "America/Toronto"
    world.org.save()
    response_create(
        organization=world.org,
        unit=world.b1,
        touchpoint=feedback.touchpoint,
        source="link",
        validated=validate_answers(feedback.version.definition, {"nps": "2"}),
        language="fr",
        survey_version=feedback.version,
        submitted_at=datetime(2025, 3, 14, 3, 30, tzinfo=UTC),
    )

    def detractor_days() -> set[date]:
        rows = OrgDayRollup.objects.filter(organization=world.org, detractors__gt=0)
        return set(rows.values_list("day", flat=True))

    assert date(2025, 3, 13) in detractor_days()
    client.force_login(world.admin)
    form = {
        "name": world.org.name,
        "default_language": world.org.default_language,
        "time_zone": "Europe/Paris",
        "anonymity_threshold": world.org.anonymity_threshold,
        "brand_colour": world.org.brand_colour or "#1f5f8b",
        "contact_frequency_days": world.org.contact_frequency_days,
    }
    response = client.post(f"/o/{world.org.slug}/settings/", form, follow=True)
    assert response.status_code == 200
    assert "Europe/Paris" in response.content.decode()
    assert date(2025, 3, 14) in detractor_days()
    assert date(2025, 3, 13) not in detractor_days()
