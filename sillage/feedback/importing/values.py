"""Turning one cell into a value, fast: the common case is a dictionary or C-level parse.

Each parser returns the value, or raises CellError(code, **params) with a code of
errors.MESSAGES.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

SMALL_INTS = {str(i): i for i in range(0, 11)}


class CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def as_text(value: Any) -> str:
    """A cell as text: XLSX numbers such as 101.0 read as "101"."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_LABELLED = re.compile(r"^(\d+)\s*[-–—:]\s*\D.*$")  # "10 - Extremely likely"


def parse_score(value: Any, low: int, high: int) -> int | None:
    """A whole number in [low, high]; "8,0" from French Excel reads as 8; empty is None."""
    if type(value) is str:
        number = SMALL_INTS.get(value)
        if number is None:
            text = value.strip()
            if not text:
                return None
            number = SMALL_INTS.get(text)
            if number is None:
                number = _slow_score(text)
    elif value is None:
        return None
    elif isinstance(value, bool):
        raise CellError("not_whole", value=str(value))
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("not_whole", value=_short(value))
        number = int(value)
    else:
        raise CellError("not_whole", value=_short(value))
    if not low <= number <= high:
        raise CellError("scale", value=number, min=low, max=high)
    return number


def _slow_score(text: str) -> int:
    labelled = _LABELLED.match(text)
    if labelled:
        return int(labelled.group(1))
    candidate = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(candidate)
    except ValueError:
        raise CellError("not_whole", value=_short(text)) from None
    if not number.is_integer():
        raise CellError("not_whole", value=_short(text))
    return int(number)


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


LANGUAGES = {
    "fr": "fr",
    "en": "en",
    "francais": "fr",
    "français": "fr",
    "french": "fr",
    "anglais": "en",
    "english": "en",
}
_LANGUAGE_CODE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]{2,8})*$")


def parse_language(value: Any, default: str) -> str:
    """ "FR-CA", "fr_CA", "Français", "EN" → two-letter code; empty → the default."""
    text = as_text(value).lower()
    if not text:
        return default
    known = LANGUAGES.get(text)
    if known:
        return known
    match = _LANGUAGE_CODE.match(text)
    if match:
        return match.group(1)
    raise CellError("unknown_language", value=_short(as_text(value)))


# Time-zone abbreviations North American and European exports write after a time.
ZONE_ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "NST": -3.5,
    "NDT": -2.5,
    "AST": -4,
    "ADT": -3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "CET": 1,
    "CEST": 2,
}
_DATE = re.compile(
    r"^(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})"
    r"(?:[ T,]+(?P<h>\d{1,2})(?:[:h](?P<mi>\d{2}))(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?)?"
    r"\s*(?:(?:UTC|GMT)?\s*(?P<sign>[+\-−])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?"
    r"|(?P<abbr>[A-Za-z]{1,5}))?$"
)
EXCEL_MIN, EXCEL_MAX = 1, 2958465


def parse_datetime(value: Any, zone: tzinfo, day_first: bool, epoch: Any = None) -> datetime:
    """An aware datetime. Naive values are in `zone` (the organisation's, unless the file
    says otherwise); values carrying an offset keep it. XLSX cells arrive as datetimes, or as
    numbers (Excel serial dates) when the column is not formatted as a date."""
    if type(value) is str:
        text = value.strip()
        if not text:
            raise CellError("required")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = _slow_datetime(text, day_first)
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not EXCEL_MIN <= value <= EXCEL_MAX:
            raise CellError("bad_date", value=_short(value))
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

        parsed = from_excel(value, epoch=epoch or CALENDAR_WINDOWS_1900)
    elif value is None:
        raise CellError("required")
    else:
        raise CellError("bad_date", value=_short(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _slow_datetime(text: str, day_first: bool) -> datetime:
    match = _DATE.match(text)
    if not match:
        raise CellError("bad_date", value=_short(text))
    a, b, c = match.group("a"), match.group("b"), match.group("c")
    try:
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            year = int(c) if len(c) == 4 else 2000 + int(c)
            month, day = (int(b), int(a)) if day_first else (int(a), int(b))
        hour = int(match.group("h") or 0)
        minute = int(match.group("mi") or 0)
        second = int(match.group("s") or 0)
        ampm = (match.group("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                raise ValueError
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        zone: tzinfo | None = None
        if match.group("sign"):
            sign = -1 if match.group("sign") in "-−" else 1
            offset = timedelta(hours=int(match.group("oh")), minutes=int(match.group("om") or 0))
            zone = timezone(sign * offset)
        elif match.group("abbr"):
            hours = ZONE_ABBREVIATIONS.get(match.group("abbr").upper())
            if hours is None:
                raise CellError("bad_date", value=_short(text))
            zone = timezone(timedelta(hours=hours)) if hours else UTC
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        if len(a) != 4 and (int(a) > 12 or int(b) > 12):
            code = "bad_date_day_first" if day_first else "bad_date_month_first"
            raise CellError(code, value=_short(text)) from None
        raise CellError("bad_date", value=_short(text)) from None
