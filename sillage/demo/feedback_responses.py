"""A year of demo responses: when customers answer, how they score, what they write.

Responses are written with one `executemany` per chunk: 60,000 rows through `bulk_create`
would take several seconds on SQLite (ARCHITECTURE.md), and `bulk_create` would also stamp
them all as received now.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.utils import timezone

from sillage.db.rows import executemany_chunked
from sillage.demo import comments, names
from sillage.demo.feedback_catalogue import OrgPlan, Stream
from sillage.demo.feedback_specs import (
    AREA_CODES,
    BRANCH_ENGLISH,
    BRANCH_SHIFT,
    REGION_ENGLISH,
    UNIT_ENGLISH,
    UNIT_SHIFT,
    JourneySpec,
)
from sillage.demo.people import email_local_part
from sillage.feedback.models import Channel, Response, Source, SurveyVersion

DAYS = 365
INSERT_CHUNK = 5_000


def demo_today(zone: ZoneInfo) -> date:
    """Today in the organisation's time zone. The demo year ends the day before, so that a
    demo loaded at any hour of a day holds the same responses."""
    return timezone.localdate(timezone=zone)


# --- Responses ----------------------------------------------------------------------------------


def _allocate(streams: list[Stream], total: int) -> None:
    """Exactly `total` responses, shared by weight (largest remainders get the rest)."""
    weight = sum(s.weight for s in streams)
    exact = [total * s.weight / weight for s in streams]
    for stream, value in zip(streams, exact, strict=True):
        stream.count = int(value)
    rest = total - sum(s.count for s in streams)
    by_remainder = sorted(
        range(len(streams)), key=lambda i: (exact[i] - int(exact[i]), -i), reverse=True
    )
    for i in by_remainder[:rest]:
        streams[i].count += 1


class Calendar:
    """The demo year: which days a journey's customers answer, and the day's mood."""

    def __init__(self, today: date) -> None:
        self.days = [today - timedelta(days=DAYS - i) for i in range(DAYS)]
        self._cumulative: dict[tuple[str, str], list[float]] = {}

    def cumulative(self, journey: JourneySpec, channel: str) -> list[float]:
        key = (journey.code, channel)
        if key not in self._cumulative:
            total, cumulative = 0.0, []
            for index, day in enumerate(self.days):
                total += (
                    journey.volume[day.month - 1]
                    * _weekday_factor(channel, day.weekday())
                    * _event_volume(journey.code, index)
                    * (1 + 0.3 * index / DAYS if journey.code == "appli" else 1.0)
                )
                cumulative.append(total)
            self._cumulative[key] = cumulative
        return self._cumulative[key]


def _weekday_factor(channel: str, weekday: int) -> float:
    if channel == Channel.BRANCH:
        return (1.0, 1.0, 1.0, 1.25, 1.1, 0.3, 0.0)[weekday]
    if channel in {Channel.CONTACT_CENTRE, Channel.CHAT}:
        return (1.2, 1.0, 1.0, 1.0, 0.9, 0.4, 0.25)[weekday]
    return (1.0, 1.0, 1.0, 1.0, 1.0, 0.85, 0.8)[weekday]


APP_INCIDENT = range(DAYS - 130, DAYS - 109)  # the release that broke cheque deposits


def _event_volume(journey_code: str, day_index: int) -> float:
    if day_index in APP_INCIDENT and journey_code in {"appli", "plainte"}:
        return 2.2
    return 1.0


def _event_shift(stream: Stream, day_index: int) -> float:
    shift = 0.0
    if day_index in APP_INCIDENT and stream.spec.channel == Channel.MOBILE_APP:
        shift -= 2.0
    branch = stream.branch
    if branch is not None and branch.code == "PLATEAU":
        # The Plateau team's workshop, seven months before the end of the demo year.
        shift += -0.5 + 1.2 * min(max((day_index - (DAYS - 210)) / 75, 0.0), 1.0)
    elif branch is not None and branch.code == "LONGUEUIL":
        shift += 0.3 - 1.3 * day_index / DAYS  # turnover: the experienced people left
    return shift + 0.25 * day_index / DAYS  # the whole network improves a little


def _hour(rng: random.Random, channel: str, weekday: int) -> int:
    if channel == Channel.BRANCH:
        closing = 19 if weekday == 3 else (14 if weekday == 5 else 17)
        return rng.randint(9, closing - 1)
    if channel in {Channel.CONTACT_CENTRE, Channel.CHAT}:
        return rng.randint(8, 19)
    return min(23, max(6, int(rng.gauss(14, 4.5))))


def write_responses(plan: OrgPlan, rng: random.Random, total: int) -> int:
    organization = plan.organization
    zone = ZoneInfo(organization.time_zone)
    calendar = Calendar(demo_today(zone))
    _allocate(plan.streams, total)
    shifts = _unit_shifts(plan, rng)
    rows: list[dict[str, Any]] = []
    crm_number = 0
    for stream in plan.streams:
        if not stream.count:
            continue
        channel = stream.spec.channel
        version = plan.versions[stream.journey.code]
        has_ces = any(q["key"] == "ces" for q in version.definition["questions"])
        english = _english_share(stream)
        staff = plan.staff.get(stream.unit.pk, [])
        cumulative = calendar.cumulative(stream.journey, channel)
        day_indices = rng.choices(range(DAYS), cum_weights=cumulative, k=stream.count)
        for day_index in sorted(day_indices):
            day = calendar.days[day_index]
            local = datetime(
                day.year,
                day.month,
                day.day,
                _hour(rng, channel, day.weekday()),
                rng.randint(0, 59),
                rng.randint(0, 59),
                tzinfo=zone,
            )
            latent = (
                stream.journey.mean
                + shifts.get(stream.unit.pk, 0.0)
                + stream.journey.mood[day.month - 1]
                + _event_shift(stream, day_index)
                + rng.gauss(0, 1.7)
            )
            language = "en" if rng.random() < english else "fr"
            row = _response(
                rng,
                stream=stream,
                version=version,
                has_ces=has_ces,
                latent=latent,
                language=language,
                staff=staff,
                area=AREA_CODES.get(stream.branch.region if stream.branch else "MTL", "514"),
            )
            submitted_at = local.astimezone(UTC)
            source, link_id, external_id = _source(stream)
            if source == Source.LINK and stream.spec.served_by == "advice" and rng.random() < 0.1:
                # Meetings booked in the CRM, whose own survey posts to the API.
                crm_number += 1
                source, link_id, external_id = Source.API, None, f"crm-{crm_number:06d}"
            row.update(
                organization_id=organization.pk,
                survey_id=version.survey_id,
                survey_version_id=version.pk,
                unit_id=stream.unit.pk,
                touchpoint_id=stream.touchpoint.pk,
                source=source,
                link_id=link_id,
                external_id=external_id,
                language=language,
                submitted_at=submitted_at,
                received_at=submitted_at + timedelta(seconds=rng.randint(1, 90)),
            )
            rows.append(row)
    # Ids in the order responses arrived, as in a real database.
    rows.sort(key=lambda row: row["received_at"])
    return insert_rows(Response, rows)


def _unit_shifts(plan: OrgPlan, rng: random.Random) -> dict[int, float]:
    shifts: dict[int, float] = {}
    for stream in plan.streams:
        unit = stream.unit
        if unit.pk in shifts:
            continue
        if stream.branch is not None:
            base = BRANCH_SHIFT.get(stream.branch.code)
            shifts[unit.pk] = base if base is not None else rng.gauss(0, 0.3)
        else:
            shifts[unit.pk] = UNIT_SHIFT.get(unit.code, 0.0)
    return shifts


def _english_share(stream: Stream) -> float:
    if stream.branch is None:
        return UNIT_ENGLISH.get(stream.unit.code, 0.2)
    branch = stream.branch
    return BRANCH_ENGLISH.get(branch.code, REGION_ENGLISH[branch.region])


def _source(stream: Stream) -> tuple[str, int | None, str | None]:
    channel = stream.spec.channel
    if stream.link_id is not None:
        return Source.LINK, stream.link_id, None
    if channel in {Channel.MOBILE_APP, Channel.WEB}:
        return Source.WIDGET, None, None
    return Source.EMAIL, None, None


def _clamp(value: float, low: int, high: int) -> int:
    return min(high, max(low, int(math.floor(value + 0.5))))


def _response(
    rng: random.Random,
    *,
    stream: Stream,
    version: SurveyVersion,
    has_ces: bool,
    latent: float,
    language: str,
    staff: list[tuple[str, str]],
    area: str,
) -> dict[str, Any]:
    nps = _clamp(latent, 0, 10)
    tone, follow_up = ("neg", "improve") if nps <= 6 else ("mid", "neutral")
    if nps >= 9:
        tone, follow_up = "pos", "liked"
    answers: dict[str, Any] = {"nps": nps}
    row: dict[str, Any] = {"nps": nps, "csat": None, "ces": None, "employee_code": ""}
    comment = ""
    if rng.random() < {"neg": 0.68, "mid": 0.38, "pos": 0.5}[tone]:
        comment, row["employee_code"] = _comment(rng, stream, tone, language, staff)
        answers[follow_up] = comment
    elif staff and stream.spec.served_by in {"advice", "CC-T1", "CC-T3"}:
        if rng.random() < 0.3:  # the CRM knows who served the customer
            row["employee_code"] = rng.choice(staff)[1]
    if rng.random() < 0.85:
        row["csat"] = answers["csat"] = _clamp(1 + latent * 0.42 + rng.gauss(0, 0.45), 1, 5)
    if has_ces and rng.random() < 0.75:
        row["ces"] = answers["ces"] = _clamp(1 + latent * 0.6 + rng.gauss(0, 0.7), 1, 7)
    row.update(
        comment=comment,
        contact_consent=False,
        contact_name="",
        contact_email="",
        contact_phone="",
    )
    if rng.random() < {"neg": 0.25, "mid": 0.08, "pos": 0.05}[tone]:
        answers["contact"] = "yes"
        row.update(_contact(rng, language, area))
    row["answers"] = answers
    return row


def _comment(
    rng: random.Random, stream: Stream, tone: str, language: str, staff: list[tuple[str, str]]
) -> tuple[str, str]:
    """A comment, and the employee code of the person it names (or "")."""
    if tone == "pos" and staff and rng.random() < 0.3:
        first_name, code = rng.choice(staff)
        return rng.choice(comments.COMPLIMENTS[language]).format(name=first_name), code
    themes, weights = zip(*comments.THEMES[stream.journey.code][tone], strict=True)
    theme = rng.choices(themes, weights=weights)[0]
    text = rng.choice(comments.texts(theme, tone, language))
    if "{minutes}" in text:
        text = text.format(minutes=rng.choice((12, 15, 20, 25, 30, 35, 40, 45)))
    return text, ""


def _contact(rng: random.Random, language: str, area: str) -> dict[str, Any]:
    feminine = rng.random() < 0.5
    if language == "en":
        first = rng.choice(names.ENGLISH_FIRST_NAMES_F if feminine else names.ENGLISH_FIRST_NAMES_M)
        last = rng.choice(names.ENGLISH_LAST_NAMES)
    else:
        first = rng.choice(names.FRENCH_FIRST_NAMES_F if feminine else names.FRENCH_FIRST_NAMES_M)
        last = rng.choice(names.FRENCH_LAST_NAMES)
    # example.com is reserved (RFC 2606) and 555-01xx numbers are fictional: nobody real is
    # ever written to or called from the demo.
    email = f"{email_local_part(first, last)}{rng.randint(1, 99)}@example.com"
    phone = f"{area} 555-01{rng.randint(0, 99):02d}" if rng.random() < 0.5 else ""
    return {
        "contact_consent": True,
        "contact_name": f"{first} {last}",
        "contact_email": email,
        "contact_phone": phone,
    }


# --- Writing ------------------------------------------------------------------------------------


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Write many rows at once: COPY on PostgreSQL, executemany in chunks elsewhere (each
    an order of magnitude faster than the other way round on its database). Columns the
    rows leave out get the model's default, so that a field added later does not break the
    demo."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    adapters = [(f.attname, _adapter(f)) for f in fields]
    values = (
        tuple(adapt(row[name] if name in row else defaults[name]) for name, adapt in adapters)
        for row in rows
    )
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model names
        return executemany_chunked(cursor, sql, values, INSERT_CHUNK)


def _adapter(model_field: models.Field) -> Any:
    if isinstance(model_field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(model_field, models.JSONField):
        return lambda value: model_field.get_db_prep_save(value, connection=connection)
    return lambda value: value
