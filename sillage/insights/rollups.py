"""Recomputing rollups: one (organisation, local day) slice at a time, from raw rows.

A slice refresh deletes the day's rows of every rollup table and inserts them again from the
responses (and invitations) of that day, in one transaction, under a per-slice lock. The raw
scan is bounded by one day of one organisation and uses the (organization, submitted_at)
index. The result depends only on the raw rows: refreshing twice, or concurrently, or in any
order, gives the same tables as a full rebuild.

The local day's bounds are computed in Python with zoneinfo, so the SQL compares plain
timestamps on every database (SQLite has no time zones) and DST days have 23 or 25 hours.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.constants import OnConflict

from sillage.accounts.models import Organization
from sillage.feedback.models import Invitation, InvitationStatus, Response
from sillage.insights.metrics import period_start
from sillage.insights.models import (
    DayRollup,
    InvitationDayRollup,
    OrgDayRollup,
    RollupCursor,
    TouchpointDayRollup,
    UnitDayRollup,
    VerbatimIndex,
)

SENT_STATUSES = (InvitationStatus.SENT, InvitationStatus.REMINDED, InvitationStatus.ANSWERED)
VERBATIM_BATCH = 2_000
Log = Callable[[str], None]


# --- Local days ------------------------------------------------------------------------------


def zone_of(organization: Organization) -> ZoneInfo:
    return ZoneInfo(organization.time_zone or "UTC")


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day, in UTC."""
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


# --- Accent folding (shared with the search) --------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into single
    spaces, with a space at each end: "Prêt HYPOTHÉCAIRE!" -> " pret hypothecaire ".

    `verbatims.highlight` folds character by character the same way."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " " + " ".join(_NOT_WORD.sub(" ", text).split()) + " "


# --- SQL ---------------------------------------------------------------------------------------

