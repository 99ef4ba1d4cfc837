"""Alert rules on new responses: cases with consent, flags without, never twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sillage.cases.defaults import policy_for
from sillage.cases.models import AlertRule, Case, CaseEvent, Flag
from sillage.cases.services import alerts_apply, rule_preview
from sillage.cases.tests.factories import make_response
from sillage.feedback import hooks

pytestmark = pytest.mark.django_db


def test_defaults_are_seeded_once_per_organisation(world):
    policy_for(world.org)
    policy_for(world.org)
    names = list(AlertRule.objects.filter(organization=world.org).values_list("name_en", flat=True))
    assert names[:3] == ["Detractors (NPS 0–6)", "Dissatisfied (CSAT 1–2)", "High effort (CES 1–2)"]
    assert len(names) == 7
    assert AlertRule.objects.filter(organization=world.other_org).count() == 0


def test_a_detractor_with_consent_gets_a_case_owned_by_the_branch_manager(
    world, django_capture_on_commit_callbacks
):
    response = make_response(world.org, world.b1, nps=2)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.responses_recorded([response.pk])
    case = Case.objects.get(response=response)
    assert (case.owner, case.unit, case.priority, case.status) == (
        world.branch_manager,
        world.b1,
        "normal",
        "new",
    )
    assert list(case.rules.values_list("name_en", flat=True)) == ["Detractors (NPS 0–6)"]
    assert CaseEvent.objects.filter(case=case, kind="opened").count() == 1


def test_without_consent_the_response_is_flagged_without_a_case(world):
    response = make_response(world.org, world.b1, nps=1, consent=False)
    assert alerts_apply(response_ids=[response.pk]) == {"cases": 0, "flags": 1}
    flag = Flag.objects.get(response=response)
    assert (flag.unit, flag.rule.name_en) == (world.b1, "Detractors (NPS 0–6)")
    assert not Case.objects.exists()


def test_the_listener_running_twice_opens_one_case(world):
    response = make_response(world.org, world.b1, nps=0)
    assert alerts_apply(response_ids=[response.pk])["cases"] == 1
    assert alerts_apply(response_ids=[response.pk])["cases"] == 0
    assert Case.objects.filter(response=response).count() == 1


@pytest.mark.parametrize(
    ("comment", "language"),
    [("C'est de la FRAUDE, je vais appeler un avocat", "fr"), ("This is fraud.", "en")],
)
def test_keyword_rules_match_in_french_and_english_with_urgent_priority(world, comment, language):
    response = make_response(world.org, world.b2, nps=9, comment=comment, language=language)
    alerts_apply(response_ids=[response.pk])
    case = Case.objects.get(response=response)
    assert case.priority == "urgent"
    # B2 has no manager: the regional manager above it owns the case.
    assert case.owner == world.regional_manager


def test_a_unit_with_no_manager_up_the_tree_goes_to_the_cx_lead(world):
    response = make_response(world.org, world.b3, nps=4)
    alerts_apply(response_ids=[response.pk])
    assert Case.objects.get(response=response).owner == world.cx_lead


def test_happy_customers_and_old_responses_open_nothing(world):
    happy = make_response(world.org, world.b1, nps=10, comment="Parfait, merci")
    old = make_response(
        world.org, world.b1, nps=0, submitted_at=timezone.now() - timedelta(days=30)
    )
    assert alerts_apply(response_ids=[happy.pk, old.pk]) == {"cases": 0, "flags": 0}


def test_the_listener_batches_its_queries(world, django_assert_max_num_queries):
    responses = [make_response(world.org, world.b1, nps=9) for _ in range(40)]
    policy_for(world.org)
    with django_assert_max_num_queries(8):
        alerts_apply(response_ids=[r.pk for r in responses])


def test_journey_and_touchpoint_conditions(world):
    from sillage.feedback.tests.factories import build_feedback

    feedback = build_feedback(world.org, world.b1)
    rule = AlertRule.objects.create(
        organization=world.org,
        name_fr="Comptoir",
        touchpoint=feedback.touchpoint,
        csat_min=1,
        csat_max=3,
        priority="high",
    )
    policy_for(world.org)
    at_counter = make_response(
        world.org, world.b1, nps=None, csat=3, touchpoint=feedback.touchpoint
    )
    elsewhere = make_response(world.org, world.b1, nps=None, csat=3)
    alerts_apply(response_ids=[at_counter.pk, elsewhere.pk])
    assert list(Case.objects.values_list("response_id", flat=True)) == [at_counter.pk]
    assert Case.objects.get().rules.get() == rule


def test_preview_counts_the_last_90_days(world):
    make_response(world.org, world.b1, nps=2, comment="Frais abusifs")
    make_response(world.org, world.b1, nps=5, consent=False)
    make_response(world.org, world.b1, nps=8)
    make_response(world.org, world.b1, nps=1, submitted_at=timezone.now() - timedelta(days=91))
    make_response(world.other_org, world.other_unit, nps=1)
    rule = AlertRule(organization=world.org, nps_min=0, nps_max=6)
    assert rule_preview(rule=rule, organization=world.org) == {
        "matched": 2,
        "consent": 1,
        "days": 90,
    }
    words_rule = AlertRule(organization=world.org, keywords="frais")
    assert rule_preview(rule=words_rule, organization=world.org)["matched"] == 1
