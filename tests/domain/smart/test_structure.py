"""Structure extraction: measure, baseline, target, comparator, direction, unit, deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)


def structure(text: str) -> smart.Structure:
    return smart.analyse(text, today=TODAY).structure


# text | measure | baseline | target | comparator | direction | unit
SLOTS = [
    ("Reduce PHQ-9 from 18 to ≤9 within 16 weeks", "PHQ-9", 18, 9, "<=", "decrease", "points"),
    ("Lower my PHQ9 score from 21 to 9 or below", "PHQ-9", 21, 9, "<=", "decrease", "points"),
    ("Bring phq 9 down from 15 to under 5", "PHQ-9", 15, 5, "<", "decrease", "points"),
    ("GAD-7 from fifteen to seven", "GAD-7", 15, 7, "<=", "decrease", "points"),
    ("PCL-5 from 52 to ≤30", "PCL-5", 52, 30, "<=", "decrease", "points"),
    # An instrument's digits are never a baseline or target.
    # "Improve" a score where higher is worse means lowering it.
    ("Improve mood (PHQ-9)", "PHQ-9", None, None, None, "decrease", "points"),
    ("Complete the GAD-7 and PCL-5 at every session", "GAD-7", None, None, None, None, "points"),
    # Counts and frequencies, with spelled-out numbers and frequency words.
    ("Attend work five days a week", "count", None, 5, ">=", None, "per week"),
    (
        "Increase pleasurable activities from 1 to 5 per week",
        "count",
        1,
        5,
        ">=",
        "increase",
        "per week",
    ),
    ("Reduce panic attacks from 3/week to ≤1/month", "count", 3, 1, "<=", "decrease", "per month"),
    (
        "from three times per week to less than once a week",
        "count",
        3,
        1,
        "<",
        "decrease",
        "per week",
    ),
    ("Call a friend twice a week", "count", None, 2, ">=", None, "per week"),
    (
        "Have no more than one panic attack per month",
        "count",
        None,
        1,
        "<=",
        "decrease",
        "per month",
    ),
    ("Drink at most 2 drinks per day", "count", None, 2, "<=", "decrease", "per day"),
    ("Attend at least 3 meetings per week", "count", None, 3, ">=", "increase", "per week"),
    ("Reduce tantrums to fewer than 2 per week", "count", None, 2, "<", "decrease", "per week"),
    ("Don't drink more than 2 cups of coffee a day", "count", None, 2, "<=", "decrease", "per day"),
    ("Walk 5,000 steps a day", "count", None, 5000, ">=", None, "per day"),
    ("Increase daily steps from 2000 to 6000", "count", 2000, 6000, ">=", "increase", None),
    # Durations, percentages and ratings.
    ("Reduce time in bed from ~4 hours to ≤1 hour", "duration", 4, 1, "<=", "decrease", "hours"),
    ("Walk for 30 minutes", "duration", None, 30, ">=", None, "minutes"),
    ("Sleep 7+ hours per night", "duration", None, 7, ">=", "increase", "hours"),
    (
        "Reduce self-reported anxiety from 8/10 to 5/10",
        "self-rating",
        8,
        5,
        "<=",
        "decrease",
        "/10",
    ),
    ("Decrease SUDS from 80 to 30", "self-rating", 80, 30, "<=", "decrease", None),
    # A relative change is the target (the published rubric), at least that much.
    ("Report a 50% reduction in worry", "percent", None, 50, ">=", "decrease", "%"),
    # A rise stated with a decrease verb is kept as stated (and flagged elsewhere).
    ("Reduce PHQ-9 from 12 to 15", "PHQ-9", 12, 15, "<=", "decrease", "points"),
    # Phrases read as numbers.
    ("Exercise a couple of times a week", "count", None, 2, ">=", None, "per week"),
    ("Reduce drinking by half", "percent", None, 50, ">=", "decrease", "%"),
    # None at all is "=" (the published rubric).
    ("Reduce purging from daily to none", "count", None, 0, "=", "decrease", None),
    ("Meditate for half an hour", "duration", None, 30, ">=", None, "minutes"),
    # The longest scale name wins, and a change on a named scale keeps the scale.
    ("Reduce PHQ-15 from 20 to 10", "PHQ-15", 20, 10, "<=", "decrease", "points"),
    ("Reduce PHQ-9 score by half", "PHQ-9", None, None, None, "decrease", "%"),
    # A target of zero is at most zero, whatever the verb.
    ("Have zero panic attacks", "count", None, 0, "=", None, "panic attacks"),
    # Nothing to extract.
    ("Improve self-esteem", None, None, None, None, "increase", None),
    ("", None, None, None, None, None, None),
]


@pytest.mark.parametrize(
    ("text", "measure", "baseline", "target", "comparator", "direction", "unit"), SLOTS
)
def test_it_extracts_the_target(text, measure, baseline, target, comparator, direction, unit):
    st = structure(text)
    assert (st.measure, st.baseline, st.target, st.comparator, st.direction, st.unit) == (
        measure,
        baseline,
        target,
        comparator,
        direction,
        unit,
    )


# text | deadline text | days | date
DEADLINES = [
    ("within 16 weeks", "within 16 weeks", 112, None),
    ("within three months", "within three months", 91, None),  # 3 x 30.44 = 91.32
    ("over the next 6 months", "over the next 6 months", 182, None),  # 182.64, rounded down
    ("in the next month", "in the next month", 30, None),
    ("within a year", "within a year", 365, None),
    ("within a fortnight", "within a fortnight", 14, None),
    ("in six weeks' time", "in six weeks' time", 42, None),
    ("for one month", "for one month", 30, None),
    ("for 4 consecutive weeks", "for 4 consecutive weeks", 28, None),
    ("by week 8", "by week 8", 56, None),
    ("by week eight", "by week eight", 56, None),
    ("by month 3", "by month 3", 91, None),
    ("by 3 months", "by 3 months", 91, None),
    ("at the 12-week review", "at the 12-week review", 84, None),
    ("by session 16", "by session 16", None, None),
    ("by discharge", "by discharge", None, None),
    ("by the end of treatment", "by the end of treatment", None, None),
    ("by the third session", "by the third session", None, None),
    ("by June 30", "by June 30", None, dt.date(2026, 6, 30)),
    ("by 30 June 2027", "by 30 June 2027", None, dt.date(2027, 6, 30)),
    ("by the end of March", "by the end of March", None, dt.date(2026, 3, 31)),
    ("by June 2026", "by June 2026", None, dt.date(2026, 6, 30)),
    ("by 2026-04-15", "by 2026-04-15", None, dt.date(2026, 4, 15)),
    ("Target date: 10/1/2014", "Target date: 10/1/2014", None, dt.date(2014, 10, 1)),
    ("by 31/03/2026", "by 31/03/2026", None, dt.date(2026, 3, 31)),
    ("by the end of the year", "by the end of the year", None, dt.date(2026, 12, 31)),
    ("by Christmas", "by Christmas", None, dt.date(2026, 12, 25)),
    ("by the end of next month", "by the end of next month", None, dt.date(2026, 2, 28)),
    ("within a couple of weeks", "within a couple of weeks", 14, None),
    ("by the summer", "by the summer", None, None),
    # A date already past this year rolls over to next year.
    ("by January 1", "by January 1", None, dt.date(2027, 1, 1)),
]


@pytest.mark.parametrize(("phrase", "text", "days", "date"), DEADLINES)
def test_it_reads_the_deadline(phrase, text, days, date):
    deadline = structure(f"Walk 3 times a week {phrase}").deadline
    assert deadline == smart.Deadline(text=text, days=days, date=date)


NOT_DEADLINES = [
    "Exercise daily",
    "Attend work five days a week",
    "Walk for 30 minutes",
    "Go to the gym 3 times in a week",
    "Practise every day during the day",
    "Meditate for 5 days a week",
]


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_a_frequency_is_not_a_deadline(text):
    assert structure(text).deadline is None


def test_a_date_without_a_year_needs_a_day_to_resolve_against():
    deadline = smart.analyse("Walk daily by June 30").structure.deadline
    assert deadline is not None
    assert (deadline.text, deadline.date) == ("by June 30", None)


@pytest.mark.parametrize(
    "name", ["PHQ-9", "PHQ9", "PHQ 9", "phq-9", "GAD-7", "GAD7", "PCL-5", "PCL 5", "CORE-10"]
)
def test_an_instrument_name_is_never_read_as_a_number(name):
    analysis = smart.analyse(f"Improve {name}")
    assert analysis.structure.target is None
    assert analysis.structure.baseline is None
    assert analysis.criteria.measurable.why == f'names an instrument: "{name}"'


def test_a_number_only_in_the_deadline_does_not_make_it_measurable():
    analysis = smart.analyse("Feel happier within 8 weeks")
    assert analysis.criteria.measurable.met is False
    assert '"within 8 weeks"' in analysis.criteria.measurable.why


# Round 3 (decision 0216): the rubric's increase words and comparatives.
@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Learn two grounding skills", "increase"),
        ("Develop 3 coping strategies I can use", "increase"),
        ("Regain intimacy with my partner", "increase"),
        ("Improved daily functioning", "increase"),
        ("Make more friends", "increase"),  # a comparative, no number
        ("Sleep better", "increase"),
        ("Drink no more than 2 drinks a day", "decrease"),  # a ceiling, not a rise
        ("Feel more settled and less overwhelmed", None),  # both ways
        ("Gaining or maintaining steady employment", None),  # both ways
        # A learning verb governs the skill, the numbers govern the score.
        ("Develop better ways of relating, with CORE-10 falling from 20 to 10", "decrease"),
        ("Attend group therapy twice a week", None),  # a plain action
    ],
)
def test_direction_from_increase_words_and_comparatives(text, direction):
    assert smart.analyse(text).structure.direction == direction
