"""Cases in the JSON API: list, read, update (status with the expected current status, owner,
priority, root cause, resolution) and add notes. Mounted under /api/v1/ by sillage/api.py.

Contact details follow the same rule as the pages: administrator and CX lead tokens see
them, a manager token for cases of its subtree; executive and employee tokens never do
(`contact` is null and `contact_hidden` true).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticError

from sillage.accounts.models import Role, User
from sillage.accounts.scope import Perm, Scope
from sillage.cases import selectors, services_work
from sillage.cases.models import Case, CaseStatus, Priority, RootCause
from sillage.cases.selectors import InboxFilters

router = Router(tags=["cases"])
DEFAULT_LIMIT = 50


def _scope(request: HttpRequest) -> Scope:
    scope: Scope = request.auth  # type: ignore[attr-defined]
    scope.require(Perm.VIEW_CASES)
    return scope


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class CaseOut(Schema):
    id: int
    response_id: int
    unit: int
    unit_code: str
    owner: int | None = Field(description="User id of the owner.")
    owner_name: str
    status: CaseStatus
    priority: Priority
    origin: str = Field(description="rule or manual.")
    opened_at: datetime
    first_contact_due: datetime
    resolution_due: datetime
    first_contacted_at: datetime | None
    resolved_at: datetime | None
    breached: bool
    escalation_level: int
    leader_involved: bool
    root_cause: str | None = Field(description="Code of the root cause.")
    resolution: str
    nps: int | None
    comment: str
    language: str
    contact: ContactOut | None
    contact_hidden: bool = Field(description="True when this token may not see contact details.")


class CasePage(Schema):
    items: list[CaseOut]
    count: int
    limit: int
    offset: int


class CaseFilters(Schema):
    status: str | None = Field(None, description="A status, or `open`.")
    priority: Priority | None = None
    unit: int | None = Field(None, description="A unit id: cases of it and its subtree.")
    breached: bool | None = Field(None, description="true: cases past a deadline.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=500)
    offset: int = Field(0, ge=0)


class CasePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    status: CaseStatus | None = None
    expected_status: CaseStatus | None = Field(
        None,
        description="The status you last read. When the case changed since, the answer is 409 "
        "and nothing is written. Default: the current status.",
    )
    owner: int | None = Field(None, description="User id of the new owner.")
    priority: Priority | None = None
    root_cause: str | None = Field(None, description="Code of a root cause.")
    resolution: str | None = Field(None, max_length=5000)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=5000)


class NoteOut(Schema):
    id: int
    case_id: int
    body: str
    created_at: datetime


class ErrorOut(Schema):
    error: str


def _contact_allowed(scope: Scope, case: Case) -> bool:
    return scope.role in selectors.CONTACT_ROLES or (
        scope.role == Role.MANAGER and scope.covers(case.unit)
    )


def _out(case: Case, *, show_contact: bool) -> dict[str, Any]:
    response = case.response
    contact = None
    if show_contact and response.contact_consent:
        contact = {
            "name": response.contact_name,
            "email": response.contact_email,
            "phone": response.contact_phone,
        }
    return {
        "id": case.pk,
        "response_id": case.response_id,
        "unit": case.unit_id,
        "unit_code": case.unit.code,
        "owner": case.owner_id,
        "owner_name": str(case.owner) if case.owner else "",
        "status": case.status,
        "priority": case.priority,
        "origin": case.origin,
        "opened_at": case.opened_at,
        "first_contact_due": case.first_contact_due,
        "resolution_due": case.resolution_due,
        "first_contacted_at": case.first_contacted_at,
        "resolved_at": case.resolved_at,
        "breached": case.breached_at is not None,
        "escalation_level": case.escalation_level,
        "leader_involved": case.leader_involved,
        "root_cause": case.root_cause.code if case.root_cause else None,
        "resolution": case.resolution,
        "nps": response.nps,
        "comment": response.comment,
        "language": response.language,
        "contact": contact,
        "contact_hidden": not show_contact,
    }


def _json_body(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def _body(request: HttpRequest, schema: type[Schema]) -> Any:
    """The body checked against `schema`, or a 422 Status. Read after the case is found, so
    that another organisation's id is a 404 whatever the body."""
    try:
        data = json.loads(request.body or b"null")
        return schema.model_validate(data)
    except (ValueError, PydanticError) as error:
        details = error.errors(include_url=False) if isinstance(error, PydanticError) else []
        message = "; ".join(f"{'.'.join(str(p) for p in d['loc'])}: {d['msg']}" for d in details)
        return Status(422, {"error": message or "The request body is not valid JSON."})


