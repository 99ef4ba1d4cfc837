"""Reads for the accounts pages, always through the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from sillage.accounts.models import ApiToken, Membership, Role, Unit
from sillage.accounts.scope import Perm, Scope


@dataclass
class TreeNode:
    unit: Unit
    members: int
    children: list[TreeNode] = field(default_factory=list)

    @property
    def total_members(self) -> int:
        return self.members + sum(child.total_members for child in self.children)


def unit_tree(scope: Scope, *, include_archived: bool = False) -> list[TreeNode]:
    """The visible units as a forest, in one query; roots are the viewer's top units."""
    units = (
        scope.units()
        .select_related("unit_type")
        .annotate(members=Count("memberships", filter=Q(memberships__is_active=True)))
    )
    if not include_archived:
        units = units.active()
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for unit in units.order_by("path"):
        node = TreeNode(unit, unit.members)
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def home_summary(scope: Scope) -> dict[str, object]:
    """What each role's home page shows about the organisation and the people in scope."""
    units = scope.units().active()
    memberships = Membership.objects.for_scope(scope).active()
    by_role = dict(memberships.values_list("role").annotate(n=Count("id")).order_by())
    summary: dict[str, object] = {
        "unit_count": units.count(),
        "people_count": sum(by_role.values()),
        "roles": [(label, by_role[value]) for value, label in Role.choices if by_role.get(value)],
        "facilitators": memberships.filter(is_facilitator=True).count(),
        "ambassadors": memberships.filter(is_ambassador=True)
        .select_related("user", "unit")
        .order_by("unit__path")[:12],
    }
    per_path = list(memberships.values_list("unit__path").annotate(n=Count("id")).order_by())

    def people_under(unit: Unit) -> int:
        return sum(n for path, n in per_path if path.startswith(unit.path))

    if scope.is_org_wide:
        top = units.filter(depth=1).order_by("path")
        summary["top_units"] = [(unit, people_under(unit)) for unit in top]
    else:
        summary["my_unit"] = scope.unit
        summary["colleagues"] = (
            memberships.filter(unit=scope.unit).select_related("user").order_by("user__first_name")
        )
        summary["child_units"] = [
            (unit, people_under(unit)) for unit in units.filter(parent=scope.unit)
        ]
    if scope.can(Perm.MANAGE_PEOPLE):
        summary["pending_invitations"] = memberships.filter(user__last_login__isnull=True).count()
        summary["api_token_count"] = ApiToken.objects.for_scope(scope).live().count()
    return summary