_COUNTERS_SQL = """
    COUNT(*),
    COUNT(nps),
    SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END),
    SUM(CASE WHEN nps IN (7, 8) THEN 1 ELSE 0 END),
    SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END),
    COUNT(csat),
    COALESCE(SUM(csat), 0),
    COALESCE(SUM(csat * csat), 0),
    SUM(CASE WHEN csat >= 4 THEN 1 ELSE 0 END),
    COUNT(ces),
    COALESCE(SUM(ces), 0),
    COALESCE(SUM(ces * ces), 0),
    SUM(CASE WHEN ces >= 5 THEN 1 ELSE 0 END),
    SUM(CASE WHEN comment <> '' THEN 1 ELSE 0 END)
"""
_COUNTER_COLUMNS = (
    "n, nps_n, promoters, passives, detractors, csat_n, csat_sum, csat_sumsq, csat_top2, "
    "ces_n, ces_sum, ces_sumsq, ces_easy, comments"
)
_SUMS_SQL = ", ".join(f"SUM({c.strip()})" for c in _COUNTER_COLUMNS.split(","))
_PERIOD_COLUMNS = "organization_id, day, week, month, quarter"


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _statements() -> dict[str, str]:
    response = _table(Response)
    invitation = _table(Invitation)
    full, by_tp, by_unit = _table(DayRollup), _table(TouchpointDayRollup), _table(UnitDayRollup)
    by_org, inv = _table(OrgDayRollup), _table(InvitationDayRollup)
    return {
        "delete": "DELETE FROM {table} WHERE organization_id = %s AND day = %s",
        # All names below come from the models, never from input.
        "full": (
            f"INSERT INTO {full} ({_PERIOD_COLUMNS}, unit_id, touchpoint_id, survey_id, "  # noqa: S608
            f"language, employee_code, {_COUNTER_COLUMNS}) "
            f"SELECT %s, %s, %s, %s, %s, unit_id, touchpoint_id, survey_id, language, "
            f"employee_code, {_COUNTERS_SQL} FROM {response} "
            "WHERE organization_id = %s AND submitted_at >= %s AND submitted_at < %s "
            "GROUP BY unit_id, touchpoint_id, survey_id, language, employee_code"
        ),
        "touchpoint": (
            f"INSERT INTO {by_tp} ({_PERIOD_COLUMNS}, unit_id, touchpoint_id, "  # noqa: S608
            f"{_COUNTER_COLUMNS}) SELECT {_PERIOD_COLUMNS}, unit_id, touchpoint_id, {_SUMS_SQL} "
            f"FROM {full} WHERE organization_id = %s AND day = %s "
            f"GROUP BY {_PERIOD_COLUMNS}, unit_id, touchpoint_id"
        ),
        "unit": (
            f"INSERT INTO {by_unit} ({_PERIOD_COLUMNS}, unit_id, {_COUNTER_COLUMNS}) "  # noqa: S608
            f"SELECT {_PERIOD_COLUMNS}, unit_id, {_SUMS_SQL} FROM {by_tp} "
            f"WHERE organization_id = %s AND day = %s GROUP BY {_PERIOD_COLUMNS}, unit_id"
        ),
        "organization": (
            f"INSERT INTO {by_org} ({_PERIOD_COLUMNS}, touchpoint_id, survey_id, language, "  # noqa: S608
            f"{_COUNTER_COLUMNS}) SELECT {_PERIOD_COLUMNS}, touchpoint_id, survey_id, language, "
            f"{_SUMS_SQL} FROM {full} WHERE organization_id = %s AND day = %s "
            f"GROUP BY {_PERIOD_COLUMNS}, touchpoint_id, survey_id, language"
        ),
        "invitations": (
            f"INSERT INTO {inv} ({_PERIOD_COLUMNS}, unit_id, touchpoint_id, survey_id, "  # noqa: S608
            "employee_code, sent, answered) "
            "SELECT %s, %s, %s, %s, %s, unit_id, touchpoint_id, survey_id, employee_code, "
            "COUNT(*), SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) "
            f"FROM {invitation} WHERE organization_id = %s AND sent_at >= %s "
            "AND sent_at < %s AND status IN (%s, %s, %s) "
            "GROUP BY unit_id, touchpoint_id, survey_id, employee_code"
        ),
        "verbatim_stale": (
            f"DELETE FROM {_table(VerbatimIndex)} WHERE organization_id = %s "  # noqa: S608
            "AND submitted_at >= %s AND submitted_at < %s AND NOT EXISTS (SELECT 1 FROM "
            f"{response} r WHERE r.id = {_table(VerbatimIndex)}.response_id AND r.comment <> '')"
        ),
    }


ROLLUP_TABLES = (
    OrgDayRollup,
    UnitDayRollup,
    TouchpointDayRollup,
    DayRollup,
    InvitationDayRollup,
)


def lock_organization(cursor: Any, organization_id: int, *, exclusive: bool) -> None:
    """A bulk rebuild holds the organisation exclusively; slice refreshes share it."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        cursor.execute(f"SELECT {function}(%s, 0)", [organization_id])


def _lock_slice(cursor: Any, organization_id: int, day: date) -> None:
    """Serialise refreshes of the same slice. PostgreSQL: advisory locks held until the
    transaction ends (two concurrent delete+insert would otherwise both insert). SQLite:
    Django opens write transactions with BEGIN IMMEDIATE, which already serialises them."""
    if connection.vendor == "postgresql":
        lock_organization(cursor, organization_id, exclusive=False)
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [organization_id, -day.toordinal()])


def _adapt_day(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _adapt_moment(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def refresh_day(organization: Organization, day: date, *, full_verbatims: bool = False) -> None:
    """Recompute every rollup of one organisation's local day from its raw rows."""
    zone = zone_of(organization)
    start, end = day_bounds(day, zone)
    sql = _statements()
    org = organization.pk
    periods = [org, _adapt_day(day)] + [
        _adapt_day(period_start(day, grain)) for grain in ("week", "month", "quarter")
    ]
    bounds = [_adapt_moment(start), _adapt_moment(end)]
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_slice(cursor, org, day)
        for model in ROLLUP_TABLES:
            cursor.execute(sql["delete"].format(table=_table(model)), [org, _adapt_day(day)])
        cursor.execute(sql["full"], [*periods, org, *bounds])
        cursor.execute(sql["touchpoint"], [org, _adapt_day(day)])
        cursor.execute(sql["unit"], [org, _adapt_day(day)])
        cursor.execute(sql["organization"], [org, _adapt_day(day)])
        cursor.execute(
            sql["invitations"],
            [*periods, InvitationStatus.ANSWERED.value, org, *bounds, *SENT_STATUSES],
        )
        if full_verbatims:
            VerbatimIndex.objects.filter(
                organization_id=org, submitted_at__gte=start, submitted_at__lt=end
            ).delete()
        else:
            cursor.execute(sql["verbatim_stale"], [org, *bounds])
        missing = Response.objects.filter(
            organization_id=org, submitted_at__gte=start, submitted_at__lt=end
        ).exclude(comment="")
        if not full_verbatims:
            indexed = VerbatimIndex.objects.filter(
                organization_id=org, submitted_at__gte=start, submitted_at__lt=end
            ).values_list("response_id", flat=True)
            missing = missing.exclude(pk__in=indexed)
        insert_verbatims(org, missing.values_list("pk", "submitted_at", "comment").iterator())


