"""Business-time arithmetic in pure Python: opening hours, working days, holidays, time zones.

Every computation walks the calendar in the organisation's local time (so that "8:30" means
8:30 on the wall clock, whatever the daylight-saving offset that day) and measures durations
in UTC (so that a day when clocks change is counted by the time that really passed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3 * 366  # a delay longer than this is a configuration error, not a calendar


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo
    opens: time = time(8, 30)
    closes: time = time(17, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening hours as UTC instants."""
        start = datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC)
        end = datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC)
        return start, end

    def add(self, start: datetime, minutes: float) -> datetime:
        """The instant `minutes` business minutes after `start` (aware), in UTC."""
        if start.tzinfo is None:
            raise ValueError("aware datetimes only")
        remaining = timedelta(minutes=minutes)
        cursor = start.astimezone(UTC)
        day = start.astimezone(self.zone).date()
        for _step in range(MAX_DAYS):
            if self.is_working_day(day):
                opens, closes = self.window(day)
                begin = max(cursor, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("no business time within three years")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes elapsed from `start` to `end` (0 when end is before start)."""
        if end <= start:
            return 0.0
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self.window(day)
                begin, finish = max(start, opens), min(end, closes)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 60


# --- Quebec statutory holidays ------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def _sunday_to_monday(day: date) -> date:
    return day + timedelta(days=1) if day.weekday() == 6 else day


def quebec_holidays(year: int) -> list[tuple[date, str, str]]:
    """Quebec's statutory holidays (Act respecting labour standards, s. 60, and the Act
    respecting the Fête nationale). Good Friday is chosen over Easter Monday (the Act lets
    the employer pick one; banks close on Good Friday). Canada Day and the Fête nationale
    move to the Monday when they fall on a Sunday; the others do not move."""
    easter = easter_sunday(year)
    may_25 = date(year, 5, 25)
    patriots = may_25 - timedelta(days=(may_25.weekday() - 0) % 7 or 7)
    return [
        (date(year, 1, 1), "Jour de l'An", "New Year's Day"),
        (easter - timedelta(days=2), "Vendredi saint", "Good Friday"),
        (patriots, "Journée nationale des patriotes", "National Patriots' Day"),
        (_sunday_to_monday(date(year, 6, 24)), "Fête nationale du Québec", "Fête nationale"),
        (_sunday_to_monday(date(year, 7, 1)), "Fête du Canada", "Canada Day"),
        (_nth_monday(year, 9, 1), "Fête du Travail", "Labour Day"),
        (_nth_monday(year, 10, 2), "Action de grâce", "Thanksgiving"),
        (date(year, 12, 25), "Noël", "Christmas Day"),
    ]


def calendar_for(
    *,
    zone_name: str,
    opens: time,
    closes: time,
    workdays: Iterable[int],
    holidays: Iterable[date],
) -> BusinessCalendar:
    return BusinessCalendar(
        zone=ZoneInfo(zone_name),
        opens=opens,
        closes=closes,
        workdays=frozenset(workdays),
        holidays=frozenset(holidays),
    )
