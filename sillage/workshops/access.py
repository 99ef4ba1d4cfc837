"""Who may see, facilitate and take part in a workshop.

- See: a role with VIEW_WORKSHOPS whose scope covers the workshop's unit, or a facilitator
  (the membership flag makes one an organisation-wide facilitator, like an outside consultant).
- Facilitate: the workshop's facilitator, a facilitator-flagged membership, or a role with
  RUN_WORKSHOPS covering the unit.
- Take part: an active member of the workshop's unit itself.
Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sillage.accounts.models import Role
from sillage.accounts.scope import Perm, Scope, scope_for
from sillage.workshops.models import TeamAction, Workshop


def is_facilitator_member(scope: Scope) -> bool:
    return bool(scope.membership and scope.membership.is_facilitator)


def visible_workshops(scope: Scope) -> QuerySet[Workshop]:
    if is_facilitator_member(scope):
        return Workshop.objects.for_organization(scope.organization)
    if not scope.can(Perm.VIEW_WORKSHOPS):
        return Workshop.objects.none()
    return Workshop.objects.for_scope(scope)


def get_workshop(scope: Scope, workshop_id: object) -> Workshop:
    workshop = (
        visible_workshops(scope)
        .select_related("unit__parent", "facilitator")
        .filter(pk=workshop_id)
        .first()
    )
    if workshop is None:
        raise Http404
    return workshop


def can_run_in(scope: Scope, unit) -> bool:
    if is_facilitator_member(scope):
        return unit.organization_id == scope.organization.pk
    return scope.can(Perm.RUN_WORKSHOPS) and scope.covers(unit)


def can_facilitate(scope: Scope, workshop: Workshop) -> bool:
    if scope.membership is not None and workshop.facilitator_id == scope.membership.user_id:
        return True
    return can_run_in(scope, workshop.unit)


def is_participant(scope: Scope, workshop: Workshop) -> bool:
    membership = scope.membership
    return bool(
        membership is not None and membership.is_active and membership.unit_id == workshop.unit_id
    )


def require_facilitator(scope: Scope, workshop: Workshop) -> None:
    if not can_facilitate(scope, workshop):
        raise Http404


def require_participant(scope: Scope, workshop: Workshop) -> None:
    if not is_participant(scope, workshop):
        raise Http404


def workshop_scope(workshop: Workshop) -> Scope:
    """The scope the workshop reads customer figures with: its unit and subtree, whoever
    looks (a facilitator from head office sees the team's figures for the session)."""
    return scope_for(organization=workshop.organization, role=Role.MANAGER, unit=workshop.unit)


def visible_actions(scope: Scope) -> QuerySet[TeamAction]:
    if not scope.can(Perm.VIEW_WORKSHOPS) and not is_facilitator_member(scope):
        return TeamAction.objects.none()
    if is_facilitator_member(scope):
        return TeamAction.objects.for_organization(scope.organization)
    return TeamAction.objects.for_scope(scope)


def get_action(scope: Scope, action_id: object) -> TeamAction:
    action = visible_actions(scope).select_related("unit", "workshop").filter(pk=action_id).first()
    if action is None:
        raise Http404
    return action


def can_edit_action(scope: Scope, action: TeamAction) -> bool:
    """Owners, members of the team and those who run workshops for it keep the board."""
    membership = scope.membership
    if membership is not None and (
        membership.unit_id == action.unit_id or action.owners.filter(pk=membership.user_id).exists()
    ):
        return True
    return can_run_in(scope, action.unit)


def only(request, method: str):
    """The method check, made after the object lookup: a foreign id is a 404 whatever the
    method (a 405 first would confirm that the route exists for it)."""
    from django.http import HttpResponseNotAllowed

    if request.method != method:
        return HttpResponseNotAllowed([method])
    return None
