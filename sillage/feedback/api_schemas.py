"""What the responses API accepts and answers: the request and answer schemas, the documented
POST /responses body, and the checks that turn a sent body into the items the ingest service
records.

The endpoints are in sillage/feedback/api.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict
from pydantic import ValidationError as PydanticError

from sillage.feedback.models import Channel, Source, SurveyStatus
from sillage.feedback.services_ingest import (
    MAX_BATCH,
    ContactData,
    FieldError,
    ResponseData,
    item_path,
)

DEFAULT_LIMIT = 100


# --- Schemas ------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    path: str = Field(
        description="Where the error is: `responses.3.nps` in a batch, `nps` for one response.",
        examples=["responses.3.nps"],
    )
    message: str = Field(examples=["11 is outside the scale 0–10."])


class ErrorOut(Schema):
    error: str = Field(examples=["2 responses are not valid; none was recorded."])
    details: list[ErrorDetail] = Field(default_factory=list)


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    consent: bool = Field(
        False, description="The customer agrees to be contacted about this response."
    )
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254, examples=["client@example.com"])
    phone: str = Field("", max_length=40, examples=["514 555-0199"])


class ResponseIn(Schema):
    """One customer response. Give the unit by id or code; the touchpoint likewise."""

    model_config = ConfigDict(extra="forbid")

    survey_id: int | None = Field(
        None,
        description=(
            "The survey answered. `answers` is then checked against its latest published "
            "version, which the response records. Without it, the scores, comment and contact "
            "are recorded (`answers` then holds the scores under the keys nps, csat, ces)."
        ),
    )
    unit: int | None = Field(None, description="Id of the unit (branch, team…) served.")
    unit_code: str | None = Field(None, max_length=40, description="Or its code, e.g. B-MTL-12.")
    touchpoint: int | None = Field(
        None, description="Id of the touchpoint; default: the survey's default touchpoint."
    )
    touchpoint_code: str | None = Field(None, max_length=60, description="Or its code.")
    submitted_at: AwareDatetime | None = Field(
        None,
        description=(
            "When the customer answered, ISO 8601 with a time zone offset. Default: now. "
            "More than 5 minutes in the future is refused."
        ),
        examples=["2025-03-14T10:42:00-04:00"],
    )
    language: Literal["fr", "en"] | None = Field(
        None, description="The customer's language. Default: the organisation's."
    )
    nps: int | None = Field(None, description="Likelihood to recommend, 0–10.")
    csat: int | None = Field(None, description="Satisfaction, 1–5.")
    ces: int | None = Field(None, description="Ease (customer effort score), 1–7 (7: very easy).")
    comment: str = Field(
        "",
        max_length=5000,
        description=(
            "Open comment. With a survey, prefer the answer to its open question in `answers`."
        ),
    )
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Answers keyed by question key (see GET /surveys), e.g. "
            '`{"nps": 9, "liked": "Accueil chaleureux", "reason": "advice"}`. With a survey, '
            "the top-level `nps`, `csat` and `ces` fill its first question of that kind when "
            "`answers` leaves it empty."
        ),
    )
    employee_code: str = Field(
        "",
        max_length=40,
        description="Code of the employee who served the customer; kept only if it is known.",
    )
    contact: ContactIn | None = Field(
        None, description="Name, email and phone are kept only when `consent` is true."
    )
    external_id: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description=(
            "Your id for this response, unique in your organisation. Sending it again creates "
            "nothing and answers with the recorded response: retries are safe."
        ),
    )


class ResponseBatchIn(Schema):
    """Up to 1,000 responses, recorded all together or not at all."""

    responses: list[ResponseIn] = Field(min_length=1, max_length=MAX_BATCH)


class IngestedOut(Schema):
    id: int
    external_id: str | None
    created: bool = Field(description="False when the external_id was already recorded.")


class ContactOut(Schema):
    consent: bool
    name: str
    email: str
    phone: str


class ResponseOut(Schema):
    id: int
    external_id: str | None
    survey_id: int | None
    survey_version: int | None = Field(description="Number of the survey version answered.")
    unit: int
    unit_code: str
    touchpoint: int | None
    touchpoint_code: str | None
    source: Source
    language: str
    submitted_at: datetime
    received_at: datetime
    nps: int | None
    csat: int | None
    ces: int | None
    comment: str
    answers: dict[str, Any]
    employee_code: str
    contact: ContactOut | None = Field(
        description="Present when the customer agreed to be contacted and the token's role "
        "may see contact details (not front-line employee tokens)."
    )


class ResponsePage(Schema):
    items: list[ResponseOut]
    next_cursor: str | None = Field(
        description="Pass it as `cursor` for the next page; null on the last page."
    )


class ResponseFilters(Schema):
    unit: int | None = Field(None, description="A unit id: responses of it and its subtree.")
    touchpoint: int | None = Field(None, description="A touchpoint id.")
    survey: int | None = Field(None, description="A survey id.")
    from_: str | None = Field(
        None,
        alias="from",
        description=(
            "Submitted at or after: a date (start of that day in the organisation's time "
            "zone) or a datetime."
        ),
        examples=["2025-01-01"],
    )
    to: str | None = Field(
        None,
        description="Submitted at or before: a date (the whole day included) or a datetime.",
        examples=["2025-03-31"],
    )
    nps_min: int | None = Field(None, ge=0, le=10)
    nps_max: int | None = Field(None, ge=0, le=10)
    csat_min: int | None = Field(None, ge=1, le=5)
    csat_max: int | None = Field(None, ge=1, le=5)
    ces_min: int | None = Field(None, ge=1, le=7)
    ces_max: int | None = Field(None, ge=1, le=7)
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=1000, description="Responses per page.")


class ShowIfOut(Schema):
    key: str
    min: int | None
    max: int | None


class QuestionOut(Schema):
    key: str = Field(description="The key its answer is stored under in `answers`.")
    type: str = Field(
        description="nps, csat, ces, rating, single, multiple, short_text, long_text, consent."
    )
    required: bool
    text_fr: str
    text_en: str
    min: int | None = None
    max: int | None = None
    choices: list[str] = Field(
        default_factory=list, description="Accepted values of a single or multiple choice."
    )
    show_if: ShowIfOut | None = Field(
        None, description="Asked only when the answer to `key` lies in [min, max]."
    )


class SurveyVersionOut(Schema):
    number: int
    published_at: datetime
    questions: list[QuestionOut]


class SurveyOut(Schema):
    id: int
    name_fr: str
    name_en: str
    status: SurveyStatus
    touchpoint: int | None = Field(description="Default touchpoint of its responses.")
    published_versions: list[int] = Field(description="Numbers of its published versions.")
    latest_version: SurveyVersionOut | None = Field(
        description="What POST /responses checks `answers` against; null while a draft."
    )


class TouchpointOut(Schema):
    id: int
    code: str
    name_fr: str
    name_en: str
    channel: Channel
    rank: int


class StageOut(Schema):
    id: int
    name_fr: str
    name_en: str
    rank: int
    touchpoints: list[TouchpointOut]


class JourneyOut(Schema):
    id: int
    code: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    is_active: bool
    rank: int
    stages: list[StageOut]


# --- The POST /responses body -------------------------------------------------------------------


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its `$defs` inlined, to embed in the OpenAPI document
    (whose `#/…` references point at the document's root, not at the schema's)."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(dict(defs[ref.removeprefix("#/$defs/")]))
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)


_EXAMPLE = {
    "survey_id": 12,
    "unit_code": "B-MTL-PLATEAU",
    "touchpoint_code": "succursale-accueil",
    "submitted_at": "2025-03-14T10:42:00-04:00",
    "language": "fr",
    "answers": {"nps": 9, "liked": "Accueil chaleureux, merci Julie!", "csat": 5},
    "employee_code": "E10042",
    "external_id": "crm-2025-000123",
}

_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _inline(ResponseIn.model_json_schema()),
                        _inline(ResponseBatchIn.model_json_schema()),
                    ]
                },
                "examples": {
                    "one": {"summary": "One response", "value": _EXAMPLE},
                    "batch": {
                        "summary": "A batch",
                        "value": {
                            "responses": [
                                _EXAMPLE,
                                {
                                    "unit": 42,
                                    "nps": 3,
                                    "comment": "Too long a wait at the counter.",
                                    "language": "en",
                                    "external_id": "crm-2025-000124",
                                },
                            ]
                        },
                    },
                },
            }
        },
    }
}


class _BadRequest(Exception):
    def __init__(self, status: int, message: str, details: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, list(details)


def _entries(data: Any) -> tuple[list[Any], bool]:
    """The items sent, and whether they came as a batch."""
    if isinstance(data, dict) and "responses" in data:
        extra = sorted(set(data) - {"responses"})
        if extra:
            raise _BadRequest(
                422,
                _("The request is not valid."),
                [FieldError(key, _("Unknown field.")) for key in extra],
            )
        entries = data["responses"]
        if not isinstance(entries, list):
            raise _BadRequest(
                422,
                _("The request is not valid."),
                [FieldError("responses", _("Send a list of responses."))],
            )
        return entries, True
    if isinstance(data, dict):
        return [data], False
    raise _BadRequest(
        422,
        _("The request is not valid."),
        [FieldError("", _("Send one response object, or {“responses”: […]}."))],
    )


def _parse(
    entries: list[Any], *, batch: bool
) -> tuple[list[ResponseData | None], list[FieldError]]:
    items: list[ResponseData | None] = []
    errors: list[FieldError] = []
    for index, entry in enumerate(entries):
        try:
            parsed = ResponseIn.model_validate(entry)
        except PydanticError as error:
            items.append(None)
            for problem in error.errors(include_url=False):
                name = ".".join(str(part) for part in problem["loc"])
                errors.append(FieldError(item_path(index, name, batch=batch), problem["msg"]))
            continue
        contact = parsed.contact
        items.append(
            ResponseData(
                survey_id=parsed.survey_id,
                unit=parsed.unit,
                unit_code=parsed.unit_code,
                touchpoint=parsed.touchpoint,
                touchpoint_code=parsed.touchpoint_code,
                submitted_at=parsed.submitted_at,
                language=parsed.language,
                nps=parsed.nps,
                csat=parsed.csat,
                ces=parsed.ces,
                comment=parsed.comment,
                answers=parsed.answers,
                employee_code=parsed.employee_code,
                contact=ContactData(**contact.model_dump()) if contact else None,
                external_id=parsed.external_id,
            )
        )
    return items, errors
