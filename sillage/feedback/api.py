"""The voice-of-the-customer API: record responses from other systems, read them back, and list
the surveys and journeys they refer to.

Mounted by sillage/api.py under /api/v1/. Every route reads through the token's scope: a
manager's or employee's token sees and writes its own part of the unit tree only, and ids of
another organisation behave exactly like ids that do not exist. The schemas, and the checks
that turn a sent body into items to record, are in sillage/feedback/api_schemas.py.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from sillage.accounts.scope import Perm, Scope
from sillage.feedback.api_schemas import (
    _POST_BODY,
    ErrorOut,
    IngestedOut,
    JourneyOut,
    ResponseFilters,
    ResponsePage,
    SurveyOut,
    _BadRequest,
    _entries,
    _parse,
)
from sillage.feedback.models import (
    Journey,
    Response,
    Stage,
    Survey,
    SurveyVersion,
    Touchpoint,
)
from sillage.feedback.services_ingest import (
    FieldError,
    IngestError,
    batch_size_errors,
    responses_ingest,
)

router = Router(tags=["responses"])

# A full batch of long comments is a few megabytes; Django's default request cap (2.5 MB)
# would cut it off before this view sees it, so the body is read here against this cap.
MAX_BODY_BYTES = 16 * 1024 * 1024


def _scope(request: HttpRequest) -> Scope:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _api_language(request: HttpRequest) -> str:
    """Messages for the calling system's developers: English unless the call asks for
    French (`Accept-Language: fr`). The interface's French default is for people, not for
    integrations, whose logs are read by whoever wrote them."""
    header = request.headers.get("Accept-Language", "").strip().lower()
    return "fr" if header.startswith("fr") else "en"


# --- POST /responses ----------------------------------------------------------------------------


def _read_json(request: HttpRequest) -> Any:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise _BadRequest(413, _("The request body is too large."))
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _BadRequest(413, _("The request body is too large."))
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise _BadRequest(400, _("The request body is not valid JSON.")) from None


def _error_body(message: str, details: list[FieldError]) -> dict[str, Any]:
    return {"error": message, "details": [{"path": d.path, "message": d.message} for d in details]}


@router.post(
    "/responses",
    response={
        200: list[IngestedOut],
        201: list[IngestedOut],
        400: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
    },
    summary="Record one response or a batch",
    openapi_extra=_POST_BODY,
)
def create_responses(request: HttpRequest) -> Status[Any]:
    """Send one response object, or `{"responses": [...]}` with up to 1,000 of them.

    **All or nothing:** when any item is invalid, nothing is recorded and the 422 answer
    lists every problem with its path (`responses.3.nps`), so the whole batch can be fixed
    and sent again. **Retries are safe:** an item whose `external_id` is already recorded,
    or repeated inside the batch, creates nothing and gets the recorded response's id.

    Answers **201** with one `{id, external_id, created}` per item, in order, or **200**
    when nothing new was recorded. A unit or touchpoint the token may not write to is
    reported as unknown. Manager and employee tokens write to their own units only.
    """
    scope = _scope(request)
    with translation.override(_api_language(request)):
        try:
            entries, batch = _entries(_read_json(request))
            size_errors = batch_size_errors(len(entries))
            if size_errors:  # before parsing 50,000 items
                raise IngestError(size_errors)
            items, errors = _parse(entries, batch=batch)
            outcomes = responses_ingest(scope=scope, items=items, batch=batch, errors=errors)
        except _BadRequest as problem:
            return Status(problem.status, _error_body(problem.message, problem.details))
        except IngestError as invalid:
            return Status(422, _error_body(_invalid_message(invalid, batch=batch), invalid.errors))
    status = 201 if any(o.created for o in outcomes) else 200
    return Status(
        status, [{"id": o.id, "external_id": o.external_id, "created": o.created} for o in outcomes]
    )


def _invalid_message(invalid: IngestError, *, batch: bool) -> str:
    if not batch:
        return _("The response is not valid; it was not recorded.")
    bad = {e.path.split(".")[1] for e in invalid.errors if e.path.startswith("responses.")}
    if not bad:
        return _("The request is not valid; nothing was recorded.")
    return translation.ngettext(
        "%(count)s response is not valid; none was recorded.",
        "%(count)s responses are not valid; none was recorded.",
        len(bad),
    ) % {"count": len(bad)}


# --- GET /responses -----------------------------------------------------------------------------

RESPONSE_FIELDS = (
    "id",
    "external_id",
    "survey_id",
    "survey_version__number",
    "unit_id",
    "unit__code",
    "touchpoint_id",
    "touchpoint__code",
    "source",
    "language",
    "submitted_at",
    "received_at",
    "nps",
    "csat",
    "ces",
    "comment",
    "answers",
    "employee_code",
    "contact_consent",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def encode_cursor(submitted_at: datetime, pk: int) -> str:
    raw = json.dumps([submitted_at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Raises ValueError for anything that is not a cursor this API handed out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        when = datetime.fromisoformat(moment)
    except (binascii.Error, TypeError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(cursor) from error
    if when.tzinfo is None or not isinstance(pk, int):
        raise ValueError(cursor)
    return when, pk


def _moment(value: str, *, zone: ZoneInfo, end: bool) -> datetime:
    """A `from`/`to` bound: a date covers its whole day in the organisation's time zone."""
    value = value.strip()
    if len(value) == 10:
        day = date.fromisoformat(value)
        if end:
            day += timedelta(days=1)
        return datetime.combine(day, time.min, tzinfo=zone)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _filtered(scope: Scope, filters: ResponseFilters) -> QuerySet[Response]:
    responses = Response.objects.for_scope(scope)
    errors: list[FieldError] = []
    zone = ZoneInfo(scope.organization.time_zone)
    for name, value, end in (("from", filters.from_, False), ("to", filters.to, True)):
        if not value:
            continue
        try:
            bound = _moment(value, zone=zone, end=end)
        except ValueError:
            errors.append(FieldError(f"query.{name}", _("Give a date or an ISO 8601 datetime.")))
            continue
        if name == "from":
            responses = responses.filter(submitted_at__gte=bound)
        elif len(value.strip()) == 10:
            responses = responses.filter(submitted_at__lt=bound)
        else:
            responses = responses.filter(submitted_at__lte=bound)
    if filters.cursor:
        try:
            when, pk = decode_cursor(filters.cursor)
        except ValueError:
            errors.append(FieldError("query.cursor", _("This cursor is not valid.")))
        else:
            responses = responses.filter(Q(submitted_at__lt=when) | Q(submitted_at=when, pk__lt=pk))
    if errors:
        raise IngestError(errors)
    if filters.unit is not None:
        # Only a unit the token can see: any other id, of this organisation or another,
        # matches nothing rather than saying whether it exists.
        path = scope.units().filter(pk=filters.unit).values_list("path", flat=True).first()
        if path is None:
            return responses.none()
        responses = responses.filter(unit__path__startswith=path)
    if filters.touchpoint is not None:
        responses = responses.filter(touchpoint_id=filters.touchpoint)
    if filters.survey is not None:
        responses = responses.filter(survey_id=filters.survey)
    for name in ("nps", "csat", "ces"):
        low, high = getattr(filters, f"{name}_min"), getattr(filters, f"{name}_max")
        if low is not None:
            responses = responses.filter(**{f"{name}__gte": low})
        if high is not None:
            responses = responses.filter(**{f"{name}__lte": high})
    return responses


