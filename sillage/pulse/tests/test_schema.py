"""The schema keeps its promise: nothing joins an anonymous answer back to a person."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse

from sillage.accounts.models import Membership, User
from sillage.pulse.models import Answer, Invitation, Participation, Response

ANONYMOUS = (Response, Answer)
PERSONAL = (User, Membership, Invitation, Participation)


def related_models(model) -> set:
    return {
        field.related_model
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None and field.concrete
    } | {m2m.related_model for m2m in model._meta.many_to_many}


def test_anonymous_tables_have_no_link_to_a_person_or_an_invitation():
    for model in ANONYMOUS:
        assert related_models(model).isdisjoint(PERSONAL), model.__name__
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "organization",
        "wave",
        "unit",
        "tenure",
        "enps",
        "know_can_gap",
        "comment",
    }
    assert {f.name for f in Answer._meta.concrete_fields} == {"response", "item", "value"}


def test_no_table_points_at_the_anonymous_ones_except_answers_at_their_response():
    pointers = [
        (model.__name__, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model in ANONYMOUS
    ]
    assert pointers == [("Answer", "response")]


def test_participation_records_who_answered_but_not_what_or_when():
    assert related_models(Participation).isdisjoint(ANONYMOUS)
    assert {f.name for f in Participation._meta.concrete_fields} == {
        "id",
        "organization",
        "wave",
        "membership",
    }


def test_no_time_is_kept_with_an_answer_or_a_participation():
    """Not even the day: the wave says when; a day would let a colleague who knows when
    someone answered pick out their response."""
    for model in (*ANONYMOUS, Participation):
        for field in model._meta.concrete_fields:
            assert not isinstance(
                field,
                models.DateTimeField | models.DateField | models.TimeField | models.DurationField,
            ), f"{model.__name__}.{field.name}"


def test_keys_do_not_follow_the_order_of_submission():
    assert isinstance(Response._meta.pk, models.UUIDField)
    assert isinstance(Participation._meta.pk, models.UUIDField)
    assert [f.name for f in Answer._meta.pk_fields] == ["response", "item"]
    assert not any(
        isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField)
        for m in (*ANONYMOUS, Participation)
        for f in m._meta.concrete_fields
    )


def test_one_participation_per_person_and_wave_is_enforced_by_the_database():
    constraints = {
        tuple(c.fields)
        for c in Participation._meta.constraints
        if isinstance(c, models.UniqueConstraint)
    }
    assert ("membership", "wave") in constraints


def test_the_django_admin_is_not_installed_and_pulse_registers_nothing():
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    assert not apps.get_app_config("pulse").path.endswith("admin.py")
    import importlib.util

    assert importlib.util.find_spec("sillage.pulse.admin") is None
