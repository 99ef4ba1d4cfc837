"""Rollups: incremental refreshes equal a full rebuild, local days, history that follows a
unit, invitations, the periodic safety net and the rebuild command."""

import random
from datetime import UTC, date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from sillage.accounts.models import Unit
from sillage.accounts.scope import scope_for_membership
from sillage.feedback.models import ImportJob, Invitation, InvitationStatus, Response
from sillage.insights import rollups
from sillage.insights.listeners import refresh_rollups_for_responses
from sillage.insights.metrics import Counts
from sillage.insights.models import (
    DayRollup,
    InvitationDayRollup,
    OrgDayRollup,
    RollupCursor,
    TouchpointDayRollup,
    UnitDayRollup,
    VerbatimIndex,
)
from sillage.insights.selectors import Filters, aggregate
from sillage.insights.services import (
    rollups_rebuild,
    rollups_refresh_days,
    rollups_refresh_import,
    rollups_refresh_responses,
)
from sillage.insights.tests.factories import TORONTO, add_response, at, build_catalogue

TABLES = (OrgDayRollup, UnitDayRollup, TouchpointDayRollup, DayRollup, InvitationDayRollup)


def snapshot():
    """Every rollup row and every indexed comment, without the ids they happen to get."""
    state = {}
    for model in TABLES:
        fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        state[model.__name__] = sorted(
            model.objects.values_list(*fields), key=lambda row: tuple(map(str, row))
        )
    state["verbatims"] = sorted(
        VerbatimIndex.objects.values_list("response_id", "organization_id", "folded")
    )
    return state


def scope_of(world, user):
    return scope_for_membership(world.membership(user))


def march(**extra):
    return Filters(start=date(2025, 3, 1), end=date(2025, 3, 31), **extra)


@pytest.mark.django_db
def test_incremental_refreshes_equal_a_full_rebuild_after_random_inserts(world):
    cat = build_catalogue(world.org)
    rng = random.Random(4)
    units = [world.hq, world.b1, world.b2, world.b3, world.t1]
    start = at(2025, 1, 30, 0)
    for _batch in range(5):
        new = []
        for _ in range(40):
            new.append(
                add_response(
                    world.org,
                    rng.choice(units),
                    start + timedelta(minutes=rng.randrange(60 * 24 * 45)),
                    nps=rng.choice([None, *range(11)]),
                    csat=rng.choice([None, 1, 2, 3, 4, 5]),
                    ces=rng.choice([None, *range(1, 8)]),
                    comment=rng.choice(["", "", "Très bien", "Attente trop longue"]),
                    touchpoint=rng.choice([None, cat.counter, cat.desk, cat.app]),
                    survey=rng.choice([None, cat.survey]),
                    language=rng.choice(["fr", "en"]),
                    employee_code=rng.choice(["", "", "E1", "E2"]),
                ).pk
            )
        assert rollups_refresh_responses(response_ids=new) > 0
    # Delete a few: refreshing their days takes them out again.
    gone = list(Response.objects.order_by("?")[:7].values_list("pk", "submitted_at"))
    Response.objects.filter(pk__in=[pk for pk, _ in gone]).delete()
    rollups_refresh_days(
        organization=world.org, days={rollups.local_day(t, TORONTO) for _, t in gone}
    )
    incremental = snapshot()
    assert UnitDayRollup.objects.aggregate(n=Sum("n"))["n"] == 193  # 200 - 7
    rollups_rebuild(organization=world.org)
    assert snapshot() == incremental
    rollups_rebuild(organization=world.org)  # idempotent
    assert snapshot() == incremental


@pytest.mark.django_db
def test_the_response_task_refreshes_its_day_and_is_safe_to_run_twice(world):
    response = add_response(world.org, world.b1, at(2025, 3, 5), nps=10, comment="Bravo")
    refresh_rollups_for_responses.call(response_ids=[response.pk])
    first = snapshot()
    refresh_rollups_for_responses.call(response_ids=[response.pk])
    assert snapshot() == first
    row = UnitDayRollup.objects.get()
    assert (row.day, row.unit_id, row.n, row.promoters, row.comments) == (
        date(2025, 3, 5),
        world.b1.pk,
        1,
        1,
        1,
    )
    assert VerbatimIndex.objects.get().folded == " bravo "


