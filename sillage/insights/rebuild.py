"""Rebuilding an organisation's rollups in bulk: one aggregate over all its responses.

Refreshing day by day (rollups.refresh_day) costs a dozen statements per day; over two years
of ten million responses, one GROUP BY per table is several times faster. The local day of
each response is computed in SQL with a fixed UTC offset, which is exact over any run of
days whose offset does not change; the few days with a daylight-saving change are refreshed
one by one with their exact bounds. The whole rebuild is one transaction under an
organisation-wide lock, so dashboards see the old rollups until it commits, then the new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from sillage.accounts.models import Organization
from sillage.feedback.models import Invitation, InvitationStatus, Response
from sillage.insights.models import (
    DayRollup,
    InvitationDayRollup,
    OrgDayRollup,
    TouchpointDayRollup,
    UnitDayRollup,
    VerbatimIndex,
)
from sillage.insights.rollups import (
    _COUNTER_COLUMNS,
    _COUNTERS_SQL,
    _PERIOD_COLUMNS,
    _SUMS_SQL,
    ROLLUP_TABLES,
    SENT_STATUSES,
    Log,
    RebuildResult,
    _adapt_day,
    _adapt_moment,
    _table,
    day_bounds,
    day_range,
    insert_verbatims,
    lock_organization,
    organization_day_span,
    refresh_day,
    zone_of,
)


@dataclass(frozen=True)
class Run:
    """Consecutive local days with one UTC offset throughout."""

    first: date
    last: date
    minutes: int  # UTC offset, in minutes


def _offset_minutes(day: date, zone: ZoneInfo) -> int:
    offset = datetime.combine(day, time.min, tzinfo=zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def split_by_offset(first: date, last: date, zone: ZoneInfo) -> tuple[list[Run], list[date]]:
    """(runs of days with a constant offset, days on which the offset changes)."""
    runs: list[Run] = []
    changing: list[date] = []
    for day in day_range(first, last):
        minutes = _offset_minutes(day, zone)
        if minutes != _offset_minutes(day + timedelta(days=1), zone):
            changing.append(day)
        elif runs and runs[-1].minutes == minutes and runs[-1].last == day - timedelta(days=1):
            runs[-1] = Run(runs[-1].first, day, minutes)
        else:
            runs.append(Run(day, day, minutes))
    return runs, changing


# --- SQL that differs between databases ----------------------------------------------------------


def _local_day(column: str) -> str:
    """The local date of a UTC timestamp column, shifted by the run's offset (a parameter)."""
    if connection.vendor == "postgresql":
        return f"(({column} AT TIME ZONE 'UTC') + make_interval(mins => %s))::date"
    return f"date({column}, %s)"


def _shift(minutes: int) -> Any:
    return minutes if connection.vendor == "postgresql" else f"{minutes:+d} minutes"


def _periods(day: str) -> str:
    """week, month, quarter (their first days) of a date expression."""
    if connection.vendor == "postgresql":
        return (
            f"date_trunc('week', {day})::date, date_trunc('month', {day})::date, "
            f"date_trunc('quarter', {day})::date"
        )
    # SQLite: dates are ISO text; %w is the weekday with Sunday as 0 (%% before parameters).
    return (
        f"date({day}, '-' || ((CAST(strftime('%%w', {day}) AS INTEGER) + 6) %% 7) || ' days'), "
        f"strftime('%%Y-%%m-01', {day}), "
        f"printf('%%04d-%%02d-01', CAST(strftime('%%Y', {day}) AS INTEGER), "
        f"((CAST(strftime('%%m', {day}) AS INTEGER) - 1) / 3) * 3 + 1)"
    )


