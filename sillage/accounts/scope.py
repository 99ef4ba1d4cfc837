"""The viewer's scope: which organisation, which role, which part of the unit tree.

Every view, API endpoint and export builds its scope here and reads rows through
`<Model>.objects.for_scope(scope)`. Anything outside the scope is a 404, never a 403, so that
another organisation's ids are not even confirmed to exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from sillage.accounts.models import (
    ORG_WIDE_ROLES,
    ApiToken,
    Membership,
    Organization,
    Role,
    Unit,
)


class Perm(StrEnum):
    """What a role may do. Views ask `scope.can(Perm.X)`; the table below is the one source."""

    VIEW_HOME = "view_home"
    VIEW_UNITS = "view_units"
    VIEW_PEOPLE = "view_people"
    MANAGE_UNITS = "manage_units"
    MANAGE_PEOPLE = "manage_people"
    MANAGE_ORGANIZATION = "manage_organization"
    MANAGE_API_TOKENS = "manage_api_tokens"
    IMPORT_STAFF = "import_staff"
    VIEW_SURVEYS = "view_surveys"
    MANAGE_SURVEYS = "manage_surveys"  # journeys, surveys, publishing
    VIEW_DISTRIBUTION = "view_distribution"  # links, QR codes, posters of units in scope
    MANAGE_DISTRIBUTION = "manage_distribution"  # create links, send invitations
    IMPORT_RESPONSES = "import_responses"
    VIEW_PULSE = "view_pulse"  # answer, and see results of groups in scope that are shown
    FOLLOW_PULSE = "follow_pulse"  # participation and exports of groups in scope
    MANAGE_PULSE = "manage_pulse"  # campaigns and questions
    VIEW_CASES = "view_cases"  # cases of units in scope (contact data: see sillage/cases)
    WORK_CASES = "work_cases"  # take, note, contact, resolve cases of units in scope
    MANAGE_ALERT_RULES = "manage_alert_rules"  # alert rules, routing, SLA, root causes
    VIEW_WORKSHOPS = "view_workshops"  # workshops and team actions of units in scope
    RUN_WORKSHOPS = "run_workshops"  # schedule and facilitate (also the facilitator flag)
    VIEW_TEXT_ANALYTICS = "view_text_analytics"  # themes, sentiment, emerging topics
    CORRECT_TEXT_ANALYTICS = "correct_text_analytics"  # correct a verbatim's sentiment/themes
    MANAGE_TEXT_ANALYTICS = "manage_text_analytics"  # taxonomy, engines, re-analysis


_ALL = frozenset(Perm)
_READ = frozenset(
    {
        Perm.VIEW_HOME,
        Perm.VIEW_UNITS,
        Perm.VIEW_PEOPLE,
        Perm.VIEW_PULSE,
        Perm.VIEW_CASES,
        Perm.VIEW_WORKSHOPS,
        Perm.VIEW_TEXT_ANALYTICS,
        Perm.CORRECT_TEXT_ANALYTICS,
    }
)
# Leaders and managers work cases and run workshops; CX leads also set the rules.
_LEAD = frozenset({Perm.WORK_CASES, Perm.RUN_WORKSHOPS})
_CX = frozenset(
    {
        Perm.VIEW_SURVEYS,
        Perm.MANAGE_SURVEYS,
        Perm.VIEW_DISTRIBUTION,
        Perm.MANAGE_DISTRIBUTION,
        Perm.IMPORT_RESPONSES,
    }
)
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: _ALL,
    Role.CX_LEAD: _READ
    | _CX
    | _LEAD
    | {
        Perm.FOLLOW_PULSE,
        Perm.MANAGE_PULSE,
        Perm.MANAGE_ALERT_RULES,
        Perm.MANAGE_TEXT_ANALYTICS,
    },
    Role.EXECUTIVE: _READ | _LEAD | {Perm.VIEW_SURVEYS, Perm.VIEW_DISTRIBUTION, Perm.FOLLOW_PULSE},
    Role.MANAGER: _READ | _LEAD | {Perm.VIEW_SURVEYS, Perm.VIEW_DISTRIBUTION, Perm.FOLLOW_PULSE},
    Role.EMPLOYEE: _READ,
}


@dataclass(frozen=True)
class Scope:
    organization: Organization
    role: str
    unit: Unit | None  # the viewer's own unit (None for an org-wide API token)
    unit_path: str | None  # None: the whole organisation
    subtree: bool  # True: unit_path and everything below; False: that unit only
    membership: Membership | None = None
    token: ApiToken | None = None

    @property
    def is_org_wide(self) -> bool:
        return self.unit_path is None

    def can(self, perm: Perm) -> bool:
        return perm in ROLE_PERMS.get(self.role, frozenset())

    def require(self, perm: Perm) -> None:
        """Refuse with a 404: a role that may not do a thing does not learn that it exists."""
        if not self.can(perm):
            raise Http404

    def covers(self, unit: Unit) -> bool:
        if unit.organization_id != self.organization.pk:
            return False
        if self.unit_path is None:
            return True
        return unit.path.startswith(self.unit_path) if self.subtree else unit.path == self.unit_path

    def units(self):  # -> UnitQuerySet
        return Unit.objects.for_scope(self)

    def get_unit(self, unit_id: object) -> Unit:
        return get_object_or_404(self.units(), pk=unit_id)


def scope_for(
    *, organization: Organization, role: str, unit: Unit | None, **extra: object
) -> Scope:
    if role in ORG_WIDE_ROLES or unit is None:
        return Scope(organization, role, unit, None, True, **extra)  # type: ignore[arg-type]
    subtree = role == Role.MANAGER
    return Scope(organization, role, unit, unit.path, subtree, **extra)  # type: ignore[arg-type]


def scope_for_membership(membership: Membership) -> Scope:
    return scope_for(
        organization=membership.organization,
        role=membership.role,
        unit=membership.unit,
        membership=membership,
    )


def scope_for_token(token: ApiToken) -> Scope:
    return scope_for(organization=token.organization, role=token.role, unit=token.unit, token=token)


def scope_from_request(request: HttpRequest, org_slug: str) -> Scope:
    """The signed-in user's scope in the organisation named by the URL, or 404."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organization", "unit", "user")
        .filter(user=user, organization__slug=org_slug, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return scope_for_membership(membership)
