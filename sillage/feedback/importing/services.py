"""An import's life: upload → mapping → check (dry run) → commit, each step a service.

Checking and committing run in a background task (`tasks_imports.run_import`), enqueued once
the status change is committed. The task re-reads the job and does what its status asks, so
running it twice does nothing more:

- VALIDATING: scan every row, store the report; then VALID or INVALID (and, when the API asked
  for it, go straight on to the commit);
- RUNNING: scan again, writing every chunk inside ONE transaction; any problem rolls it all
  back. A job already committed (rows linked to it) is not written again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import IO, Any
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Organization, Unit, User
from sillage.feedback import hooks
from sillage.feedback.importing import mapping as mapping_module
from sillage.feedback.importing.commit import BaseWriter, writer_for
from sillage.feedback.importing.errors import Problem, ProblemLog
from sillage.feedback.importing.formats import detect
from sillage.feedback.importing.readers import (
    FileInfo,
    Unreadable,
    inspect_file,
    open_rows,
    xlsx_row_estimate,
)
from sillage.feedback.importing.staging import StagingWriter, staged_chunks
from sillage.feedback.importing.validate import (
    Lookups,
    RowChecker,
    ScanResult,
    Settings,
    scan,
)
from sillage.feedback.models import (
    ImportJob,
    ImportMapping,
    ImportStatus,
    Response,
    Survey,
    Touchpoint,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
EDITABLE = {ImportStatus.UPLOADED, ImportStatus.MAPPED, ImportStatus.INVALID, ImportStatus.VALID}
CHECKABLE = EDITABLE
BUSY = {ImportStatus.VALIDATING, ImportStatus.RUNNING}
# Options a person sets on the mapping step, remembered with the mapping for the same layout.
REMEMBERED_OPTIONS = ("unit", "touchpoint", "survey", "day_first", "time_zone", "skip_existing")
PROGRESS_EVERY_SECONDS = 0.5
# A check or commit not finished after this long lost its worker (10M rows take minutes).
STALE_AFTER = timedelta(minutes=30)


# ---------------------------------------------------------------------------------------------
# Upload and mapping


def import_upload(
    *, organization: Organization, user: User | None, upload: File, name: str = ""
) -> ImportJob:
    """Store the file, detect its format and offer a mapping. An unreadable file still makes a
    job, INVALID, whose report says why (so the API and the list show it like any other)."""
    job = ImportJob.objects.create(
        organization=organization,
        created_by=user,
        file=upload,
        original_name=(name or getattr(upload, "name", "") or "import.csv")[-255:],
    )
    with _job_file(job) as fh:
        try:
            _inspect(job, fh)
        except Unreadable as error:
            _fail(job, [Problem(error.line, "", error.code, error.params)])
    return job


def _inspect(job: ImportJob, fh: IO[bytes]) -> None:
    info = inspect_file(fh)
    with open_rows(fh, info) as source:
        first_rows = list(islice(source.rows(), 3))
    if not first_rows or all(not any(str(c).strip() for c in row) for _, row in first_rows):
        raise Unreadable("empty_file")
    layout = detect([cells for _, cells in first_rows])
    signature = mapping_module.signature(layout.format, layout.labels)
    options: dict[str, Any] = {
        "kind": info.kind,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "sha256": info.sha256,
        "signature": signature,
        "header_rows": layout.header_rows,
        "day_first": True,
        "time_zone": job.organization.time_zone,
        "skip_existing": False,
        **layout.options,
    }
    mapping = layout.mapping
    remembered = ImportMapping.objects.filter(
        organization_id=job.organization_id, signature=signature
    ).first()
    if remembered is not None:
        mapping = mapping_module.clean(remembered.mapping.get("columns"), len(layout.labels))
        saved = remembered.mapping.get("options") or {}
        options.update({k: saved[k] for k in REMEMBERED_OPTIONS if k in saved})
        options["remembered"] = True
    estimate = info.line_estimate if info.kind == "csv" else xlsx_row_estimate(fh)
    job.detected_format = layout.format
    job.header = layout.labels
    job.mapping = mapping
    job.options = options
    job.total_rows = max(0, estimate - layout.header_rows)
    job.save(update_fields=["detected_format", "header", "mapping", "options", "total_rows"])


def _fail(job: ImportJob, problems: list[Problem]) -> None:
    job.status = ImportStatus.INVALID
    job.errors = [p.as_json() for p in problems]
    job.error_count = len(problems)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "error_count", "finished_at"])


@contextmanager
def _job_file(job: ImportJob) -> Iterator[IO[bytes]]:
    """The stored file, opened for reading. The raw file object rather than Django's File
    proxy: the CSV reader asks the proxy whether it is closed on every line."""
    with job.file.open("rb") as stored:
        raw: Any = stored
        while isinstance(raw, File):  # FieldFile → File → the io object
            raw = raw.file
        yield raw


def file_info(job: ImportJob) -> FileInfo:
    options = job.options
    return FileInfo(
        kind=options.get("kind", "csv"),
        encoding=options.get("encoding", "utf-8-sig"),
        delimiter=options.get("delimiter", ","),
        sha256=options.get("sha256", ""),
    )


def _own_id(model: type, organization_id: int, value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    exists = model.objects.filter(organization_id=organization_id, pk=pk).exists()  # type: ignore[attr-defined]
    return pk if exists else None


def import_set_mapping(
    *, job: ImportJob, mapping: dict[str, Any], options: dict[str, Any] | None = None
) -> ImportJob:
    """Save the person's mapping and options, remember them for the same layout, and make the
    job ready to check again."""
    if job.status not in EDITABLE:
        raise ValidationError(_("This import can no longer be changed."))
    org_id = job.organization_id
    job.mapping = mapping_module.clean(mapping, len(job.header))
    chosen = options or {}
    job.options = {
        **job.options,
        "unit": _own_id(Unit, org_id, chosen.get("unit")),
        "touchpoint": _own_id(Touchpoint, org_id, chosen.get("touchpoint")),
        "survey": _own_id(Survey, org_id, chosen.get("survey")),
        "day_first": bool(chosen.get("day_first", job.options.get("day_first", True))),
        "time_zone": (
            chosen["time_zone"]
            if chosen.get("time_zone") in available_timezones()
            else job.options.get("time_zone")
        ),
        "skip_existing": bool(chosen.get("skip_existing", False)),
    }
    _discard_staged(job)  # checked with the old mapping: check again
    job.status = ImportStatus.MAPPED
    job.errors, job.error_count, job.processed_rows = [], 0, 0
    job.save(
        update_fields=["mapping", "options", "status", "errors", "error_count", "processed_rows"]
    )
    ImportMapping.objects.update_or_create(
        organization_id=org_id,
        signature=job.options.get("signature", ""),
        defaults={
            "mapping": {
                "columns": job.mapping,
                "options": {k: job.options.get(k) for k in REMEMBERED_OPTIONS},
            }
        },
    )
    return job


# ---------------------------------------------------------------------------------------------
# Check and commit: status changes, then the task


def _enqueue(job_id: int) -> None:
    from sillage.feedback.tasks_imports import run_import

    transaction.on_commit(lambda: run_import.enqueue(job_id=job_id))


def import_check(*, job: ImportJob, then_commit: bool = False) -> ImportJob:
    """Validate every row without writing (a dry run); with `then_commit`, import right after
    a clean check."""
    options = {
        **job.options,
        "commit_after_check": then_commit,
        "started_at": timezone.now().isoformat(),
    }
    changed = ImportJob.objects.filter(pk=job.pk, status__in=CHECKABLE).update(
        status=ImportStatus.VALIDATING, processed_rows=0, options=options, finished_at=None
    )
    if not changed:
        raise ValidationError(_("This import is already being processed."))
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_commit(*, job: ImportJob) -> ImportJob:
    """Write every row of a checked job, all or nothing. Only a VALID job can start, once."""
    options = {**job.options, "started_at": timezone.now().isoformat()}
    changed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.RUNNING, processed_rows=0, options=options
    )
    if not changed:
        raise ValidationError(_("Only a checked import without errors can be imported."))
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_run(*, job_id: int) -> None:
    """The task's body: do what the job's status asks (nothing for a finished job)."""
    job = ImportJob.objects.select_related("organization").filter(pk=job_id).first()
    if job is None:
        return
    if job.status == ImportStatus.VALIDATING:
        ok = _check(job)
        if ok and job.options.get("commit_after_check"):
            started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
                status=ImportStatus.RUNNING, processed_rows=0
            )
            if started:
                job.refresh_from_db()
                _write(job)
    elif job.status == ImportStatus.RUNNING:
        _write(job)


def settings_for(job: ImportJob) -> Settings:
    options = job.options
    org_id = job.organization_id
    return Settings(
        organization_id=org_id,
        mapping=mapping_module.clean(job.mapping, len(job.header)),
        header_rows=int(options.get("header_rows", 1)),
        fixed_unit_id=_own_id(Unit, org_id, options.get("unit")),
        fixed_touchpoint_id=_own_id(Touchpoint, org_id, options.get("touchpoint")),
        fixed_survey_id=_own_id(Survey, org_id, options.get("survey")),
        day_first=bool(options.get("day_first", True)),
        time_zone=options.get("time_zone") or job.organization.time_zone,
        default_language=job.organization.default_language,
        skip_existing=bool(options.get("skip_existing", False)),
    )


def _progress(job_id: int) -> Callable[[int], None]:
    """Record progress outside any transaction, at most twice a second."""
    last = [0.0]

    def report(rows: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            ImportJob.objects.filter(pk=job_id).update(processed_rows=rows)

    return report


def _already_imported(job: ImportJob) -> Problem | None:
    sha = job.options.get("sha256")
    if not sha:
        return None
    earlier = (
        ImportJob.objects.filter(
            organization_id=job.organization_id, status=ImportStatus.DONE, options__sha256=sha
        )
        .exclude(pk=job.pk)
        .order_by("finished_at")
        .first()
    )
    if earlier is None:
        return None
    when = timezone.localtime(earlier.finished_at or earlier.created_at).date().isoformat()
    return Problem(0, "", "already_imported", {"date": when, "id": earlier.pk})


def _store(job: ImportJob, result: ScanResult, status: str, **extra: Any) -> None:
    job.status = status
    job.total_rows = result.rows
    job.processed_rows = result.rows
    job.errors = [p.as_json() for p in result.problems.kept]
    job.error_count = result.problems.count
    job.options = {
        **job.options,
        "stats": {
            "valid": result.valid,
            "skipped_empty": result.skipped_empty,
            "skipped_existing": result.skipped_existing,
        },
    }
    for name, value in extra.items():
        setattr(job, name, value)
    job.save()


def _check(job: ImportJob) -> bool:
    """The validate pass: every row read and checked; the valid ones staged for the commit."""
    duplicate_file = _already_imported(job)
    _discard_staged(job)
    staging = StagingWriter()
    try:
        with _job_file(job) as fh:
            result = scan(
                fh=fh,
                info=file_info(job),
                settings=settings_for(job),
                labels=job.header,
                writer=staging,
                progress=_progress(job.pk),
            )
        if duplicate_file is not None:
            log = ProblemLog()
            log.add(duplicate_file)
            log.extend(result.problems.kept)
            log.count = result.problems.count + 1
            result.problems = log
        ok = not result.problems
        if ok:
            job.options = {
                **job.options,
                "staged": staging.save(job.file.storage, job.file.name),
                "refs": staging.refs(),
            }
    finally:
        staging.close()
    _store(job, result, ImportStatus.VALID if ok else ImportStatus.INVALID)
    return ok


def _discard_staged(job: ImportJob) -> None:
    name = job.options.get("staged")
    if name:
        job.file.storage.delete(name)
        job.options = {**job.options, "staged": None, "refs": None}


def _refs_still_exist(job: ImportJob) -> bool:
    """The codes the staged rows use still name the same things: nothing was deleted."""
    refs = job.options.get("refs") or {}
    org = job.organization_id
    checks = [
        (Unit.objects.filter(organization_id=org), "pk", refs.get("units")),
        (Touchpoint.objects.filter(organization_id=org), "pk", refs.get("touchpoints")),
        (Survey.objects.filter(organization_id=org), "pk", refs.get("surveys")),
        (
            Membership.objects.filter(organization_id=org),
            "employee_code",
            refs.get("employees"),
        ),
    ]
    for queryset, field, values in checks:
        if values and queryset.filter(**{f"{field}__in": values}).values(
            field
        ).distinct().count() != len(values):
            return False
    return True


class _Rollback(Exception):
    pass


def _write(job: ImportJob) -> None:
    """The write pass, in one transaction. The final status is set in that same transaction,
    so a job is DONE exactly when its rows exist."""
    result = ScanResult()
    try:
        with transaction.atomic():
            if not _lock(job):
                return
            writer = writer_for(organization_id=job.organization_id, import_job_id=job.pk)
            try:
                with _side_progress(job.pk) as progress:
                    if _is_staged(job):
                        result = _write_staged(job, writer, progress)
                    else:
                        result = _write_from_file(job, writer, progress)
            finally:
                writer.close()
            if result.problems:
                raise _Rollback
            staged = job.options.get("staged")
            if staged:
                storage = job.file.storage
                transaction.on_commit(lambda: storage.delete(staged))
                job.options = {**job.options, "staged": None}
            _store(
                job,
                result,
                ImportStatus.DONE,
                imported_rows=writer.written,
                finished_at=timezone.now(),
            )
            hooks.import_committed(job.pk)
    except (_Rollback, IntegrityError):
        log = ProblemLog()
        log.add(Problem(0, "", "changed"))
        log.extend(result.problems.kept)
        log.count = result.problems.count + 1
        result.problems = log
        _store(job, result, ImportStatus.INVALID, imported_rows=0)
    except Exception:
        logger.exception("import %s failed", job.pk)
        # Only a job still running is marked: a second run of the task that failed (waiting
        # for the first one's lock, say) must not overwrite the first one's DONE.
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            errors=[Problem(0, "", "failed").as_json()],
            error_count=1,
            imported_rows=0,
            finished_at=timezone.now(),
        )
        raise


def _is_staged(job: ImportJob) -> bool:
    name = job.options.get("staged")
    return bool(name) and job.file.storage.exists(name)


def _write_staged(
    job: ImportJob, writer: BaseWriter, progress: Callable[[int], None]
) -> ScanResult:
    """The write pass over the rows the check staged: no parsing, the INSERT alone."""
    stats = job.options.get("stats") or {}
    result = ScanResult(
        rows=job.total_rows,
        valid=stats.get("valid", 0),
        skipped_empty=stats.get("skipped_empty", 0),
        skipped_existing=stats.get("skipped_existing", 0),
    )
    if not _refs_still_exist(job):
        raise _Rollback
    prepared = map(writer.prepare, staged_chunks(job.file.storage, job.options["staged"]))
    for rows in prepared:
        writer.write_prepared(rows)
        result.written += len(rows)
        progress(result.written)
    return result


def _write_from_file(
    job: ImportJob, writer: BaseWriter, progress: Callable[[int], None]
) -> ScanResult:
    """The write pass reading the upload again (when no staged rows are at hand)."""
    settings = settings_for(job)
    with _job_file(job) as fh:
        return scan(
            fh=fh,
            info=file_info(job),
            settings=settings,
            labels=job.header,
            writer=writer,
            progress=progress,
            # The check found no duplicate; one appearing since (a concurrent import) trips
            # the unique constraint and rolls everything back.
            check_external_ids=settings.skip_existing,
        )


def import_resume_stale(*, now: datetime, older_than: timedelta = STALE_AFTER) -> int:
    """Enqueue again the jobs whose check or commit started long ago and never finished (a
    worker stopped mid-way: its transaction was rolled back, so nothing was half-written).
    The task is safe to run twice. For `manage.py sillage_tick`."""
    resumed = 0
    for job in ImportJob.objects.filter(status__in=BUSY).only("pk", "options"):
        started = job.options.get("started_at")
        try:
            stale = started is None or datetime.fromisoformat(started) < now - older_than
        except ValueError:
            stale = True
        if stale:
            options = {**job.options, "started_at": now.isoformat()}
            ImportJob.objects.filter(pk=job.pk).update(options=options)
            _enqueue(job.pk)
            resumed += 1
    return resumed


def _lock(job: ImportJob) -> bool:
    """Serialise writers of the same job; False when another run already committed it.

    SQLite's BEGIN IMMEDIATE already lets one writer in at a time; PostgreSQL takes an
    advisory lock rather than a row lock, so that progress can still be written to the job
    row from a second connection."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7331, job.pk])
    current = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first()
    if current != ImportStatus.RUNNING:
        return False
    if Response.objects.filter(import_job_id=job.pk).exists():
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
        return False
    return True


