"""Responses sent by other systems (POST /api/v1/responses), one or a thousand at a time.

A batch is all or nothing: every item is checked first and, when any is wrong, nothing is
written and every error is returned with its path, so that the caller can fix the batch and
send it again whole. A batch of which half was recorded would leave the caller to find out
which half, and its retry would fail on the other half's errors again.

Retries are safe: an item whose `external_id` is already recorded (by an earlier call, or by
an earlier item of the same batch) creates nothing and answers with the recorded response's
id. Units, touchpoints, surveys, employee codes and known external ids are each resolved in
one query for the whole batch, and the new rows are inserted in one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Unit
from sillage.accounts.scope import Scope
from sillage.db.rows import insert_sql, row_values
from sillage.feedback import hooks
from sillage.feedback.definition import LONG_TEXT_MAX, Validated, validate_answers
from sillage.feedback.models import (
    SCORE_TYPES,
    QuestionType,
    Response,
    Source,
    Survey,
    SurveyVersion,
    Touchpoint,
)

MAX_BATCH = 1000
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of the calling systems drift a little
SCORE_FIELDS = {"nps": QuestionType.NPS, "csat": QuestionType.CSAT, "ces": QuestionType.CES}


@dataclass(frozen=True)
class ContactData:
    consent: bool = False
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ResponseData:
    """One item as the caller sent it, types already checked (see sillage/feedback/api.py)."""

    survey_id: int | None = None
    unit: int | None = None
    unit_code: str | None = None
    touchpoint: int | None = None
    touchpoint_code: str | None = None
    submitted_at: datetime | None = None
    language: str | None = None
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    comment: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    employee_code: str = ""
    contact: ContactData | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str


class IngestError(Exception):
    """Nothing was recorded; `errors` says what to fix, item by item."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = list(errors)


@dataclass(frozen=True)
class Ingested:
    id: int
    external_id: str | None
    created: bool


def item_path(index: int, name: str, *, batch: bool) -> str:
    """`responses.3.nps` in a batch, `nps` for a single response."""
    prefix = f"responses.{index}" if batch else ""
    return ".".join(part for part in (prefix, name) if part)


def batch_size_errors(count: int) -> list[FieldError]:
    """Checked before anything else, so that a call of 50,000 items is refused at once."""
    if count == 0:
        return [FieldError("responses", _("Send at least one response."))]
    if count > MAX_BATCH:
        message = _("Send at most %(max)s responses per call (%(count)s sent).")
        return [FieldError("responses", message % {"max": MAX_BATCH, "count": count})]
    return []


def responses_ingest(
    *,
    scope: Scope,
    items: Sequence[ResponseData | None],
    batch: bool,
    errors: Sequence[FieldError] = (),
    now: datetime | None = None,
) -> list[Ingested]:
    """Record the items (None: an item the caller's parser refused, reported in `errors`).

    Raises IngestError, having written nothing, when any item is invalid. Returns one
    outcome per item, in order.

    Most calls carry external ids never seen before, so the first attempt inserts without
    looking them up. When the database refuses a duplicate (a retry, or a concurrent call
    with the same id), or an item is refused, the next attempt reads the recorded ids first:
    a recorded item is a retry, answered with its response and not checked again.
    """
    size_errors = batch_size_errors(len(items))
    if size_errors:
        raise IngestError(size_errors)
    now = now or timezone.now()
    lookups = _Lookups.load(scope=scope, items=[i for i in items if i is not None])
    has_external_ids = any(i is not None and i.external_id for i in items)
    look_up = False
    for attempt in range(3):
        try:
            # The first attempt at one item writes one INSERT and reads nothing.
            with write_transaction(1 if len(items) == 1 and not look_up else 2):
                return _write(
                    scope=scope,
                    items=items,
                    batch=batch,
                    errors=errors,
                    now=now,
                    lookups=lookups,
                    look_up=look_up,
                )
        except IntegrityError:
            # The third attempt follows a race on PostgreSQL (SQLite takes the write lock at
            # BEGIN): the winner's rows are committed by then, and found.
            if attempt == 2 or not has_external_ids:
                raise
        except IngestError:
            if look_up or not has_external_ids:
                raise
        look_up = True
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Plan:
    """What one item becomes: a new row, a recorded response, or a repeat of an earlier item."""

    response: Response | None = None
    recorded_id: int | None = None
    same_as: int | None = None  # index of the first item of this call with its external_id


