"""What the cross-tenant crawl (tests/test_cross_tenant.py) needs from this app.

`populate(world)` creates this app's objects in both organisations; OTHER_ORG_VALUES names,
for each URL parameter this app introduces, another organisation's object.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from sillage.workshops.models import Idea, TeamAction, Workshop

OTHER_ORG_VALUES: dict[str, Callable[[object], object]] = {
    "workshop_id": lambda w: w.other_workshop.pk,
    "idea_id": lambda w: w.other_idea.pk,
    "action_id": lambda w: w.other_action.pk,
}
EXEMPT: dict[str, str] = {}


def _objects(org, unit):
    workshop = Workshop.objects.create(
        organization=org, unit=unit, title="Atelier", scheduled_at=timezone.now(), step="ideas"
    )
    idea = Idea.objects.create(
        organization=org, workshop=workshop, pillar="vouloir", text="Idée",
        concrete=True, immediate=True, own_power=True,
    )  # fmt: skip
    action = TeamAction.objects.create(
        organization=org, unit=unit, workshop=workshop, idea=idea, title="Action",
        pillar="vouloir", first_step="Un pas", due_date=date(2030, 1, 1), shared=True,
    )  # fmt: skip
    return workshop, idea, action


def populate(world) -> None:
    world.other_workshop, world.other_idea, world.other_action = _objects(
        world.other_org, world.other_unit
    )
    world.own_workshop, world.own_idea, world.own_action = _objects(world.org, world.b1)
