"""Responses and cases for the closed-loop tests."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sillage.accounts.models import Organization, Unit
from sillage.cases.models import Case, Origin
from sillage.cases.services import case_open
from sillage.feedback.models import Response


def make_response(
    organization: Organization,
    unit: Unit,
    *,
    nps: int | None = 3,
    csat: int | None = None,
    ces: int | None = None,
    comment: str = "",
    consent: bool = True,
    language: str = "fr",
    submitted_at: datetime | None = None,
    touchpoint=None,
) -> Response:
    return Response.objects.create(
        organization=organization,
        unit=unit,
        touchpoint=touchpoint,
        source="link",
        language=language,
        submitted_at=submitted_at or timezone.now(),
        nps=nps,
        csat=csat,
        ces=ces,
        comment=comment,
        contact_consent=consent,
        contact_name="Marie Client" if consent else "",
        contact_email="marie.client@example.com" if consent else "",
        contact_phone="514 555-0100" if consent else "",
    )


def make_case(organization: Organization, unit: Unit, *, now=None, **response_fields) -> Case:
    response = make_response(organization, unit, **response_fields)
    case, _created = case_open(
        response=response, priority="normal", origin=Origin.RULE, now=now, notify=False
    )
    return case
