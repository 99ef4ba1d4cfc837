"""A published survey's definition, and the one validator of answers against it.

The public page, the widget, the ingestion API and email invitations all validate through
`validate_answers`, so a score out of range or a missing required answer gets the same clear
message everywhere, in the customer's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from sillage.feedback.models import SCORE_TYPES, Question, QuestionType, Survey

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
TEXT_TYPES = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}


def _pair(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


def question_definition(question: Question) -> dict[str, Any]:
    options = question.options or {}
    item: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "text": _pair(question.text_fr, question.text_en),
        "help": _pair(question.help_fr, question.help_en),
        "required": question.required,
        "show_if": None,
    }
    if question.type in SCORE_TYPES:
        item["min"], item["max"] = SCORE_TYPES[question.type]
    elif question.type == QuestionType.RATING:
        item["min"] = int(options.get("min", 1))
        item["max"] = int(options.get("max", 5))
    if question.type in SCORE_TYPES or question.type == QuestionType.RATING:
        item["labels"] = {
            "min": _pair(options.get("min_label_fr", ""), options.get("min_label_en", "")),
            "max": _pair(options.get("max_label_fr", ""), options.get("max_label_en", "")),
        }
    if question.type in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
        item["choices"] = [
            {"value": str(c["value"]), "label": _pair(c.get("fr", ""), c.get("en", ""))}
            for c in options.get("choices", [])
        ]
    if question.show_if_key:
        item["show_if"] = {
            "key": question.show_if_key,
            "min": question.show_if_min,
            "max": question.show_if_max,
        }
    return item


def survey_definition(survey: Survey) -> dict[str, Any]:
    """Freeze the survey's draft into the JSON a SurveyVersion stores."""
    return {
        "survey_id": survey.pk,
        "name": _pair(survey.name_fr, survey.name_en),
        "intro": _pair(survey.intro_fr, survey.intro_en),
        "thanks": _pair(survey.thanks_fr, survey.thanks_en),
        "questions": [question_definition(q) for q in survey.questions.order_by("rank", "id")],
    }


def text_in(pair: dict[str, str] | None, language: str) -> tuple[str, bool]:
    """The text in `language`, else the other one; the flag says a fallback happened, so that
    the page can mark it visibly (lang attribute and a note) rather than silently."""
    pair = pair or {}
    other = "en" if language == "fr" else "fr"
    if pair.get(language):
        return pair[language], False
    return pair.get(other, ""), bool(pair.get(other))


@dataclass
class Validated:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    comment: str = ""
    contact_consent: bool = False
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def is_visible(question: dict[str, Any], answers: dict[str, Any]) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    value = answers.get(condition["key"])
    if not isinstance(value, int):
        return False
    low = condition.get("min")
    high = condition.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def _first(raw: Any) -> str:
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else ""
    return "" if raw is None else str(raw).strip()


def _scale(question: dict[str, Any], raw: Any, result: Validated) -> int | None:
    text = _first(raw)
    if text == "":
        return None
    low, high = question["min"], question["max"]
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        result.errors[question["key"]] = _("%(value)s is outside the scale %(min)s–%(max)s.") % {
            "value": text[:20],
            "min": low,
            "max": high,
        }
        return None
    return value


def _choices(question: dict[str, Any], raw: Any, result: Validated) -> Any:
    allowed = {c["value"] for c in question.get("choices", [])}
    values = raw if isinstance(raw, list | tuple) else ([raw] if raw not in (None, "") else [])
    values = [str(v) for v in values if str(v) != ""]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        result.errors[question["key"]] = _("“%(value)s” is not one of the choices.") % {
            "value": unknown[0][:40]
        }
        return None
    if question["type"] == QuestionType.SINGLE:
        if len(values) > 1:
            result.errors[question["key"]] = _("Choose only one answer.")
            return None
        return values[0] if values else None
    return values or None


def _text(question: dict[str, Any], raw: Any, result: Validated) -> str | None:
    text = _first(raw)
    limit = SHORT_TEXT_MAX if question["type"] == QuestionType.SHORT_TEXT else LONG_TEXT_MAX
    if len(text) > limit:
        result.errors[question["key"]] = _("Please keep it under %(limit)s characters.") % {
            "limit": limit
        }
        return None
    return text or None


def _consent(question: dict[str, Any], data: dict[str, Any], result: Validated) -> Any:
    key = question["key"]
    agreed = _first(data.get(key)).lower() in {"yes", "oui", "true", "1", "on"}
    if not agreed:
        return "no" if _first(data.get(key)) else None
    name = _first(data.get(f"{key}_name"))[:200]
    email = _first(data.get(f"{key}_email"))[:254]
    phone = _first(data.get(f"{key}_phone"))[:40]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            result.errors[f"{key}_email"] = _("Enter a valid email address.")
    if not email and not phone:
        result.errors[key] = _("Leave an email address or a phone number so we can reach you.")
    result.contact_consent = True
    result.contact_name, result.contact_email, result.contact_phone = name, email, phone
    return "yes"


def validate_answers(definition: dict[str, Any], data: dict[str, Any]) -> Validated:
    """Check `data` (form fields or API JSON, keyed by question key) against a definition.

    Call inside `translation.override(<customer's language>)` so messages are in their
    language. Answers to questions hidden by their condition are dropped.
    """
    result = Validated()
    texts: list[str] = []
    for question in definition["questions"]:
        key, kind = question["key"], question["type"]
        if not is_visible(question, result.answers):
            continue
        if kind in SCORE_TYPES or kind == QuestionType.RATING:
            value = _scale(question, data.get(key), result)
        elif kind in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
            value = _choices(question, data.get(key), result)
        elif kind in TEXT_TYPES:
            value = _text(question, data.get(key), result)
        elif kind == QuestionType.CONSENT:
            value = _consent(question, data, result)
        else:
            continue
        if value is None:
            if question.get("required") and key not in result.errors:
                result.errors[key] = _("This question needs an answer.")
            continue
        result.answers[key] = value
        if kind == QuestionType.NPS and result.nps is None:
            result.nps = value
        elif kind == QuestionType.CSAT and result.csat is None:
            result.csat = value
        elif kind == QuestionType.CES and result.ces is None:
            result.ces = value
        elif kind in TEXT_TYPES:
            texts.append(value)
    result.comment = "\n\n".join(texts)
    return result