@pytest.mark.django_db
def test_comments_are_indexed_ahead_of_the_refresh_and_only_once(world):
    """The coalesced pass folds new comments before the day's refresh (outside its
    transaction); indexing again, or the refresh after it, leaves one row per comment."""
    said = add_response(world.org, world.b1, at(2025, 3, 5), nps=3, comment="Déçu du délai")
    silent = add_response(world.org, world.b1, at(2025, 3, 5), nps=9, comment="")
    assert rollups.index_verbatims([said.pk, silent.pk]) == 1
    assert list(VerbatimIndex.objects.values_list("response_id", "folded")) == [
        (said.pk, " decu du delai ")
    ]
    assert rollups.index_verbatims([said.pk]) == 1  # already there: left as it is
    refresh_rollups_for_responses.call(response_ids=[said.pk, silent.pk])
    assert VerbatimIndex.objects.count() == 1
    assert UnitDayRollup.objects.get().comments == 1


@pytest.mark.django_db
def test_a_response_on_a_month_boundary_counts_in_the_organisations_local_month(world):
    scope = scope_of(world, world.admin)
    # 23:30 in Toronto on 31 January is 04:30 UTC on 1 February: January, locally.
    late = add_response(world.org, world.b1, at(2025, 1, 31, 23, 30), nps=10)
    early = add_response(world.org, world.b1, at(2025, 2, 1, 0, 10), nps=0)
    assert late.submitted_at.astimezone(UTC).month == 2
    rollups_refresh_responses(response_ids=[late.pk, early.pk])
    by_month = aggregate(scope, Filters(start=date(2025, 1, 1), end=date(2025, 2, 28)), ("month",))
    assert by_month[(date(2025, 1, 1),)].promoters == 1
    assert by_month[(date(2025, 1, 1),)].n == 1
    assert by_month[(date(2025, 2, 1),)].detractors == 1
    assert by_month[(date(2025, 2, 1),)].n == 1


@pytest.mark.django_db
def test_days_of_23_and_25_hours_around_daylight_saving_time(world):
    assert rollups.day_bounds(date(2025, 3, 9), TORONTO)[1] - rollups.day_bounds(
        date(2025, 3, 9), TORONTO
    )[0] == timedelta(hours=23)
    assert rollups.day_bounds(date(2025, 11, 2), TORONTO)[1] - rollups.day_bounds(
        date(2025, 11, 2), TORONTO
    )[0] == timedelta(hours=25)
    response = add_response(world.org, world.b1, at(2025, 11, 2, 23, 30), nps=9)
    rollups_refresh_responses(response_ids=[response.pk])
    assert UnitDayRollup.objects.get().day == date(2025, 11, 2)


@pytest.mark.django_db
def test_history_follows_a_unit_moved_to_another_region(world, insights):
    scope = scope_of(world, world.admin)

    def region_nps_n(region):
        return aggregate(scope, march(unit=Unit.objects.get(pk=region.pk))).get((), Counts()).nps_n

    assert (region_nps_n(world.r1), region_nps_n(world.r2)) == (20, 3)
    world.b3.move_to(world.r1)  # Limoilou joins Montréal: its March answers come along
    assert (region_nps_n(world.r1), region_nps_n(world.r2)) == (23, 0)


@pytest.mark.django_db
def test_invitations_give_the_response_rate_by_day_of_sending(world):
    from sillage.feedback.tests.factories import build_feedback

    feedback = build_feedback(world.org, world.b1)
    sent_at = at(2025, 3, 3, 9)
    for index in range(4):
        contact = feedback.contact.__class__.objects.create(
            organization=world.org, email=f"c{index}@example.com"
        )
        invitation = Invitation.objects.create(
            organization=world.org,
            contact=contact,
            survey=feedback.survey,
            unit=world.b1,
            touchpoint=feedback.touchpoint,
            status=InvitationStatus.SENT,
            sent_at=sent_at,
        )
        if index == 0:
            answer = add_response(
                world.org, world.b1, at(2025, 3, 9, 10), nps=9, invitation=invitation
            )
            Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.ANSWERED)
    rollups_refresh_responses(response_ids=[answer.pk])  # refreshes 9 March and 3 March
    row = InvitationDayRollup.objects.get()
    assert (row.day, row.sent, row.answered) == (date(2025, 3, 3), 4, 1)
    counts = aggregate(scope_of(world, world.admin), march()).get(())
    assert (counts.sent, counts.answered) == (4, 1)
    with_language = aggregate(scope_of(world, world.admin), march(language="fr")).get(())
    assert (with_language.sent, with_language.answered) == (0, 0)  # invitations: no language


