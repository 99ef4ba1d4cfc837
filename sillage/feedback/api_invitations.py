"""Email invitations through the API: another system (a CRM, a core banking system) sends the
customers it served, Sillage invites them under the contact rule and reports each outcome.

Mounted by sillage/api.py under /api/v1/. Only tokens whose role manages distribution (admin,
CX lead) may use it; for the others these routes do not exist (404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sillage.accounts.scope import Perm, Scope
from sillage.feedback import services_invitations as services
from sillage.feedback.models import Invitation, Survey
from sillage.feedback.services_contacts import contacts_clean
from sillage.feedback.services_distribution import survey_url

router = Router(tags=["invitations"])


class ContactIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field("", max_length=200)
    language: str = Field("", description="fr or en; empty: the contact's or the organisation's")
    unit_code: str | None = Field(None, description="The unit's code, or give unit_id")
    unit_id: int | None = None
    touchpoint_code: str | None = Field(
        None, description="The touchpoint's code, or touchpoint_id; empty: the survey's default"
    )
    touchpoint_id: int | None = None
    employee_code: str = Field("", max_length=40)
    external_id: str = Field("", max_length=100, description="Your identifier for this person")


class InvitationsIn(Schema):
    survey_id: int
    contacts: list[ContactIn] = Field(..., min_length=1, max_length=services.MAX_CONTACTS_PER_CALL)
    send: bool = Field(
        True, description="Email the invitations; false: only create them (use their url)"
    )


class ResultOut(Schema):
    index: int
    email: str
    result: str = Field(..., description="created, skipped, or existing (already invited)")
    reason: str | None = Field(
        None, description="unsubscribed, recently_invited (contact rule) or already_invited"
    )
    invitation_id: int
    status: str
    url: str | None = Field(
        None, description="The customer's answer page; none for a skipped contact"
    )


class InvitationsOut(Schema):
    survey_id: int
    created: int
    skipped: int
    existing: int
    results: list[ResultOut]


class ErrorDetail(Schema):
    path: str
    message: str


class ErrorOut(Schema):
    error: str
    details: list[ErrorDetail] = []


class InvitationOut(Schema):
    id: int
    survey_id: int
    email: str
    unit_id: int
    touchpoint_id: int
    status: str
    reason: str | None
    error: str
    created_at: datetime
    sent_at: datetime | None
    reminded_at: datetime | None
    answered_at: datetime | None
    url: str


def _scope(request: HttpRequest) -> Scope:
    scope: Scope = request.auth  # type: ignore[attr-defined]
    scope.require(Perm.MANAGE_DISTRIBUTION)  # manager, employee, executive tokens: 404
    return scope


def _api_language(request: HttpRequest) -> str:
    """English for the calling system's developers unless the call asks for French
    (`Accept-Language: fr`), like the rest of the API."""
    header = request.headers.get("Accept-Language", "").strip().lower()
    return "fr" if header.startswith("fr") else "en"


def _invalid(details: list[dict[str, str]]) -> Status:
    # The same words as the API's own validation errors (sillage/api.py).
    return Status(422, {"error": "The request is not valid.", "details": details})


@router.post(
    "/invitations",
    response={200: InvitationsOut, 422: ErrorOut},
    summary="Invite customers to answer a survey by email",
)
def invitations_create(request: HttpRequest, payload: InvitationsIn) -> object:
    """Up to 1,000 contacts per call. Every invalid field is reported with its path
    (`contacts.3.email`) and nothing is written. A contact already invited to this survey
    within the organisation's contact period is not invited again: the call can be retried."""
    with translation.override(_api_language(request)):
        return _invitations_create(request, payload)


def _invitations_create(request: HttpRequest, payload: InvitationsIn) -> object:
    scope = _scope(request)
    survey = get_object_or_404(
        Survey.objects.for_scope(scope).select_related("organization", "touchpoint"),
        pk=payload.survey_id,
    )
    if not services.survey_can_invite(survey):
        return _invalid(
            [
                {
                    "path": "survey_id",
                    "message": _("Publish the survey before inviting customers to answer it."),
                }
            ]
        )
    items = [(index, contact.model_dump()) for index, contact in enumerate(payload.contacts)]
    clean, errors = contacts_clean(
        survey=survey, items=items, where=lambda index: f"contacts.{index}"
    )
    if errors:
        return _invalid(
            [{"path": f"contacts.{e.key}.{e.field}", "message": e.message} for e in errors]
        )
    result = services.invitations_create(survey=survey, contacts=clean, send=payload.send)
    return {
        "survey_id": survey.pk,
        "created": result.created,
        "skipped": result.skipped,
        "existing": result.existing,
        "results": [
            {
                "index": outcome.key,
                "email": outcome.email,
                "result": outcome.status,
                "reason": outcome.reason or None,
                "invitation_id": outcome.invitation.pk,
                "status": outcome.invitation.status,
                "url": None
                if outcome.status == "skipped"
                else survey_url(outcome.invitation.token),
            }
            for outcome in result.outcomes
        ],
    }


@router.get(
    "/invitations/{invitation_id}",
    response=InvitationOut,
    summary="One invitation's status",
)
def invitation_get(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    scope = _scope(request)
    invitation = get_object_or_404(
        Invitation.objects.for_scope(scope).select_related("contact"), pk=invitation_id
    )
    return {
        "id": invitation.pk,
        "survey_id": invitation.survey_id,
        "email": invitation.contact.email,
        "unit_id": invitation.unit_id,
        "touchpoint_id": invitation.touchpoint_id,
        "status": invitation.status,
        "reason": invitation.error if invitation.error in services.SKIP_REASONS else None,
        "error": "" if invitation.error in services.SKIP_REASONS else invitation.error,
        "created_at": invitation.created_at,
        "sent_at": invitation.sent_at,
        "reminded_at": invitation.reminded_at,
        "answered_at": invitation.answered_at,
        "url": survey_url(invitation.token),
    }
