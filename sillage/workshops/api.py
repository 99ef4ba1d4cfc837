"""Workshops and team actions in the JSON API at /api/v1/.

Scoped to the token's units. Individual predictions, votes and feedback answers are never
exposed: a workshop carries counts, the team's ideas and its actions only.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Router, Schema

from sillage.workshops.access import get_workshop, visible_actions, visible_workshops
from sillage.workshops.models import TeamAction, Workshop

router = Router(tags=["workshops"])
LIMIT = 500


class WorkshopOut(Schema):
    id: int
    unit_id: int
    title: str
    scheduled_at: datetime
    mode: str
    metric: str
    step: str
    votes_per_person: int
    closed_at: datetime | None
    participants: int
    ideas: int
    parked_ideas: int
    actions: int


class IdeaOut(Schema):
    id: int
    pillar: str
    text: str
    status: str
    parked_reason: str
    votes: int


class WorkshopDetailOut(WorkshopOut):
    touchpoint_ids: list[int]
    ideas_list: list[IdeaOut]


class TeamActionOut(Schema):
    id: int
    unit_id: int
    workshop_id: int | None
    title: str
    pillar: str
    first_step: str
    due_date: date
    status: str
    dropped_reason: str
    owner_ids: list[int]
    response_ids: list[int]
    shared: bool
    adopted_from_id: int | None
    created_at: datetime
    done_at: datetime | None


def _annotated(qs):
    return qs.annotate(
        n_participants=Count("participants", distinct=True),
        n_ideas=Count("ideas", distinct=True),
        n_parked=Count("ideas", filter=Q(ideas__status="parked"), distinct=True),
        n_actions=Count("actions", distinct=True),
    )


def _workshop(w) -> dict:
    return {
        "id": w.pk,
        "unit_id": w.unit_id,
        "title": w.title,
        "scheduled_at": w.scheduled_at,
        "mode": w.mode,
        "metric": w.metric,
        "step": w.step,
        "votes_per_person": w.votes_per_person,
        "closed_at": w.closed_at,
        "participants": w.n_participants,
        "ideas": w.n_ideas,
        "parked_ideas": w.n_parked,
        "actions": w.n_actions,
    }


@router.get("/workshops", response=list[WorkshopOut])
def list_workshops(request: HttpRequest):
    # GROUP BY queries ignore Meta.ordering: say it, so that every database lists alike.
    workshops = _annotated(visible_workshops(request.auth)).order_by(*Workshop._meta.ordering)
    return [_workshop(w) for w in workshops[:LIMIT]]


@router.get("/workshops/{workshop_id}", response=WorkshopDetailOut)
def get_workshop_detail(request: HttpRequest, workshop_id: int):
    workshop = get_workshop(request.auth, workshop_id)
    workshop = _annotated(type(workshop).objects.filter(pk=workshop.pk)).get()
    ideas = workshop.ideas.annotate(n_votes=Count("votes")).order_by("created_at", "id")
    return {
        **_workshop(workshop),
        "touchpoint_ids": sorted(workshop.touchpoints.values_list("pk", flat=True)),
        "ideas_list": [
            {
                "id": i.pk,
                "pillar": i.pillar,
                "text": i.text,
                "status": i.status,
                "parked_reason": i.parked_reason() if i.status == "parked" else "",
                "votes": i.n_votes,
            }
            for i in ideas
        ],
    }


@router.get("/team-actions", response=list[TeamActionOut])
def list_team_actions(request: HttpRequest, status: str | None = None, unit_id: int | None = None):
    actions = visible_actions(request.auth).prefetch_related("owners")
    if status:
        actions = actions.filter(status=status)
    if unit_id is not None:
        unit = request.auth.get_unit(unit_id)
        actions = actions.filter(unit__path__startswith=unit.path)
    return [_action(a) for a in actions[:LIMIT]]


def _action(a: TeamAction) -> dict:
    return {
        "id": a.pk,
        "unit_id": a.unit_id,
        "workshop_id": a.workshop_id,
        "title": a.title,
        "pillar": a.pillar,
        "first_step": a.first_step,
        "due_date": a.due_date,
        "status": a.status,
        "dropped_reason": a.dropped_reason,
        "owner_ids": sorted(o.pk for o in a.owners.all()),
        "response_ids": list(a.response_ids or []),
        "shared": a.shared,
        "adopted_from_id": a.adopted_from_id,
        "created_at": a.created_at,
        "done_at": a.done_at,
    }
