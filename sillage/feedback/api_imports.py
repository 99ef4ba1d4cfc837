"""API of response imports: upload a file (checked, then imported unless a dry run), follow it.

Mounted by sillage/api.py. Tokens need a role with Perm.IMPORT_RESPONSES (admin, CX lead);
any other role, and another organisation's import, get a 404.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from sillage.accounts.scope import Perm, Scope
from sillage.feedback.importing.errors import Problem
from sillage.feedback.importing.mapping import TARGETS, normalise
from sillage.feedback.importing.services import (
    MAX_UPLOAD_BYTES,
    import_check,
    import_set_mapping,
    import_upload,
)
from sillage.feedback.models import ImportJob, ImportStatus

router = Router(tags=["imports"])
ERRORS_SHOWN = 20


class ImportProblemOut(Schema):
    line: int
    column: str
    code: str
    message: str


class ImportOut(Schema):
    id: int
    status: str
    original_name: str
    detected_format: str
    columns: list[str]
    mapping: dict[str, int | None]
    total_rows: int
    processed_rows: int
    imported_rows: int
    progress: int
    error_count: int
    errors: list[ImportProblemOut]
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_columns(obj: ImportJob) -> list[str]:
        return list(obj.header)

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict[str, Any]]:
        problems = [Problem.from_json(p) for p in obj.errors[:ERRORS_SHOWN]]
        return [
            {"line": p.line, "column": p.column, "code": p.code, "message": p.message}
            for p in problems
        ]


def _scope(request: HttpRequest) -> Scope:
    scope: Scope = request.auth  # type: ignore[attr-defined]
    scope.require(Perm.IMPORT_RESPONSES)
    return scope


def _json_field(raw: str | None, name: str) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise HttpError(422, f"`{name}` is not valid JSON.") from None
    if not isinstance(value, dict):
        raise HttpError(422, f"`{name}` must be a JSON object.")
    return value


def _column_index(value: Any, columns: list[str]) -> int | None:
    """A column named by its index or by its header text (case and accents ignored)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    names = [normalise(c) for c in columns]
    wanted = normalise(value)
    return names.index(wanted) if wanted in names else None


@router.post(
    "/imports",
    response={201: ImportOut},
    summary="Import past responses from a CSV or XLSX file",
)
def create_import(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 - django-ninja's declaration style
    mapping: str | None = Form(None),  # noqa: B008
    options: str | None = Form(None),  # noqa: B008
    dry_run: bool = Form(False),  # noqa: B008
) -> Status[ImportJob]:
    """Upload a file (multipart). Exports of Qualtrics, SurveyMonkey, Google Forms and
    Formbricks are recognised and pre-mapped; otherwise columns are matched by name.

    - `mapping` (optional JSON): `{"unit": "Branch", "submitted_at": 0, "nps": "Q1", …}`,
      each field naming a column by header text or index (null: not in the file). Fields:
      unit, touchpoint, submitted_at, nps, csat, ces, comment, external_id, language,
      employee_code, survey. Fields left out keep the suggested column.
    - `options` (optional JSON): `unit`, `touchpoint`, `survey` (ids used for every row),
      `day_first` (05/03/2024 = 5 March; default true), `time_zone`, `skip_existing`.
    - `dry_run`: check every row and write nothing.

    The import is all or nothing. Follow it with GET /imports/{import_id}: with a background
    worker the status goes validating → valid/invalid → running → done.
    """
    scope = _scope(request)
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise HttpError(413, "The file is too large.")
    given_mapping = _json_field(mapping, "mapping")
    given_options = _json_field(options, "options")
    unknown = set(given_mapping) - set(TARGETS)
    if unknown:
        raise HttpError(422, f"Unknown mapping fields: {', '.join(sorted(unknown))}.")
    job = import_upload(
        organization=scope.organization, user=None, upload=file, name=file.name or ""
    )
    if job.status == ImportStatus.INVALID:
        return Status(201, job)
    if given_mapping or given_options:
        chosen = dict(job.mapping)
        for target, value in given_mapping.items():
            index = _column_index(value, job.header)
            if value is not None and index is None:
                raise HttpError(422, f"No column “{value}” for `{target}`.")
            chosen[target] = index
        import_set_mapping(job=job, mapping=chosen, options={**job.options, **given_options})
    job = import_check(job=job, then_commit=not dry_run)
    return Status(201, job)


@router.get("/imports/{import_id}", response=ImportOut, summary="One import: status and report")
def get_import(request: HttpRequest, import_id: int) -> ImportJob:
    """Status, progress (processed_rows of total_rows), the number of problems and the first
    ones with their line, column and reason (in the request's language)."""
    scope = _scope(request)
    return get_object_or_404(ImportJob.objects.for_scope(scope), pk=import_id)
