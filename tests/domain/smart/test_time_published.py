"""Time phrases of published goals: template blanks, one-day deadlines, periods and events.

Each example is written for this test (team-written, in the style of published plans), one or
more per rule family; none is taken from the published corpus.
"""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)


def analysed(text: str) -> smart.Analysis:
    return smart.analyse(text, today=TODAY)


# text | deadline text | days
DEADLINES = [
    # Months count whole days, rounded down (the rubric: 6 months is 182, 2 months 60).
    ("Walk daily for the next two months.", "for the next two months", 60),
    ("Cut smoking by half within six months.", "within six months", 182),
    ("Lose 4 kg in 4 months.", "in 4 months", 121),
    # Template blanks left for the date.
    ("By [date], Sam will name three feelings.", "By [date]", None),
    ("Client will list two supports by (target date).", "by (target date)", None),
    ("By [IEP review date], the pupil will ask for help.", "By [IEP review date]", None),
    ("Client will rest by [Month] 3, [Year] at 1600.", "by [Month] 3, [Year] at 1600", None),
    ("Family will name one respite service by xxxx.", "by xxxx", None),
    ("Will call the clinic by ____.", "by ____", None),
    # Today, tomorrow, a whole day: 1 day.
    ("I will take a shower today.", "today", 1),
    ("Tomorrow I will phone my brother.", "Tomorrow", 1),
    ("Eat breakfast tonight and in the morning.", "tonight", 1),
    ("Go a whole day without checking the locks.", "a whole day", 1),
    # After N hours (nursing care plans): within the day.
    ("After 4 hours of nursing care, the patient will rest.", "After 4 hours", 1),
    ("Within 48 hours, the client will eat a meal.", "Within 48 hours", 2),
    # After N weeks: a window.
    ("After three weeks, she will shop alone.", "After three weeks", 21),
    # This week / the end of the week: 7 days.
    ("Walk three times this week.", "this week", 7),
    ("Email the tutor by the end of the week.", "by the end of the week", 7),
    # Periods: "over a two-week period", consecutive weeks, "for the next month".
    ("Ask for a break in 4 of 5 tries over a two-week period.", "over a two-week period", 14),
    ("Hand in homework across a 3 week span.", "across a 3 week span", 21),
    ("Use the calm card over six consecutive weeks.", "over six consecutive weeks", 42),
    ("Journal each night for the next month.", "for the next month", 30),
    ("Read aloud for the rest of the term.", "for the rest of the term", None),
    # A period counted in a state held: both the bound and the target.
    ("Celebrate six months of sobriety.", "six months of sobriety", 182),
    ("Be 90 days sober.", "90 days sober", 90),
    # Next week / next month said without "by".
    ("Meet the housing officer next week.", "next week", 7),
    # Event-bounded periods: time-bound without days.
    ("Attend every class during the school year.", "during the school year", None),
    ("Stay on the ward for the length of the programme.", "for the length of the programme", None),
    ("Join group twice a week throughout the semester.", "throughout the semester", None),
    ("Raise a hand by the end of the 2026-2027 academic year.", None, None),
    ("Speak up during my annual review.", "during my annual review", None),
    ("Say hello in your next group therapy session.", "in your next group therapy session", None),
    ("Wait calmly across 3 consecutive sessions.", "across 3 consecutive sessions", None),
    ("Name the trigger in 4 of 5 consecutive trials.", "5 consecutive trials", None),
    ("By the end of sessions, members will list two supports.", "By the end of sessions", None),
    # A clock time as a deadline, not as a daily routine.
    ("Before 6 pm, I will finish the form.", "Before 6 pm", None),
]


@pytest.mark.parametrize(("text", "quote", "days"), DEADLINES)
def test_it_reads_published_time_phrases(text, quote, days):
    a = analysed(text)
    assert a.criteria.time_bound.met is True
    deadline = a.structure.deadline
    assert deadline is not None
    if quote is not None:
        assert deadline.text == quote
        assert f'"{quote}"' in a.criteria.time_bound.why
    assert deadline.days == days


