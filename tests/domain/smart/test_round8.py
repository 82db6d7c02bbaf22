"""Round 8 (decision 0221): families read off the tuning sites' mismatches once fresh-6 joined
them. Each family has team-written examples with the near miss on the other side; none is taken
from the corpus."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)


def analysed(text: str) -> smart.Analysis:
    return smart.analyse(text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "Stop drinking and smoking",
        "Quit vaping, gambling and energy drinks",
        "I will quit drinking, smoking, and swearing",
    ],
)
def test_a_list_after_a_stop_is_more_of_what_stops(text):
    analysis = analysed(text)
    assert analysis.positive.met is False
    assert "only removes something" in analysis.positive.why


@pytest.mark.parametrize(
    "text",
    [
        "Stop smoking and start walking 20 minutes a day",
        "Stop drinking and exercise three times a week",
        "Stop smoking and starting a walking group",
    ],
)
def test_something_to_do_after_the_stop_is_an_instead(text):
    assert analysed(text).positive.met is True


@pytest.mark.parametrize(
    "text", ["Decide to stay sober", "Ditching my phone an hour before bed", "Stay gambling free"]
)
def test_more_avoidance_only_forms(text):
    assert analysed(text).positive.met is False


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("No screens in the bedroom for October", None),
        ("Miss fewer than 5 days of school throughout the year", None),
        ("This summer, swim twice a week", None),
        ("Walk 7,000 steps before 8 p.m. on weekdays for the next three weeks", 21),
        ("For this entire month, keep a mood diary every evening", 30),
    ],
)
def test_more_time_phrases(text, days):
    analysis = analysed(text)
    assert analysis.criteria.time_bound.met is True
    assert analysis.structure.deadline is not None
    assert analysis.structure.deadline.days == days


def test_a_clock_time_on_weekdays_is_a_daily_condition_not_a_deadline():
    analysis = analysed("Be in bed by 10 p.m. on weeknights")
    assert analysis.criteria.time_bound.met is False


@pytest.mark.parametrize(
    "text",
    [
        "No soda",
        "Don't have any alcohol at the party",
        "Lights out by 10:30 pm",
        "Plan weekly date nights",
        "Complain less at work",
        "Ring the housing office",
        "Be punctual",
        "Remain free from falls",
    ],
)
def test_everyday_observable_goals_are_specific(text):
    assert analysed(text).criteria.specific.met is True


@pytest.mark.parametrize("text", ["Feel less low", "Be more positive"])
def test_global_states_stay_unspecific(text):
    assert analysed(text).criteria.specific.met is False


@pytest.mark.parametrize(
    ("text", "target"),
    [("Read a half hour per day", 30), ("Fold the towels in half", None), ("No soda", 0)],
)
def test_half_an_hour_and_zero_targets(text, target):
    assert analysed(text).structure.target == target


@pytest.mark.parametrize(
    ("text", "target", "days"),
    [
        ("Stop drinking for 30 days", 30, 30),
        ("I won't drink alcohol for a month", 1, 30),
        ("No outbursts for 2 weeks", 2, 14),
    ],
)
def test_a_stretch_of_none_at_all_is_the_target(text, target, days):
    structure = analysed(text).structure
    assert structure.target == target
    assert structure.deadline is not None
    assert structure.deadline.days == days


def test_a_stretch_of_doing_something_is_no_target():
    assert analysed("Walk daily for 2 weeks").structure.target is None