@pytest.mark.django_db
def test_the_periodic_job_catches_responses_no_hook_saw(world):
    cat = build_catalogue(world.org)
    for day in range(1, 6):
        add_response(world.org, world.b2, at(2025, 3, day), nps=day, touchpoint=cat.counter)
    assert not UnitDayRollup.objects.exists()
    now = timezone.now()
    assert rollups.catch_up(now) == 5
    caught = snapshot()
    state = RollupCursor.objects.get(name=rollups.CURSOR_NAME)
    assert state.position == Response.objects.order_by("-pk").first().pk
    assert rollups.catch_up(now + timedelta(minutes=1)) == 0  # nothing new
    rollups_rebuild(organization=world.org)
    assert snapshot() == caught


@pytest.mark.django_db
def test_an_import_refreshes_every_day_it_spans(world):
    from django.core.files.base import ContentFile

    job = ImportJob.objects.create(
        organization=world.org, file=ContentFile(b"x", name="x.csv"), original_name="x.csv"
    )
    for day in (3, 17):
        add_response(world.org, world.b1, at(2025, 3, day), nps=9, import_job=job)
    assert rollups_refresh_import(import_job_id=job.pk) == 15
    assert sorted(UnitDayRollup.objects.values_list("day", flat=True)) == [
        date(2025, 3, 3),
        date(2025, 3, 17),
    ]
    assert rollups_refresh_import(import_job_id=0) == 0


@pytest.mark.django_db
def test_rebuild_command_for_one_organisation_since_a_day(world, insights):
    UnitDayRollup.objects.all().delete()
    out = StringIO()
    call_command("rebuild_rollups", org="caisse", since="2025-03-01", stdout=out)
    assert "caisse: 22 days" in out.getvalue()  # 1 to 22 March
    assert UnitDayRollup.objects.filter(day__lt=date(2025, 3, 1)).count() == 0  # left alone
    assert UnitDayRollup.objects.filter(day__gte=date(2025, 3, 1)).count() > 0
    call_command("rebuild_rollups", stdout=out)
    assert UnitDayRollup.objects.filter(day__lt=date(2025, 3, 1)).count() == 4
    assert RollupCursor.objects.get().position == Response.objects.order_by("-pk")[0].pk


@pytest.mark.django_db
def test_rebuild_command_refuses_bad_arguments_and_has_a_dry_run(world, insights):
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", since="31/03/2025")
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", org="nowhere")
    out = StringIO()
    before = snapshot()
    UnitDayRollup.objects.all().delete()
    call_command("rebuild_rollups", org="caisse", dry_run=True, stdout=out)
    assert "caisse: 27 responses would be summed" in out.getvalue()
    assert not UnitDayRollup.objects.exists()
    call_command("rebuild_rollups", org="caisse", stdout=out)
    assert snapshot() == before


def test_folding_lowers_case_and_drops_accents_and_punctuation():
    assert rollups.fold("Prêt HYPOTHÉCAIRE, très-bien!") == " pret hypothecaire tres bien "
    assert rollups.fold("Œuvre  cœur") == " oeuvre coeur "
    assert rollups.fold("") == "  "


@pytest.mark.django_db
def test_many_responses_over_many_days_are_refreshed_in_bulk(world, monkeypatch):
    """A demo load or a back-fill names thousands of responses over months: their ids are
    read in chunks, and one bulk rebuild from their first day replaces a refresh per day."""
    from sillage.insights import services

    monkeypatch.setattr(services, "ID_CHUNK", 7)
    ids = [
        add_response(world.org, world.b1, at(2025, 1, 1) + timedelta(days=day), nps=day % 11).pk
        for day in range(40)
    ]
    assert rollups_refresh_responses(response_ids=ids) == 40  # 1 January to 9 February
    bulk = snapshot()
    assert UnitDayRollup.objects.count() == 40
    rollups_rebuild(organization=world.org)
    assert snapshot() == bulk