class _side_progress:  # noqa: N801 - used as a context manager, reads like a function
    """Progress of the write pass. Inside the import's transaction the job row cannot be
    updated visibly, so PostgreSQL reports through a second connection; SQLite allows one
    writer only, so it reports nothing until the end (the page shows "writing…")."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side = None

    def __enter__(self) -> Callable[[int], None]:
        if connection.vendor != "postgresql":
            return lambda rows: None
        self.side = connection.copy()
        last = [0.0]
        table = ImportJob._meta.db_table

        def report(rows: int) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_SECONDS:
                return
            last[0] = now
            with self.side.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute(
                    f'UPDATE "{table}" SET processed_rows = %s WHERE id = %s',  # noqa: S608
                    [rows, self.job_id],
                )

        return report

    def __exit__(self, *exc: object) -> None:
        if self.side is not None:
            self.side.close()


# ---------------------------------------------------------------------------------------------
# Preview


@dataclass
class PreviewRow:
    line: int
    values: dict[str, Any]  # target → what will be stored (or the raw cell when invalid)
    problems: dict[str, str]  # target → message
    skipped: bool = False


def import_preview(job: ImportJob, limit: int = 20) -> list[PreviewRow]:
    """The first data rows as they would be imported, with each cell's problem."""
    if not job.header:
        return []
    settings = settings_for(job)
    checker = RowChecker(settings, Lookups.load(job.organization_id), job.header)
    fixed = {
        target: model.objects.filter(pk=pk).first() if pk is not None else None
        for target, model, pk in (
            ("unit", Unit, settings.fixed_unit_id),
            ("touchpoint", Touchpoint, settings.fixed_touchpoint_id),
            ("survey", Survey, settings.fixed_survey_id),
        )
    }
    preview: list[PreviewRow] = []
    with _job_file(job) as fh:
        try:
            with open_rows(fh, file_info(job)) as source:
                for line, cells in islice(source.rows(), settings.header_rows, None):
                    if len(preview) >= limit:
                        break
                    if not any(str(c).strip() for c in cells):
                        continue
                    checker.epoch = source.epoch
                    preview.append(_preview_row(checker, fixed, line, cells))
        except Unreadable:
            pass
    return preview


def _preview_row(
    checker: RowChecker, fixed: dict[str, Any], line: int, cells: list[Any]
) -> PreviewRow:
    from sillage.feedback.importing.values import as_text

    values: dict[str, Any] = {}
    for target in mapping_module.TARGETS:
        index = checker.idx[target]
        if index is not None:
            values[target] = as_text(cells[index]) if index < len(cells) else ""
        elif fixed.get(target) is not None:
            values[target] = str(fixed[target])
    if not checker.has_answer(cells):
        return PreviewRow(line, values, {}, skipped=True)
    problems: list[Problem] = []
    record = checker.check(line, cells, problems)
    if record is not None:
        moment = datetime.fromisoformat(record[6]).replace(tzinfo=UTC)
        values["submitted_at"] = timezone.localtime(moment, checker.zone)
        values.update(nps=record[7], csat=record[8], ces=record[9], language=record[5])
    return PreviewRow(line, values, {p.target: p.message for p in problems})
