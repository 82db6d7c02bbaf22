"""Round 6 (decision 0219): families read off fresh-4's mismatches once it joined the tuning
sites, one team-written example or more per family, with the near miss on the other side;
none is taken from the corpus."""

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
        "My goals for 2027 are to swim weekly",
        "Make 2027 the year I phone my brother monthly",
        "2027: walk the dog daily",
    ],
)
def test_a_year_is_never_a_target(text):
    analysis = analysed(text)
    assert analysis.structure.target != 2027


@pytest.mark.parametrize(
    ("text", "time_bound"),
    [("My goals for 2027 are to swim weekly", True), ("Walk 2027 steps a day", False)],
)
def test_for_a_year_bounds_the_goal(text, time_bound):
    analysis = analysed(text)
    assert analysis.criteria.time_bound.met is time_bound
    if not time_bound:
        assert analysis.structure.target == 2027  # a count, not a year


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Take my recovery one day at a time", None),
        ("I hope that one day I will run a marathon", None),
        ("One of my goals is to sing in a choir", None),
        ("Singing is my number one goal", None),
        # One as a count stays one.
        ("Call one friend a week", 1),
        ("Rest one day a week", 1),
    ],
)
def test_one_in_idioms_is_no_quantity(text, target):
    assert analysed(text).structure.target == target


@pytest.mark.parametrize(
    "text", ["Go for a walk every single day", "Stretch each and every day for ten minutes"]
)
def test_emphatic_every_day_is_a_frequency(text):
    assert analysed(text).criteria.measurable.met is True


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("I will not drink more than 3 beers on a night out", 3),
        ("I will not eat more than ___ biscuits a day", None),
        ("I will not drink on weeknights", 0),
    ],
)
def test_a_limit_after_a_negation_is_no_zero(text, target):
    analysis = analysed(text)
    assert analysis.structure.target == target
    assert analysis.criteria.measurable.met is True


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Lose X pounds by the summer", "count"),
        ("Sleep X hours a night", "duration"),
        ("Fit into a size X by June", "count"),
        # A letter that is no blank.
        ("Take vitamin X with breakfast", None),
    ],
)
def test_a_letter_before_a_unit_is_a_blank_number(text, measure):
    analysis = analysed(text)
    if measure is None:
        assert not analysis.criteria.measurable.why.startswith("leaves a number blank")
    else:
        assert analysis.criteria.measurable.met is True
        assert analysis.criteria.measurable.why.startswith("leaves a number blank")
        assert analysis.structure.measure == measure


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("I have decided to try and stop gambling", False),
        ("My goal today is to stay sober", False),
        ("Today I wont smoke", False),
        ("I am trying to stop biting my nails", False),
        # Something to do instead keeps it positive.
        ("I have decided to stop gambling and join a walking club", True),
    ],
)
def test_avoidance_in_diary_sentences(text, positive):
    assert analysed(text).positive.met is positive
