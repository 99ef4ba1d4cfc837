"""Writes for the voice of the customer: publishing surveys and recording responses."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Organization, Unit, User
from sillage.feedback import hooks
from sillage.feedback.definition import Validated, survey_definition
from sillage.feedback.models import (
    Invitation,
    InvitationStatus,
    QuestionType,
    Response,
    Survey,
    SurveyLink,
    SurveyStatus,
    SurveyVersion,
    Touchpoint,
)
from sillage.feedback.services_ingest import insert_response, write_transaction


class AlreadyAnswered(Exception):
    """The invitation was used already: one response per invitation."""


def survey_publish(*, survey: Survey, user: User | None) -> SurveyVersion:
    """Freeze the draft as a new immutable version; earlier responses keep theirs."""
    questions = list(survey.questions.all())
    if not questions:
        raise ValidationError(_("Add at least one question before publishing."))
    keys = {q.key for q in questions}
    for question in questions:
        if question.show_if_key and question.show_if_key not in keys:
            raise ValidationError(
                _("A condition refers to a question that no longer exists (%(key)s).")
                % {"key": question.show_if_key}
            )
        if question.type in {QuestionType.SINGLE, QuestionType.MULTIPLE} and not (
            question.options.get("choices")
        ):
            raise ValidationError(_("A choice question needs at least one choice."))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = SurveyVersion.objects.create(
            organization_id=locked.organization_id,
            survey=locked,
            number=number,
            definition=survey_definition(locked),
            published_by=user,
        )
        Survey.objects.filter(pk=locked.pk).update(
            status=SurveyStatus.PUBLISHED, has_unpublished_changes=False
        )
    survey.refresh_from_db()
    return version


def known_employee_code(organization: Organization, code: str) -> str:
    """Keep an attribution only when it names a member of this organisation."""
    code = (code or "").strip()[:40]
    if code and Membership.objects.filter(organization=organization, employee_code=code).exists():
        return code
    return ""


def response_create(
    *,
    organization: Organization,
    unit: Unit,
    touchpoint: Touchpoint | None,
    source: str,
    validated: Validated,
    language: str,
    survey_version: SurveyVersion | None = None,
    link: SurveyLink | None = None,
    invitation: Invitation | None = None,
    external_id: str | None = None,
    submitted_at: datetime | None = None,
    employee_code: str = "",
) -> tuple[Response, bool]:
    """Record one response; returns (response, created).

    With an `external_id` already recorded for the organisation, returns that response and
    creates nothing (a retried call). With an invitation already answered, raises
    AlreadyAnswered: the database's unique constraint decides, even under concurrency.
    """
    if unit.organization_id != organization.pk or (
        touchpoint is not None and touchpoint.organization_id != organization.pk
    ):
        raise ValidationError(_("Unit or touchpoint of another organisation."))
    if not validated.ok:
        raise ValidationError(validated.errors)
    if external_id:
        existing = Response.objects.filter(
            organization=organization, external_id=external_id
        ).first()
        if existing is not None:
            return existing, False
    response = Response(
        organization=organization,
        survey_id=survey_version.survey_id if survey_version else None,
        survey_version=survey_version,
        unit=unit,
        touchpoint=touchpoint,
        source=source,
        link=link,
        invitation=invitation,
        external_id=external_id or None,
        language=language,
        submitted_at=submitted_at or timezone.now(),
        answers=validated.answers,
        nps=validated.nps,
        csat=validated.csat,
        ces=validated.ces,
        comment=validated.comment,
        employee_code=known_employee_code(organization, employee_code),
        contact_consent=validated.contact_consent,
        contact_name=validated.contact_name,
        contact_email=validated.contact_email,
        contact_phone=validated.contact_phone,
        follow_up_pending=True,
    )
    try:
        with write_transaction(1 if invitation is None else 2):
            insert_response(response)
            if invitation is not None:
                Invitation.objects.filter(pk=invitation.pk).update(
                    status=InvitationStatus.ANSWERED, answered_at=response.received_at
                )
            hooks.responses_flagged()
    except IntegrityError:
        if invitation is not None and Response.objects.filter(invitation=invitation).exists():
            raise AlreadyAnswered from None
        if external_id:
            existing = Response.objects.filter(
                organization=organization, external_id=external_id
            ).first()
            if existing is not None:  # a concurrent retry won the race
                return existing, False
        raise
    return response, True