def _response_out(row: dict[str, Any], *, show_contact: bool) -> dict[str, Any]:
    contact = None
    if show_contact and row["contact_consent"]:
        contact = {
            "consent": True,
            "name": row["contact_name"],
            "email": row["contact_email"],
            "phone": row["contact_phone"],
        }
    return {
        "id": row["id"],
        "external_id": row["external_id"],
        "survey_id": row["survey_id"],
        "survey_version": row["survey_version__number"],
        "unit": row["unit_id"],
        "unit_code": row["unit__code"],
        "touchpoint": row["touchpoint_id"],
        "touchpoint_code": row["touchpoint__code"],
        "source": row["source"],
        "language": row["language"],
        "submitted_at": row["submitted_at"],
        "received_at": row["received_at"],
        "nps": row["nps"],
        "csat": row["csat"],
        "ces": row["ces"],
        "comment": row["comment"],
        "answers": row["answers"],
        "employee_code": row["employee_code"],
        "contact": contact,
    }


@router.get(
    "/responses",
    response={200: ResponsePage, 422: ErrorOut},
    summary="Responses, newest first, a page at a time",
)
def list_responses(request: HttpRequest, filters: Query[ResponseFilters]) -> Status[Any]:
    """Responses the token may see, newest first (then by id, descending), filtered.

    Pages are read with a cursor, not an offset: follow `next_cursor` until it is null. A
    response recorded while you page through never shifts the pages or appears twice.
    Filters naming a unit, touchpoint or survey the token cannot see match nothing.
    """
    scope = _scope(request)
    with translation.override(_api_language(request)):
        try:
            responses = _filtered(scope, filters)
        except IngestError as invalid:
            return Status(422, _error_body(_("The request is not valid."), invalid.errors))
    rows = list(
        responses.order_by("-submitted_at", "-id").values(*RESPONSE_FIELDS)[: filters.limit + 1]
    )
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        next_cursor = encode_cursor(rows[-1]["submitted_at"], rows[-1]["id"])
    show_contact = scope.can(Perm.VIEW_SURVEYS)
    return Status(
        200,
        {
            "items": [_response_out(row, show_contact=show_contact) for row in rows],
            "next_cursor": next_cursor,
        },
    )


