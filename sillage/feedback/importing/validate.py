"""Checking every row of an import, streamed chunk by chunk, in one pass over the file.

The same scan serves the dry run ("check") and the commit: the commit passes a writer, which
receives each chunk of valid rows while no problem has been found. Memory does not grow with
the file: rows are read one at a time, external ids already seen in the file are kept in a
small on-disk SQLite index, and ids already in the database are looked up per chunk.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import IO, Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection
from django.utils import timezone

from sillage.accounts.models import Membership, Unit
from sillage.feedback.definition import LONG_TEXT_MAX
from sillage.feedback.importing.errors import Problem, ProblemLog
from sillage.feedback.importing.mapping import ANSWER_TARGETS, TARGETS, normalise
from sillage.feedback.importing.readers import FileInfo, Unreadable, open_rows
from sillage.feedback.importing.values import (
    SMALL_INTS,
    CellError,
    as_text,
    parse_datetime,
    parse_language,
    parse_score,
)
from sillage.feedback.models import Response, Survey, Touchpoint

CHUNK_ROWS = 5000
EXISTING_IN_MEMORY = 200_000
EXTERNAL_ID_MAX = 100
EMPLOYEE_CODE_MAX = 40
FUTURE_SLACK = timedelta(days=1)
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

# A valid row, ready to write: a plain tuple, because a million of them go by.
# (line, unit_id, touchpoint_id, survey_id, external_id, language, submitted_at (naive UTC
#  text), nps, csat, ces, comment, employee_code)
Record = tuple


class Writer(Protocol):
    def prepare(self, records: list[Record]) -> list[tuple[Any, ...]]: ...

    def write(self, records: list[Record]) -> None: ...

    def write_prepared(self, rows: list[tuple[Any, ...]]) -> None: ...


@dataclass(frozen=True)
class Settings:
    """What the person chose for one import: the mapping and the options."""

    organization_id: int
    mapping: dict[str, int | None]
    header_rows: int = 1
    fixed_unit_id: int | None = None
    fixed_touchpoint_id: int | None = None
    fixed_survey_id: int | None = None
    day_first: bool = True
    time_zone: str = "America/Toronto"
    default_language: str = "fr"
    skip_existing: bool = False

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


@dataclass
class Lookups:
    """Codes of the organisation, loaded once per scan."""

    units: dict[str, int]
    touchpoints: dict[str, int]
    employees: frozenset[str]
    surveys: dict[str, int]

    @classmethod
    def load(cls, organization_id: int) -> Lookups:
        units: dict[str, int] = {}
        folded: dict[str, list[int]] = {}
        for pk, code in Unit.objects.filter(organization_id=organization_id).values_list(
            "pk", "code"
        ):
            units[code] = pk
            folded.setdefault(code.upper(), []).append(pk)
        # "b1" finds "B1" unless two units differ only by case.
        for code, pks in folded.items():
            if len(pks) == 1:
                units.setdefault(code, pks[0])
        touchpoints: dict[str, int] = {}
        for pk, code in Touchpoint.objects.filter(organization_id=organization_id).values_list(
            "pk", "code"
        ):
            touchpoints[code] = pk
            touchpoints.setdefault(code.lower(), pk)
        employees = frozenset(
            Membership.objects.filter(organization_id=organization_id)
            .exclude(employee_code="")
            .values_list("employee_code", flat=True)
        )
        surveys: dict[str, int] = {}
        for pk, name_fr, name_en in Survey.objects.filter(
            organization_id=organization_id
        ).values_list("pk", "name_fr", "name_en"):
            surveys[str(pk)] = pk
            for name in (name_fr, name_en):
                if name:
                    surveys.setdefault(normalise(name), pk)
        return cls(units, touchpoints, employees, surveys)

    def unit(self, code: str) -> int | None:
        return self.units.get(code) or self.units.get(code.upper())


def mapping_problems(settings: Settings) -> list[Problem]:
    """What is missing before any row can be read."""
    mapping = settings.mapping
    problems = []
    if mapping.get("unit") is None and settings.fixed_unit_id is None:
        problems.append(Problem(0, "", "missing_mapping", {"field": "unit"}))
    if mapping.get("submitted_at") is None:
        problems.append(Problem(0, "", "missing_mapping", {"field": "submitted_at"}))
    if all(mapping.get(t) is None for t in ANSWER_TARGETS):
        problems.append(Problem(0, "", "missing_answer_mapping"))
    return problems


class RowChecker:
    """Turns one row into a Record, or adds its problems to a list.

    Written for speed: a million rows go through `check`, so the common case is a few
    dictionary lookups and C-level parses, with no allocation until something is wrong."""

    def __init__(
        self, settings: Settings, lookups: Lookups, labels: list[str], epoch: Any = None
    ) -> None:
        self.s = settings
        self.lookups = lookups
        self.labels = labels
        self.epoch = epoch
        self.zone = settings.zone
        self.latest = (timezone.now() + FUTURE_SLACK).astimezone(UTC).replace(tzinfo=None)
        m = settings.mapping
        self.idx = {t: m.get(t) for t in TARGETS}
        self.answer_idx = [m[t] for t in ANSWER_TARGETS if m.get(t) is not None]
        used = [i for i in self.idx.values() if i is not None]
        self.need = max(used) + 1 if used else 0
        self.languages: dict[Any, str] = {}
        self.offsets: dict[tuple[int, int, int, int], Any] = {}
        # Plain attributes: `check` runs a million times.
        self.i_unit, self.i_touchpoint = m.get("unit"), m.get("touchpoint")
        self.i_survey, self.i_date = m.get("survey"), m.get("submitted_at")
        self.i_comment, self.i_external_id = m.get("comment"), m.get("external_id")
        self.i_language, self.i_employee = m.get("language"), m.get("employee_code")
        self.score_columns = [
            (position, target, m[target], *SCALES[target])
            for position, target in enumerate(("nps", "csat", "ces"))
            if m.get(target) is not None
        ]
        self.fixed_unit_id = settings.fixed_unit_id
        self.fixed_touchpoint_id = settings.fixed_touchpoint_id
        self.fixed_survey_id = settings.fixed_survey_id
        self.default_language = settings.default_language

    def column(self, target: str) -> str:
        index = self.idx[target]
        if index is None:
            return ""
        return self.labels[index] if index < len(self.labels) else f"#{index + 1}"

    def has_answer(self, cells: list[Any]) -> bool:
        width = len(cells)
        for index in self.answer_idx:
            if index < width:
                value = cells[index]
                if value != "" and (type(value) is not str or value.strip()):
                    return True
        return False

    def check(self, line: int, cells: list[Any], problems: list[Problem]) -> Record | None:
        if len(cells) < self.need:
            cells = cells + [""] * (self.need - len(cells))
        errors: list[tuple[str, CellError]] | None = None
        lookups = self.lookups

        # Unit: a column, or the unit chosen for the whole file. Clean cells hit the
        # dictionary at once; the rest are stripped, upper-cased, then reported.
        unit_id = self.fixed_unit_id
        index = self.i_unit
        if index is not None:
            value = cells[index]
            found = lookups.units.get(value) if type(value) is str else None
            if found is not None:
                unit_id = found
            else:
                code = as_text(value)
                if code:
                    unit_id = lookups.units.get(code) or lookups.units.get(code.upper())
                    if unit_id is None:
                        errors = [("unit", CellError("unknown_unit", value=code[:40]))]
                elif unit_id is None:
                    errors = [("unit", CellError("required"))]

        touchpoint_id = self.fixed_touchpoint_id
        index = self.i_touchpoint
        if index is not None:
            value = cells[index]
            found = lookups.touchpoints.get(value) if type(value) is str else None
            if found is not None:
                touchpoint_id = found
            else:
                code = as_text(value)
                if code:
                    touchpoint_id = lookups.touchpoints.get(code) or lookups.touchpoints.get(
                        code.lower()
                    )
                    if touchpoint_id is None:
                        error = CellError("unknown_touchpoint", value=code[:40])
                        errors = (errors or []) + [("touchpoint", error)]

        survey_id = self.fixed_survey_id
        index = self.i_survey
        if index is not None:
            name = as_text(cells[index])
            if name:
                survey_id = lookups.surveys.get(name) or lookups.surveys.get(normalise(name))
                if survey_id is None:
                    error = CellError("unknown_survey", value=name[:40])
                    errors = (errors or []) + [("survey", error)]

        # Kept as naive UTC text, "2024-03-05 19:30:00": what SQLite stores, what the staging
        # file holds, and what PostgreSQL reads with "+00".
        submitted_at = None
        value = cells[self.i_date] if self.i_date is not None else ""
        try:
            moment = self._utc_naive(value)
            if moment > self.latest:
                raise CellError("future_date", value=as_text(value)[:40])
            submitted_at = str(moment)
        except CellError as error:
            errors = (errors or []) + [("submitted_at", error)]

        scores: list[int | None] = [None, None, None]
        for position, target, index, low, high in self.score_columns:
            value = cells[index]
            number = SMALL_INTS.get(value) if type(value) is str else None
            if number is not None and low <= number <= high:
                scores[position] = number
            elif value != "":
                try:
                    scores[position] = parse_score(value, low, high)
                except CellError as error:
                    errors = (errors or []) + [(target, error)]

        comment = ""
        index = self.i_comment
        if index is not None:
            value = cells[index]
            comment = value.strip() if type(value) is str else as_text(value)
            if "\r" in comment:
                comment = comment.replace("\r\n", "\n").replace("\r", "\n")
            if len(comment) > LONG_TEXT_MAX:
                error = CellError("too_long", limit=LONG_TEXT_MAX)
                errors = (errors or []) + [("comment", error)]

        external_id = None
        index = self.i_external_id
        if index is not None:
            external_id = as_text(cells[index]) or None
            if external_id and len(external_id) > EXTERNAL_ID_MAX:
                error = CellError("too_long", limit=EXTERNAL_ID_MAX)
                errors = (errors or []) + [("external_id", error)]

        language = self.default_language
        index = self.i_language
        if index is not None:
            value = cells[index]
            known = self.languages.get(value) if type(value) is str else None
            if known is not None:
                language = known
            else:
                try:
                    language = parse_language(value, self.default_language)
                    if type(value) is str and len(self.languages) < 1000:
                        self.languages[value] = language
                except CellError as error:
                    errors = (errors or []) + [("language", error)]

        employee_code = ""
        index = self.i_employee
        if index is not None:
            value = cells[index]
            if value == "" or (type(value) is str and value in lookups.employees):
                employee_code = value
            else:
                employee_code = as_text(value)
                if employee_code and employee_code not in lookups.employees:
                    error = CellError("unknown_employee", value=employee_code[:40])
                    errors = (errors or []) + [("employee_code", error)]

        if errors:
            for target, error in errors:
                problems.append(
                    Problem(line, self.column(target), error.code, error.params, target=target)
                )
            return None
        return (
            line,
            unit_id,
            touchpoint_id,
            survey_id,
            external_id,
            language,
            submitted_at,
            scores[0],
            scores[1],
            scores[2],
            comment,
            employee_code,
        )

    def _utc_naive(self, value: Any) -> datetime:
        """The cell's moment in UTC, without tzinfo. Naive times are in the file's zone: the
        zone's offset is looked up once per hour of the file (fold=0, as
        `replace(tzinfo=…)` does), not per row."""
        try:
            parsed = datetime.fromisoformat(value)  # the common case, in C
        except (TypeError, ValueError):
            parsed = parse_datetime(value, self.zone, self.s.day_first, self.epoch)
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC).replace(tzinfo=None)
        hour = (parsed.year, parsed.month, parsed.day, parsed.hour)
        offset = self.offsets.get(hour)
        if offset is None:
            offset = parsed.replace(tzinfo=self.zone).utcoffset()
            start = parsed.replace(minute=0, second=0, microsecond=0, tzinfo=self.zone)
            end = start.replace(minute=59, second=59, microsecond=999999)
            # Cache only an hour with one offset (Lord Howe shifts by 30 minutes mid-hour).
            if start.utcoffset() == end.utcoffset() and len(self.offsets) < 200_000:
                self.offsets[hour] = offset
        return parsed - offset


class SeenIds:
    """External ids met so far in the file, with their line: an on-disk index, so a file of
    ten million rows does not need ten million strings in memory."""

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(prefix="sillage-import-", suffix=".sqlite3")
        os.close(handle)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4000;"
            "CREATE TABLE seen (ext TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID;"
        )

    def earlier_lines(self, items: list[tuple[str, int]]) -> dict[str, int]:
        """For every id of `items`, the line of its first occurrence in the file (an earlier
        chunk, or earlier in `items`); remembers the new ones."""
        first_here: dict[str, int] = {}
        for ext, line in items:
            first_here.setdefault(ext, line)
        before = self.db.total_changes
        self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", first_here.items())
        if self.db.total_changes - before == len(first_here):
            return first_here  # the common case: no id met in an earlier chunk
        found: dict[str, int] = {}
        keys = list(first_here)
        for start in range(0, len(keys), 900):
            batch = keys[start : start + 900]
            marks = ",".join("?" * len(batch))
            found.update(
                self.db.execute(f"SELECT ext, line FROM seen WHERE ext IN ({marks})", batch)  # noqa: S608 - placeholders only
            )
        return found

    def close(self) -> None:
        self.db.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def existing_external_ids(organization_id: int, ids: list[str]) -> set[str]:
    """Which of `ids` the organisation already has, through the unique (org, external_id)
    index. Raw SQL: the ORM's cost per parameter shows at a million rows, and the model's
    ordering would make SQLite pick the (org, date) index instead, scanning every row."""
    table = connection.ops.quote_name(Response._meta.db_table)
    found: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 2000):
            batch = ids[start : start + 2000]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT external_id FROM {table} WHERE organization_id = %s "  # noqa: S608
                f"AND external_id IS NOT NULL AND external_id IN ({marks})",
                [organization_id, *batch],
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


class ExistingIds:
    """External ids the organisation already has. Up to EXISTING_IN_MEMORY ids are read once
    into a set (memory bounded by what the database holds, not by the file); beyond that,
    each chunk asks the database."""

    def __init__(self, organization_id: int) -> None:
        self.organization_id = organization_id
        first = list(
            Response.objects.filter(organization_id=organization_id, external_id__isnull=False)
            .order_by()
            .values_list("external_id", flat=True)[: EXISTING_IN_MEMORY + 1]
        )
        self.known: set[str] | None = set(first) if len(first) <= EXISTING_IN_MEMORY else None

    def among(self, ids: list[str]) -> set[str]:
        if self.known is not None:
            return self.known.intersection(ids)
        return existing_external_ids(self.organization_id, ids)


@dataclass
class ScanResult:
    rows: int = 0  # data rows with any content
    valid: int = 0
    written: int = 0
    skipped_empty: int = 0  # rows with no score and no comment
    skipped_existing: int = 0  # external id already recorded, with skip_existing
    problems: ProblemLog = field(default_factory=ProblemLog)


def _chunks(iterator: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(iterator, size)):
        yield chunk


def _is_blank(cells: list[Any]) -> bool:
    for value in cells:
        if value != "" and (type(value) is not str or value.strip()):
            return False
    return True


def scan(
    *,
    fh: IO[bytes],
    info: FileInfo,
    settings: Settings,
    labels: list[str],
    writer: Writer | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    check_external_ids: bool = True,
) -> ScanResult:
    """Check every data row; with a writer, hand it each chunk of valid rows while the file
    is still clean (the caller rolls back when `problems` is not empty at the end).

    Without `check_external_ids`, duplicates are left to the database's unique constraint:
    the write pass of a checked file saves the lookups, and an IntegrityError rolls back.

    Reading, checking and writing take turns in this one thread. A reader thread one chunk
    ahead made the import about a tenth slower on two cores (1M rows: 41–42 s against
    36–38 s): SQLite gives the GIL up for each row it inserts or looks up and must then wait
    for the reader to hand it back."""
    result = ScanResult()
    log = result.problems
    for problem in mapping_problems(settings):
        log.add(problem)
    if log:
        return result
    checker = RowChecker(settings, Lookups.load(settings.organization_id), labels)
    prepare = None
    if writer is not None and not check_external_ids:
        prepare = writer.prepare  # nothing to filter out: build the database rows early
    seen = SeenIds() if check_external_ids else None
    existing = ExistingIds(settings.organization_id) if check_external_ids else None
    try:
        with open_rows(fh, info) as source:
            data = islice(source.rows(), settings.header_rows, None)
            parsed = _parse_chunks(source, data, checker, chunk_rows, prepare)
            try:
                for chunk in parsed:
                    _take_chunk(chunk, checker, seen, existing, settings, result, writer)
                    if progress is not None:
                        progress(result.rows)
            except Unreadable as error:
                log.add(Problem(error.line, "", error.code, error.params))
    finally:
        if seen is not None:
            seen.close()
    if not result.rows and not log:
        log.add(Problem(0, "", "no_rows"))
    return result


@dataclass
class ParsedChunk:
    rows: int = 0
    skipped_empty: int = 0
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    prepared: list[tuple[Any, ...]] | None = None  # database rows, when built ahead


def _parse_chunks(
    source: Any,
    data: Iterator[tuple[int, list[Any]]],
    checker: RowChecker,
    chunk_rows: int,
    prepare: Callable[[list[Record]], list[tuple[Any, ...]]] | None,
) -> Iterator[ParsedChunk]:
    """Read, check and (when writing without filtering) prepare rows: no database access."""
    check, has_answer = checker.check, checker.has_answer
    for chunk in _chunks(data, chunk_rows):
        checker.epoch = source.epoch
        parsed = ParsedChunk()
        records, problems = parsed.records, parsed.problems
        rows = skipped = 0
        for line, cells in chunk:
            if not has_answer(cells):
                if not _is_blank(cells):
                    rows += 1
                    skipped += 1
                continue
            rows += 1
            record = check(line, cells, problems)
            if record is not None:
                records.append(record)
        parsed.rows, parsed.skipped_empty = rows, skipped
        if prepare is not None and not problems:
            parsed.prepared = prepare(records)
        yield parsed


def _take_chunk(
    chunk: ParsedChunk,
    checker: RowChecker,
    seen: SeenIds | None,
    existing: ExistingIds | None,
    settings: Settings,
    result: ScanResult,
    writer: Writer | None,
) -> None:
    result.rows += chunk.rows
    result.skipped_empty += chunk.skipped_empty
    records, problems = chunk.records, chunk.problems
    if seen is not None and existing is not None:
        with_ids = [(r[4], r[0]) for r in records if r[4] is not None]
        if with_ids:
            records = _check_external_ids(
                records, with_ids, checker, seen, existing, settings, result, problems
            )
    result.valid += len(records)
    result.problems.extend(problems)
    if writer is None or not records or result.problems:
        return
    if chunk.prepared is not None:
        writer.write_prepared(chunk.prepared)
    else:
        writer.write(records)
    result.written += len(records)


def _check_external_ids(
    records: list[Record],
    with_ids: list[tuple[str, int]],
    checker: RowChecker,
    seen: SeenIds,
    known: ExistingIds,
    settings: Settings,
    result: ScanResult,
    problems: list[Problem],
) -> list[Record]:
    first_lines = seen.earlier_lines(with_ids)
    existing = known.among(list({e for e, _ in with_ids}))
    column = checker.column("external_id")
    kept: list[Record] = []
    for record in records:
        ext, line = record[4], record[0]
        if ext is not None:
            if first_lines[ext] != line:
                problems.append(
                    Problem(
                        line,
                        column,
                        "duplicate_in_file",
                        {"value": ext[:40], "other": first_lines[ext]},
                    )
                )
                continue
            if ext in existing:
                if settings.skip_existing:
                    result.skipped_existing += 1
                else:
                    problems.append(
                        Problem(line, column, "duplicate_existing", {"value": ext[:40]})
                    )
                continue
        kept.append(record)
    return kept
