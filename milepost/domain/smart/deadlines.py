"""Deadline grammar: windows, review points and calendar dates, as a table of patterns.

Each rule is one compiled pattern with no nested unbounded repetition, so matching is linear
in the text's length. A relative deadline gives days (weeks x 7, months x 30.44 rounded down, a
year 365); an absolute date gives a date (resolved against `today` when the year is left out).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from milepost.domain.smart import lexicon
from milepost.domain.smart.matching import INDEX, alternation, needs

_UNIT = r"(day|week|fortnight|month|year)s?"
_QTY = r"(?:(\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(\d+(?:\.\d+)?))?|(an?))"
# "5 days a week" is a frequency, never a deadline.
_NOT_FREQ = r"(?!\s*(?:a|an|per|each|every|/|in\s+a)\s*(?:day|night|week|fortnight|month|year)\b)"
_MONTH = "(" + "|".join(sorted(lexicon.MONTHS, key=len, reverse=True)) + ")"
# Month names written out ("in January"); "may" is left out, being mostly the verb.
_FULL_MONTH = "|".join(
    m for m in lexicon.MONTHS if len(m) > 4 or m in ("march", "april", "june", "july")
)
_BY = r"(?:by|before|on|until|till|through|no\s+later\s+than|due|target\s+date:?|deadline:?)"
_REVIEW = "(?:" + "|".join(re.escape(p) for p in lexicon.REVIEW_POINTS) + ")"
_NAMED = (
    "(" + "|".join(re.escape(k) for k in sorted(lexicon.NAMED_DAYS, key=len, reverse=True)) + ")"
)
_SEASON = (
    "(?:" + "|".join(re.escape(k) for k in sorted(lexicon.SEASONS, key=len, reverse=True)) + ")"
)
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()  # noqa: SIM905
    )
}
_ORDINAL_WORD = "(?:" + "|".join(_ORDINALS) + ")"
_ORDINAL_UNITS = ("week", "month", "day")
_ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|final|last|next)"
)


def _alt(words: tuple[str, ...]) -> str:
    return alternation(words, spaced=True)


_SAME_DAY = _alt(lexicon.SAME_DAY)
_WEEKDAY = _alt(lexicon.WEEKDAYS)
_BARE_EVENT = _alt(lexicon.BARE_EVENT_PERIODS)
_SCHOOL_PERIOD = _alt(lexicon.SCHOOL_PERIODS)
_OCCASION_SPAN = _alt(lexicon.OCCASION_SPANS)
_PERIOD_ORDINAL = r"(?:first|second|third|fourth|final|last|1st|2nd|3rd|4th)"
_HOLD_NOUN = _alt(lexicon.HOLD_NOUNS)
_EVENT = _alt(lexicon.EVENT_PERIODS)
_PLACEHOLDER = _alt(lexicon.PLACEHOLDER_WORDS)
# One-off occasions a goal can be bounded by ("in your next session", "before family session").
_OCCASION = _alt(lexicon.ONE_OFF_OCCASIONS)
_POSSESSIVE = r"(?:the|my|his|her|their|your|our|this|the\s+client's|the\s+student's)"
# A blank left for the date: "[date]", "(date)", "[Month] 8, [Year] at 1400", "xxxxx", "___".
_BLANK = (
    r"(?:\[[^\]\n]{0,40}?\b" + _PLACEHOLDER + r"\b[^\]\n]{0,40}?\]"
    r"|\([^)\n]{0,30}?\b" + _PLACEHOLDER + r"\b[^)\n]{0,30}?\)"
    r"|x{3,}\b|_{3,})"
    r"(?:\s*\d{1,2}(?:st|nd|rd|th)?\b)?(?:\s*,?\s*\[[^\]\n]{0,20}\])?(?:\s+at\s+\d{3,4}\b)?"
)
# "measured by", "documented by" ...: the blank after them is who records, not a date. A
# look-behind has a fixed width, so each participle is its own look-behind.
_NOT_AFTER_PARTICIPLE = "".join(rf"(?<!{re.escape(w)}\s)" for w in lexicon.RECORD_PARTICIPLES)
# A clock time: "7 pm", "10:30 p.m.", "9:15".
CLOCK = r"\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?|o'?\s?clock)(?![a-z])|\d{1,2}:\d{2}\b"


@dataclass(frozen=True)
class DeadlineMatch:
    start: int
    end: int
    days: int | None
    date: dt.date | None
    rank: int  # lower is a stronger deadline (a window beats a hold period)


# Beyond a century a "deadline" is not one anybody plans by; and a number of 400 digits
# ("within 999…9 weeks") is not even a finite float. Such a deadline has no day count.
MAX_DAYS = 36_525


def _days(value: float, unit: str) -> int | None:
    """Whole days, rounded down: 6 months is 182 (6 x 30.44 = 182.64), as the rubric counts."""
    days = value * lexicon.DAYS_PER_UNIT[unit]
    if not math.isfinite(days) or days > MAX_DAYS:
        return None
    return math.floor(days + 1e-9)


def _quantity(m: re.Match[str], first: int) -> float:
    low, high = m.group(first), m.group(first + 1)
    if high is not None:
        return float(high)
    if low is not None:
        return float(low)
    return 1.0  # "a month", "an hour", or "the next month"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _resolve(
    year: int | None, month: int, day: int | None, today: dt.date | None
) -> dt.date | None:
    try:
        if year is None:
            if today is None:
                return None
            year = today.year
            candidate = _month_end(year, month) if day is None else dt.date(year, month, day)
            if candidate < today:
                year += 1
        if year < 100:
            year += 2000
        return _month_end(year, month) if day is None else dt.date(year, month, day)
    except ValueError:
        return None


Rule = tuple[re.Pattern[str], int, Callable[[re.Match[str], dt.date | None], DeadlineMatch | None]]


def _rel(m: re.Match[str], today: dt.date | None) -> DeadlineMatch | None:
    if m.group(1) is None and m.group(2) is None and m.group(4) is None:
        return None  # "during the day", "in the week": no window stated
    value = _quantity(m, 2)
    return DeadlineMatch(m.start(), m.end(), _days(value, m.group(5)), None, 0)


def _hold(m: re.Match[str], today: dt.date | None) -> DeadlineMatch | None:
    value = _quantity(m, 1)
    return DeadlineMatch(m.start(), m.end(), _days(value, m.group(4)), None, 2)


def _by_unit_n(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    unit, n = m.group(1), int(m.group(2))
    days = None if unit == "session" else _days(n, unit)
    return DeadlineMatch(m.start(), m.end(), days, None, 0)


def _by_n_unit(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), _days(float(m.group(1)), m.group(2)), None, 0)


def _by_ordinal_unit(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    """'by the sixth week' is 6 weeks, like 'by week 6'."""
    word = m.group(1)
    n = int(word) if word.isdigit() else _ORDINALS[word]
    return DeadlineMatch(m.start(), m.end(), _days(n, m.group(2)), None, 0)


def _point(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), None, None, 1)


def _hold_point(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), None, None, 2)


def _named_date(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    day = m.group(1) or m.group(3)
    year = m.group(4)
    month = lexicon.MONTHS[m.group(2)]
    when = _resolve(int(year) if year else None, month, int(day) if day else None, today)
    return DeadlineMatch(m.start(), m.end(), None, when, 0)


def _iso_date(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    when = _resolve(int(m.group(1)), int(m.group(2)), int(m.group(3)), today)
    return DeadlineMatch(m.start(), m.end(), None, when, 0)


def _slash_date(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    # US order (month/day) unless the first number cannot be a month.
    month, day = (b, a) if a > 12 else (a, b)
    return DeadlineMatch(m.start(), m.end(), None, _resolve(year, month, day, today), 0)


def _end_of(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    unit = m.group(1)
    when: dt.date | None = None
    if today is not None:
        if unit == "year":
            when = dt.date(today.year, 12, 31)
        elif unit == "month":
            when = _month_end(today.year, today.month)
        else:
            when = today + dt.timedelta(days=6 - today.weekday())
    return _week_days(DeadlineMatch(m.start(), m.end(), None, when, 0), unit, m.group(0))


def _end_of_next(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    unit = m.group(1)
    when: dt.date | None = None
    if today is not None:
        if unit == "year":
            when = dt.date(today.year + 1, 12, 31)
        elif unit == "month":
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            when = _month_end(year, month)
        else:
            when = today + dt.timedelta(days=13 - today.weekday())
    return DeadlineMatch(m.start(), m.end(), None, when, 0)


def _next_unit(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), _days(1, m.group(1)), None, 0)


def _hold_window(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    value = _quantity(m, 1)
    return DeadlineMatch(m.start(), m.end(), _days(value, m.group(4)), None, 0)


def _point0(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), None, None, 0)


def _whole(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), _days(1, m.group(1)), None, 2)


def _consecutive(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    """'in 4 of 5 consecutive trials': the period is '5 consecutive trials'; '4 of' is a ratio."""
    start = m.start() if _no_ratio_before(m) else m.start(1)
    return DeadlineMatch(start, m.end(), None, None, 2)


def _no_ratio_before(m: re.Match[str]) -> bool:
    """True when no ratio precedes the period ('across 3 consecutive sessions')."""
    return not _RATIO_BEFORE.search(m.string[m.start() : m.start(1)])


_RATIO_BEFORE = re.compile(r"\d\s+(?:of|out\s+of)\s+$")


def _one_day(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), 1, None, 0)


def _hours(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    """'after 8 hours of nursing intervention': within the day (a part of a day counts as 1)."""
    hours = _quantity(m, 1)
    days = math.ceil(hours / 24) if math.isfinite(hours) and hours < MAX_DAYS * 24 else None
    return DeadlineMatch(m.start(), m.end(), max(days, 1) if days is not None else None, None, 0)


def _next_named(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return DeadlineMatch(m.start(), m.end(), _days(1, m.group(1)), None, 0)


def _after(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    value = _quantity(m, 1)
    return DeadlineMatch(m.start(), m.end(), _days(value, m.group(4)), None, 0)


def _hold_next(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    if m.group(1) in ("rest", "remainder"):
        return DeadlineMatch(m.start(), m.end(), None, None, 2)
    return DeadlineMatch(m.start(), m.end(), _days(1, m.group(2)), None, 2)


def _named_day(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    month, day = lexicon.NAMED_DAYS[m.group(1)]
    return DeadlineMatch(m.start(), m.end(), None, _resolve(None, month, day, today), 0)


def _this_unit(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    return _end_of(m, today)


# "this week" is 7 days (the rubric); a bare "this month" and "this year" are 30 and 365 by
# the same reading, as every labelling pass wrote them, while "by the end of the month" or "of
# the year" keeps only its date (docs/smart-rubric.md, decision 0218).
_THIS_UNIT_DAYS = {"month": 30, "year": 365}


def _week_days(found: DeadlineMatch, unit: str, text: str = "") -> DeadlineMatch:
    """'this week', 'by the end of the week': 7 days; 'this month': 30; with the end date."""
    days = 7 if unit == "week" else _THIS_UNIT_DAYS.get(unit) if text.startswith("this") else None
    if days is None:
        return found
    return DeadlineMatch(found.start, found.end, days, found.date, found.rank)


def _year(m: re.Match[str], today: dt.date | None) -> DeadlineMatch:
    year = int(m.group(1))
    return DeadlineMatch(m.start(), m.end(), None, dt.date(year, 12, 31), 0)


RULES: tuple[Rule, ...] = (
    # within 12 weeks / in the next month / over 6-8 weeks / in six weeks' time
    (
        re.compile(
            r"\b(?:within|in|over|during|inside|across|throughout)\s+(?:the\s+)?"
            r"(?:(next|first|coming|following|upcoming)\s+)?(?:"
            + _QTY
            + r"\s*-?\s*)?(?:consecutive\s+|straight\s+|successive\s+|full\s+)?"
            + _UNIT
            + r"\b(?:'s?\s+time)?"
            + _NOT_FREQ
        ),
        0,
        _rel,
    ),
    # over a two-week period / across a 6-month span / during a period of 3 weeks
    (
        re.compile(
            r"\b(?:within|in|over|during|across|throughout|for)\s+(?:a|an|the|one|each)\s+"
            r"(?:(?:total\s+)?period\s+of\s+)?"
            + _QTY
            + r"\s*-?\s*"
            + _UNIT
            + r"(?:\s+(?:period|span|window|time\s*frame|block|stretch|interval))?\b"
            + _NOT_FREQ
        ),
        0,
        _hold_window,
    ),
    # by [date] / by (date) / By [annual review date] / by [Month] 8, [Year] at 1400
    # ("as measured by ____" names who records, not when: a participle before "by")
    (
        re.compile(
            r"(?:\b(?:" + _NOT_AFTER_PARTICIPLE + r"by|before|on|until|till|no\s+later\s+than|"
            r"due|target\s+date:?|deadline:?)\s+(?:the\s+)?)" + _BLANK
        ),
        0,
        _point0,
    ),
    # today / tomorrow / a whole day
    (re.compile(r"(?<![a-z'-])" + _SAME_DAY + r"(?![a-z-])"), 0, _one_day),
    # a whole week without fighting / an entire month
    (
        re.compile(r"\b(?:a|an|one|the)\s+(?:whole|entire)\s+(day|week|fortnight|month|year)\b"),
        2,
        _whole,
    ),
    # Round 7 (0220): eat well all week / steps per day for the month / all year: the whole
    # of one unit ("for the month of May" is the month rule's; "all week long" the same)
    (
        re.compile(
            r"\b(?:all|for\s+(?:the|this)(?:\s+(?:whole|entire))?)\s+"
            r"(week|month|year)\b"
            r"(?!\s+(?:of|ahead|before|after)\b|'s)"
        ),
        2,
        _whole,
    ),
    # Round 8 (0221): "throughout the year" bounds the goal; which year (a school year?) is
    # not said, so no day count
    (re.compile(r"\bthroughout\s+the\s+(?:whole\s+|entire\s+)?year\b"), 1, _point),
    # Round 7 (0220): for the 2013-2014 school year (a school year bounds it, no day count)
    (
        re.compile(
            r"\bfor\s+(?:the|this)\s+(?:\d{4}\s*-\s*\d{2,4}\s+)?(?:school|academic)\s+year\b"
        ),
        1,
        _point,
    ),
    # Round 7 (0220): before the patient is discharged / by the time she is discharged
    (
        re.compile(
            r"\b(?:before|by\s+the\s+time|until|prior\s+to\s+when)\s+(?:[a-z']+\s+){0,3}?"
            r"(?:is|are|am|gets?|get)\s+discharged\b"
        ),
        1,
        _point,
    ),
    # Round 7 (0220): by my 35th birthday / before her birthday (a one-off occasion)
    (
        re.compile(
            r"\b(?:by|before|until|till|for|on)\s+(?:my|his|her|their|your|our)\s+"
            r"(?:\d+(?:st|nd|rd|th)\s+|next\s+)?birthday\b"
        ),
        1,
        _point,
    ),
    # after 8 hours of nursing intervention / within 24 hours
    (
        re.compile(
            r"\b(?:after|within)\s+(?:(\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(\d+(?:\.\d+)?))?|(an?))"
            r"\s*-?\s*(?:hours?|hrs?)\b"
            r"(?=\s+of\s+(?:nursing|care|treatment|intervention|therapy|admission)|(?!\s+of\b))"
        ),
        0,
        _hours,
    ),
    # after two weeks / after 3 months of practice
    (
        re.compile(
            r"\bafter\s+(?:the\s+first\s+|an?\s+(?=\d))?"
            + _QTY
            + r"\s*-?\s*"
            + _UNIT
            + r"\b"
            + _NOT_FREQ
        ),
        0,
        _after,
    ),
    # by week 8 / by session 16 / at month 3
    (
        re.compile(
            r"\b(?:by|at|before|until|till|on|around|no\s+later\s+than|prior\s+to)\s+"
            r"(?:the\s+)?(?:end\s+of\s+)?(?:treatment\s+|therapy\s+)?(week|month|session|day)"
            r"\s+(\d+)\b"
        ),
        0,
        _by_unit_n,
    ),
    # by the sixth week of treatment / by third week / in the 2nd month
    (
        re.compile(
            r"\b(?:by|at|before|until|till|in|during|within|no\s+later\s+than)\s+(?:the\s+)?"
            r"(?:end\s+of\s+(?:the\s+)?)?(\d+(?=st|nd|rd|th)|"
            + _ORDINAL_WORD
            + r")(?:st|nd|rd|th)?\s+"
            r"(" + "|".join(_ORDINAL_UNITS) + r")\b(?!s)"
        ),
        0,
        _by_ordinal_unit,
    ),
    # by 3 months / at the 12-week review / by the end of 8 weeks
    (
        re.compile(
            r"\b(?:by|at|before|until)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?(\d+)"
            r"(?:\s*-\s*|\s+)(day|week|fortnight|month|year)s?\b"
            r"(?:\s+(?:review|mark|point|follow-up|check-in|appointment|session))?" + _NOT_FREQ
        ),
        0,
        _by_n_unit,
    ),
    # by 30 June 2026 / by June 30 / by the end of March
    (
        re.compile(
            r"\b"
            + _BY
            + r"\s+(?:the\s+)?(?:end\s+of\s+)?(?:next\s+)?"
            + r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
            + _MONTH
            + r"\b\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s+(\d{4})\b)?"
        ),
        0,
        _named_date,
    ),
    (re.compile(r"\b" + _BY + r"\s+(\d{4})-(\d{1,2})-(\d{1,2})\b"), 0, _iso_date),
    (re.compile(r"\b" + _BY + r"\s+(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), 0, _slash_date),
    (
        re.compile(
            r"\b(?:by|before|until|at)\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(week|month|year)\b"
        ),
        0,
        _end_of,
    ),
    (re.compile(r"\bby\s+next\s+(week|month|year)\b"), 0, _next_unit),
    (
        re.compile(r"\b(?:by|before|until)\s+the\s+end\s+of\s+next\s+(week|month|year)\b"),
        0,
        _end_of_next,
    ),
    (
        re.compile(
            # Round 6 (0219): "goals for 2020", "make 2016 the year".
            r"\b(?:by|before|until|in|during|throughout|for|make)\s+(?:the\s+end\s+of\s+)?(20\d\d)\b"
            r"(?!\s*[-/])"
        ),
        0,
        _year,
    ),
    # by Christmas / by New Year's Day
    (
        re.compile(r"\b(?:by|before|until|till|for|at)\s+" + _NAMED + r"(?![a-z'])"),
        0,
        _named_day,
    ),
    # during June / throughout the month of May: the month bounds it, no day count (0217)
    (
        re.compile(
            r"\b(?:during|throughout|over|for\s+the\s+month\s+of|in\s+the\s+month\s+of)\s+"
            r"(?:the\s+month\s+of\s+)?" + _MONTH + r"(?![a-z'])(?!\s+\d)"
            # Round 7 (0220): "in January" (full names only: "in may" is rarely the month)
            r"|\b(?:in|for)\s+(?:early\s+|late\s+|mid-?)?(?:"
            + _FULL_MONTH
            + r")(?![a-z'])(?!\s+\d)"
        ),
        1,
        _point,
    ),
    # this month / by the end of this week
    (
        re.compile(
            r"\b(?:(?:by|before|until)\s+(?:the\s+end\s+of\s+)?)?this\s+(?:upcoming\s+|coming\s+)?"
            r"(week|month|year)(?:'?s)?\b"
        ),
        0,
        _this_unit,
    ),
    # by the summer / this semester / next term
    (
        re.compile(
            r"\b(?:(?:by|before|until|till|over|during|at|throughout|across)\s+(?:the\s+end\s+of\s+)?"
            + _SEASON
            + r"|(?:this|next)\s+(?:semester|term|school\s+year|summer|winter|spring|fall|autumn))"
            r"(?![a-z'])"
        ),
        1,
        _point,
    ),
    # by discharge / by the end of treatment / by the next review
    (
        re.compile(
            r"\b(?:by|at|before|until|till|prior\s+to|upon|on|through|during)\s+(?:the\s+)?"
            r"(?:time\s+of\s+)?(?:client's\s+|my\s+|his\s+|her\s+|their\s+|your\s+)?"
            + _REVIEW
            + r"\b"
        ),
        1,
        _point,
    ),
    # on Friday / by next Monday / this weekend (a plural or "every" is a frequency)
    (
        re.compile(
            r"\b(?:by|on|before|until|till|this|next|this\s+coming|no\s+later\s+than|over\s+the)\s+"
            r"(?:this\s+|next\s+|coming\s+)?" + _WEEKDAY + r"(?![a-z'-])"
            r"(?!\s+(?:mornings|afternoons|evenings|nights)\b)"
        ),
        0,
        _point0,
    ),
    # during hospitalization / for the duration of treatment (no article needed)
    (
        re.compile(
            r"\b(?:during|throughout|for\s+the\s+(?:length|duration|rest|remainder)\s+of|"
            r"until\s+the\s+end\s+of|by\s+the\s+end\s+of|until|prior\s+to\s+the\s+end\s+of)\s+"
            + _BARE_EVENT
            + r"(?![a-z-])(?!\s+(?:sessions?|groups?|team|meetings?|plans?|goals?|centers?|"
            r"centres?|facility|programs?|programmes?)\b)"
        ),
        1,
        _point,
    ),
    # by the end of the first quarter / by the second marking period / this trimester
    (
        re.compile(
            r"\b(?:by|before|until|till|at|through|throughout|during|over)\s+"
            r"(?:the\s+end\s+of\s+)?(?:(?:the|this|next|current)\s+(?:"
            + _PERIOD_ORDINAL
            + r"\s+)?|"
            + _PERIOD_ORDINAL
            + r"\s+)"
            + _SCHOOL_PERIOD
            + r"(?![a-z-])"
        ),
        1,
        _point,
    ),
    # two weeks from now / 3 months from the start of treatment
    (
        re.compile(
            r"(?:\b|(?<=\s))"
            + _QTY
            + r"\s*-?\s*"
            + _UNIT
            + r"\s+from\s+(?:now|today|intake|admission|enrol(?:l)?ment|the\s+(?:start|"
            r"beginning)\s+of\s+(?:treatment|therapy|services|the\s+program(?:me)?)|"
            r"(?:the\s+)?(?:intake|admission|first\s+session))\b"
        ),
        0,
        _hold_window,
    ),
    # by the 8th session / by the final session
    (
        re.compile(
            r"\b(?:by|at|before|within|until)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
            + _ORDINAL
            + r"\s+(?:therapy\s+|treatment\s+)?(?:session|appointment|visit|review)\b"
        ),
        1,
        _point,
    ),
    # within 8 sessions
    (
        re.compile(
            r"\b(?:within|in|over|across)\s+(?:the\s+)?(?:next\s+|first\s+)?\d+\s+"
            r"(?:therapy\s+|treatment\s+|counseling\s+|counselling\s+)?sessions\b"
        ),
        1,
        _point,
    ),
    # across 3 data collections / over 5 probes (a span counted in occasions)
    (
        re.compile(r"\b(?:across|over)\s+(?:the\s+)?(?:next\s+)?\d+\s+" + _OCCASION_SPAN + r"\b"),
        2,
        _hold_point,
    ),
    # for one month / for 4 consecutive weeks (the criterion must hold that long)
    (
        re.compile(
            r"\bfor\s+(?:at\s+least\s+|a\s+minimum\s+of\s+|a\s+period\s+of\s+|the\s+next\s+"
            r"|the\s+following\s+|another\s+|the\s+)?" + _QTY + r"\s*(?:-\s*)?"
            r"(?:consecutive\s+|straight\s+|successive\s+|full\s+|continuous\s+)?"
            + _UNIT
            + r"\b"
            + _NOT_FREQ
        ),
        2,
        _hold,
    ),
    (
        re.compile(
            r"\bfor\s+(?:at\s+least\s+)?\d+\s+(?:consecutive\s+)?(?:sessions|appointments)\b"
        ),
        2,
        _hold_point,
    ),
    # for the next month / for the rest of the week
    (
        re.compile(
            r"\bfor\s+the\s+(next|following|coming|rest|remainder)\s+(?:of\s+the\s+)?"
            r"(day|week|fortnight|month|year)\b"
        ),
        2,
        _hold_next,
    ),
    # one year of sobriety / 30 days sober
    (
        re.compile(
            r"(?:\b|(?<=\s))"
            + _QTY
            + r"\s*-?\s*"
            + _UNIT
            + r"\s+(?:of\s+)?"
            + _HOLD_NOUN
            + r"(?![a-z-])"
        ),
        2,
        _hold,
    ),
    # during the school year / for the length of the programme / throughout the 2025-2026 year
    (
        re.compile(
            r"\b(?:during|throughout|for\s+the\s+(?:length|duration|rest|remainder)\s+of|"
            r"until\s+the\s+end\s+of|by\s+the\s+end\s+of|over|across)\s+"
            + _POSSESSIVE
            + r"\s+(?:\d{4}\s*-\s*\d{2,4}\s+)?(?:current\s+|whole\s+|entire\s+)?"
            + _EVENT
            + r"(?![a-z-])"
        ),
        1,
        _point,
    ),
    # in your next group therapy session / review it next session / before family session
    (
        re.compile(
            r"\b(?:(?:in|at|by|during|before|after|until|till)\s+)?(?:"
            + _POSSESSIVE
            + r"\s+)?next\s+(?:[a-z-]+\s+){0,3}?"
            + _OCCASION
            + r"\b(?!s)"
            # "before" needs a determiner or a modifier: "before meeting new people" is a
            # trigger, not an occasion.
            # Round 4 (0217): "after the first interview", "by the first session": the first
            # of an occasion is one occasion, as "next" is.
            r"|\b(?:after|by|before|at|during)\s+(?:" + _POSSESSIVE + r"\s+)?first\s+"
            r"(?:[a-z-]+\s+)?" + _OCCASION + r"\b(?!s)"
            r"|\bbefore\s+(?:" + _POSSESSIVE + r"\s+(?:[a-z-]+\s+)?"
            r"|(?!(?:each|every|any|all|most|going|attending)\b)[a-z-]+\s+)"
            + _OCCASION
            + r"\b(?![s-])"
        ),
        1,
        _point,
    ),
    # getting through my work appraisal / get through the driving test
    (
        re.compile(
            r"\bget(?:s|ting)?\s+through\s+"
            + _POSSESSIVE
            + r"\s+(?:[a-z-]+\s+){0,2}?"
            + _OCCASION
            + r"(?![a-z-])"
        ),
        1,
        _point,
    ),
    # at next month's presentation: a one-off occasion, no day count (the rubric)
    (re.compile(r"\bnext\s+(?:week|month|year)'s\s+[a-z]"), 1, _point),
    (re.compile(r"\bnext\s+(week|month|year)\b"), 0, _next_named),
    # across 3 consecutive sessions / in 4 of 5 consecutive trials
    (
        re.compile(
            r"\b(?:across|over|for|in|during|on)\s+(?:\d+\s+(?:of|out\s+of)\s+)?(\d+\s+"
            r"(?:consecutive|successive|straight)\s+(?:[a-z-]+\s+){0,2}?"
            r"(?:sessions|periods|trials|probes|observations|opportunities|days|meetings|classes))\b"
        ),
        2,
        _consecutive,
    ),
    # before 7 pm / by 10:30 (not a daily routine: "by 10 pm every night" is a frequency)
    (
        re.compile(
            r"\b(?:by|before|no\s+later\s+than)\s+(?:" + CLOCK + r")"
            r"(?!\.?\s*(?:every|each|on\s+(?:week|school|work)|daily|nightly|most|at\s+least))"
        ),
        1,
        _point,
    ),
)


# The words each rule needs, read off its pattern: a text without them skips the rule cheaply.
_CHECKED = tuple((rule, INDEX.register(needs(rule[0]))) for rule in RULES)


def find_deadlines(text: str, today: dt.date | None) -> list[DeadlineMatch]:
    """Every deadline-like span in normalised text, without overlaps, in text order."""
    found: list[DeadlineMatch] = []
    taken = bytearray(len(text))  # 1 where an earlier (stronger) rule already matched
    bits = INDEX.bits(text)
    for (pattern, _, build), mask in _CHECKED:
        if bits & mask != mask:
            continue
        for m in pattern.finditer(text):
            if _after_frequency(text, m.start()):
                continue
            match = build(m, today)
            if match is None or taken.find(1, match.start, match.end) >= 0:
                continue
            taken[match.start : match.end] = b"\x01" * (match.end - match.start)
            found.append(match)
    found.sort(key=lambda f: f.start)
    return found


# "3 times in a week", "4 days in a month": a count in a period is a frequency.
_FREQUENCY_BEFORE = re.compile(
    r"(?:\b(?:times?|x|once|twice)|\d\s*(?:days?|nights?|mornings?|evenings?|hours?|hrs?|"
    r"minutes?|mins?|sessions?))\s*$"
)


def _after_frequency(text: str, start: int) -> bool:
    """'3 times in a week', '3 days in a week' are frequencies: skip 'in a/an/one ...' right
    after a count. Only the article: '3 times in your next session' is an occasion."""
    if not (text.startswith(("in a ", "in an ", "in 1 "), start)):
        return False
    before = text[max(0, start - 12) : start]
    return bool(_FREQUENCY_BEFORE.search(before))


def primary(deadlines: list[DeadlineMatch]) -> DeadlineMatch | None:
    """The strongest deadline: a window or date over a review point over a hold period."""
    if not deadlines:
        return None
    return min(deadlines, key=lambda d: (d.rank, d.start))
