"""What can be wrong with an import, stored as codes and rendered in the reader's language.

A job's errors are stored as `{"line", "column", "code", "params"}` so that the report a
person reads later (page or API) is in their language, whichever language the background
task ran in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_STORED_ERRORS = 1000

MESSAGES = {
    # One cell.
    "scale": _("%(value)s is outside the scale %(min)s–%(max)s."),
    "not_whole": _("“%(value)s” is not a whole number."),
    "unknown_unit": _("Unknown unit code “%(value)s”."),
    "unknown_touchpoint": _("Unknown touchpoint code “%(value)s”."),
    "unknown_employee": _("Nobody in the organisation has the employee code “%(value)s”."),
    "unknown_survey": _("Unknown survey “%(value)s”."),
    "unknown_language": _("Unknown language “%(value)s” (expected fr or en)."),
    "bad_date": _(
        "“%(value)s” is not a date we recognise (for example 2024-03-05 14:30 or 05/03/2024)."
    ),
    "bad_date_day_first": _(
        "“%(value)s” is not a valid date with the day first (05/03/2024 = 5 March); check the "
        "date order."
    ),
    "bad_date_month_first": _(
        "“%(value)s” is not a valid date with the month first (03/05/2024 = 5 March); check "
        "the date order."
    ),
    "future_date": _("%(value)s is in the future."),
    "required": _("This cell is empty, and the column is required."),
    "too_long": _("Longer than %(limit)s characters."),
    "duplicate_in_file": _("The external id “%(value)s” is already on line %(other)s."),
    "duplicate_existing": _(
        "The external id “%(value)s” is already recorded (an earlier import or the API)."
    ),
    # The whole file.
    "empty_file": _("The file is empty."),
    "no_rows": _("The file has a header but no data line."),
    "not_text": _("This is not a CSV or Excel (.xlsx) file: it holds binary data."),
    "old_excel": _("Old Excel format (.xls): save the file as .xlsx or CSV first."),
    "xlsx": _("This Excel file cannot be opened."),
    "csv": _("This CSV file is malformed from this line on (%(detail)s)."),
    "encoding": _(
        "This line is neither UTF-8 nor Windows-1252 text. Save the file as “CSV UTF-8” "
        "from your spreadsheet."
    ),
    "missing_mapping": _("Choose the file's column for “%(field)s”."),
    "missing_answer_mapping": _("Choose at least one column among NPS, CSAT, CES and comment."),
    "already_imported": _("This same file was already imported on %(date)s (import no. %(id)s)."),
    "changed": _(
        "Some rows became invalid since the check (a unit, a code or an external id changed): "
        "nothing was written."
    ),
    "failed": _("The import stopped on an unexpected error: nothing was written."),
}


@dataclass(frozen=True)
class Problem:
    """One reported problem: line 0 means the whole file, column "" the whole line."""

    line: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    target: str = field(default="", compare=False)  # the mapped field, for the preview only

    @property
    def message(self) -> str:
        template = str(MESSAGES.get(self.code, self.code))
        if not self.params:
            return template
        params = dict(self.params)
        if "field" in params:
            from sillage.feedback.importing.mapping import TARGET_LABELS

            params["field"] = str(TARGET_LABELS.get(params["field"], params["field"]))
        return template % params

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return gettext("line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column or "—",
            "message": self.message,
        }

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(data["line"], data.get("column", ""), data["code"], data.get("params") or {})


class ProblemLog:
    """Counts every problem, keeps the first MAX_STORED_ERRORS in line order."""

    def __init__(self, limit: int = MAX_STORED_ERRORS) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.count = 0

    def extend(self, problems: list[Problem]) -> None:
        self.count += len(problems)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept.extend(sorted(problems, key=lambda p: p.line)[:room])

    def add(self, problem: Problem) -> None:
        self.extend([problem])

    def __bool__(self) -> bool:
        return self.count > 0
