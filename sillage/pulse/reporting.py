"""THE reporting function of the employee pulse: `pulse_report`.

Every pulse output — the report pages, the API, the CSV export and the results email — calls
it and shows nothing else. It reads only a closed wave's publication (`WaveNode`, computed by
`publication.wave_publish` under the rules of `suppression.py`), limited to the viewer's scope,
and checks the threshold again on every group it returns. There is no parameter, role or flag
that shows a hidden group: administrators and superusers get the same answer as everyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from sillage.accounts.models import Unit
from sillage.accounts.scope import Scope
from sillage.pulse.models import (
    PILLARS,
    RELATIONS,
    Dimension,
    Response,
    Tenure,
    Wave,
    WaveNode,
    WaveStatus,
)
from sillage.pulse.scores import Figures, Measure, WaveItems, measure, to_points

READY = "ready"
NOT_CLOSED = "not_closed"
NOT_ENOUGH = "not_enough"
FILTER_UNAVAILABLE = "filter_unavailable"


@dataclass(frozen=True)
class Gap:
    """Know vs can, paired inside each anonymous response."""

    know: float  # % favourable
    can: float
    difference: float  # mean(know) − mean(can), in points on the 0–100 scale
    share_know_above_can: float  # % of people whose "know" answer exceeds their "can"


@dataclass
class Group:
    unit_id: int
    unit_code: str
    unit_name: str
    tenure: str
    shown: bool
    n: int | None = None
    qi: Measure | None = None
    relations: list[Measure] = field(default_factory=list)
    enps: Measure | None = None
    gap: Gap | None = None
    others: list[Measure] = field(default_factory=list)  # know, can, motivation, pillars
    custom: list[Measure] = field(default_factory=list)
    comments_shown: bool = False

    def relation(self, key: str) -> Measure | None:
        return next((m for m in self.relations if m.key == key), None)

    @property
    def strongest(self) -> Measure | None:
        return max(self.relations, key=lambda m: m.score, default=None)

    @property
    def weakest(self) -> Measure | None:
        return min(self.relations, key=lambda m: m.score, default=None)


@dataclass(frozen=True)
class TrendPoint:
    wave_id: int
    number: int
    closes_at: datetime
    shown: bool
    qi: float | None
    relations: dict[str, float]
    enps: float | None


@dataclass
class Report:
    wave: Wave
    unit: Unit | None
    tenure: str
    state: str
    threshold: int
    comment_threshold: int
    group: Group | None = None
    rows: list[Group] = field(default_factory=list)  # the group, then its sub-units
    trend: list[TrendPoint] = field(default_factory=list)
    comments: list[str] | None = None
    filters: list[tuple[str, str, bool]] = field(default_factory=list)
    parent_unit: Unit | None = None

    @property
    def ready(self) -> bool:
        return self.state == READY


def _group(
    node: WaveNode,
    unit: Unit,
    items: WaveItems,
    before: WaveNode | None,
    prev_items: WaveItems | None,
) -> Group:
    group = Group(unit.pk, unit.code, unit.name, node.tenure, shown=True, n=node.n)
    now = Figures(node.n, node.stats, items)
    then = Figures(before.n, before.stats, prev_items) if before and prev_items else None
    labels = dict(Dimension.choices)
    group.qi = measure("qi", _("Involvement quotient"), now, then, items=items.relation_items())
    for relation in RELATIONS:
        relation_items = items.by_dimension.get(relation, [])
        found = measure(relation, str(labels[relation]), now, then, items=relation_items)
        if found:
            group.relations.append(found)
    group.enps = measure("enps", _("eNPS"), now, then, items=[])
    for key in (Dimension.KNOW, Dimension.CAN, Dimension.MOTIVATION, *PILLARS):
        found = measure(key, str(labels[key]), now, then, items=items.by_dimension.get(key, []))
        if found:
            group.others.append(found)
    for item in items.custom:
        found = measure(f"item:{item.series}", item.text, now, then, items=[item])
        if found:
            group.custom.append(found)
    pairs, total, _total_sq, above = node.stats.get("gap", [0, 0, 0, 0])
    know = next((m for m in group.others if m.key == Dimension.KNOW), None)
    can = next((m for m in group.others if m.key == Dimension.CAN), None)
    if pairs and know and can:
        group.gap = Gap(
            know=know.favourable or 0.0,
            can=can.favourable or 0.0,
            difference=25 * total / pairs,
            share_know_above_can=100 * above / pairs,
        )
    group.comments_shown = node.comments_visible
    return group


def _hidden(unit: Unit, tenure: str) -> Group:
    return Group(unit.pk, unit.code, unit.name, tenure, shown=False)


def _may_show(node: WaveNode | None, wave: Wave, total: int | None = None) -> bool:
    """The last word before a figure leaves: the group, and for a band its complement, reach
    the threshold that was locked on the wave."""
    if node is None or not node.visible or node.n < wave.anonymity_threshold:
        return False
    if node.tenure:
        return total is not None and total - node.n >= wave.anonymity_threshold
    return True


# --- The reporting function ---------------------------------------------------------------------


def default_unit(scope: Scope, wave: Wave) -> Unit | None:
    if not scope.is_org_wide:
        return scope.unit
    if wave.audience_id:
        return wave.audience
    root = (
        WaveNode.objects.filter(wave=wave, tenure="", parent_unit__isnull=True)
        .select_related("unit")
        .order_by("unit__path")
        .first()
    )
    return root.unit if root else None


def pulse_report(
    *,
    scope: Scope,
    wave: Wave,
    unit_id: int | str | None = None,
    tenure: str = "",
    comments: bool = False,
    trend: bool = True,
) -> Report:
    """What `scope` may see of `wave` for one unit (default: the viewer's own, or the top).

    Raises Http404 for a wave or unit outside the viewer's scope, ValidationError for an
    unknown tenure band.
    """
    if wave.organization_id != scope.organization.pk:
        raise Http404
    if tenure and tenure not in Tenure.values:
        raise ValidationError(_("Unknown tenure band."))
    unit = scope.get_unit(unit_id) if unit_id not in (None, "") else default_unit(scope, wave)
    report = Report(
        wave=wave,
        unit=unit,
        tenure=tenure,
        state=NOT_CLOSED,
        threshold=wave.anonymity_threshold,
        comment_threshold=wave.comment_threshold,
    )
    if wave.status != WaveStatus.CLOSED:
        return report
    report.state = NOT_ENOUGH
    if unit is None:
        return report
    nodes = {n.tenure: n for n in WaveNode.objects.filter(wave=wave, unit=unit)}
    main = nodes.get("")
    if main and main.parent_unit_id:
        parent = Unit.objects.filter(pk=main.parent_unit_id).first()
        report.parent_unit = parent if parent and scope.covers(parent) else None
    if not _may_show(main, wave):
        return report
    band_node = nodes.get(tenure) if tenure else main
    report.filters = [
        (band, str(label), _may_show(nodes.get(band), wave, total=main.n))
        for band, label in Tenure.choices
    ]
    if tenure and not _may_show(band_node, wave, total=main.n):
        report.state = FILTER_UNAVAILABLE
        return report
    history = _campaign_waves(wave)
    items_of = WaveItems.for_waves(history)
    items = items_of[wave.pk]
    previous = history[-2] if len(history) > 1 else None
    prev_items = items_of[previous.pk] if previous else None
    before = _node(previous, unit.pk, tenure) if previous else None
    report.group = _group(
        band_node, unit, items, _shown_or_none(before, previous, unit.pk), prev_items
    )
    report.rows = [report.group, *_children(scope, wave, unit, tenure, items, previous, prev_items)]
    report.state = READY
    if trend:
        report.trend = _trend(history, items_of, unit, tenure)
    if comments and not tenure and main.comments_visible and main.n >= wave.comment_threshold:
        report.comments = _comments(wave, unit)
    return report


def _campaign_waves(wave: Wave) -> list[Wave]:
    """The campaign's closed waves up to this one, oldest first (this one last)."""
    return list(
        Wave.objects.filter(
            campaign_id=wave.campaign_id, status=WaveStatus.CLOSED, number__lte=wave.number
        ).order_by("number")
    )


def _node(wave: Wave, unit_id: int, tenure: str) -> WaveNode | None:
    return WaveNode.objects.filter(wave=wave, unit_id=unit_id, tenure=tenure).first()


def _shown_or_none(node: WaveNode | None, wave: Wave | None, unit_id: int) -> WaveNode | None:
    if node is None or wave is None:
        return None
    total = None
    if node.tenure:
        main = _node(wave, unit_id, "")
        total = main.n if main and main.visible else None
    return node if _may_show(node, wave, total) else None


def _children(
    scope: Scope,
    wave: Wave,
    unit: Unit,
    tenure: str,
    items: WaveItems,
    previous: Wave | None,
    prev_items: WaveItems | None,
) -> list[Group]:
    children = [
        node
        for node in WaveNode.objects.filter(wave=wave, parent_unit=unit, tenure="")
        .select_related("unit")
        .order_by("unit__path")
        if scope.covers(node.unit)
    ]
    ids = [c.unit_id for c in children]
    bands = (
        {n.unit_id: n for n in WaveNode.objects.filter(wave=wave, unit_id__in=ids, tenure=tenure)}
        if tenure
        else {}
    )
    before: dict[int, WaveNode] = {}
    if previous is not None:
        before_rows = WaveNode.objects.filter(
            wave=previous, unit_id__in=ids, tenure__in={"", tenure}
        )
        totals = {n.unit_id: n.n for n in before_rows if not n.tenure and n.visible}
        before = {
            n.unit_id: n
            for n in before_rows
            if n.tenure == tenure and _may_show(n, previous, totals.get(n.unit_id))
        }
    rows = []
    for child in children:
        node = bands.get(child.unit_id) if tenure else child
        if _may_show(child, wave) and _may_show(node, wave, total=child.n if tenure else None):
            rows.append(_group(node, child.unit, items, before.get(child.unit_id), prev_items))
        else:
            rows.append(_hidden(child.unit, tenure))
    return rows


def _trend(
    waves: list[Wave], items_of: dict[int, WaveItems], unit: Unit, tenure: str
) -> list[TrendPoint]:
    nodes = {
        (n.wave_id, n.tenure): n
        for n in WaveNode.objects.filter(wave__in=waves, unit=unit, tenure__in={"", tenure})
    }
    points = []
    for each in waves:
        main = nodes.get((each.pk, ""))
        node = nodes.get((each.pk, tenure))
        total = main.n if main and main.visible else None
        if not (_may_show(main, each) and _may_show(node, each, total if tenure else None)):
            points.append(TrendPoint(each.pk, each.number, each.closes_at, False, None, {}, None))
            continue
        figures = Figures(node.n, node.stats, items_of[each.pk])
        qi = figures.sample("qi")
        enps = figures.sample("enps")
        relations = {}
        for relation in RELATIONS:
            sample = figures.sample(relation)
            if sample is not None:
                relations[str(relation)] = to_points(sample.mean)
        points.append(
            TrendPoint(
                each.pk,
                each.number,
                each.closes_at,
                True,
                to_points(qi.mean) if qi else None,
                relations,
                100 * enps.mean if enps else None,
            )
        )
    return points


def wave_units(wave: Wave, unit: Unit) -> list[int]:
    """The units of `unit`'s subtree as frozen when the wave closed."""
    parents = dict(
        WaveNode.objects.filter(wave=wave, tenure="").values_list("unit_id", "parent_unit_id")
    )
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = [], [unit.pk]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _comments(wave: Wave, unit: Unit) -> list[str]:
    """The group's comments in random order, without dates or units."""
    comments = list(
        Response.objects.filter(wave=wave, unit_id__in=wave_units(wave, unit))
        .exclude(comment="")
        .values_list("comment", flat=True)
    )
    random.SystemRandom().shuffle(comments)
    return comments
