"""Working a case: the first-contact clock, transitions, reopening, leaders, watchers."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from sillage.cases.services_work import (
    case_change_status,
    case_leader_join,
    case_log_contact,
    case_watch,
)
from sillage.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

OPENED = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # Tuesday 9:00 in Montréal


def test_a_voicemail_stops_the_first_contact_clock_but_keeps_the_status(world):
    case = make_case(world.org, world.b1, now=OPENED)
    case_log_contact(
        case=case,
        author=world.branch_manager,
        channel="phone",
        outcome="voicemail",
        now=OPENED + timedelta(hours=1),
    )
    assert (case.status, case.first_contacted_at) == ("new", OPENED + timedelta(hours=1))
    # From now on the warning and the escalation follow the resolution deadline.
    assert case.next_escalation_at == case.resolution_due
    assert case.warned_at is None and case.warn_at > case.first_contact_due


def test_impossible_transitions_are_refused(world):
    case = make_case(world.org, world.b1, now=OPENED)
    with pytest.raises(ValidationError):
        case_change_status(case=case, to_status="closed", expected_status="new", user=None)


def test_reopening_gives_a_new_resolution_delay(world):
    case = make_case(world.org, world.b1, now=OPENED)
    case_change_status(
        case=case,
        to_status="resolved",
        expected_status="new",
        user=None,
        resolution="Fait",
        now=OPENED + timedelta(hours=2),
    )
    reopened_at = OPENED + timedelta(days=7)
    case_change_status(
        case=case,
        to_status="acknowledged",
        expected_status="resolved",
        user=None,
        now=reopened_at,
    )
    assert (case.status, case.resolved_at) == ("acknowledged", None)
    # Five business days (42.5 h) from Tuesday 1 December 9:00: Tuesday 8 December 9:00.
    assert case.resolution_due == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    assert case.next_escalation_at == case.resolution_due


def test_joining_twice_keeps_one_watcher_and_one_flag(world):
    case = make_case(world.org, world.b1, now=OPENED)
    case_leader_join(case=case, leader=world.executive, take=False)
    case_leader_join(case=case, leader=world.executive, take=False)
    case_watch(case=case, user=world.executive, by=world.executive)
    assert list(case.watchers.all()) == [world.executive]
    assert case.leader_involved is True