def test_a_year_or_a_month_named_after_next_is_a_deadline():
    assert analysed("In 2027 I will run a 5k.").structure.deadline == smart.Deadline(
        text="In 2027", days=None, date=dt.date(2027, 12, 31)
    )
    assert analysed("Move into my own flat by next March.").criteria.time_bound.met is True


NOT_TIME_BOUND = [
    # Frequencies, settings and start conditions stay out (the rubric).
    "Go to bed by 10 pm every night.",
    "Go to bed at 10:30 pm on weeknights.",
    "Practise breathing in each session.",
    "Spend one-on-one time with my son.",
    "Use the skill within 5 minutes of waking.",
    "Exercise for 2 hours.",
]


@pytest.mark.parametrize("text", NOT_TIME_BOUND)
def test_frequencies_settings_and_latencies_are_not_deadlines(text):
    assert analysed(text).criteria.time_bound.met is False


def test_a_hyphenated_number_word_is_a_number():
    st = analysed("Walk a two-mile loop.").structure
    assert st.target == 2
    assert analysed("Spend one-on-one time with my son.").structure.target is None


# Round 2 families (decision 0211): each row is written for this test.
# text | deadline text | days
ROUND_TWO_DEADLINES = [
    # Weekdays and the weekend: time-bound, no day count (the rubric).
    ("By Friday I will clean out the car.", "By Friday", None),
    ("Call the housing office on Tuesday.", "on Tuesday", None),
    ("This weekend I will visit my aunt.", "This weekend", None),
    ("Finish the form by next Wednesday.", "by next Wednesday", None),
    # Event-bounded episodes of care need no article.
    ("During hospitalization Al will eat half of each meal.", "During hospitalization", None),
    ("For the duration of treatment, attend each group.", "For the duration of treatment", None),
    ("Throughout admission, walk the ward twice a day.", "Throughout admission", None),
    # School reporting periods, with or without an ordinal.
    ("By the end of the first quarter, hand in homework.", "By the end of the first quarter", None),
    ("By the second marking period, read aloud.", "By the second marking period", None),
    ("Jo will ask for help by the end of the trimester.", "by the end of the trimester", None),
    # Plan meetings and the session's end.
    ("By the next IEP meeting, Ben will use his break card.", "By the next IEP meeting", None),
    ("By the end of the session, list two triggers.", "By the end of the session", None),
    # The day's end is today: 1 day.
    ("By the end of the day I will answer one email.", "By the end of the day", 1),
    ("Reply to the landlord by end of day.", "by end of day", 1),
    # N units from now.
    ("Two weeks from now I will join the choir.", "Two weeks from now", 14),
    ("Work 3 months from the start of treatment.", "3 months from the start of treatment", 91),
    # Halves of a period.
    ("Stay off cannabis for half a year.", "for half a year", 182),
    ("Walk daily for a month and a half.", "for a month and a half", 45),
    ("Walk daily for one and a half months.", "for one and a half months", 45),
]


@pytest.mark.parametrize(("text", "quote", "days"), ROUND_TWO_DEADLINES)
def test_it_reads_weekdays_episodes_school_periods_and_offsets(text, quote, days):
    a = analysed(text)
    assert a.criteria.time_bound.met is True
    deadline = a.structure.deadline
    assert deadline is not None
    assert deadline.days == days
    assert quote.lower() in a.criteria.time_bound.why.lower() or quote.lower() in (
        deadline.text.lower()
    )


ROUND_TWO_NOT_TIME_BOUND = [
    # A plural weekday or weekday mornings are a frequency; a session type is a setting.
    "Walk to the shop on Mondays.",
    "Swim on Saturday mornings.",
    "Share one feeling during treatment sessions.",
    "Review homework each quarter.",
]


@pytest.mark.parametrize("text", ROUND_TWO_NOT_TIME_BOUND)
def test_plural_weekdays_and_session_settings_stay_unbounded(text):
    assert analysed(text).criteria.time_bound.met is False