def _write(
    *,
    scope: Scope,
    items: Sequence[ResponseData | None],
    batch: bool,
    errors: Sequence[FieldError],
    now: datetime,
    lookups: _Lookups,
    look_up: bool,
) -> list[Ingested]:
    """Plan, check and insert, inside the caller's transaction."""
    checker = _Checker(scope=scope, batch=batch, now=now, lookups=lookups)
    checker.errors.extend(errors)
    # Read inside the transaction: on SQLite it holds the write lock, so no concurrent call
    # can record one of these external ids between this read and the insert.
    recorded = checker.load_recorded(items) if look_up else {}
    plans: list[_Plan] = []
    first_of: dict[str, int] = {}
    for index, item in enumerate(items):
        plan = _Plan()
        plans.append(plan)
        if item is None:
            continue
        key = item.external_id
        if key and key in recorded:
            plan.recorded_id = checker.recorded_id(index, recorded[key])
        elif key and key in first_of:
            plan.same_as = first_of[key]
        else:
            if key:
                first_of[key] = index
            plan.response = checker.build(index, item)
    if checker.errors:
        raise IngestError(checker.errors)
    new = [p.response for p in plans if p.response is not None]
    for response in new:
        response.follow_up_pending = True
    if len(new) == 1:
        insert_response(new[0])
        created = new
    else:
        created = Response.objects.bulk_create(new, batch_size=MAX_BATCH)
    if created:
        hooks.responses_flagged()
    outcomes: list[Ingested] = []
    for item, plan in zip(items, plans, strict=True):
        external_id = item.external_id if item is not None else None
        if plan.response is not None:
            outcomes.append(Ingested(plan.response.pk, external_id, True))
        elif plan.recorded_id is not None:
            outcomes.append(Ingested(plan.recorded_id, external_id, False))
        else:
            outcomes.append(Ingested(outcomes[plan.same_as or 0].id, external_id, False))
    return outcomes


@dataclass
class _Lookups:
    """Everything the items name, each kind read in one query for the whole batch."""

    units_by_id: dict[int, Unit]
    units_by_code: dict[str, Unit]
    touchpoints_by_id: dict[int, Touchpoint]
    touchpoints_by_code: dict[str, Touchpoint]
    surveys: dict[int, Survey]
    versions: dict[int, SurveyVersion]  # survey id -> latest version
    employee_codes: set[str]

    @classmethod
    def load(cls, *, scope: Scope, items: list[ResponseData]) -> _Lookups:
        organization = scope.organization
        survey_ids = {i.survey_id for i in items if i.survey_id}
        rows = _lookup_rows(
            organization.pk,
            unit_ids={i.unit for i in items if i.unit is not None},
            unit_codes={i.unit_code for i in items if i.unit_code},
            touchpoint_ids={i.touchpoint for i in items if i.touchpoint is not None},
            touchpoint_codes={i.touchpoint_code for i in items if i.touchpoint_code},
            survey_ids=survey_ids,
        )
        units, touchpoints, headers = [], [], []
        for kind, pk, code, path, survey_id, number, published_at, touchpoint_id in rows:
            if kind == "u":
                units.append(
                    _partial(Unit, id=pk, organization_id=organization.pk, code=code, path=path)
                )
            elif kind == "t":
                touchpoints.append(
                    _partial(Touchpoint, id=pk, organization_id=organization.pk, code=code)
                )
            else:
                headers.append((pk, published_at, survey_id, number, touchpoint_id))
        surveys, versions = _surveys(organization, survey_ids, headers)
        codes = {i.employee_code.strip() for i in items if i.employee_code.strip()}
        employee_codes = (
            set(
                Membership.objects.filter(organization=organization, employee_code__in=codes)
                .order_by()
                .values_list("employee_code", flat=True)
            )
            if codes
            else set()
        )
        return cls(
            units_by_id={u.pk: u for u in units},
            units_by_code={u.code: u for u in units},
            touchpoints_by_id={t.pk: t for t in touchpoints},
            touchpoints_by_code={t.code: t for t in touchpoints},
            surveys=surveys,
            versions=versions,
            employee_codes=employee_codes,
        )


