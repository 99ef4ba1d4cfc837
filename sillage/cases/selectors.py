"""Reads: which cases a viewer sees, who may see a customer's contact details, the inbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from sillage.accounts.models import Membership, Organization, Role, Unit, User
from sillage.accounts.scope import Scope
from sillage.cases.models import OPEN_STATUSES, Case, CaseQuerySet, Flag, Priority

CONTACT_ROLES = (Role.ADMIN, Role.CX_LEAD)
WORKER_ROLES = (Role.MANAGER, Role.EXECUTIVE, Role.CX_LEAD, Role.ADMIN)


def cases_for(scope: Scope) -> CaseQuerySet:
    return Case.objects.for_scope(scope)


def is_leader(scope: Scope) -> bool:
    return scope.role in (Role.EXECUTIVE, Role.ADMIN)


def contact_visible(scope: Scope, case: Case, user: User | None) -> bool:
    """Name, email and phone: the owner, watchers, managers of the unit or above it, CX leads
    and administrators. Everyone else (employees, executives who have not joined) sees none."""
    if scope.role in CONTACT_ROLES:
        return True
    if scope.role == Role.MANAGER and scope.covers(case.unit):
        return True
    if user is None:
        return False
    if case.owner_id == user.pk:
        return True
    return case.watchers.filter(pk=user.pk).exists()


def contact_visibility(scope: Scope, cases: Iterable[Case], user: User | None) -> dict[int, bool]:
    """`contact_visible` for many cases in one query."""
    cases = list(cases)
    watched: set[int] = set()
    if user is not None and scope.role not in CONTACT_ROLES:
        watched = set(
            Case.watchers.through.objects.filter(
                case_id__in=[c.pk for c in cases], user_id=user.pk
            ).values_list("case_id", flat=True)
        )
    result = {}
    for case in cases:
        result[case.pk] = (
            scope.role in CONTACT_ROLES
            or (scope.role == Role.MANAGER and scope.covers(case.unit))
            or (user is not None and case.owner_id == user.pk)
            or case.pk in watched
        )
    return result


def assignable_people(organization: Organization, unit: Unit) -> QuerySet[User]:
    """People who may own a case of `unit`: managers of it or above it, and org-wide roles."""
    memberships = Membership.objects.active().filter(organization=organization)
    covering = Q(role=Role.MANAGER, unit__path__in=unit.ancestor_paths()) | Q(
        role__in=(Role.EXECUTIVE, Role.CX_LEAD, Role.ADMIN)
    )
    user_ids = memberships.filter(covering).values("user_id")
    return User.objects.filter(pk__in=user_ids).order_by("last_name", "first_name", "email")


def watchable_people(organization: Organization, unit: Unit) -> QuerySet[User]:
    """Who may be added as a watcher: those who may own it, and the unit's own team."""
    team = Membership.objects.active().filter(organization=organization, unit=unit)
    return (
        assignable_people(organization, unit) | User.objects.filter(pk__in=team.values("user_id"))
    ).distinct()


def owners_for_scope(scope: Scope) -> QuerySet[User]:
    """People a viewer may reassign cases to (bulk): workers of the viewer's subtree."""
    memberships = Membership.objects.active().filter(organization=scope.organization)
    if scope.is_org_wide:
        memberships = memberships.filter(role__in=WORKER_ROLES)
    else:
        memberships = memberships.filter(role=Role.MANAGER, unit__path__startswith=scope.unit_path)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name"
    )


@dataclass
class InboxFilters:
    tab: str = "mine"
    status: str = ""
    priority: str = ""
    unit: int | None = None
    breached: bool = False
    root_cause: int | None = None
    leader: bool = False
    detractor: bool = False
    sla: str = ""  # "met", "missed"
    recovered: bool = False
    followed_up: bool = False
    since: object = None


def inbox(scope: Scope, user: User | None, filters: InboxFilters) -> CaseQuerySet:
    cases = cases_for(scope)
    if filters.tab == "mine" and user is not None:
        watched = Case.watchers.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)
        cases = cases.filter(Q(owner=user) | Q(Exists(watched)))
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.priority in Priority.values:
        cases = cases.filter(priority=filters.priority)
    if filters.unit is not None:
        path = scope.units().filter(pk=filters.unit).values_list("path", flat=True).first()
        cases = cases.filter(unit__path__startswith=path) if path else cases.none()
    if filters.breached:
        cases = cases.filter(breached_at__isnull=False)
    if filters.root_cause is not None:
        cases = cases.filter(root_cause_id=filters.root_cause)
    if filters.leader:
        cases = cases.filter(leader_involved=True)
    if filters.detractor:
        cases = cases.filter(response__nps__lte=6)
    if filters.sla == "met":
        cases = cases.filter(first_contacted_at__lte=F("first_contact_due"))
    elif filters.sla == "missed":
        cases = cases.exclude(first_contacted_at__lte=F("first_contact_due"))
    if filters.followed_up:
        cases = cases.filter(follow_up__answered_at__isnull=False)
    if filters.recovered:
        cases = cases.filter(follow_up__nps__gte=7, follow_up__original_nps__lte=6)
    if filters.since is not None:
        cases = cases.filter(opened_at__gte=filters.since)
    return cases.select_related("unit", "owner", "response", "root_cause").order_by(
        "-opened_at", "-id"
    )


def flags_for(scope: Scope) -> QuerySet[Flag]:
    return (
        Flag.objects.for_scope(scope)
        .select_related("unit", "rule", "response")
        .order_by("-created_at", "-id")
    )
