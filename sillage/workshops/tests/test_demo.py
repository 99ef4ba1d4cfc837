"""The workshops demo step on top of the rest of the demo (test volume)."""

import pytest
from django.utils import timezone

from sillage.accounts.models import Organization
from sillage.demo.generator import generate_demo
from sillage.demo.workshops_demo import clear_workshops_demo
from sillage.insights.services import rollups_rebuild
from sillage.workshops.followup import before_after
from sillage.workshops.models import ActionStatus, TeamAction, Workshop
from sillage.workshops.services_actions import reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The whole demo, the workshops step among its steps; returns its own duration."""
    lines: list[str] = []
    generate_demo(log=lines.append)
    horizon = Organization.objects.get(slug="horizon")
    step = next(line for line in lines if line.startswith("step workshops:"))
    elapsed = float(step.split(":")[1].strip().rstrip(" s"))
    rollups_rebuild(organization=horizon)
    return horizon, elapsed


def test_workshops_in_several_branches_with_actions_at_every_stage(demo):
    horizon, elapsed = demo
    assert elapsed < 5
    workshops = Workshop.objects.filter(organization=horizon)
    assert workshops.count() == 5
    assert workshops.filter(step="scheduled").count() == 1
    assert len({w.unit.parent_id for w in workshops}) == 4  # four branches
    statuses = set(TeamAction.objects.filter(organization=horizon).values_list("status", flat=True))
    assert statuses == set(ActionStatus.values)
    dropped = TeamAction.objects.get(organization=horizon, status="dropped")
    assert dropped.dropped_reason
    adopted = TeamAction.objects.get(organization=horizon, adopted_from__isnull=False)
    assert adopted.unit.code == "T-MTL-VILLERAY-CLIENTELE"
    assert adopted.adopted_from.shared is True


def test_the_plateau_team_scores_rose_after_its_workshop(demo):
    horizon, _ = demo
    workshop = Workshop.objects.get(organization=horizon, unit__code="T-MTL-PLATEAU-CLIENTELE")
    panel = before_after(workshop)
    assert panel.after.nps.value > panel.before.nps.value + 5
    assert panel.before.nps.n > 0 and panel.after.nps.n > 0


def test_loading_the_demo_sends_no_burst_of_old_reminders(demo, smtp_server):
    assert reminders_send(timezone.now()) == 0
    assert smtp_server == []


def test_clear_removes_workshops_and_actions(demo):
    horizon, _ = demo
    assert clear_workshops_demo(organizations=Organization.objects.filter(pk=horizon.pk)) > 0
    assert not Workshop.objects.filter(organization=horizon).exists()