# --- GET /surveys, GET /journeys ----------------------------------------------------------------


def _question_out(question: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": question["key"],
        "type": question["type"],
        "required": question.get("required", False),
        "text_fr": question.get("text", {}).get("fr", ""),
        "text_en": question.get("text", {}).get("en", ""),
        "min": question.get("min"),
        "max": question.get("max"),
        "choices": [c["value"] for c in question.get("choices", [])],
        "show_if": question.get("show_if"),
    }


@router.get(
    "/surveys",
    response=list[SurveyOut],
    tags=["surveys"],
    summary="Surveys, their published versions and question keys",
)
def list_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    """Every survey of the organisation, with the numbers of its published versions and the
    questions of the latest one: their keys are the keys of `answers` in POST /responses.
    Tokens of front-line employees may not list surveys (404)."""
    scope = _scope(request)
    scope.require(Perm.VIEW_SURVEYS)
    surveys = list(Survey.objects.for_scope(scope).order_by("id"))
    numbers: dict[int, list[int]] = {s.pk: [] for s in surveys}
    latest: dict[int, int] = {}
    versions = (
        SurveyVersion.objects.filter(organization=scope.organization)
        .order_by("survey_id", "number")
        .values_list("pk", "survey_id", "number")
    )
    for pk, survey_id, number in versions:
        numbers.setdefault(survey_id, []).append(number)
        latest[survey_id] = pk
    definitions = {
        v.survey_id: v
        for v in SurveyVersion.objects.filter(pk__in=latest.values()).only(
            "survey_id", "number", "published_at", "definition"
        )
    }
    result = []
    for survey in surveys:
        version = definitions.get(survey.pk)
        result.append(
            {
                "id": survey.pk,
                "name_fr": survey.name_fr,
                "name_en": survey.name_en,
                "status": survey.status,
                "touchpoint": survey.touchpoint_id,
                "published_versions": numbers[survey.pk],
                "latest_version": None
                if version is None
                else {
                    "number": version.number,
                    "published_at": version.published_at,
                    "questions": [_question_out(q) for q in version.definition["questions"]],
                },
            }
        )
    return result


@router.get(
    "/journeys",
    response=list[JourneyOut],
    tags=["surveys"],
    summary="Journeys with their stages and touchpoints, in order",
)
def list_journeys(request: HttpRequest) -> QuerySet[Journey]:
    """The customer journeys, each with its stages and each stage with its touchpoints, in
    the order they are lived. Touchpoint codes are what POST /responses accepts as
    `touchpoint_code`. Tokens of front-line employees may not list journeys (404)."""
    scope = _scope(request)
    scope.require(Perm.VIEW_SURVEYS)
    touchpoints = Touchpoint.objects.order_by("rank", "id")
    stages = Stage.objects.order_by("rank", "id").prefetch_related(
        Prefetch("touchpoints", queryset=touchpoints)
    )
    return (
        Journey.objects.for_scope(scope)
        .order_by("rank", "id")
        .prefetch_related(Prefetch("stages", queryset=stages))
    )
