"""When a questionnaire or a self-monitoring log is due. Pure Python: dates in, dates out.

A clinician assigns an instrument with a :class:`Schedule` and a start date; the client
completes it in the portal. Each time it is asked for is an :class:`Occurrence`:

- it **opens** on ``opens_on`` (the client may complete it and is reminded from then),
- it is **due** by the end of ``due_on`` (after that it is *overdue*),
- it **closes** on ``closes_on`` (from that day it no longer counts: it has lapsed and the
  next one, if any, is what matters); ``None`` means it stays open until completed.

A completion (the local date of a submitted questionnaire) fulfils the occurrence whose
window ``[opens_on, closes_on)`` holds it. Missed occurrences are never carried forward:
a client who skipped a week is asked once this week, not twice.

The schedules (docs/decisions/0701-portal-questionnaires.md):

======================  ========================  ==================  =====================
schedule                opens                      due                 closes
======================  ========================  ==================  =====================
once                    start                      start               never (until done)
weekly, fortnightly     start + k·period           the same day        the next one opens
before each session     2 days before the session  the session day     the day after it
at each review          7 days before the review   the review day      never (until done)
======================  ========================  ==================  =====================

"Before each session" and "at each review" need their anchor date (the next session, the
plan's review date); without one nothing is due. A session that has passed has lapsed; a
review that is late stays open, because a late review still wants the questionnaire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from milepost.domain import periods
from milepost.domain.errors import DomainError


class Schedule(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    BEFORE_SESSION = "before_session"
    AT_REVIEW = "at_review"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Schedule.ONCE: "Once",
    Schedule.WEEKLY: "Every week",
    Schedule.FORTNIGHTLY: "Every two weeks",
    Schedule.BEFORE_SESSION: "Before each session",
    Schedule.AT_REVIEW: "At each plan review",
}

PERIOD_DAYS = {Schedule.WEEKLY: 7, Schedule.FORTNIGHTLY: 14}
# How many days before its anchor an anchored occurrence opens.
BEFORE_SESSION_OPENS_DAYS = 2
AT_REVIEW_OPENS_DAYS = 7


class Status(StrEnum):
    UPCOMING = "upcoming"  # not open yet
    DUE = "due"  # open, and its due day has not passed
    OVERDUE = "overdue"  # open, and its due day has passed


class InvalidSchedule(DomainError, ValueError):
    """A schedule name or a log period that Milepost does not know."""


@dataclass(frozen=True)
class Occurrence:
    """One time something is asked for; ``kind`` names the schedule or log period."""

    kind: str
    opens_on: dt.date
    due_on: dt.date
    closes_on: dt.date | None = None

    @property
    def key(self) -> str:
        """Stable for as long as the occurrence is the same one (e.g. ``weekly:2026-05-04``)."""
        return f"{self.kind}:{self.due_on.isoformat()}"

    def holds(self, day: dt.date) -> bool:
        """True when a completion on ``day`` fulfils this occurrence."""
        return day >= self.opens_on and (self.closes_on is None or day < self.closes_on)

    def status(self, today: dt.date) -> Status:
        if today < self.opens_on:
            return Status.UPCOMING
        return Status.OVERDUE if today > self.due_on else Status.DUE


def parse_schedule(value: str) -> Schedule:
    try:
        return Schedule(value)
    except ValueError:
        known = ", ".join(s.value for s in Schedule)
        raise InvalidSchedule(f"unknown schedule {value!r}; known: {known}") from None


def next_due(
    schedule: Schedule | str,
    start: dt.date,
    completed_dates: Iterable[dt.date],
    today: dt.date,
    *,
    next_session: dt.date | None = None,
    review_on: dt.date | None = None,
) -> Occurrence | None:
    """The occurrence the client should complete next, or ``None`` when nothing is asked for.

    That is the current occurrence when it is open and not yet completed (it may be due or
    overdue), else the next one (upcoming). ``None`` when a one-off was completed, or an
    anchored schedule has no anchor date, was completed for it, or has lapsed.
    """
    schedule = parse_schedule(schedule)
    done = sorted(set(completed_dates))

    def completed(occurrence: Occurrence) -> bool:
        return any(occurrence.holds(day) for day in done)

    if schedule is Schedule.ONCE:
        once = Occurrence(schedule.value, start, start)
        return None if completed(once) else once

    if schedule in PERIOD_DAYS:
        period = PERIOD_DAYS[schedule]
        index = max(0, (today - start).days // period)
        current = _periodic(schedule, start, period, index)
        return _periodic(schedule, start, period, index + 1) if completed(current) else current

    if schedule is Schedule.BEFORE_SESSION:
        if next_session is None or next_session < start or next_session < today:
            return None  # no session known, one before the assignment began, or one gone by
        opens = max(start, next_session - dt.timedelta(days=BEFORE_SESSION_OPENS_DAYS))
        occurrence = Occurrence(
            schedule.value, opens, next_session, next_session + dt.timedelta(days=1)
        )
        return None if completed(occurrence) else occurrence

    # At each review.
    if review_on is None:
        return None
    # A review already late when the assignment began opens on the start date (overdue).
    opens = max(start, review_on - dt.timedelta(days=AT_REVIEW_OPENS_DAYS))
    occurrence = Occurrence(schedule.value, opens, review_on)
    return None if completed(occurrence) else occurrence


def _periodic(schedule: Schedule, start: dt.date, period: int, index: int) -> Occurrence:
    opens = start + dt.timedelta(days=period * index)
    return Occurrence(schedule.value, opens, opens, opens + dt.timedelta(days=period))


def is_due(occurrence: Occurrence | None, today: dt.date) -> bool:
    """True when the client should complete it now (due or overdue)."""
    return occurrence is not None and occurrence.status(today) is not Status.UPCOMING


def is_overdue(occurrence: Occurrence | None, today: dt.date) -> bool:
    return occurrence is not None and occurrence.status(today) is Status.OVERDUE


def reminder_key(item: str, occurrence: Occurrence) -> str:
    """The key that makes a reminder unique: one item (e.g. ``assignment:<public id>``)
    and one occurrence of it. With the client and the channel it is sent at most once."""
    if not item or "|" in item:
        raise ValueError("the item of a reminder key is a non-empty name without '|'")
    return f"{item}|{occurrence.key}"


# Self-monitoring logs: one value per day, week (Monday to Sunday) or calendar month.
LOG_PERIODS = ("day", "week", "month")
# A log is asked for near the end of its period, when an empty one is worth a nudge.
_LOG_OPENS_BEFORE_END = {"day": 0, "week": 2, "month": 6}


def log_period(
    period: str, today: dt.date, week_start: int = periods.ISO_MONDAY
) -> tuple[dt.date, dt.date]:
    """The first day of the period holding ``today`` and the first day of the next one
    (a week begins on the practice's `week_start`, 1 Monday … 7 Sunday)."""
    if period not in LOG_PERIODS:
        raise InvalidSchedule(f"unknown log period {period!r}; known: {', '.join(LOG_PERIODS)}")
    first = periods.period_start(period, today, week_start)
    return first, periods.period_end(period, first)


def log_occurrence(period: str, today: dt.date, week_start: int = periods.ISO_MONDAY) -> Occurrence:
    """The current period of a self-monitoring log as an occurrence: it opens on its last
    day (day), its last three days (week: from Friday when it begins on Monday) or its last
    seven (month), is due on its last day, and closes when the next period begins."""
    first, following = log_period(period, today, week_start)
    last = following - dt.timedelta(days=1)
    opens = max(first, last - dt.timedelta(days=_LOG_OPENS_BEFORE_END[period]))
    return Occurrence(f"log-{period}", opens, last, following)
