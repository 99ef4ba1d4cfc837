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
