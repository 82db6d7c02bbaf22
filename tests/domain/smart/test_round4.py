"""Round 4 (decision 0217): families read off fresh-2's mismatches, one team-written example
or more per family, on both sides where a near miss exists; none is taken from the corpus."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)


def analysed(text: str) -> smart.Analysis:
    return smart.analyse(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "measure", "baseline", "target"),
    [
        ("Lower my mood symptoms from a PHQ-9 score of 19 to 8 in 12 weeks", "PHQ-9", 19, 8),
        ("Ease worry from a GAD-7 of 14 to under 9 within 10 weeks", "GAD-7", 14, 9),
        # Without an instrument the words between were already read.
        ("Cut panic attacks from a weekly count of 5 to 1", "count", 5, 1),
    ],
)
def test_a_baseline_after_from_with_an_instrument_between(text, measure, baseline, target):
    structure = analysed(text).structure
    assert (structure.measure, structure.baseline, structure.target) == (
        measure,
        baseline,
        target,
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("The patient will rate pain below 4 by the end of this shift", None),
        ("Stay calm and use my breathing all day", 1),
        ("Go without a cigarette for 24 hours", 1),
        ("Phone one friend a week during July", None),
        ("Name two sleep habits to change after the first interview", None),
        ("Client will dress with help by (time)", None),
    ],
)
def test_time_phrases_of_round_4_bound_the_goal(text, days):
    analysis = analysed(text)
    assert analysis.criteria.time_bound.met is True, text
    assert analysis.structure.deadline is not None
    assert analysis.structure.deadline.days == days


@pytest.mark.parametrize(
    "text",
    [
        "Phone one friend a week in July 2019 terms",  # not "during"
        "Walk for 20 minutes",  # a duration, not a day
        "Talk to a friend after each session",  # every session: a frequency
    ],
)
def test_near_misses_are_not_deadlines(text):
    assert analysed(text).criteria.time_bound.met is False, text


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("The client doesn't hit his sister", False),
        ("The client did not self-harm", False),
        ("Suppress worried thoughts", False),
        ("The client doesn't walk alone but walks with a friend daily", True),
    ],
)
def test_third_person_and_past_negations_are_avoidance(text, positive):
    assert analysed(text).positive.met is positive, text
