"""Checking the items of an ingestion call, one by one, against what they name: every error
is collected with its path (`responses.3.nps`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from sillage.accounts.models import Unit
from sillage.accounts.scope import Scope
from sillage.feedback.definition import LONG_TEXT_MAX, Validated, validate_answers
from sillage.feedback.ingest_data import ContactData, FieldError, ResponseData, item_path
from sillage.feedback.ingest_lookups import Lookups
from sillage.feedback.models import (
    SCORE_TYPES,
    QuestionType,
    Response,
    Source,
    SurveyVersion,
    Touchpoint,
)

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of the calling systems drift a little
SCORE_FIELDS = {"nps": QuestionType.NPS, "csat": QuestionType.CSAT, "ces": QuestionType.CES}


class Checker:
    """Checks items one by one, collecting every error with its path."""

    def __init__(self, *, scope: Scope, batch: bool, now: datetime, lookups: Lookups) -> None:
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