def insert_verbatims(organization_id: int, rows: Iterator[tuple[int, datetime, str]]) -> int:
    """Fold and insert (response id, submitted_at, comment) rows in batches."""
    written = 0
    batch: list[VerbatimIndex] = []
    for pk, submitted_at, comment in rows:
        batch.append(
            VerbatimIndex(
                response_id=pk,
                organization_id=organization_id,
                submitted_at=submitted_at,
                folded=fold(comment),
            )
        )
        if len(batch) >= VERBATIM_BATCH:
            written += _write_verbatims(batch)
            batch = []
    if batch:
        written += _write_verbatims(batch)
    return written


def _write_verbatims(batch: list[VerbatimIndex]) -> int:
    if connection.vendor == "postgresql":
        # COPY: the rebuild writes millions of them (ARCHITECTURE.md: 452k rows/s).
        with connection.cursor() as cursor:
            table = _table(VerbatimIndex)
            with cursor.copy(
                f"COPY {table} (response_id, organization_id, submitted_at, folded) FROM STDIN"
            ) as copy:
                for v in batch:
                    copy.write_row((v.response_id, v.organization_id, v.submitted_at, v.folded))
        return len(batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_table(VerbatimIndex)} "  # noqa: S608 - names from the model
                "(response_id, organization_id, submitted_at, folded) VALUES (%s, %s, %s, %s)",
                [
                    (v.response_id, v.organization_id, _adapt_moment(v.submitted_at), v.folded)
                    for v in batch
                ],
            )
        return len(batch)
    VerbatimIndex.objects.bulk_create(batch)
    return len(batch)