# The lookups of every call are plain SQL on the organisation's own rows: compiling three
# querysets took most of a single response's CPU. Every query is bound to the organisation's
# id, so an id of another organisation is simply not found. Nothing is cached but published
# survey definitions, which never change: a unit or touchpoint added, recoded or moved counts
# from the next call.
_ID_RANGE = range(-(2**63), 2**63)  # beyond it the ORM finds nothing; so do we


def _partial(model: Any, **values: Any) -> Any:
    """An instance with these fields only, the others deferred, as `.only()` gives them."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _by_id_or_code(ids: set[int], codes: set[str]) -> tuple[str, list[Any]]:
    """The condition naming rows by id or by code, and its parameters."""
    conditions, params = [], []
    if ids:
        conditions.append(f"id IN ({_placeholders(len(ids))})")
        params.extend(ids)
    if codes:
        conditions.append(f"code IN ({_placeholders(len(codes))})")
        params.extend(codes)
    return " OR ".join(conditions), params


def _lookup_rows(
    organization_id: int,
    *,
    unit_ids: set[int],
    unit_codes: set[str],
    touchpoint_ids: set[int],
    touchpoint_codes: set[str],
    survey_ids: set[int],
) -> list[tuple[Any, ...]]:
    """The organisation's units and touchpoints named by id or code, and the published
    versions of the surveys named, in one statement (a UNION ALL; its NULLs are typed for
    PostgreSQL): rows of (kind, id, code, path, survey_id, number, published_at,
    touchpoint_id), kind "u", "t" or "v"."""
    queries: list[str] = []
    params: list[Any] = []
    for kind, table, path, ids, codes in (
        ("u", Unit._meta.db_table, "path", unit_ids, unit_codes),
        ("t", Touchpoint._meta.db_table, _NULL_TEXT, touchpoint_ids, touchpoint_codes),
    ):
        condition, values = _by_id_or_code({i for i in ids if i in _ID_RANGE}, codes)
        if condition:
            queries.append(
                f"SELECT '{kind}', id, code, {path}, {_NULL_INT}, {_NULL_INT}, "  # noqa: S608
                f"{_NULL_TIME}, {_NULL_INT} FROM {table} "
                f"WHERE organization_id = %s AND ({condition})"
            )
            params += [organization_id, *values]
    survey_ids = {i for i in survey_ids if i in _ID_RANGE}
    if survey_ids:
        queries.append(
            f"SELECT 'v', v.id, {_NULL_TEXT}, {_NULL_TEXT}, v.survey_id, v.number, "  # noqa: S608
            f"v.published_at, s.touchpoint_id FROM {SurveyVersion._meta.db_table} v "
            f"INNER JOIN {Survey._meta.db_table} s ON s.id = v.survey_id "
            f"WHERE v.organization_id = %s "
            f"AND v.survey_id IN ({_placeholders(len(survey_ids))})"
        )
        params += [organization_id, *survey_ids]
    if not queries:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(queries), params)
        return cursor.fetchall()


_NULL_INT = "CAST(NULL AS BIGINT)"
_NULL_TEXT = "CAST(NULL AS VARCHAR(255))"
_NULL_TIME = "CAST(NULL AS TIMESTAMP)"


def write_transaction(statements: int) -> Any:
    """The transaction of a write of this many statements. One statement is atomic by
    itself: it runs in autocommit, without BEGIN and COMMIT (round trips on PostgreSQL);
    on SQLite it still queues on the writer lock first (see sillage/db/sqlite3). Inside a
    caller's transaction, a savepoint, as always."""
    if statements > 1 or connection.in_atomic_block:
        return transaction.atomic()
    writer_lock = getattr(connection, "writer_lock", None)  # the project's SQLite backend
    return writer_lock() if writer_lock is not None else contextlib.nullcontext()


class SqlColumns:
    """A model's columns read by plain SQL, turned into an instance as the ORM would (with
    the database backend's converters: dates, booleans, JSON)."""

    def __init__(self, model: Any, alias: str) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)
        self.converters = [
            (index, field.get_col(alias), converters)
            for index, field in enumerate(self.fields)
            if (
                converters := connection.ops.get_db_converters(field.get_col(alias))
                + field.get_db_converters(connection)
            )
        ]

    def build(self, row: Sequence[Any]) -> Any:
        values = list(row)
        for index, expression, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.names, values)