def _get(scope: Scope, case_id: int) -> Case:
    return get_object_or_404(
        selectors.cases_for(scope).select_related("unit", "owner", "response", "root_cause"),
        pk=case_id,
    )


@router.get("/cases", response=CasePage, summary="Cases, newest first")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Cases the token may see, newest first, `limit` at a time from `offset`."""
    scope = _scope(request)
    cases = selectors.inbox(
        scope,
        None,
        InboxFilters(
            tab="team",
            status=filters.status or "",
            priority=filters.priority or "",
            unit=filters.unit,
            breached=bool(filters.breached),
        ),
    )
    count = cases.count()
    rows = list(cases[filters.offset : filters.offset + filters.limit])
    return {
        "items": [_out(case, show_contact=_contact_allowed(scope, case)) for case in rows],
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.get("/cases/{case_id}", response=CaseOut, summary="One case")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    scope = _scope(request)
    case = _get(scope, case_id)
    return _out(case, show_contact=_contact_allowed(scope, case))


def _api_language(request: HttpRequest) -> str:
    """English for integrations unless the call asks for French (as the feedback API)."""
    header = request.headers.get("Accept-Language", "").strip().lower()
    return "fr" if header.startswith("fr") else "en"


def _token_label(scope: Scope) -> str:
    return f"API: {scope.token.name}" if scope.token else "API"


@router.patch(
    "/cases/{case_id}",
    response={200: CaseOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change a case's status, owner, priority, root cause or resolution",
    openapi_extra=_json_body(CasePatch),
)
def patch_case(request: HttpRequest, case_id: int) -> Status[Any]:
    """A status change is applied only if the case is still in `expected_status`: two
    systems updating the same case at once never silently undo each other (409)."""
    scope = _scope(request)
    scope.require(Perm.WORK_CASES)
    case = _get(scope, case_id)  # before reading the body: another organisation's id is 404
    patch = _body(request, CasePatch)
    if isinstance(patch, Status):
        return patch
    with translation.override(_api_language(request)):
        return _patch(scope, case, patch)


def _patch(scope: Scope, case: Case, patch: CasePatch) -> Status[Any]:
    try:
        root_cause = None
        if patch.root_cause is not None:
            root_cause = RootCause.objects.filter(
                organization=scope.organization, code=patch.root_cause
            ).first()
            if root_cause is None:
                return Status(422, {"error": _("Unknown root cause.")})
        if patch.owner is not None:
            owner = User.objects.filter(pk=patch.owner).first()
            if owner is None:
                return Status(422, {"error": _("Unknown owner.")})
            services_work.case_assign(case=case, owner=owner, by=None)
        if patch.priority is not None:
            Case.objects.filter(pk=case.pk).update(priority=patch.priority)
        if patch.status is not None and patch.status != case.status:
            services_work.case_change_status(
                case=case,
                to_status=patch.status,
                expected_status=patch.expected_status or case.status,
                user=None,
                resolution=patch.resolution,
                root_cause=root_cause,
                author_label=_token_label(scope),
            )
        elif patch.expected_status is not None and patch.expected_status != case.status:
            raise services_work.Conflict(case.status)
        else:
            updates: dict[str, Any] = {}
            if patch.resolution is not None:
                updates["resolution"] = patch.resolution.strip()
            if root_cause is not None:
                updates["root_cause"] = root_cause
            if updates:
                Case.objects.filter(pk=case.pk).update(**updates)
    except services_work.Conflict as conflict:
        return Status(409, {"error": str(conflict)})
    except ValidationError as error:
        return Status(422, {"error": " ".join(error.messages)})
    case = _get(scope, case.pk)
    return Status(200, _out(case, show_contact=_contact_allowed(scope, case)))


@router.post(
    "/cases/{case_id}/notes",
    response={201: NoteOut, 422: ErrorOut},
    summary="Add a note to a case",
    openapi_extra=_json_body(NoteIn),
)
def add_note(request: HttpRequest, case_id: int) -> Status[Any]:
    """Notes are never overwritten: two systems adding notes at once both keep theirs."""
    scope = _scope(request)
    scope.require(Perm.WORK_CASES)
    case = _get(scope, case_id)
    note = _body(request, NoteIn)
    if isinstance(note, Status):
        return note
    event = services_work.case_add_note(
        case=case, author=None, body=note.body, author_label=_token_label(scope)
    )
    return Status(
        201,
        {"id": event.pk, "case_id": case.pk, "body": event.body, "created_at": event.created_at},
    )
