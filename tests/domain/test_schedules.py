"""Due dates of scheduled questionnaires and self-monitoring logs: every schedule, with the
days on both sides of each due day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from milepost.domain.schedules import (
    InvalidSchedule,
    Occurrence,
    Schedule,
    Status,
    is_due,
    is_overdue,
    log_occurrence,
    log_period,
    next_due,
    reminder_key,
)

MON = date(2026, 5, 4)  # a Monday: the start of every periodic case below


def d(offset: int) -> date:
    return MON + timedelta(days=offset)


# (name, schedule, completed offsets, today offset, expected (opens, due) offsets or None,
#  expected status)
PERIODIC = [
    # Before the start: the first occurrence is upcoming.
    ("weekly, the day before the start", Schedule.WEEKLY, [], -1, (0, 0), Status.UPCOMING),
    ("weekly, on the start day", Schedule.WEEKLY, [], 0, (0, 0), Status.DUE),
    ("weekly, the day after, not done", Schedule.WEEKLY, [], 1, (0, 0), Status.OVERDUE),
    ("weekly, last day of week 1, not done", Schedule.WEEKLY, [], 6, (0, 0), Status.OVERDUE),
    # A missed week lapses: on day 7 the second occurrence is what is due, once.
    ("weekly, missed week 1, day 7", Schedule.WEEKLY, [], 7, (7, 7), Status.DUE),
    ("weekly, done on the start day", Schedule.WEEKLY, [0], 0, (7, 7), Status.UPCOMING),
    ("weekly, done late in week 1", Schedule.WEEKLY, [6], 6, (7, 7), Status.UPCOMING),
    # A completion before the start fulfils nothing.
    ("weekly, done the day before the start", Schedule.WEEKLY, [-1], 0, (0, 0), Status.DUE),
    # Week 1's completion does not fulfil week 2.
    ("weekly, done in week 1, day 7", Schedule.WEEKLY, [3], 7, (7, 7), Status.DUE),
    ("weekly, done in week 1, day 13", Schedule.WEEKLY, [3], 13, (7, 7), Status.OVERDUE),
    ("weekly, day 14 opens week 3", Schedule.WEEKLY, [3, 8], 14, (14, 14), Status.DUE),
    ("fortnightly, on the start day", Schedule.FORTNIGHTLY, [], 0, (0, 0), Status.DUE),
    ("fortnightly, day 13, not done", Schedule.FORTNIGHTLY, [], 13, (0, 0), Status.OVERDUE),
    ("fortnightly, day 14, not done", Schedule.FORTNIGHTLY, [], 14, (14, 14), Status.DUE),
    ("fortnightly, day 13, done on day 7", Schedule.FORTNIGHTLY, [7], 13, (14, 14), None),
    ("fortnightly, day 15, done on 13", Schedule.FORTNIGHTLY, [13], 15, (14, 14), Status.OVERDUE),
    ("once, the day before", Schedule.ONCE, [], -1, (0, 0), Status.UPCOMING),
    ("once, on the day", Schedule.ONCE, [], 0, (0, 0), Status.DUE),
    ("once, a month late", Schedule.ONCE, [], 30, (0, 0), Status.OVERDUE),
    ("once, done before the start still asks", Schedule.ONCE, [-1], 1, (0, 0), Status.OVERDUE),
    ("once, done", Schedule.ONCE, [2], 30, None, None),
]


@pytest.mark.parametrize(
    ("schedule", "completed", "today", "expected", "status"),
    [case[1:] for case in PERIODIC],
    ids=[case[0] for case in PERIODIC],
)
def test_periodic_and_one_off_schedules(schedule, completed, today, expected, status):
    occurrence = next_due(schedule, MON, [d(c) for c in completed], d(today))
    if expected is None:
        assert occurrence is None
        return
    assert occurrence is not None
    assert (occurrence.opens_on, occurrence.due_on) == (d(expected[0]), d(expected[1]))
    if status is not None:
        assert occurrence.status(d(today)) is status


SESSION = d(10)  # a Thursday, ten days after the start

# (name, today offset, completed offsets, expected (opens, due) offsets or None, status)
BEFORE_SESSION = [
    ("three days before: upcoming", 7, [], (8, 10), Status.UPCOMING),
    ("two days before: open", 8, [], (8, 10), Status.DUE),
    ("on the session day: still due", 10, [], (8, 10), Status.DUE),
    ("the day after: lapsed", 11, [], None, None),
    ("done two days before", 9, [8], None, None),
    ("done on the session day", 10, [10], None, None),
    # Three days before is too early to count for this session.
    ("done three days before", 9, [7], (8, 10), Status.DUE),
]


@pytest.mark.parametrize(
    ("today", "completed", "expected", "status"),
    [case[1:] for case in BEFORE_SESSION],
    ids=[case[0] for case in BEFORE_SESSION],
)
def test_before_each_session(today, completed, expected, status):
    occurrence = next_due(
        Schedule.BEFORE_SESSION,
        MON,
        [d(c) for c in completed],
        d(today),
        next_session=SESSION,
    )
    if expected is None:
        assert occurrence is None
        return
    assert occurrence is not None
    assert (occurrence.opens_on, occurrence.due_on) == (d(expected[0]), d(expected[1]))
    assert occurrence.status(d(today)) is status


def test_before_each_session_needs_a_session_date():
    assert next_due(Schedule.BEFORE_SESSION, MON, [], MON) is None


def test_a_session_the_day_after_the_start_opens_on_the_start():
    occurrence = next_due(Schedule.BEFORE_SESSION, MON, [], MON, next_session=d(1))
    assert occurrence is not None
    assert occurrence.opens_on == MON
    assert occurrence.status(MON) is Status.DUE


def test_a_session_before_the_assignment_began_asks_nothing():
    assert next_due(Schedule.BEFORE_SESSION, MON, [], MON, next_session=d(-1)) is None


REVIEW = d(30)

AT_REVIEW = [
    ("eight days before: upcoming", 22, [], (23, 30), Status.UPCOMING),
    ("seven days before: open", 23, [], (23, 30), Status.DUE),
    ("on the review day", 30, [], (23, 30), Status.DUE),
    # A late review still wants the questionnaire.
    ("the day after the review", 31, [], (23, 30), Status.OVERDUE),
    ("done seven days before", 25, [23], None, None),
    ("done eight days before does not count", 25, [22], (23, 30), Status.DUE),
    ("done after the review day", 40, [35], None, None),
]


@pytest.mark.parametrize(
    ("today", "completed", "expected", "status"),
    [case[1:] for case in AT_REVIEW],
    ids=[case[0] for case in AT_REVIEW],
)
def test_at_each_review(today, completed, expected, status):
    occurrence = next_due(
        Schedule.AT_REVIEW, MON, [d(c) for c in completed], d(today), review_on=REVIEW
    )
    if expected is None:
        assert occurrence is None
        return
    assert occurrence is not None
    assert (occurrence.opens_on, occurrence.due_on) == (d(expected[0]), d(expected[1]))
    assert occurrence.status(d(today)) is status


def test_a_review_already_late_at_the_start_is_overdue_at_once():
    occurrence = next_due(Schedule.AT_REVIEW, MON, [], MON, review_on=d(-5))
    assert occurrence is not None
    assert occurrence.opens_on == MON
    assert occurrence.status(MON) is Status.OVERDUE


def test_at_each_review_needs_a_review_date():
    assert next_due(Schedule.AT_REVIEW, MON, [], d(40)) is None


def test_the_next_review_date_starts_a_new_occurrence():
    first = next_due(Schedule.AT_REVIEW, MON, [d(25)], d(26), review_on=REVIEW)
    assert first is None
    second = next_due(Schedule.AT_REVIEW, MON, [d(25)], d(115), review_on=d(120))
    assert second is not None
    assert second.due_on == d(120)


def test_schedules_are_given_by_name_too():
    assert next_due("weekly", MON, [], MON) == next_due(Schedule.WEEKLY, MON, [], MON)


def test_an_unknown_schedule_names_itself():
    with pytest.raises(InvalidSchedule, match="'daily'"):
        next_due("daily", MON, [], MON)


def test_due_and_overdue_helpers():
    occurrence = Occurrence("weekly", d(0), d(0), d(7))
    assert not is_due(occurrence, d(-1))
    assert is_due(occurrence, d(0))
    assert not is_overdue(occurrence, d(0))
    assert is_due(occurrence, d(1))
    assert is_overdue(occurrence, d(1))
    assert not is_due(None, d(0))
    assert not is_overdue(None, d(0))


def test_each_occurrence_has_its_own_reminder_key():
    week1 = next_due(Schedule.WEEKLY, MON, [], d(0))
    week2 = next_due(Schedule.WEEKLY, MON, [], d(7))
    assert week1 is not None
    assert week2 is not None
    assert reminder_key("assignment:abc", week1) == "assignment:abc|weekly:2026-05-04"
    assert reminder_key("assignment:abc", week1) != reminder_key("assignment:abc", week2)
    # The same occurrence, asked again later in its week, keeps its key.
    again = next_due(Schedule.WEEKLY, MON, [], d(3))
    assert again is not None
    assert reminder_key("assignment:abc", again) == reminder_key("assignment:abc", week1)


@pytest.mark.parametrize("item", ["", "a|b"])
def test_a_reminder_key_item_must_be_a_plain_name(item):
    with pytest.raises(ValueError, match="item"):
        reminder_key(item, Occurrence("once", MON, MON))


# --- self-monitoring logs -------------------------------------------------------------------

LOGS = [
    # (period, today, first day, next first day, opens, due)
    ("day", date(2026, 5, 6), date(2026, 5, 6), date(2026, 5, 7), date(2026, 5, 6)),
    ("week", date(2026, 5, 4), date(2026, 5, 4), date(2026, 5, 11), date(2026, 5, 8)),
    ("week", date(2026, 5, 10), date(2026, 5, 4), date(2026, 5, 11), date(2026, 5, 8)),
    ("week", date(2026, 5, 11), date(2026, 5, 11), date(2026, 5, 18), date(2026, 5, 15)),
    ("month", date(2026, 2, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 2, 22)),
    ("month", date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1), date(2026, 12, 25)),
]


@pytest.mark.parametrize(("period", "today", "first", "following", "opens"), LOGS)
def test_log_periods_and_when_they_are_asked_for(period, today, first, following, opens):
    assert log_period(period, today) == (first, following)
    occurrence = log_occurrence(period, today)
    assert occurrence.opens_on == opens
    assert occurrence.due_on == following - timedelta(days=1)
    assert occurrence.closes_on == following


def test_a_weekly_log_opens_on_friday_not_thursday():
    occurrence = log_occurrence("week", MON)
    assert occurrence.status(date(2026, 5, 7)) is Status.UPCOMING  # Thursday
    assert occurrence.status(date(2026, 5, 8)) is Status.DUE  # Friday
    assert occurrence.status(date(2026, 5, 10)) is Status.DUE  # Sunday, the last day
    assert occurrence.key == "log-week:2026-05-10"


def test_an_unknown_log_period_names_itself():
    with pytest.raises(InvalidSchedule, match="'session'"):
        log_period("session", MON)


def test_a_weekly_log_follows_the_practices_week_start():
    # A practice whose week begins on Sunday: Saturday 9 May ends the week of 3 May.
    assert log_period("week", date(2026, 5, 9), week_start=7) == (
        date(2026, 5, 3),
        date(2026, 5, 10),
    )
    assert log_period("week", date(2026, 5, 10), week_start=7) == (
        date(2026, 5, 10),
        date(2026, 5, 17),
    )
    occurrence = log_occurrence("week", date(2026, 5, 10), week_start=7)
    assert occurrence.opens_on == date(2026, 5, 14)  # Thursday, three days before the end
    assert occurrence.due_on == date(2026, 5, 16)  # Saturday