def insert_response(response: Response) -> None:
    """INSERT one response as `save()` would (the same values, defaults and constraints; no
    model signal is connected to Response), without compiling the statement each time."""
    with connection.cursor() as cursor:
        cursor.execute(insert_sql(Response, returning=True), row_values(response))
        if connection.features.can_return_columns_from_insert:
            response.pk = cursor.fetchone()[0]
        else:  # pragma: no cover - SQLite before 3.35
            response.pk = connection.ops.last_insert_id(
                cursor, Response._meta.db_table, Response._meta.pk.column
            )
    response._state.adding = False
    response._state.db = DEFAULT_DB_ALIAS


# Published versions never change: their definitions are kept per process, so that the
# usual call reads one small row per survey instead of its whole definition. The key holds the
# publication time too: an id can be handed out again after a rolled-back transaction.
_DEFINITIONS: dict[tuple[int, str], dict[str, Any]] = {}
_DEFINITIONS_KEPT = 500


def load_definitions(keys: set[tuple[int, str]]) -> None:
    """Read the definitions of these (version id, published_at) not kept yet, in one query."""
    missing = {key for key in keys if key not in _DEFINITIONS}
    if missing:
        if len(_DEFINITIONS) > _DEFINITIONS_KEPT:
            _DEFINITIONS.clear()
            missing = set(keys)  # the caller reads every one of them next
        rows = SurveyVersion.objects.filter(pk__in=[pk for pk, _at in missing]).order_by()
        definitions = dict(rows.values_list("pk", "definition"))
        for key in missing:
            _DEFINITIONS[key] = definitions[key[0]]


def _definition_key(pk: int, published_at: Any) -> tuple[int, str]:
    # `published_at` as the database cursor gives it (a datetime, or text on SQLite when
    # the column's type is unknown), as text: it only tells a reused id apart.
    return pk, str(published_at)


def published_definition(pk: int, published_at: Any) -> dict[str, Any]:
    """A published version's definition, shared by every caller: never change it."""
    key = _definition_key(pk, published_at)
    if key not in _DEFINITIONS:
        load_definitions({key})
    return _DEFINITIONS[key]


def _surveys(
    organization: Any, ids: set[int], headers: list[tuple[Any, ...]]
) -> tuple[dict[int, Survey], dict[int, SurveyVersion]]:
    """The surveys named (by id: only this organisation's) and their latest versions, from
    the headers (id, published_at, survey id, number, touchpoint id) of their versions."""
    if not ids:
        return {}, {}
    surveys: dict[int, Survey] = {}
    latest: dict[int, tuple[int, tuple[int, str]]] = {}  # survey -> (number, cache key)
    ids = {i for i in ids if i in _ID_RANGE}
    for pk, published_at, survey_id, number, touchpoint_id in headers:
        surveys[survey_id] = Survey(pk=survey_id, touchpoint_id=touchpoint_id)
        if survey_id not in latest or number > latest[survey_id][0]:
            latest[survey_id] = (number, _definition_key(pk, published_at))
    if ids - set(surveys):  # unknown, or a draft never published: tell which
        drafts = Survey.objects.filter(organization=organization, pk__in=ids - set(surveys))
        for pk, touchpoint_id in drafts.order_by().values_list("pk", "touchpoint_id"):
            surveys[pk] = Survey(pk=pk, touchpoint_id=touchpoint_id)
    load_definitions({key for _number, key in latest.values()})
    versions = {
        survey_id: SurveyVersion(
            pk=key[0], survey_id=survey_id, number=number, definition=_DEFINITIONS[key]
        )
        for survey_id, (number, key) in latest.items()
    }
    return surveys, versions


