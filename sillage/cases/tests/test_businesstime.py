"""Business-time arithmetic: evenings, weekends, holidays, DST change days, time zones."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sillage.cases.businesstime import BusinessCalendar, easter_sunday, quebec_holidays

MTL = ZoneInfo("America/Toronto")
DAY = 510  # 8:30–17:00


def cal(zone=MTL, holidays=()):
    return BusinessCalendar(zone=zone, holidays=frozenset(holidays))


def local(*args, zone=MTL):
    return datetime(*args, tzinfo=zone)


def test_within_the_same_day():
    assert cal().add(local(2026, 11, 24, 9, 0), 60) == local(2026, 11, 24, 10, 0)


def test_an_evening_response_starts_counting_the_next_morning():
    due = cal().add(local(2026, 11, 24, 20, 15), 30)
    assert due == local(2026, 11, 25, 9, 0)


def test_a_delay_running_past_closing_continues_the_next_business_morning():
    due = cal().add(local(2026, 11, 24, 16, 0), 120)
    assert due == local(2026, 11, 25, 9, 30)


def test_two_business_days_from_friday_afternoon_end_on_tuesday_afternoon():
    due = cal().add(local(2026, 11, 27, 15, 0), 2 * DAY)  # Friday
    assert due.astimezone(MTL) == local(2026, 12, 1, 15, 0)  # Tuesday


def test_saturday_counts_from_monday_opening():
    assert cal().add(local(2026, 11, 28, 11, 0), 60) == local(2026, 11, 30, 9, 30)


def test_holidays_are_skipped():
    # Christmas 2026 is a Friday: Thursday 16:30 + 1 h -> Monday 28th 9:00.
    holidays = {date(2026, 12, 25)}
    due = cal(holidays=holidays).add(local(2026, 12, 24, 16, 30), 60)
    assert due == local(2026, 12, 28, 9, 0)


def test_dst_spring_forward_weekend_keeps_wall_clock_hours():
    # Clocks go forward on Sunday 8 March 2026: Friday 16:00 EST + 2 h -> Monday 9:30 EDT.
    due = cal().add(local(2026, 3, 6, 16, 0), 120)
    assert due.astimezone(MTL) == local(2026, 3, 9, 9, 30)
    assert due == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


def test_dst_fall_back_weekend_keeps_wall_clock_hours():
    due = cal().add(local(2026, 10, 30, 16, 0), 120)  # Friday EDT -> Monday EST
    assert due == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)


def test_the_organisations_time_zone_decides_the_hours():
    start = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # 18:00 Montréal, 15:00 Vancouver
    assert cal().add(start, 60) == local(2026, 11, 25, 9, 30)
    vancouver = ZoneInfo("America/Vancouver")
    assert cal(zone=vancouver).add(start, 60) == local(2026, 11, 24, 16, 0, zone=vancouver)


def test_minutes_between_counts_only_open_hours():
    calendar = cal()
    assert calendar.minutes_between(local(2026, 11, 27, 16, 0), local(2026, 11, 30, 9, 0)) == 90
    assert calendar.minutes_between(local(2026, 11, 30, 9, 0), local(2026, 11, 27, 16, 0)) == 0


def test_minutes_between_is_the_inverse_of_add():
    calendar = cal(holidays={date(2026, 12, 25)})
    start = local(2026, 12, 23, 14, 12)
    assert calendar.minutes_between(start, calendar.add(start, 1234)) == pytest.approx(1234)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        cal().add(datetime(2026, 1, 1, 9, 0), 10)  # noqa: DTZ001


def test_custom_hours_and_workdays():
    calendar = BusinessCalendar(
        zone=MTL, opens=time(10, 0), closes=time(12, 0), workdays=frozenset({5})
    )
    assert calendar.add(local(2026, 11, 24, 9, 0), 150) == local(2026, 12, 5, 10, 30)


def test_easter_dates():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)


def test_quebec_statutory_holidays_2026():
    days = [d for d, _fr, _en in quebec_holidays(2026)]
    assert days == [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 5, 18),  # Patriots: the Monday before 25 May (a Monday itself)
        date(2026, 6, 24),
        date(2026, 7, 1),
        date(2026, 9, 7),
        date(2026, 10, 12),
        date(2026, 12, 25),
    ]


def test_canada_day_and_fete_nationale_on_a_sunday_move_to_monday():
    days = {en: d for d, _fr, en in quebec_holidays(2029)}
    assert days["Canada Day"] == date(2029, 7, 2)
    assert days["Fête nationale"] == date(2029, 6, 25)
    assert days["National Patriots' Day"] == date(2029, 5, 21)
