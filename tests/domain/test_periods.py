"""The periods self-monitoring values are filed under: every week start, every weekday, and
the days on both sides of each boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from milepost.domain.periods import (
    MONDAY,
    SUNDAY,
    WEEKDAYS,
    check_week_start,
    one_per_period,
    period_end,
    period_label,
    period_start,
)

MON = date(2026, 5, 4)  # a Monday; 10 May is the Sunday of that ISO week


@pytest.mark.parametrize("week_start", [number for number, _ in WEEKDAYS])
@pytest.mark.parametrize("offset", range(-7, 14))
def test_every_day_is_filed_under_the_latest_week_start_on_or_before_it(week_start, offset):
    day = MON + timedelta(days=offset)
    start = period_start("week", day, week_start)
    assert start.isoweekday() == week_start
    assert start <= day < start + timedelta(days=7)


@pytest.mark.parametrize(
    ("week_start", "day", "expected"),
    [
        # Monday (ISO 8601): Sunday 10 May closes the week of 4 May, Monday 11 May opens the next.
        (MONDAY, date(2026, 5, 10), date(2026, 5, 4)),
        (MONDAY, date(2026, 5, 11), date(2026, 5, 11)),
        (MONDAY, date(2026, 5, 12), date(2026, 5, 11)),
        # Sunday: Saturday 9 May closes the week of 3 May, Sunday 10 May opens the next.
        (SUNDAY, date(2026, 5, 9), date(2026, 5, 3)),
        (SUNDAY, date(2026, 5, 10), date(2026, 5, 10)),
        (SUNDAY, date(2026, 5, 11), date(2026, 5, 10)),
        # Saturday: Friday 8 May closes the week of 2 May, Saturday 9 May opens the next.
        (6, date(2026, 5, 8), date(2026, 5, 2)),
        (6, date(2026, 5, 9), date(2026, 5, 9)),
        (6, date(2026, 5, 10), date(2026, 5, 9)),
        # Across the turn of a year.
        (MONDAY, date(2026, 1, 1), date(2025, 12, 29)),
        (SUNDAY, date(2026, 1, 3), date(2025, 12, 28)),
        (SUNDAY, date(2026, 1, 4), date(2026, 1, 4)),
    ],
)
def test_both_sides_of_the_week_boundary(week_start, day, expected):
    assert period_start("week", day, week_start) == expected


@pytest.mark.parametrize("week_start", [number for number, _ in WEEKDAYS])
def test_a_week_changes_exactly_on_its_start_day(week_start):
    for offset in range(7):
        day = MON + timedelta(days=offset)
        before = day - timedelta(days=1)
        changes = period_start("week", day, week_start) != period_start("week", before, week_start)
        assert changes == (day.isoweekday() == week_start)


def test_the_default_week_starts_on_monday():
    assert period_start("week", date(2026, 5, 10)) == MON


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 30), date(2026, 4, 1)),
        (date(2026, 5, 1), date(2026, 5, 1)),
        (date(2026, 5, 31), date(2026, 5, 1)),
        (date(2024, 2, 29), date(2024, 2, 1)),
    ],
)
def test_a_month_starts_on_its_first(day, expected):
    assert period_start("month", day, SUNDAY) == expected


@pytest.mark.parametrize("period", ["day", "session"])
def test_a_day_or_a_session_is_its_own_day(period):
    assert period_start(period, date(2026, 5, 6), SUNDAY) == date(2026, 5, 6)


@pytest.mark.parametrize("bad", [0, 8, -1, True, "1"])
def test_a_week_start_outside_monday_to_sunday_is_refused(bad):
    with pytest.raises(ValueError, match="1 \\(Monday\\) to 7 \\(Sunday\\)"):
        check_week_start(bad)


def test_period_end():
    assert period_end("week", date(2026, 5, 3)) == date(2026, 5, 10)
    assert period_end("month", date(2026, 12, 1)) == date(2027, 1, 1)
    assert period_end("month", date(2026, 2, 1)) == date(2026, 3, 1)
    assert period_end("day", date(2026, 5, 31)) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        ("week", date(2026, 5, 4), "week of 4 May"),
        ("week", date(2025, 12, 29), "week of 29 December 2025"),
        ("month", date(2026, 5, 1), "May 2026"),
        ("day", date(2026, 5, 6), "6 May"),
        ("day", date(2025, 5, 6), "6 May 2025"),
    ],
)
def test_labels(period, start, expected):
    assert period_label(period, start, today=date(2026, 5, 14)) == expected


def test_a_label_without_today_shows_the_year():
    assert period_label("week", date(2026, 5, 4)) == "week of 4 May 2026"


class OnePerPeriodTests:
    def test_values_of_one_week_add_up_under_its_first_day(self):
        points = [(date(2026, 5, 10), 2.0), (date(2026, 5, 5), 3.0), (date(2026, 5, 11), 1.0)]
        assert one_per_period(points, "week", week_start=MONDAY) == [
            (date(2026, 5, 4), 5.0),
            (date(2026, 5, 11), 1.0),
        ]

    def test_the_same_values_by_a_sunday_week(self):
        points = [(date(2026, 5, 10), 2.0), (date(2026, 5, 5), 3.0), (date(2026, 5, 11), 1.0)]
        assert one_per_period(points, "week", week_start=SUNDAY) == [
            (date(2026, 5, 3), 3.0),
            (date(2026, 5, 10), 3.0),
        ]

    def test_a_scale_takes_the_mean(self):
        points = [(date(2026, 5, 4), 4.0), (date(2026, 5, 6), 7.0)]
        assert one_per_period(points, "week", kind="scale") == [(date(2026, 5, 4), 5.5)]

    def test_months(self):
        points = [(date(2026, 5, 31), 1.0), (date(2026, 5, 1), 1.0), (date(2026, 6, 1), 4.0)]
        assert one_per_period(points, "month") == [(date(2026, 5, 1), 2.0), (date(2026, 6, 1), 4.0)]

    def test_without_a_week_start_only_the_same_day_is_joined(self):
        points = [(date(2026, 5, 4), 1.0), (date(2026, 5, 5), 2.0), (date(2026, 5, 4), 3.0)]
        assert one_per_period(points, "week", week_start=None) == [
            (date(2026, 5, 4), 4.0),
            (date(2026, 5, 5), 2.0),
        ]

    def test_nothing_gives_nothing(self):
        assert one_per_period([], "week") == []
