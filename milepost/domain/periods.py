"""The calendar periods self-monitoring values are filed under (decision 0831).

A weekly value belongs to the week that holds its day, and the week begins on the practice's
week start: Monday by default, as in ISO 8601 (weeks begin on Monday, day 1; Sunday is day 7),
or any other day the practice chooses. A monthly value belongs to its calendar month, a daily
one to its day. Days are numbered as ISO 8601 and Python's ``date.isoweekday()`` number them:
1 Monday … 7 Sunday.

Several values of one period become one (`one_per_period`): counts and durations add up, as
the portal adds up a client's log entries; a rating or a percentage (a "scale") takes the mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DAY, WEEK, MONTH = "day", "week", "month"
MONDAY, SUNDAY = 1, 7
ISO_MONDAY = MONDAY  # ISO 8601: the week begins on Monday
WEEKDAYS = (
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
)
SCALE = "scale"  # the kind of unit (domain.logs) whose values take the mean


def check_week_start(week_start: int) -> int:
    """The week start, or ValueError naming what is allowed."""
    if isinstance(week_start, bool) or week_start not in range(1, 8):
        raise ValueError(f"week start {week_start!r}: choose a day from 1 (Monday) to 7 (Sunday)")
    return week_start


def period_start(period: str, day: dt.date, week_start: int = ISO_MONDAY) -> dt.date:
    """The first day of the period (day, week from `week_start`, month) that `day` is in.

    Any other period (e.g. "session") has no calendar: the day itself.
    """
    if period == WEEK:
        back = (day.isoweekday() - check_week_start(week_start)) % 7
        return day - dt.timedelta(days=back)
    if period == MONTH:
        return day.replace(day=1)
    return day


def period_end(period: str, start: dt.date) -> dt.date:
    """The first day after the period that begins on `start`."""
    if period == WEEK:
        return start + dt.timedelta(days=7)
    if period == MONTH:
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)


def _day_month(day: dt.date, today: dt.date | None) -> str:
    text = f"{day.day} {day:%B}"
    if today is None or day.year != today.year:
        text += f" {day.year}"
    return text


def period_label(period: str, start: dt.date, *, today: dt.date | None = None) -> str:
    """How a value's period reads: "week of 4 May", "May 2026", "4 May".

    The year is shown for a week or a day of another year than `today`'s (always when
    `today` is not given), and always for a month.
    """
    if period == WEEK:
        return f"week of {_day_month(start, today)}"
    if period == MONTH:
        return f"{start:%B %Y}"
    return _day_month(start, today)


def one_per_period(
    points: Iterable[tuple[dt.date, float]],
    period: str,
    *,
    week_start: int | None = ISO_MONDAY,
    kind: str = "count",
) -> list[tuple[dt.date, float]]:
    """One value per period, oldest first: each value filed under its period's first day,
    the values of one period added up (or, for a scale, their mean).

    With `week_start` None the values are taken as already filed: only those of the same
    day are joined.
    """
    groups: dict[dt.date, list[float]] = {}
    for day, value in points:
        key = day if week_start is None else period_start(period, day, week_start)
        groups.setdefault(key, []).append(float(value))
    result = []
    for key in sorted(groups):
        values = groups[key]
        total = sum(values)
        result.append((key, total / len(values) if kind == SCALE else total))
    return result
