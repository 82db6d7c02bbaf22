"""Round 7 (decision 0220): families read off the tuning sites' mismatches once fresh-5 joined
them, and the settled rubric point on "stop"/"quit" (docs/smart-rubric.md, example 17). Each
family has team-written examples with the near miss on the other side; none is taken from the
corpus."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)


def analysed(text: str) -> smart.Analysis:
    return smart.analyse(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Cook dinner at home all week", 7),
        ("Stay calm all week long", 7),
        ("Walk 6,000 steps a day for the month", 30),
        ("Go to class every day for the whole month", 30),
        ("Attend school all year", 365),
    ],
)
def test_the_whole_of_a_unit_is_a_period_to_hold(text, days):
    analysis = analysed(text)
    assert analysis.criteria.time_bound.met is True
    assert analysis.structure.deadline is not None
    assert analysis.structure.deadline.days == days


@pytest.mark.parametrize(
    "text",
    [
        "Walk 30 minutes a day for the month of May",  # the month rule's: no day count
        "Plan all week ahead of time",
        "Write down my worries for the week ahead",
    ],
)
def test_a_month_named_or_a_week_ahead_is_no_whole_unit(text):
    deadline = analysed(text).structure.deadline
    assert deadline is None or deadline.days is None


@pytest.mark.parametrize(
    "text",
    [
        "Go to the gym three days a week in January",
        "Start a walking group in early September",
        "My goal this upcoming week is to phone my sister",
        "Use the coping card before the patient is discharged from the unit",
        "Name three triggers by the time she is discharged",
        "Be smoke-free by my 40th birthday",
        "Run 5 km before her birthday",
        "For the 2026-2027 school year, attend 95% of school days",
    ],
)
def test_more_time_phrases_bound_the_goal(text):
    assert analysed(text).criteria.time_bound.met is True


@pytest.mark.parametrize(
    "text",
    [
        "Reduce panic attacks in May",  # "in may" is rarely the month: full names only
        "Eat breakfast with my birthday present mug",
        "Speak up in the school year group chat",
    ],
)
def test_near_misses_stay_without_a_time_bound(text):
    assert analysed(text).criteria.time_bound.met is False


@pytest.mark.parametrize(
    "text",
    [
        "Quit smoking",
        "I want to stop drinking alcohol",
        "Stop self-harming",
        "I have decided to try and stop gambling",
        "Client will stop hitting his brother",
    ],
)
def test_stopping_a_countable_behaviour_is_a_zero_criterion(text):
    analysis = analysed(text)
    assert analysis.criteria.measurable.met is True
    assert analysis.structure.target == 0
    assert analysis.structure.comparator == "="
    assert analysis.positive.met is False  # still only removes something


@pytest.mark.parametrize(
    "text",
    [
        "I want to stop worrying",  # a state
        "Stop feeling guilty",
        "State ways to stop smoking",  # the stop is what is talked about
        "Explain resources that can help the patient stop smoking",
        "Stop arguing so much",  # a reduction, not none at all
    ],
)
def test_a_stop_on_a_state_or_as_a_topic_sets_no_zero(text):
    assert analysed(text).structure.target is None


def test_a_limit_after_a_stop_is_that_limit():
    analysis = analysed("Stop drinking more than two drinks a day")
    assert analysis.structure.target == 2


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("I will stop and think before I act", True),
        ("Stop, think and then respond", True),
        ("Stop and quit smoking", False),
    ],
)
def test_stop_and_think_is_a_technique(text, positive):
    assert analysed(text).positive.met is positive
