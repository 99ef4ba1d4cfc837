"""The tick: warnings before a breach, escalation up the tree to the top, digests."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from sillage.cases.models import Case, CaseEvent, NotificationPreference
from sillage.cases.sla import digests_send, escalate_due, warn_due
from sillage.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

# Tuesday 24 November 2026, 9:00 in Montréal.
OPENED = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def test_deadlines_are_two_and_five_business_days(world):
    case = make_case(world.org, world.b1, now=OPENED)
    assert case.first_contact_due == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thursday 9:00
    assert case.resolution_due == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # next Tuesday
    # 75 % of 17 business hours = 12 h 45 after Tuesday 9:00: Wednesday 13:15.
    assert case.warn_at == datetime(2026, 11, 25, 18, 15, tzinfo=UTC)


def test_owner_is_warned_once(world):
    case = make_case(world.org, world.b1, now=OPENED)
    assert warn_due(now=case.warn_at - timedelta(minutes=1)) == 0
    assert warn_due(now=case.warn_at) == 1
    assert warn_due(now=case.warn_at + timedelta(minutes=1)) == 0
    assert CaseEvent.objects.filter(case=case, kind="warned").count() == 1


def test_escalation_climbs_the_tree_to_the_cx_lead_then_stops(world):
    case = make_case(world.org, world.b1, now=OPENED)
    assert case.owner == world.branch_manager
    chain = []
    now = case.first_contact_due
    for _ in range(5):
        escalate_due(now=now)
        case.refresh_from_db()
        chain.append(case.escalated_to)
        now = (case.next_escalation_at or now) + timedelta(minutes=1)
    # B1 (Béatrice) → R1 (Rémi) → HQ has no manager → CX lead → admin → top: stays there.
    assert chain == [
        world.regional_manager,
        world.cx_lead,
        world.admin,
        world.admin,
        world.admin,
    ]
    assert case.escalation_level == 3
    assert case.breached_at == case.first_contact_due
    assert case.owner == world.branch_manager
    assert set(case.watchers.all()) == {world.regional_manager, world.cx_lead, world.admin}
    assert CaseEvent.objects.filter(case=case, kind="escalated").count() == 3


def test_two_ticks_at_once_escalate_once(world):
    case = make_case(world.org, world.b1, now=OPENED)
    stale = Case.objects.get(pk=case.pk)
    from sillage.cases.services import OrgContext
    from sillage.cases.sla import case_escalate

    context = OrgContext(world.org)
    assert case_escalate(case=case, now=case.first_contact_due, context=context) is True
    # The second machine read the row before the first one wrote it.
    assert case_escalate(case=stale, now=case.first_contact_due, context=context) is False
    case.refresh_from_db()
    assert case.escalation_level == 1


def test_resolved_cases_are_never_escalated(world):
    from sillage.cases.services_work import case_change_status

    case = make_case(world.org, world.b1, now=OPENED)
    case_change_status(
        case=case, to_status="resolved", expected_status="new", user=None, resolution="Réglé"
    )
    assert escalate_due(now=case.resolution_due + timedelta(days=30)) == 0


def test_sillage_tick_command_runs_the_jobs(world):
    case = make_case(world.org, world.b1, now=OPENED - timedelta(days=30))
    call_command("sillage_tick", verbosity=0)
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert case.breached_at is not None


def test_digest_once_a_day_after_seven(world, mailoutbox):
    make_case(world.org, world.b1, now=OPENED)
    NotificationPreference.objects.create(
        organization=world.org, user=world.branch_manager, daily_digest=True
    )
    early = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 6:00 in Montréal
    assert digests_send(now=early) == 0
    assert digests_send(now=early + timedelta(hours=2)) == 1
    assert digests_send(now=early + timedelta(hours=5)) == 0
    assert mailoutbox[0].subject == "Vos dossiers ouverts aujourd’hui : 1"


def test_a_case_taken_by_an_executive_escalates_to_the_cx_lead(world):
    from sillage.cases.services_work import case_leader_join

    case = make_case(world.org, world.b1, now=OPENED)
    case_leader_join(case=case, leader=world.executive, take=True, now=OPENED)
    escalate_due(now=case.first_contact_due)
    case.refresh_from_db()
    assert (case.owner, case.escalated_to) == (world.executive, world.cx_lead)


def test_running_the_tick_twice_changes_nothing_the_second_time(world):
    case = make_case(world.org, world.b1, now=OPENED)
    now = case.first_contact_due + timedelta(minutes=5)
    assert warn_due(now=now) == 0  # the deadline passed: no late warning
    assert escalate_due(now=now) == 1
    assert escalate_due(now=now) == 0
    assert CaseEvent.objects.filter(case=case, kind="escalated").count() == 1
