"""Reads for the pulse pages that are not results (results: `reporting.pulse_report`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from sillage.accounts.models import ORG_WIDE_ROLES, PATH_STEP, Role, Unit
from sillage.accounts.scope import Scope
from sillage.pulse.models import Campaign, Invitation, Participation, Wave, WaveStatus
from sillage.pulse.suppression import Tree, protect_groups

MANAGING_ROLES = frozenset({Role.ADMIN, Role.CX_LEAD})


def can_manage(scope: Scope) -> bool:
    """Build campaigns and the bank: administrators and CX leads."""
    return scope.role in MANAGING_ROLES


def can_follow(scope: Scope) -> bool:
    """See participation and export results: organisation-wide roles and managers."""
    return scope.role in ORG_WIDE_ROLES or scope.role == Role.MANAGER


def campaigns_for(scope: Scope) -> QuerySet[Campaign]:
    """Campaigns whose audience meets the viewer's part of the tree."""
    campaigns = Campaign.objects.for_scope(scope).select_related("audience")
    if scope.unit_path is None:
        return campaigns
    step = PATH_STEP + 1
    ancestors = [scope.unit_path[: step * i] for i in range(1, scope.unit_path.count("/") + 1)]
    meets = Q(audience__isnull=True) | Q(audience__path__in=ancestors)
    if scope.subtree:
        meets |= Q(audience__path__startswith=scope.unit_path)
    return campaigns.filter(meets)


def waves_for(scope: Scope) -> QuerySet[Wave]:
    return Wave.objects.filter(campaign__in=campaigns_for(scope)).select_related("campaign")


def invitations_to_answer(scope: Scope) -> list[Invitation]:
    """The viewer's own open invitations that they have not answered yet."""
    if scope.membership is None:
        return []
    answered = Participation.objects.filter(
        wave_id=OuterRef("wave_id"), membership_id=OuterRef("membership_id")
    )
    return list(
        Invitation.objects.filter(membership=scope.membership, wave__status=WaveStatus.OPEN)
        .exclude(Exists(answered))
        .select_related("wave__campaign")
        .order_by("wave__closes_at")
    )


@dataclass(frozen=True)
class ParticipationRow:
    unit: Unit
    shown: bool
    invited: int | None = None
    answered: int | None = None

    @property
    def rate(self) -> float | None:
        if not self.shown or not self.invited:
            return None
        return 100 * (self.answered or 0) / self.invited


def participation(scope: Scope, wave: Wave, unit: Unit) -> list[ParticipationRow]:
    """Live participation of `unit` and its sub-units: counts only, never names.

    A unit's counts are shown only when it has at least the threshold of invitees, with the
    same complementary rule as results so that subtracting rows never isolates a small unit.
    """
    answered = Participation.objects.filter(
        wave_id=OuterRef("wave_id"), membership_id=OuterRef("membership_id")
    )
    per_unit = (
        Invitation.objects.filter(wave=wave)
        .annotate(has_answered=Exists(answered))
        .values("unit_id")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(has_answered=True)))
        .order_by()
    )
    invited = {row["unit_id"]: row["invited"] for row in per_unit}
    answered_by_unit = {row["unit_id"]: row["answered"] for row in per_unit}
    parents = dict(
        Unit.objects.filter(organization_id=wave.organization_id).values_list("id", "parent_id")
    )
    tree = Tree.build(parents)
    shown = protect_groups(tree, invited, wave.anonymity_threshold)
    invited_totals = tree.subtree_totals(invited)
    answered_totals = tree.subtree_totals(answered_by_unit)
    rows_units = [unit, *scope.units().filter(parent=unit).order_by("path")]
    rows = []
    for each in rows_units:
        if invited_totals.get(each.pk, 0) == 0:
            continue
        if each.pk in shown:
            rows.append(
                ParticipationRow(
                    each, True, invited_totals[each.pk], answered_totals.get(each.pk, 0)
                )
            )
        else:
            rows.append(ParticipationRow(each, False))
    return rows
