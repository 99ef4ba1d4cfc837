"""CSV and XLSX exports, streamed, with spreadsheet formula injection neutralised.

A text cell that starts with =, +, -, @, a tab or a carriage return could run as a formula
when the file is opened in a spreadsheet. In CSV it is prefixed with a single quote; in
XLSX the cell is written with the string type, so it is never evaluated. Numbers the export
computes itself (a negative NPS) are written as numbers.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def neutralise(value: Any) -> Any:
    """The CSV form of a cell: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so that Excel opens accented text as UTF-8.
    yield "\ufeff" + writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(value)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]):
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if isinstance(value, datetime):
        value = value.isoformat()  # keeps the offset; Excel has no time zones
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever it starts with
        return cell
    return WriteOnlyCell(sheet, value=value)


def xlsx_file(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]):
    """An .xlsx built row by row in write-only mode (constant memory) into a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = _xlsx_cell(sheet, name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence]):
    response = FileResponse(
        xlsx_file(title, header, rows),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def export_response(
    fmt: str, filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
):
    if fmt == "xlsx":
        return xlsx_response(filename, title, header, rows)
    return csv_response(filename, header, rows)


XLSX_MAX_ROWS = 1_048_575  # the sheet's limit, less the header


def capped_for_xlsx(rows: Iterable[Sequence[Any]], note: str) -> Iterator[Sequence[Any]]:
    """Excel stops at 1,048,576 rows: say so in the last row rather than fail or cut silently."""
    for count, row in enumerate(rows, start=1):
        if count >= XLSX_MAX_ROWS:
            yield [note]
            return
        yield row


# --- The responses behind a figure ---------------------------------------------------------------

RESPONSE_COLUMNS = (
    "response_id",
    "submitted_at",
    "local_date",
    "unit_code",
    "unit",
    "journey",
    "stage",
    "touchpoint_code",
    "touchpoint",
    "survey",
    "language",
    "source",
    "invited",
    "nps",
    "csat",
    "ces",
    "comment",
    "employee_code",
)


def response_rows(scope: Any, query: Any) -> Iterator[list[Any]]:
    """One row per response in the explorer's filters, in the viewer's scope, newest first.
    Names come from small in-memory catalogues, so each response costs no extra query."""
    from sillage.insights.rollups import zone_of
    from sillage.insights.selectors import Catalogue, UnitTree, survey_choices
    from sillage.insights.verbatims import iter_responses

    zone = zone_of(scope.organization)
    units = UnitTree.for_scope(scope).units
    catalogue = Catalogue.for_scope(scope)
    surveys = {s.pk: s.name for s in survey_choices(scope)}
    for response in iter_responses(scope, query):
        unit = units.get(response.unit_id)
        touchpoint = catalogue.touchpoints.get(response.touchpoint_id)
        local = response.submitted_at.astimezone(zone)
        yield [
            response.pk,
            local.isoformat(timespec="seconds"),
            local.date(),
            unit.code if unit else "",
            unit.name if unit else "",
            touchpoint.stage.journey.name if touchpoint else "",
            touchpoint.stage.name if touchpoint else "",
            touchpoint.code if touchpoint else "",
            touchpoint.name if touchpoint else "",
            surveys.get(response.survey_id, ""),
            response.language,
            response.source,
            "yes" if response.invitation_id else "no",
            response.nps,
            response.csat,
            response.ces,
            response.comment,
            response.employee_code,
        ]