def _statements() -> dict[str, str]:
    response, invitation = _table(Response), _table(Invitation)
    full, by_tp, by_unit = _table(DayRollup), _table(TouchpointDayRollup), _table(UnitDayRollup)
    by_org, inv = _table(OrgDayRollup), _table(InvitationDayRollup)
    dims = "unit_id, touchpoint_id, survey_id, language, employee_code"
    in_range = "WHERE organization_id = %s AND day >= %s AND day <= %s"
    # Every name below comes from the models, never from input.
    return {
        "delete": "DELETE FROM {table} " + in_range,  # noqa: S608
        "full": (
            f"INSERT INTO {full} ({_PERIOD_COLUMNS}, {dims}, {_COUNTER_COLUMNS}) "  # noqa: S608
            f"SELECT %s, r.day, {_periods('r.day')}, {dims}, {_COUNTERS_SQL} FROM ("
            f"SELECT {_local_day('submitted_at')} AS day, {dims}, nps, csat, ces, comment "
            f"FROM {response} WHERE organization_id = %s AND submitted_at >= %s "
            f"AND submitted_at < %s) r GROUP BY r.day, {dims}"
        ),
        "touchpoint": (
            f"INSERT INTO {by_tp} ({_PERIOD_COLUMNS}, unit_id, touchpoint_id, "  # noqa: S608
            f"{_COUNTER_COLUMNS}) SELECT {_PERIOD_COLUMNS}, unit_id, touchpoint_id, {_SUMS_SQL} "
            f"FROM {full} {in_range} GROUP BY {_PERIOD_COLUMNS}, unit_id, touchpoint_id"
        ),
        "unit": (
            f"INSERT INTO {by_unit} ({_PERIOD_COLUMNS}, unit_id, {_COUNTER_COLUMNS}) "  # noqa: S608
            f"SELECT {_PERIOD_COLUMNS}, unit_id, {_SUMS_SQL} FROM {by_tp} {in_range} "
            f"GROUP BY {_PERIOD_COLUMNS}, unit_id"
        ),
        "organization": (
            f"INSERT INTO {by_org} ({_PERIOD_COLUMNS}, touchpoint_id, survey_id, language, "  # noqa: S608
            f"{_COUNTER_COLUMNS}) SELECT {_PERIOD_COLUMNS}, touchpoint_id, survey_id, language, "
            f"{_SUMS_SQL} FROM {full} {in_range} "
            f"GROUP BY {_PERIOD_COLUMNS}, touchpoint_id, survey_id, language"
        ),
        "invitations": (
            f"INSERT INTO {inv} ({_PERIOD_COLUMNS}, unit_id, touchpoint_id, survey_id, "  # noqa: S608
            f"employee_code, sent, answered) SELECT %s, i.day, {_periods('i.day')}, unit_id, "
            "touchpoint_id, survey_id, employee_code, COUNT(*), "
            "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) FROM ("
            f"SELECT {_local_day('sent_at')} AS day, unit_id, touchpoint_id, survey_id, "
            f"employee_code, status FROM {invitation} WHERE organization_id = %s "
            "AND sent_at >= %s AND sent_at < %s AND status IN (%s, %s, %s)) i "
            "GROUP BY i.day, unit_id, touchpoint_id, survey_id, employee_code"
        ),
    }


def _write_run(cursor: Any, sql: dict[str, str], org: int, run: Run, zone: ZoneInfo) -> None:
    start, end = day_bounds(run.first, zone)[0], day_bounds(run.last, zone)[1]
    window = [_adapt_moment(start), _adapt_moment(end)]
    days = [org, _adapt_day(run.first), _adapt_day(run.last)]
    cursor.execute(sql["full"], [org, _shift(run.minutes), org, *window])
    cursor.execute(sql["touchpoint"], days)
    cursor.execute(sql["unit"], days)
    cursor.execute(sql["organization"], days)
    cursor.execute(
        sql["invitations"],
        [
            org,
            InvitationStatus.ANSWERED.value,
            _shift(run.minutes),
            org,
            *window,
            *SENT_STATUSES,
        ],
    )


def rebuild(
    organization: Organization, *, since: date | None = None, log: Log | None = None
) -> RebuildResult:
    """Recompute all of an organisation's rollups and comment index (from `since`, a local
    day, onwards): exact, idempotent, in one transaction."""
    log = log or (lambda _message: None)
    result = RebuildResult(organization=organization.slug)
    span = organization_day_span(organization, since)
    if span is None:
        return result
    first, last = span
    zone = zone_of(organization)
    runs, changing = split_by_offset(first, last, zone)
    sql = _statements()
    org = organization.pk
    with transaction.atomic(), connection.cursor() as cursor:
        lock_organization(cursor, org, exclusive=True)
        for model in ROLLUP_TABLES:
            cursor.execute(
                sql["delete"].format(table=_table(model)),
                [org, _adapt_day(first), _adapt_day(last)],
            )
        for run in runs:
            _write_run(cursor, sql, org, run, zone)
            log(f"{organization.slug}: {run.first} to {run.last}")
        for day in changing:  # daylight-saving days: their exact bounds
            refresh_day(organization, day)
        start, end = day_bounds(first, zone)[0], day_bounds(last, zone)[1]
        VerbatimIndex.objects.filter(
            organization_id=org, submitted_at__gte=start, submitted_at__lt=end
        ).delete()
        comments = (
            Response.objects.filter(
                organization_id=org, submitted_at__gte=start, submitted_at__lt=end
            )
            .exclude(comment="")
            .values_list("pk", "submitted_at", "comment")
            .iterator(chunk_size=5_000)
        )
        result.verbatims = insert_verbatims(org, comments)
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner knows the new sizes (and how selective the
        # comment search is) before autovacuum gets to it.
        with connection.cursor() as cursor:
            for model in (*ROLLUP_TABLES, VerbatimIndex):
                cursor.execute(f"ANALYZE {_table(model)}")
    result.days = (last - first).days + 1
    return result