class _Checker:
    """Checks items one by one, collecting every error with its path."""

    def __init__(self, *, scope: Scope, batch: bool, now: datetime, lookups: _Lookups) -> None:
        self.scope = scope
        self.batch = batch
        self.now = now
        self.lookups = lookups
        self.errors: list[FieldError] = []

    def error(self, index: int, name: str, message: str) -> None:
        self.errors.append(FieldError(item_path(index, name, batch=self.batch), message))

    def load_recorded(self, items: Sequence[ResponseData | None]) -> dict[str, tuple[int, str]]:
        """External id -> (response id, its unit's path), for the ids already recorded."""
        keys = {i.external_id for i in items if i is not None and i.external_id}
        if not keys:
            return {}
        rows = Response.objects.filter(
            organization=self.scope.organization, external_id__in=keys
        ).order_by()
        return {
            key: (pk, path) for key, pk, path in rows.values_list("external_id", "pk", "unit__path")
        }

    def recorded_id(self, index: int, recorded: tuple[int, str]) -> int | None:
        pk, path = recorded
        if not self.scope.covers(Unit(organization_id=self.scope.organization.pk, path=path)):
            # Recorded for a unit this token may not write to: do not hand out its id.
            self.error(index, "external_id", _("This external_id is already used."))
            return None
        return pk

    def build(self, index: int, item: ResponseData) -> Response | None:
        before = len(self.errors)
        unit = self._unit(index, item)
        version = self._version(index, item)
        touchpoint = self._touchpoint(index, item, version)
        submitted_at = item.submitted_at or self.now
        if submitted_at > self.now + FUTURE_TOLERANCE:
            self.error(index, "submitted_at", _("This time is in the future."))
        language = item.language or self.scope.organization.default_language
        validated = self._answers(index, item, version)
        if len(self.errors) > before or unit is None:
            return None
        code = item.employee_code.strip()
        return Response(
            organization=self.scope.organization,
            survey_id=version.survey_id if version else None,
            survey_version=version,
            unit=unit,
            touchpoint=touchpoint,
            source=Source.API,
            external_id=item.external_id or None,
            language=language,
            submitted_at=submitted_at,
            answers=validated.answers,
            nps=validated.nps,
            csat=validated.csat,
            ces=validated.ces,
            comment=validated.comment,
            # Kept only when it names a member, as for every other channel.
            employee_code=code if code in self.lookups.employee_codes else "",
            contact_consent=validated.contact_consent,
            contact_name=validated.contact_name,
            contact_email=validated.contact_email,
            contact_phone=validated.contact_phone,
        )

    def _unit(self, index: int, item: ResponseData) -> Unit | None:
        if item.unit is None and not item.unit_code:
            self.error(index, "unit", _("Give the unit (its id) or unit_code."))
            return None
        by_id = self.lookups.units_by_id.get(item.unit) if item.unit is not None else None
        by_code = self.lookups.units_by_code.get(item.unit_code) if item.unit_code else None
        # A unit of another organisation, or outside a manager's or employee's token, gets
        # the same answer as one that does not exist.
        if item.unit is not None and (by_id is None or not self.scope.covers(by_id)):
            self.error(index, "unit", _("Unknown unit."))
            return None
        if item.unit_code and (by_code is None or not self.scope.covers(by_code)):
            self.error(index, "unit_code", _("Unknown unit."))
            return None
        if by_id and by_code and by_id.pk != by_code.pk:
            self.error(index, "unit_code", _("unit and unit_code name different units."))
            return None
        return by_id or by_code

    def _touchpoint(
        self, index: int, item: ResponseData, version: SurveyVersion | None
    ) -> Touchpoint | None:
        if item.touchpoint is None and not item.touchpoint_code:
            if version is not None:  # the survey's default touchpoint, if it has one
                touchpoint_id = self.lookups.surveys[version.survey_id].touchpoint_id
                return Touchpoint(pk=touchpoint_id) if touchpoint_id else None
            return None
        lookups = self.lookups
        by_id = (
            lookups.touchpoints_by_id.get(item.touchpoint) if item.touchpoint is not None else None
        )
        by_code = lookups.touchpoints_by_code.get(item.touchpoint_code or "")
        if item.touchpoint is not None and by_id is None:
            self.error(index, "touchpoint", _("Unknown touchpoint."))
            return None
        if item.touchpoint_code and by_code is None:
            self.error(index, "touchpoint_code", _("Unknown touchpoint."))
            return None
        if by_id and by_code and by_id.pk != by_code.pk:
            self.error(
                index, "touchpoint_code", _("touchpoint and touchpoint_code name different ones.")
            )
            return None
        return by_id or by_code

    def _version(self, index: int, item: ResponseData) -> SurveyVersion | None:
        if item.survey_id is None:
            return None
        if item.survey_id not in self.lookups.surveys:
            self.error(index, "survey_id", _("Unknown survey."))
            return None
        version = self.lookups.versions.get(item.survey_id)
        if version is None:
            self.error(index, "survey_id", _("This survey has no published version yet."))
        return version

    def _scores_in_range(self, index: int, item: ResponseData) -> bool:
        ok = True
        for name, kind in SCORE_FIELDS.items():
            value = getattr(item, name)
            low, high = SCORE_TYPES[kind]
            if value is not None and not low <= value <= high:
                self.error(
                    index,
                    name,
                    _("%(value)s is outside the scale %(min)s–%(max)s.")
                    % {"value": value, "min": low, "max": high},
                )
                ok = False
        return ok

    def _answers(self, index: int, item: ResponseData, version: SurveyVersion | None) -> Validated:
        if not self._scores_in_range(index, item):
            return Validated()
        if version is not None:
            return self._survey_answers(index, item, version.definition)
        if item.survey_id is not None:
            return Validated()  # the unknown survey is reported already
        if item.answers:
            self.error(
                index,
                "answers",
                _("Answers are checked against a survey's questions: give its survey_id."),
            )
            return Validated()
        # As for imported rows: the scores under the usual question keys.
        scores = {name: getattr(item, name) for name in SCORE_FIELDS}
        validated = Validated(
            answers={k: v for k, v in scores.items() if v is not None},
            nps=item.nps,
            csat=item.csat,
            ces=item.ces,
            comment=item.comment,
        )
        self._contact(index, item.contact, validated)
        return validated

    def _contact(self, index: int, contact: ContactData | None, validated: Validated) -> None:
        # Name, email and phone are kept only with the customer's consent to be contacted.
        if contact is None or not contact.consent:
            return
        email = contact.email.strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(index, "contact.email", _("Enter a valid email address."))
        if not email and not contact.phone.strip():
            self.error(
                index,
                "contact",
                _("Leave an email address or a phone number so we can reach you."),
            )
        validated.contact_consent = True
        validated.contact_name = contact.name.strip()
        validated.contact_email = email
        validated.contact_phone = contact.phone.strip()

    def _survey_answers(
        self, index: int, item: ResponseData, definition: dict[str, Any]
    ) -> Validated:
        """Validate `answers` against the survey; the top-level scores, comment and contact
        are shortcuts that fill the survey's first question of their kind when `answers`
        leaves it empty."""
        data = dict(item.answers)
        origin: dict[str, str] = {}  # question key -> the top-level field that filled it
        questions = definition["questions"]
        for name, kind in SCORE_FIELDS.items():
            value = getattr(item, name)
            if value is None:
                continue
            key = next((q["key"] for q in questions if q["type"] == kind), None)
            if key is None:
                self.error(index, name, _("This survey asks no such question."))
            elif data.get(key) in (None, ""):
                data[key], origin[key] = value, name
            elif str(data[key]).strip() != str(value):
                self.error(index, name, _("Differs from the answer to “%(key)s”.") % {"key": key})
        consent_key = next((q["key"] for q in questions if q["type"] == QuestionType.CONSENT), None)
        contact = item.contact
        if contact is not None and contact.consent and consent_key and consent_key not in data:
            data[consent_key] = "yes"
            data[f"{consent_key}_name"] = contact.name
            data[f"{consent_key}_email"] = contact.email
            data[f"{consent_key}_phone"] = contact.phone
            origin[consent_key] = "contact"
            origin[f"{consent_key}_email"] = "contact.email"
        validated = validate_answers(definition, data)
        for key, message in validated.errors.items():
            self.error(index, origin.get(key, f"answers.{key}"), message)
        unknown = sorted(set(item.answers) - _answer_keys(questions))
        for key in unknown:
            self.error(index, f"answers.{key}", _("This survey has no question with this key."))
        if item.comment:
            # No open question was answered: the comment is kept as the response's comment
            # rather than lost.
            if validated.comment:
                self.error(
                    index, "comment", _("Put the comment under its question key in answers.")
                )
            validated.comment = item.comment[:LONG_TEXT_MAX]
        if contact is not None and contact.consent and not consent_key:
            self._contact(index, contact, validated)
        return validated


def _answer_keys(questions: list[dict[str, Any]]) -> set[str]:
    keys = set()
    for question in questions:
        keys.add(question["key"])
        if question["type"] == QuestionType.CONSENT:
            keys.update(f"{question['key']}_{part}" for part in ("name", "email", "phone"))
    return keys
