"""Campaigns, waves and answers: the writes and their rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sillage.accounts.models import Membership
from sillage.pulse import services
from sillage.pulse.models import (
    Answer,
    CampaignStatus,
    Invitation,
    Participation,
    Response,
    WaveNode,
    WaveStatus,
)
from sillage.pulse.tests.factories import (
    add_people,
    answer,
    core_items,
    invitation_for,
    make_campaign,
    open_wave,
)

pytestmark = pytest.mark.django_db


def test_opening_locks_the_organisations_threshold_on_the_campaign_and_wave(world):
    world.org.anonymity_threshold = 7
    world.org.save()
    campaign = make_campaign(world.org, comment_threshold=8)
    assert campaign.anonymity_threshold is None
    wave = services.campaign_open(campaign=campaign)
    campaign.refresh_from_db()
    assert (campaign.anonymity_threshold, campaign.comment_threshold) == (7, 8)
    assert (wave.anonymity_threshold, wave.comment_threshold) == (7, 8)
    world.org.anonymity_threshold = 3
    world.org.save()
    wave.refresh_from_db()
    assert wave.anonymity_threshold == 7


def test_comments_threshold_cannot_be_set_under_the_anonymity_threshold(world):
    with pytest.raises(ValidationError, match="seuil d’anonymat"):
        make_campaign(world.org, comment_threshold=4)


def test_a_recurring_window_must_end_before_the_next_period(world):
    start = timezone.now()
    with pytest.raises(ValidationError, match="27 jours"):
        make_campaign(
            world.org, recurrence="monthly", opens_at=start, closes_at=start + timedelta(days=30)
        )


def test_opening_invites_every_active_member_of_the_audience_subtree(world):
    wave = open_wave(world.org, audience=world.r1)
    invited = set(
        Invitation.objects.filter(wave=wave).values_list("membership__user__email", flat=True)
    )
    assert invited == {
        "remi@caisse.test",
        "beatrice@caisse.test",
        "emile@caisse.test",
        "victor@caisse.test",
    }
    assert wave.status == WaveStatus.OPEN


def test_a_future_campaign_is_scheduled_without_invitations(world):
    wave = open_wave(world.org, opens_at=timezone.now() + timedelta(days=2))
    assert wave.status == WaveStatus.SCHEDULED
    assert not Invitation.objects.filter(wave=wave).exists()


def test_answering_writes_anonymous_rows_and_a_separate_participation(world):
    wave = open_wave(world.org)
    employee = world.membership(world.employee)
    answer(
        wave, employee, value={"know": 5, "can": 2}, tenure="lt1", enps=9, comment="Plus de temps"
    )
    response = Response.objects.get(wave=wave)
    assert (
        response.unit,
        response.tenure,
        response.enps,
        response.know_can_gap,
        response.comment,
    ) == (
        world.b1,
        "lt1",
        9,
        3,
        "Plus de temps",
    )
    assert Answer.objects.filter(response=response).count() == 24
    assert list(Participation.objects.filter(wave=wave).values_list("membership", flat=True)) == [
        employee.pk
    ]


def test_a_second_answer_is_refused_and_leaves_no_trace(world):
    wave = open_wave(world.org)
    employee = world.membership(world.employee)
    answer(wave, employee)
    with pytest.raises(services.AlreadyAnswered):
        answer(wave, employee, value=1)
    assert Response.objects.filter(wave=wave).count() == 1
    assert Answer.objects.filter(response__wave=wave, value=1).count() == 0


def test_participation_and_answers_are_one_transaction(world, monkeypatch):
    """If the anonymous rows fail, the participation is rolled back too."""
    wave = open_wave(world.org)
    employee = world.membership(world.employee)

    def broken(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(Answer.objects, "bulk_create", broken)
    with pytest.raises(IntegrityError, match="disk full"):
        answer(wave, employee)
    assert not Participation.objects.filter(wave=wave).exists()
    assert not Response.objects.filter(wave=wave).exists()


def test_the_database_refuses_a_second_participation(world):
    wave = open_wave(world.org)
    employee = world.membership(world.employee)
    Participation.objects.create(organization=world.org, wave=wave, membership=employee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(organization=world.org, wave=wave, membership=employee)


def test_every_agreement_item_needs_an_answer(world):
    wave = open_wave(world.org)
    invitation = invitation_for(wave, world.membership(world.employee))
    with pytest.raises(ValidationError):
        services.response_submit(invitation=invitation, agreement={}, tenure="lt1", enps=5)
    assert not Participation.objects.exists()


def test_a_closed_wave_takes_no_answer(world):
    wave = open_wave(world.org)
    services.wave_close(wave=wave)
    with pytest.raises(services.WaveNotOpen):
        answer(wave, world.membership(world.employee))


def test_answers_count_for_the_unit_at_answer_time(world):
    wave = open_wave(world.org, audience=world.r1)
    employee = world.membership(world.employee)
    Membership.objects.filter(pk=employee.pk).update(unit=world.b2)  # moved within the audience
    answer(wave, employee)
    assert Response.objects.get().unit == world.b2
    sibling = world.membership(world.sibling_employee)
    Membership.objects.filter(pk=sibling.pk).update(unit=world.b3)  # left the audience
    answer(wave, sibling)
    assert set(Response.objects.values_list("unit__code", flat=True)) == {"B2"}


def test_closing_publishes_the_wave_under_its_threshold(world):
    people = add_people(world.org, world.b1, 4) + add_people(world.org, world.b2, 6)
    wave = open_wave(world.org)
    for person in people:
        answer(wave, person)
    services.wave_close(wave=wave)
    nodes = {
        (n.unit.code, n.tenure): n
        for n in WaveNode.objects.filter(wave=wave).select_related("unit")
    }
    assert (nodes[("B1", "")].visible, nodes[("B1", "")].n, nodes[("B1", "")].stats) == (
        False,
        0,
        {},
    )
    # B2 (6) would expose B1 (4) by subtraction from R1 (10): hidden with it.
    assert nodes[("B2", "")].visible is False
    assert (nodes[("R1", "")].visible, nodes[("R1", "")].n) == (True, 10)


def test_recurring_campaign_schedules_its_next_wave_once_the_current_one_opened(world):
    start = timezone.now() - timedelta(hours=1)
    campaign = make_campaign(
        world.org, recurrence="quarterly", opens_at=start, closes_at=start + timedelta(days=10)
    )
    first = services.campaign_open(campaign=campaign)
    second = services.campaign_schedule_next(campaign=campaign)
    assert second.number == 2 and second.status == WaveStatus.SCHEDULED
    assert second.opens_at.month == (first.opens_at.month + 2) % 12 + 1
    assert second.closes_at - second.opens_at == timedelta(days=10)
    assert services.campaign_schedule_next(campaign=campaign) is None  # wave 2 not open yet


def test_ending_a_campaign_closes_its_open_wave_and_drops_the_scheduled_one(world):
    start = timezone.now() - timedelta(hours=1)
    campaign = make_campaign(
        world.org, recurrence="monthly", opens_at=start, closes_at=start + timedelta(days=7)
    )
    wave = services.campaign_open(campaign=campaign)
    services.campaign_schedule_next(campaign=campaign)
    services.campaign_end(campaign=campaign)
    wave.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED
    assert list(campaign.waves.values_list("number", "status")) == [(1, WaveStatus.CLOSED)]


def test_only_a_draft_can_be_edited(world):
    campaign = make_campaign(world.org)
    services.campaign_open(campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        services.campaign_update(campaign=campaign, items=core_items(world.org), name_fr="Autre")


def test_items_of_another_organisation_are_refused(world):
    with pytest.raises(ValidationError):
        make_campaign(world.org, items=core_items(world.other_org))
