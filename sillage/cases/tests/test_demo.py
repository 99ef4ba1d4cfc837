"""The demo's closed loop at Caisse Horizon: open, closed, recovered and breached cases."""

import time

import pytest
from django.core.management import call_command
from django.db.models import Count

from sillage.accounts.models import Organization
from sillage.cases.models import Case, CaseEvent, FollowUp
from sillage.cases.services import alerts_apply
from sillage.demo.cases_demo import build_cases_demo, clear_cases_demo
from sillage.demo.generator import DEFAULT_SEED, DemoContext
from sillage.feedback.models import Response

pytestmark = pytest.mark.django_db


def test_demo_cases_tell_the_whole_story_quickly():
    call_command("seed_demo", verbosity=0)  # the cases step is registered by the lead
    horizon = Organization.objects.get(slug="horizon")
    Case.objects.filter(organization=horizon).delete()  # in case the step is registered
    CaseEvent.objects.filter(organization=horizon).delete()
    lines = []
    context = DemoContext(
        seed=DEFAULT_SEED, password_hash="x", log=lines.append, organizations={"horizon": horizon}
    )
    started = time.perf_counter()
    build_cases_demo(context=context)
    assert time.perf_counter() - started < 20
    cases = Case.objects.filter(organization=horizon)
    statuses = dict(cases.values_list("status").annotate(n=Count("pk")))
    assert statuses.get("closed", 0) >= 30 and statuses.get("resolved", 0) >= 5
    assert sum(statuses.get(s, 0) for s in ("new", "acknowledged", "contacted")) >= 5
    assert cases.filter(breached_at__isnull=False, escalated_to__isnull=False).count() >= 3
    assert cases.filter(leader_involved=True).count() >= 5
    assert cases.values("unit").distinct().count() >= 10
    recovered = [f for f in FollowUp.objects.filter(organization=horizon) if f.recovered]
    assert len(recovered) >= 5
    notes = CaseEvent.objects.filter(organization=horizon, kind__in=("note", "contact"))
    assert notes.filter(body__contains="membre").exists()
    assert "cases: Caisse Horizon" in lines[0]
    # The listener then runs on every demo response (after the demo commits): it finds the
    # recent ones handled, opens nothing, and stays cheap.
    every = list(Response.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    assert alerts_apply(response_ids=every)["cases"] == 0
    assert time.perf_counter() - started < 10
    assert clear_cases_demo(organizations=Organization.objects.filter(slug="horizon")) > 0
    assert not Case.objects.filter(organization=horizon).exists()