def index_verbatims(response_ids: list[int]) -> int:
    """Fold and index these responses' comments now, in a short write of their own, so that
    the day's refresh that follows finds them indexed: on SQLite its transaction holds the
    database's only write lock, and folding a second's worth of comments inside it tripled
    its length. Rows indexed already are left as they are."""
    rows = (
        Response.objects.filter(pk__in=response_ids)
        .exclude(comment="")
        .order_by()
        .values_list("pk", "organization_id", "submitted_at", "comment")
    )
    values = [(pk, org, _adapt_moment(at), fold(comment)) for pk, org, at, comment in rows]
    if not values:
        return 0
    ignore = OnConflict.IGNORE
    fields = [VerbatimIndex._meta.get_field("response_id")]
    sql = (
        f"{connection.ops.insert_statement(on_conflict=ignore)} {_table(VerbatimIndex)} "
        "(response_id, organization_id, submitted_at, folded) VALUES (%s, %s, %s, %s) "
        f"{connection.ops.on_conflict_suffix_sql(fields, ignore, None, None)}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)


def refresh_days(organization: Organization, days: Iterable[date]) -> int:
    count = 0
    for day in sorted(set(days)):
        refresh_day(organization, day)
        count += 1
    return count


# --- Which days need refreshing ----------------------------------------------------------------


def days_of_responses(response_ids: Iterable[int]) -> dict[int, set[date]]:
    """{organization id: local days} touched by these responses and their invitations."""
    rows = Response.objects.filter(pk__in=list(response_ids)).values_list(
        "organization_id", "organization__time_zone", "submitted_at", "invitation__sent_at"
    )
    return _days_by_org(rows)


def _days_by_org(rows: Iterable[tuple[int, str, datetime, datetime | None]]) -> dict[int, set]:
    days: dict[int, set[date]] = {}
    zones: dict[str, ZoneInfo] = {}
    for org_id, zone_name, submitted_at, sent_at in rows:
        zone = zones.setdefault(zone_name, ZoneInfo(zone_name or "UTC"))
        found = days.setdefault(org_id, set())
        found.add(local_day(submitted_at, zone))
        if sent_at is not None:
            found.add(local_day(sent_at, zone))
    return days


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _ends(queryset: Any, field: str) -> list[Any]:
    values = queryset.order_by().values_list(field, flat=True)
    first = values.order_by(field).first()
    return [] if first is None else [first, values.order_by(f"-{field}").first()]


def organization_day_span(
    organization: Organization, since: date | None = None
) -> tuple[date, date] | None:
    """The first and last local days that hold responses, invitations or rollup rows."""
    zone = zone_of(organization)
    # First and last separately: each is then one step down an (organization, …) index.
    candidates = [
        local_day(moment, zone)
        for moment in (
            *_ends(Response.objects.filter(organization=organization), "submitted_at"),
            *_ends(
                Invitation.objects.filter(organization=organization, sent_at__isnull=False),
                "sent_at",
            ),
        )
    ]
    for model in ROLLUP_TABLES:
        candidates += _ends(model.objects.filter(organization=organization), "day")
    if not candidates:
        return None
    first, last = min(candidates), max(candidates)
    if since is not None:
        first = max(first, since)
    return (first, last) if first <= last else None


@dataclass
class RebuildResult:
    organization: str
    days: int = 0
    verbatims: int = 0


# --- The safety net's cursor --------------------------------------------------------------------

CURSOR_NAME = "responses"
# Ids are handed out before commit, so a transaction may commit an id lower than one already
# seen: each pass looks this many ids back, and refreshes the days they touch again.
CURSOR_OVERLAP = 500
CURSOR_BATCH = 20_000


def catch_up(now: datetime, *, batch: int = CURSOR_BATCH) -> int:
    """Refresh the days of responses (and invitations sent) since the last pass.

    Returns the number of slices refreshed. Each slice refresh is exact, so the overlap and a
    concurrent run only cost time."""
    state, _created = RollupCursor.objects.get_or_create(name=CURSOR_NAME)
    last_id = Response.objects.aggregate(last=Max("pk"))["last"] or 0
    since = state.updated_at or now - timedelta(minutes=10)
    work: dict[int, set[date]] = {}
    if last_id > state.position:
        start = max(0, state.position - CURSOR_OVERLAP)
        rows = list(
            Response.objects.filter(pk__gt=start)
            .order_by("pk")
            .values_list(
                "pk",
                "organization_id",
                "organization__time_zone",
                "submitted_at",
                "invitation__sent_at",
            )[:batch]
        )
        for org_id, days in _days_by_org(r[1:] for r in rows).items():
            work.setdefault(org_id, set()).update(days)
        last_id = rows[-1][0] if rows else last_id
    sent = Invitation.objects.filter(
        status__in=SENT_STATUSES, sent_at__gte=since - timedelta(minutes=1)
    ).values_list("organization_id", "organization__time_zone", "sent_at", "sent_at")
    for org_id, days in _days_by_org(sent).items():
        work.setdefault(org_id, set()).update(days)
    refreshed = 0
    organizations = Organization.objects.in_bulk(list(work))
    for org_id, days in work.items():
        if org_id in organizations:
            refreshed += refresh_days(organizations[org_id], days)
    RollupCursor.objects.filter(pk=state.pk).update(
        position=max(state.position, last_id), updated_at=now
    )
    return refreshed
