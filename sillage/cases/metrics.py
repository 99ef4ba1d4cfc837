"""Loop metrics: is the loop closed, on time, and does it win customers back?

- contacted within SLA: detractor cases (NPS 0–6) whose first contact attempt came before
  the first-contact deadline, over detractor cases opened in the period;
- median time to first contact, in business hours of the organisation's calendar;
- recovery rate: recovered detractors (answered the follow-up with 7 or more) over
  detractors who answered the follow-up;
- Pareto of root causes: resolved cases per root cause, largest first, with the running share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from django.db.models import Count, F, Q

from sillage.accounts.models import Organization
from sillage.accounts.scope import Scope
from sillage.cases.defaults import calendar_of, policy_for
from sillage.cases.models import Case, RootCause


@dataclass
class LoopMetrics:
    detractor_cases: int = 0
    contacted_in_sla: int = 0
    contacted_in_sla_pct: float | None = None
    median_first_contact_hours: float | None = None
    follow_ups_answered: int = 0
    recovered: int = 0
    recovery_pct: float | None = None
    leader_cases: int = 0
    leader_closed: int = 0
    leader_median_close_hours: float | None = None
    pareto: list[dict] = field(default_factory=list)
    by_unit: list[dict] = field(default_factory=list)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def loop_metrics(scope: Scope, *, since: datetime, unit_path: str | None = None) -> LoopMetrics:
    cases = Case.objects.for_scope(scope).filter(opened_at__gte=since)
    if unit_path:
        cases = cases.filter(unit__path__startswith=unit_path)
    result = LoopMetrics()
    detractors = cases.filter(response__nps__lte=6)
    counts = detractors.aggregate(
        total=Count("pk"),
        in_sla=Count("pk", filter=Q(first_contacted_at__lte=F("first_contact_due"))),
        answered=Count("pk", filter=Q(follow_up__answered_at__isnull=False)),
        recovered=Count("pk", filter=Q(follow_up__nps__gte=7)),
    )
    result.detractor_cases = counts["total"]
    result.contacted_in_sla = counts["in_sla"]
    result.contacted_in_sla_pct = _pct(counts["in_sla"], counts["total"])
    result.follow_ups_answered = counts["answered"]
    result.recovered = counts["recovered"]
    result.recovery_pct = _pct(counts["recovered"], counts["answered"])
    calendar = calendar_of(policy_for(scope.organization))
    firsts = cases.filter(first_contacted_at__isnull=False).values_list(
        "opened_at", "first_contacted_at"
    )
    hours = [calendar.minutes_between(a, b) / 60 for a, b in firsts]
    result.median_first_contact_hours = round(median(hours), 1) if hours else None
    stats = leader_case_stats(scope.organization, since=since, cases=cases)
    result.leader_cases = stats["count"]
    result.leader_closed = stats["closed"]
    result.leader_median_close_hours = stats["median_close_hours"]
    result.pareto = root_cause_pareto(cases)
    result.by_unit = root_causes_by_unit(cases)
    return result


def root_causes_by_unit(cases, top: int = 3) -> list[dict]:
    """Per unit, its root causes largest first (its own Pareto), the `top` first ones."""
    from sillage.accounts.models import Unit

    rows = list(
        cases.filter(root_cause__isnull=False)
        .values("unit_id", "root_cause_id")
        .annotate(n=Count("pk"))
        .order_by("unit_id", "-n", "root_cause_id")
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["unit_id"] for r in rows})}
    causes = {c.pk: c for c in RootCause.objects.filter(pk__in={r["root_cause_id"] for r in rows})}
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["unit_id"], []).append(row)
    result = []
    for unit_id, unit_rows in grouped.items():
        total = sum(r["n"] for r in unit_rows)
        result.append(
            {
                "unit": units[unit_id],
                "total": total,
                "causes": [
                    {
                        "root_cause": causes[r["root_cause_id"]],
                        "count": r["n"],
                        "pct": _pct(r["n"], total),
                    }
                    for r in unit_rows[:top]
                ],
            }
        )
    return sorted(result, key=lambda u: (-u["total"], u["unit"].path))


def root_cause_pareto(cases) -> list[dict]:
    rows = (
        cases.filter(root_cause__isnull=False)
        .values("root_cause_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "root_cause_id")
    )
    rows = list(rows)
    names = {r.pk: r for r in RootCause.objects.filter(pk__in=[r["root_cause_id"] for r in rows])}
    total = sum(r["n"] for r in rows)
    running = 0
    pareto = []
    for row in rows:
        running += row["n"]
        pareto.append(
            {
                "root_cause": names[row["root_cause_id"]],
                "count": row["n"],
                "pct": _pct(row["n"], total),
                "cumulative_pct": _pct(running, total),
            }
        )
    return pareto


def leader_case_stats(
    organization: Organization, *, since: datetime | None = None, cases=None
) -> dict:
    """Cases leaders took part in (took or joined) and how fast they were closed, in hours
    of wall-clock time from opening to resolution. For the leadership scorecard."""
    if cases is None:
        cases = Case.objects.filter(organization=organization)
        if since is not None:
            cases = cases.filter(opened_at__gte=since)
    led = cases.filter(leader_involved=True)
    durations = [
        (resolved - opened).total_seconds() / 3600
        for opened, resolved in led.filter(resolved_at__isnull=False).values_list(
            "opened_at", "resolved_at"
        )
    ]
    return {
        "count": led.count(),
        "closed": len(durations),
        "median_close_hours": round(median(durations), 1) if durations else None,
    }
