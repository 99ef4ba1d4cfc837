"""Reads for insights: sums of rollup rows, never of responses.

`aggregate` is the one query builder: it picks the smallest rollup table that has every
dimension the filters and the grouping need, restricts it to the viewer's scope, and returns
additive `Counts` per group. Subtree totals are computed in Python from per-unit rows (units
are few), so one query serves a unit, its parent, its siblings and its children at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import BooleanField, Case, QuerySet, Sum, Value, When
from django.utils import timezone

from sillage.accounts.models import PATH_STEP, Membership, Unit
from sillage.accounts.scope import Scope
from sillage.feedback.models import Journey, Stage, Survey, Touchpoint
from sillage.insights.metrics import (
    GRAINS,
    RESPONSE_FIELDS,
    Counts,
    period_start,
    periods,
    previous_range,
)
from sillage.insights.models import (
    Counters,
    DayRollup,
    InvitationDayRollup,
    OrgDayRollup,
    TouchpointDayRollup,
    UnitDayRollup,
)
from sillage.insights.rollups import zone_of

DIMENSIONS = {
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "unit": "unit_id",
    "touchpoint": "touchpoint_id",
    "stage": "touchpoint__stage_id",
    "journey": "touchpoint__stage__journey_id",
    "survey": "survey_id",
    "language": "language",
    "employee": "employee_code",
}
TOUCHPOINT_DIMS = frozenset({"touchpoint", "stage", "journey"})
ORG_DIMS = TOUCHPOINT_DIMS | {"survey", "language"}
INVITATION_DIMS = frozenset(DIMENSIONS) - {"language"}


@dataclass(frozen=True)
class Filters:
    """What a figure is about. Dates are local days of the organisation, both included."""

    start: date
    end: date
    unit: Unit | None = None
    subunits: bool = True  # the unit and its subtree; False: the unit's own responses only
    journey_id: int | None = None
    stage_id: int | None = None
    touchpoint_id: int | None = None
    survey_id: int | None = None
    language: str | None = None
    employee_code: str | None = None

    def dims(self) -> set[str]:
        used = {
            "journey": self.journey_id,
            "stage": self.stage_id,
            "touchpoint": self.touchpoint_id,
            "survey": self.survey_id,
            "language": self.language,
            "employee": self.employee_code,
        }
        return {name for name, value in used.items() if value}

    @property
    def previous(self) -> Filters:
        first, last = previous_range(self.start, self.end)
        return replace(self, start=first, end=last)

    def with_range(self, start: date, end: date) -> Filters:
        return replace(self, start=start, end=end)


def today_for(scope: Scope) -> date:
    return timezone.now().astimezone(zone_of(scope.organization)).date()


def table_for(dims: Iterable[str], *, by_unit: bool) -> type[Counters]:
    """The smallest rollup table with every dimension needed (periods are in all of them).
    `by_unit`: the query filters or groups by unit (a scoped viewer always does)."""
    needed = set(dims) - set(GRAINS) - {"unit"}
    if not by_unit and needed <= ORG_DIMS:
        return OrgDayRollup
    if not needed:
        return UnitDayRollup
    if needed <= TOUCHPOINT_DIMS:
        return TouchpointDayRollup
    return DayRollup


def _in_scope(qs: QuerySet, scope: Scope) -> QuerySet:
    qs = qs.filter(organization=scope.organization)
    if scope.unit_path is None:
        return qs
    if scope.subtree:
        return qs.filter(unit__path__startswith=scope.unit_path)
    return qs.filter(unit__path=scope.unit_path)


def _filtered(
    qs: QuerySet,
    scope: Scope,
    filters: Filters,
    start: date,
    unit_ids: Collection[int] | None = None,
) -> QuerySet:
    if unit_ids is not None:
        # The caller already knows which of the viewer's units the figures are about: an
        # index lookup per unit, rather than a join on paths over the whole organisation.
        qs = qs.filter(organization=scope.organization, unit_id__in=list(unit_ids))
        qs = qs.filter(day__gte=start, day__lte=filters.end)
    else:
        qs = _in_scope(qs, scope).filter(day__gte=start, day__lte=filters.end)
    if filters.unit is not None and unit_ids is None:
        if filters.subunits:
            qs = qs.filter(unit__path__startswith=filters.unit.path)
        else:
            qs = qs.filter(unit_id=filters.unit.pk)
    if filters.touchpoint_id:
        qs = qs.filter(touchpoint_id=filters.touchpoint_id)
    if filters.stage_id:
        qs = qs.filter(touchpoint__stage_id=filters.stage_id)
    if filters.journey_id:
        qs = qs.filter(touchpoint__stage__journey_id=filters.journey_id)
    if filters.survey_id:
        qs = qs.filter(survey_id=filters.survey_id)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.employee_code:
        qs = qs.filter(employee_code=filters.employee_code)
    return qs


def _grouped(
    qs: QuerySet, group_by: tuple[str, ...], filters: Filters, compare: bool, sums: Iterable[str]
) -> list[dict]:
    columns = [DIMENSIONS[g] for g in group_by]
    if compare:
        qs = qs.annotate(
            is_current=Case(
                When(day__gte=filters.start, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        columns = ["is_current", *columns]
    totals = {f"sum_{name}": Sum(name) for name in sums}
    if not columns:
        # `.values()` without names would group by every column.
        row = qs.aggregate(**totals)
        return [row] if any(v is not None for v in row.values()) else []
    return list(qs.values(*columns).annotate(**totals).order_by())


Key = tuple


def aggregate(
    scope: Scope,
    filters: Filters,
    group_by: tuple[str, ...] = (),
    *,
    compare: bool = False,
    invitations: bool = True,
    unit_ids: Collection[int] | None = None,
) -> dict[Key, Counts]:
    """Counts per group. With `compare`, keys start with True (the filters' period) or False
    (the period of the same length just before it). Invitations (response rate) are added
    when no language is involved: invitations have none. `unit_ids`, when given, must be the
    viewer's units that `filters.unit` covers (they replace the scope and unit filters)."""
    start = filters.previous.start if compare else filters.start
    dims = filters.dims() | {g for g in group_by if g not in GRAINS}
    by_unit = (
        scope.unit_path is not None
        or filters.unit is not None
        or "unit" in group_by
        or unit_ids is not None
    )
    model = table_for(dims, by_unit=by_unit)
    columns = [DIMENSIONS[g] for g in group_by]
    if compare:
        columns = ["is_current", *columns]
    result: dict[Key, Counts] = {}
    qs = _filtered(model.objects.all(), scope, filters, start, unit_ids)
    for row in _grouped(qs, group_by, filters, compare, RESPONSE_FIELDS):
        key = tuple(row[c] for c in columns)
        result[key] = Counts.of(row, prefix="sum_")
    if invitations and dims <= INVITATION_DIMS:
        qs = _filtered(InvitationDayRollup.objects.all(), scope, filters, start, unit_ids)
        for row in _grouped(qs, group_by, filters, compare, ("sent", "answered")):
            key = tuple(row[c] for c in columns)
            counts = result.setdefault(key, Counts())
            counts.sent += row["sum_sent"] or 0
            counts.answered += row["sum_answered"] or 0
    return result


def split_current(rows: dict[Key, Counts]) -> tuple[dict[Key, Counts], dict[Key, Counts]]:
    """Split `aggregate(..., compare=True)` into (current, previous) by the rest of the key."""
    current: dict[Key, Counts] = {}
    previous: dict[Key, Counts] = {}
    for key, counts in rows.items():
        (current if key[0] else previous)[key[1:]] = counts
    return current, previous


# --- Units -------------------------------------------------------------------------------------


def path_ids(path: str) -> list[int]:
    step = PATH_STEP + 1
    return [int(path[i : i + PATH_STEP]) for i in range(0, len(path), step)]


@dataclass
class UnitTree:
    """The viewer's units (all of them, archived included: their history counts)."""

    units: dict[int, Unit]
    children: dict[int | None, list[Unit]] = field(default_factory=dict)

    @classmethod
    def for_scope(cls, scope: Scope) -> UnitTree:
        units = {
            u.pk: u
            for u in scope.units()
            .only("id", "path", "depth", "parent_id", "code", "name_fr", "name_en", "archived_at")
            .order_by("path")
        }
        tree = cls(units)
        for unit in units.values():
            parent = unit.parent_id if unit.parent_id in units else None
            tree.children.setdefault(parent, []).append(unit)
        return tree

    def roots(self) -> list[Unit]:
        return self.children.get(None, [])

    def kids(self, unit: Unit) -> list[Unit]:
        return self.children.get(unit.pk, [])

    def overview_units(self, root: Unit | None) -> list[Unit]:
        """The units a heatmap lists: the root's children; for the whole organisation, the top
        units, going down while there is only one."""
        if root is not None:
            return self.kids(root)
        level = self.roots()
        while len(level) == 1 and self.kids(level[0]):
            level = self.kids(level[0])
        return level


def subtree_totals(tree: UnitTree, own: dict[int, Counts]) -> dict[int, Counts]:
    """For every unit, the sum of its own counts and of its descendants'."""
    totals: dict[int, Counts] = defaultdict(Counts)
    for unit_id, counts in own.items():
        unit = tree.units.get(unit_id)
        if unit is None:
            continue
        for ancestor_id in path_ids(unit.path):
            totals[ancestor_id].add(counts)
    return totals


# --- Catalogues --------------------------------------------------------------------------------


@dataclass
class Catalogue:
    touchpoints: dict[int, Touchpoint]
    stages: dict[int, Stage]
    journeys: dict[int, Journey]

    @classmethod
    def for_scope(cls, scope: Scope) -> Catalogue:
        touchpoints = {
            t.pk: t for t in Touchpoint.objects.for_scope(scope).select_related("stage__journey")
        }
        stages = {t.stage_id: t.stage for t in touchpoints.values()}
        journeys = {s.journey_id: s.journey for s in stages.values()}
        return cls(touchpoints, stages, journeys)


def survey_choices(scope: Scope) -> QuerySet[Survey]:
    return Survey.objects.for_scope(scope).order_by("name_fr")


def employee_choices(scope: Scope) -> list[tuple[str, str]]:
    members = (
        Membership.objects.for_scope(scope)
        .exclude(employee_code="")
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    return [(m.employee_code, f"{m.user.get_full_name()} ({m.employee_code})") for m in members]


# --- Page data ---------------------------------------------------------------------------------


def trend_range(end: date, grain: str) -> tuple[date, date]:
    """The window a trend chart shows: 12 months, 8 quarters, 26 weeks or 31 days up to
    `end`, starting on a period boundary."""
    if grain == "month":
        start = period_start(end, "month")
        for _ in range(11):
            start = period_start(start - timedelta(days=1), "month")
    elif grain == "quarter":
        start = period_start(end, "quarter")
        for _ in range(7):
            start = period_start(start - timedelta(days=1), "quarter")
    elif grain == "week":
        start = period_start(end, "week") - timedelta(weeks=25)
    else:
        start = end - timedelta(days=30)
    return start, end


@dataclass
class Overview:
    """Everything a dashboard shows, as counts; `presenters.py` turns it into cells."""

    filters: Filters
    grain: str
    tree: UnitTree
    root: Unit | None
    current: Counts
    previous: Counts
    unit_current: dict[int, Counts]  # subtree totals
    unit_previous: dict[int, Counts]
    own_current: dict[int, Counts]  # the unit's own responses only
    own_previous: dict[int, Counts]
    trend: list[tuple[date, Counts]]
    touchpoint_current: dict[int | None, Counts]
    touchpoint_previous: dict[int | None, Counts] | None  # None: not compared
    catalogue: Catalogue


def overview(
    scope: Scope, filters: Filters, *, grain: str = "month", touchpoint_change: bool = False
) -> Overview:
    """The figures of an organisation or unit dashboard, in a fixed number of queries.

    Journeys and stages are ranked on the period alone (the page shows no change for them:
    half the rows to read); `touchpoint_change` adds the previous period, for exports."""
    tree = UnitTree.for_scope(scope)
    root = filters.unit
    unit_filters = replace(filters, unit=None)
    by_unit = aggregate(scope, unit_filters, ("unit",), compare=True)
    own_current, own_previous = (
        {k[0]: v for k, v in part.items()} for part in split_current(by_unit)
    )
    unit_current = subtree_totals(tree, own_current)
    unit_previous = subtree_totals(tree, own_previous)
    if root is not None:
        current = unit_current.get(root.pk, Counts())
        previous = unit_previous.get(root.pk, Counts())
    else:
        current = Counts.total(own_current.values())
        previous = Counts.total(own_previous.values())
    subtree = None
    if root is not None:
        subtree = [u.pk for u in tree.units.values() if u.path.startswith(root.path)]
        if not filters.subunits:
            subtree = [root.pk]
    elif scope.unit_path is not None:
        subtree = list(tree.units)  # a manager's or employee's units
    first, last = trend_range(filters.end, grain)
    trend_rows = aggregate(scope, filters.with_range(first, last), (grain,), unit_ids=subtree)
    trend = [(start, trend_rows.get((start,), Counts())) for start in periods(first, last, grain)]
    by_touchpoint = aggregate(
        scope,
        filters,
        ("touchpoint",),
        compare=touchpoint_change,
        invitations=False,
        unit_ids=subtree,
    )
    if touchpoint_change:
        tp_current, tp_previous = (
            {k[0]: v for k, v in part.items()} for part in split_current(by_touchpoint)
        )
    else:
        tp_current, tp_previous = {k[0]: v for k, v in by_touchpoint.items()}, None
    return Overview(
        filters=filters,
        grain=grain,
        tree=tree,
        root=root,
        current=current,
        previous=previous,
        unit_current=unit_current,
        unit_previous=unit_previous,
        own_current=own_current,
        own_previous=own_previous,
        trend=trend,
        touchpoint_current=tp_current,
        touchpoint_previous=tp_previous,
        catalogue=Catalogue.for_scope(scope),
    )
