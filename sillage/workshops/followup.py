"""Reads of the follow-up: the before/after panel and the organisation's overview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q

from sillage.accounts.models import Membership, Role, Unit
from sillage.accounts.scope import Scope
from sillage.insights.metrics import Counts, Estimate, csat, nps
from sillage.insights.selectors import Filters, aggregate, today_for
from sillage.pulse.models import Wave, WaveStatus
from sillage.pulse.reporting import pulse_report
from sillage.workshops.access import visible_actions, visible_workshops, workshop_scope
from sillage.workshops.models import ActionStatus, Pillar, Step, Workshop
from sillage.workshops.selectors import local_day

WINDOW = timedelta(weeks=8)
# Pulse surveys are quarterly at most: the nearest closed wave within a quarter of the
# workshop on each side, with its closing date shown.
PULSE_WINDOW = timedelta(weeks=13)


@dataclass
class Period:
    start: date
    end: date
    nps: Estimate
    csat: Estimate


@dataclass
class PulseSide:
    wave: Wave
    shown: bool
    qi: float | None = None
    n: int | None = None


@dataclass
class BeforeAfter:
    before: Period
    after: Period | None  # None: the workshop is still ahead
    pulse_before: PulseSide | None = None
    pulse_after: PulseSide | None = None
    complete: bool = False  # the 8 weeks after are all in the past

    @property
    def pulse_sides(self) -> list[PulseSide | None]:
        return [self.pulse_before, self.pulse_after]


def before_after(workshop: Workshop) -> BeforeAfter:
    scope = workshop_scope(workshop)
    day = local_day(workshop)
    today = today_for(scope)

    def period(start: date, end: date) -> Period:
        counts = aggregate(scope, Filters(start=start, end=end, unit=workshop.unit), ()).get(
            (), Counts()
        )
        return Period(start, end, nps(counts), csat(counts))

    result = BeforeAfter(before=period(day - WINDOW, day - timedelta(days=1)), after=None)
    if day <= today:
        end = min(day + WINDOW - timedelta(days=1), today)
        result.after = period(day, end)
        result.complete = end == day + WINDOW - timedelta(days=1)
    result.pulse_before, result.pulse_after = _pulse_sides(workshop, scope)
    return result


def _pulse_sides(workshop: Workshop, scope: Scope) -> tuple[PulseSide | None, PulseSide | None]:
    when = workshop.scheduled_at
    waves = Wave.objects.filter(
        organization_id=workshop.organization_id,
        status=WaveStatus.CLOSED,
        closes_at__gte=when - PULSE_WINDOW,
        closes_at__lte=when + PULSE_WINDOW,
    ).order_by("closes_at")
    before = [w for w in waves if w.closes_at < when]
    after = [w for w in waves if w.closes_at >= when]
    return (
        _pulse_side(scope, workshop, before[-1]) if before else None,
        _pulse_side(scope, workshop, after[0]) if after else None,
    )


def _pulse_side(scope: Scope, workshop: Workshop, wave: Wave) -> PulseSide:
    # The one way to read pulse results: it hides groups under the threshold.
    report = pulse_report(scope=scope, wave=wave, unit_id=workshop.unit_id, trend=False)
    if not report.ready or report.group is None or report.group.qi is None:
        return PulseSide(wave=wave, shown=False)
    return PulseSide(wave=wave, shown=True, qi=report.group.qi.score, n=report.group.n)


# --- Across the organisation --------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    held: int
    planned: int
    last: Workshop | None = None


@dataclass
class PillarRow:
    pillar: str
    label: str
    total: int
    done: int
    in_progress: int
    dropped: int


@dataclass
class Overview:
    units: list[UnitRow] = field(default_factory=list)
    without: list[Unit] = field(default_factory=list)
    pillars: list[PillarRow] = field(default_factory=list)
    total: int = 0
    done: int = 0
    dropped: int = 0

    @property
    def completion(self) -> float | None:
        """Done among the actions not dropped."""
        base = self.total - self.dropped
        return 100 * self.done / base if base else None


def overview(scope: Scope) -> Overview:
    """Workshops per team of the viewer's scope (units with front-line employees), the teams
    that have not held one, actions by pillar and the completion rate, in a fixed number of
    queries."""
    result = Overview()
    team_ids = set(
        Membership.objects.for_scope(scope)
        .active()
        .filter(role=Role.EMPLOYEE)
        .values_list("unit_id", flat=True)
    )
    units = {
        u.pk: u
        for u in scope.units()
        .active()
        .filter(pk__in=team_ids)
        .select_related("parent")
        .order_by("path")
    }
    workshops = visible_workshops(scope).filter(unit_id__in=list(units)).order_by("scheduled_at")
    rows = {pk: UnitRow(unit, 0, 0) for pk, unit in units.items()}
    for workshop in workshops:
        row = rows[workshop.unit_id]
        if workshop.step == Step.CLOSED:
            row.held += 1
            row.last = workshop
        else:
            row.planned += 1
    result.units = [r for r in rows.values() if r.held or r.planned]
    result.without = [r.unit for r in rows.values() if not r.held]
    stats = visible_actions(scope).aggregate(
        **{
            f"{p.value}_{name}": Count("id", filter=Q(pillar=p.value, **cond))
            for p in Pillar
            for name, cond in (
                ("total", {}),
                ("done", {"status": ActionStatus.DONE}),
                ("progress", {"status": ActionStatus.IN_PROGRESS}),
                ("dropped", {"status": ActionStatus.DROPPED}),
            )
        }
    )
    for p in Pillar:
        row = PillarRow(
            p.value,
            str(p.label),
            stats[f"{p.value}_total"],
            stats[f"{p.value}_done"],
            stats[f"{p.value}_progress"],
            stats[f"{p.value}_dropped"],
        )
        result.pillars.append(row)
        result.total += row.total
        result.done += row.done
        result.dropped += row.dropped
    return result
