"""Recognising exports of other survey tools from their first rows, and pre-mapping them.

What each tool writes (checked against their documentation and source where public):

- Qualtrics (CSV/TSV "Data & Analysis → Export"): THREE header rows — the column ids
  (StartDate, EndDate, Status, …, RecordedDate, ResponseId, …, UserLanguage, Q1, Q1_NPS_GROUP,
  Q2_TEXT…), the question texts, then one JSON object per column such as
  `{"ImportId":"recordedDate","timeZone":"America/Toronto"}` or `{"ImportId":"QID1"}`. An NPS
  question has a companion `<id>_NPS_GROUP` column; dates are "2024-03-05 14:30:12" in the
  time zone named in the JSON row.
- SurveyMonkey ("Export → All responses data → CSV"): TWO header rows — "Respondent ID",
  "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
  "Last Name", "Custom Data 1", then the question texts (blank over the extra columns of a
  multi-column question); the second row says "Response", "Open-Ended Response" or the choice.
  Dates are month first: "03/05/2024 02:30:12 PM".
- Google Forms ("Download responses (.csv)"): one header row, "Timestamp" ("Horodateur" in
  French) then each question's text; dates such as "2024/03/05 2:30:00 PM UTC-5".
- Formbricks ("Download → CSV"): one header row — "No.", "Response ID", "Timestamp",
  "Finished", "Survey ID", "Formbricks ID (internal)", "User ID", "Notes", "Tags", metadata
  columns, "1. <question>" per question (plus "<n>. <question> - Option ID" for choices),
  variables, hidden fields (named by their ids) — older versions: "Date", "Hidden Fields".
  The timestamp is "2024-03-05 14:30:12", written in the Formbricks server's time zone (UTC
  on Formbricks Cloud and its Docker image).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import available_timezones

from django.utils.translation import gettext_lazy as _

from sillage.feedback.importing.mapping import TEMPLATE_COLUMNS, normalise, suggest

FORMAT_LABELS = {
    "sillage": _("Sillage template"),
    "generic": _("Spreadsheet"),
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "google_forms": "Google Forms",
    "formbricks": "Formbricks",
}
HEADER_ROWS_TO_READ = 3


@dataclass
class Layout:
    format: str
    header_rows: int
    labels: list[str]
    mapping: dict[str, int | None]
    options: dict[str, Any] = field(default_factory=dict)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _index(names: list[str], *candidates: str) -> int | None:
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    return None


def detect(rows: list[list[Any]]) -> Layout:
    """The layout of a file from its first rows (up to three)."""
    rows = [[_text(c) for c in row] for row in rows[:HEADER_ROWS_TO_READ]]
    first = rows[0] if rows else []
    names = [normalise(c) for c in first]
    for detector in (_qualtrics, _surveymonkey, _formbricks, _google_forms):
        layout = detector(rows, names)
        if layout is not None:
            return layout
    labels = [c or f"#{i + 1}" for i, c in enumerate(first)]
    template = {normalise(v) for v in TEMPLATE_COLUMNS.values()}
    kind = "sillage" if names and set(names) <= template else "generic"
    return Layout(kind, 1, labels, suggest(labels))


def _qualtrics(rows: list[list[str]], names: list[str]) -> Layout | None:
    if len(rows) < 3:
        return None
    meta = rows[2]
    import_ids = [c for c in meta if c]
    if not import_ids or sum(c.startswith('{"ImportId"') for c in import_ids) < len(import_ids) / 2:
        return None
    ids, texts = rows[0], rows[1] + [""] * (len(rows[0]) - len(rows[1]))
    labels = [
        (f"{cid} — {text}" if text and text != cid else cid) or f"#{i + 1}"
        for i, (cid, text) in enumerate(zip(ids, texts, strict=False))
    ]
    parsed: list[dict[str, Any]] = []
    for cell in meta + [""] * (len(ids) - len(meta)):
        try:
            parsed.append(json.loads(cell) if cell else {})
        except ValueError:
            parsed.append({})
    known: dict[str, int | None] = {
        "external_id": _index(ids, "ResponseId"),
        "submitted_at": _index(ids, "RecordedDate", "EndDate"),
        "language": _index(ids, "UserLanguage"),
    }
    id_set = set(ids)
    known["nps"] = next((i for i, c in enumerate(ids) if f"{c}_NPS_GROUP" in id_set), None)
    known["comment"] = next(
        (
            i
            for i, p in enumerate(parsed)
            if str(p.get("ImportId", "")).endswith("_TEXT") and i not in known.values()
        ),
        None,
    )
    # Only question texts can hint at scores; the metadata columns are named above.
    question_labels = [
        label if str(p.get("ImportId", "")).startswith("QID") else ""
        for label, p in zip(labels, parsed, strict=False)
    ]
    hinted = suggest(question_labels, {k: v for k, v in known.items() if v is not None})
    options: dict[str, Any] = {}
    date_index = known["submitted_at"]
    if date_index is not None and date_index < len(parsed):
        zone = parsed[date_index].get("timeZone")
        if zone in available_timezones():
            options["time_zone"] = zone
    # Embedded data (unit code, touchpoint…) carries plain names: match them by synonym.
    mapping = suggest(labels, {k: v for k, v in hinted.items() if v is not None})
    return Layout("qualtrics", 3, labels, mapping, options)


SURVEYMONKEY_IDS = ("respondent id", "id du repondant", "id de repondant")
SURVEYMONKEY_SUBHEADERS = ("response", "open ended response", "reponse", "reponse ouverte")


def _surveymonkey(rows: list[list[str]], names: list[str]) -> Layout | None:
    if len(rows) < 2 or not any(n in SURVEYMONKEY_IDS for n in names):
        return None
    subs = [normalise(c) for c in rows[1]]
    if not any(s in SURVEYMONKEY_SUBHEADERS for s in subs):
        return None
    labels, question = [], ""
    for i, cell in enumerate(rows[0]):
        question = cell or question  # blank cells continue the question on their left
        sub = rows[1][i] if i < len(rows[1]) else ""
        labels.append((f"{question} — {sub}" if sub else question) or f"#{i + 1}")
    known: dict[str, int | None] = {
        "external_id": _index(names, *SURVEYMONKEY_IDS),
        "submitted_at": _index(names, "end date", "date de fin"),
    }
    open_ended = [i for i, s in enumerate(subs) if s in ("open ended response", "reponse ouverte")]
    if open_ended:
        known["comment"] = open_ended[0]
    # Hints read the question texts only: a choice label such as "Satisfied" would mislead.
    questions = [
        labels[i] if i < len(subs) and subs[i] in SURVEYMONKEY_SUBHEADERS else rows[0][i]
        for i in range(len(labels))
    ]
    mapping = suggest(questions, {k: v for k, v in known.items() if v is not None})
    return Layout("surveymonkey", 2, labels, mapping, {"day_first": False})


def _formbricks(rows: list[list[str]], names: list[str]) -> Layout | None:
    if "response id" not in names or "finished" not in names:
        return None
    if not ({"timestamp", "date"} & set(names)):
        return None
    labels = [c or f"#{i + 1}" for i, c in enumerate(rows[0])]
    known = {
        "external_id": names.index("response id"),
        "submitted_at": _index(names, "timestamp", "date"),
    }
    mapping = suggest(labels, {k: v for k, v in known.items() if v is not None})
    return Layout("formbricks", 1, labels, mapping, {"time_zone": "UTC"})


def _google_forms(rows: list[list[str]], names: list[str]) -> Layout | None:
    if not names or names[0] not in ("timestamp", "horodateur", "horodatage"):
        return None
    labels = [c or f"#{i + 1}" for i, c in enumerate(rows[0])]
    return Layout("google_forms", 1, labels, suggest(labels, {"submitted_at": 0}))
