"""Specific, Measurable and Time-bound: each verdict and the words it quotes."""

from __future__ import annotations

import pytest

from milepost.domain import smart

# text | specific | measurable | time_bound | words the specific verdict quotes
CRITERIA = [
    # The seeds' model goals meet all three.
    (
        "Reduce depressive symptoms from moderately severe to mild (PHQ-9 from 18 to ≤9) "
        "within 16 weeks.",
        True,
        True,
        True,
        '"PHQ-9"',
    ),
    (
        "Increase pleasurable activities from 1 to 5 per week within 4 weeks.",
        True,
        True,
        True,
        '"5 per week"',
    ),
    (
        "I will feel more comfortable in group settings within three months by engaging in "
        "two social gatherings per month.",
        True,
        True,
        True,
        '"two social gatherings per month"',
    ),
    # The seeds' "too vague" examples.
    ("Improve self-esteem", False, False, False, '"Improve self-esteem"'),
    ("Reduce anxiety", False, False, False, '"Reduce anxiety"'),
    ("Function better", False, False, False, '"Function better"'),
    ("Attend work five days a week", True, True, False, '"five days a week"'),
    # A severity band is specific, though without a named scale it is not measurable.
    ("Reduce depression to the mild range", True, False, False, '"to the mild range"'),
    # A countable event is specific even with no number.
    ("Reduce panic attacks", True, False, False, '"panic attacks"'),
    # A behaviour verb in verb position; the same word as a noun is not a behaviour.
    ("Resume driving on the motorway", True, False, False, '"Resume driving on the motorway"'),
    ("Improve sleep", False, False, False, '"Improve sleep"'),
    ("Practise self-compassion", False, False, False, 'self-compassion"'),
    # Frequency words and logs are measures; a review point is a deadline.
    ("Exercise daily", True, True, False, '"Exercise daily"'),
    ("Keep a thought record by discharge", True, True, True, '"Keep a thought record"'),
    ("Feel happier within 8 weeks", False, False, True, '"Feel happier"'),
]


@pytest.mark.parametrize(("text", "specific", "measurable", "time_bound", "quote"), CRITERIA)
def test_it_judges_specific_measurable_and_time_bound(
    text, specific, measurable, time_bound, quote
):
    c = smart.analyse(text).criteria
    assert (c.specific.met, c.measurable.met, c.time_bound.met) == (
        specific,
        measurable,
        time_bound,
    )
    assert quote in c.specific.why


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Reduce PHQ-9 from 18 to 9 within 16 weeks", '"18 to 9"'),
        ("Walk for 30 minutes a day", '"30 minutes a day"'),
        ("Reduce worry by 50%", '"50%"'),
        ("Track mood in a diary", '"diary"'),
        ("Call my sister every Sunday", '"every sunday"'.replace("sunday", "Sunday")),
    ],
)
def test_measurable_quotes_the_measure(text, quote):
    c = smart.analyse(text).criteria.measurable
    assert c.met is True
    assert quote in c.why


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Walk daily within 12 weeks", '"within 12 weeks"'),
        ("Walk daily for one month", '"for one month"'),
        ("Walk daily by session 16", '"by session 16"'),
        ("Walk daily by June 30, 2026", '"by June 30, 2026"'),
    ],
)
def test_time_bound_quotes_the_deadline(text, quote):
    c = smart.analyse(text).criteria.time_bound
    assert c.met is True
    assert quote in c.why


def test_a_frequency_is_named_as_not_a_deadline():
    c = smart.analyse("Attend work five days a week").criteria.time_bound
    assert c.met is False
    assert '"five days a week" is a frequency, not a deadline' in c.why


def test_without_context_achievable_and_relevant_say_what_they_need():
    c = smart.analyse("Improve self-esteem").criteria
    assert c.achievable.met is None
    assert c.relevant.met is None
    assert c.achievable.why
    assert "formulation" in c.relevant.why
