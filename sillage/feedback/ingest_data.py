"""What the ingestion API takes and answers, once its JSON types are checked (see
sillage/feedback/api_schemas.py and services_ingest.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

MAX_BATCH = 1000


@dataclass(frozen=True)
class ContactData:
    consent: bool = False
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ResponseData:
    """One item as the caller sent it, types already checked (sillage/feedback/api_schemas.py)."""

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
