"""Which practice metric an objective's words name (decision 0815)."""

from __future__ import annotations

import pytest

from milepost.domain.metric_names import metric_named

METRICS = [
    ("activities", "Pleasurable activities"),
    ("bed", "Hours in bed during the day"),
    ("records", "Thought records completed"),
    ("panic", "Panic attacks"),
    ("runs", "Runs"),
]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Do 5 pleasurable activities a week by week 8", "activities"),
        ("Spend 1 hour or less in bed during the day within 6 weeks", "bed"),
        ("Complete 3 thought records a week by week 8", "records"),
        ("Fewer panic attacks: from 4 to 1 a week within 8 weeks", "panic"),
        ("Reduce PHQ-9 from 17 to 9 within 16 weeks", None),
        ("Do more activities", None),  # "pleasurable" is not stated
    ],
)
def test_a_metric_is_named_when_every_word_of_its_name_is_there(text, named):
    assert metric_named(text, METRICS) == named


def test_two_metrics_named_as_strongly_name_none():
    metrics = [("a", "Panic attacks"), ("b", "Attacks of panic")]
    assert metric_named("Fewer panic attacks a week", metrics) is None


def test_the_metric_naming_more_words_wins():
    metrics = [("short", "Runs"), ("long", "Morning runs")]
    assert metric_named("Go on 3 morning runs a week", metrics) == "long"
