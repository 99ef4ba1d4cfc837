"""Loop metrics and the leaders' participation kept for the leadership scorecard."""

from datetime import UTC, datetime, timedelta

import pytest

from sillage.accounts.scope import scope_for_membership
from sillage.cases.defaults import policy_for
from sillage.cases.metrics import leader_case_stats, loop_metrics
from sillage.cases.models import RootCause
from sillage.cases.services_work import (
    case_change_status,
    case_leader_join,
    case_log_contact,
    follow_up_answer,
    follow_up_send,
)
from sillage.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 9:00 in Montréal


def test_metrics_with_exact_values(world):
    policy_for(world.org)
    causes = {c.code: c for c in RootCause.objects.filter(organization=world.org)}
    fast = make_case(world.org, world.b1, nps=2, now=MONDAY)
    case_log_contact(
        case=fast, author=None, channel="phone", outcome="reached", now=MONDAY + timedelta(hours=3)
    )
    case_leader_join(case=fast, leader=world.executive, take=True, now=MONDAY)
    case_change_status(
        case=fast,
        to_status="resolved",
        expected_status="contacted",
        user=None,
        resolution="OK",
        root_cause=causes["attente"],
        now=MONDAY + timedelta(hours=5),
    )
    follow_up_send(case=fast, now=MONDAY + timedelta(hours=5))
    fast.refresh_from_db()
    follow_up_answer(follow_up=fast.follow_up, resolved=True, nps=8)
    slow = make_case(world.org, world.b2, nps=5, now=MONDAY)
    # Friday 9:00 is 4 business days later: past the 2-day first-contact delay.
    case_log_contact(
        case=slow, author=None, channel="email", outcome="no_answer", now=MONDAY + timedelta(days=4)
    )
    case_change_status(
        case=slow,
        to_status="resolved",
        expected_status="new",
        user=None,
        resolution="OK",
        root_cause=causes["attente"],
        now=MONDAY + timedelta(days=4),
    )
    other = make_case(world.org, world.b2, nps=9, now=MONDAY)
    case_change_status(
        case=other,
        to_status="resolved",
        expected_status="new",
        user=None,
        resolution="OK",
        root_cause=causes["frais"],
        now=MONDAY + timedelta(days=1),
    )

    scope = scope_for_membership(world.membership(world.cx_lead))
    metrics = loop_metrics(scope, since=MONDAY - timedelta(days=1))
    assert (metrics.detractor_cases, metrics.contacted_in_sla, metrics.contacted_in_sla_pct) == (
        2,
        1,
        50.0,
    )
    assert metrics.median_first_contact_hours == (3 + 4 * 8.5) / 2  # business hours
    assert (metrics.follow_ups_answered, metrics.recovered, metrics.recovery_pct) == (1, 1, 100.0)
    assert [(r["root_cause"].code, r["count"], r["cumulative_pct"]) for r in metrics.pareto] == [
        ("attente", 2, 66.7),
        ("frais", 1, 100.0),
    ]
    assert leader_case_stats(world.org) == {"count": 1, "closed": 1, "median_close_hours": 5.0}

    branch = scope_for_membership(world.membership(world.branch_manager))
    assert loop_metrics(branch, since=MONDAY - timedelta(days=1)).detractor_cases == 1


def test_a_time_zone_change_applies_to_new_cases_only(world):
    before = make_case(world.org, world.b1, now=MONDAY)
    world.org.time_zone = "America/Vancouver"
    world.org.save()
    after = make_case(world.org, world.b1, now=MONDAY)
    before.refresh_from_db()
    assert before.first_contact_due == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    # 6:00 in Vancouver: the clock starts at 8:30 Pacific; 17 business hours end on Tuesday
    # at 17:00 Pacific, which is Wednesday 1:00 UTC.
    assert after.first_contact_due == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
