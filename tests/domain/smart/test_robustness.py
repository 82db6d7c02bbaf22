"""Any text returns an answer: Hypothesis fuzzing and inputs built to make regexes backtrack."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milepost.domain import smart

GOAL_WORDS = st.sampled_from(
    [
        "reduce",
        "increase",
        "from",
        "to",
        "within",
        "by",
        "for",
        "week",
        "weeks",
        "month",
        "PHQ-9",
        "GAD7",
        "pcl",
        "5",
        "at",
        "least",
        "no",
        "more",
        "than",
        "fewer",
        "below",
        "or",
        "less",
        "stop",
        "avoid",
        "not",
        "never",
        "free",
        "of",
        "3",
        "18",
        "≤9",
        ">=",
        "/",
        "per",
        "a",
        "day",
        "daily",
        "twice",
        "five",
        "twenty-one",
        "hundred",
        "and",
        "%",
        "minutes",
        "hours",
        ",",
        ".",
        "(",
        ")",
        "-",
        "\u2013",
        "~",
        "0-10",
        "scale",
        "log",
        "June",
        "30",
        "2026",
        "session",
        "discharge",
        "end",
        "of",
        "the",
        "next",
    ]
)


def answers(text: str) -> None:
    analysis = smart.analyse(text)
    json.dumps(smart.as_dict(analysis))  # always serialisable
    assert analysis.rewrite


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=2_000))
def test_any_unicode_text_returns_an_answer(text):
    answers(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(GOAL_WORDS, max_size=60).map(" ".join))
def test_any_jumble_of_goal_words_returns_an_answer(text):
    answers(text)


def _repeat_to(chunk: str, size: int) -> str:
    """`chunk` repeated to about `size` bytes of UTF-8, never more than 100 KB."""
    text = chunk * (size // max(1, len(chunk.encode())) + 1)
    return text.encode()[: min(size, 100_000)].decode(errors="ignore")


LARGE_TEXT = st.builds(
    _repeat_to,
    st.one_of(st.text(min_size=1, max_size=400), st.lists(GOAL_WORDS, min_size=1).map(" ".join)),
    st.integers(min_value=10_000, max_value=100_000),
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(LARGE_TEXT)
def test_texts_up_to_100_kb_return_an_answer(text):
    assert len(text.encode()) <= 100_000
    answers(text)


# Inputs shaped to make a backtracking pattern blow up: long runs of what the grammars
# repeat (spaces, number words, hyphens, digits, partial phrases).
ADVERSARIAL = [
    " " * 100_000,
    "one " * 25_000,
    "twenty-" * 14_000,
    "1" * 100_000,
    "1,000" * 20_000,
    "from 1 to " * 10_000,
    "within the next " * 6_000,
    "by the end of " * 7_000,
    "a " * 50_000,
    "PHQ-" * 25_000,
    "not " * 25_000,
    "-" * 100_000,
    "x/" * 50_000,
    "at least " * 11_000,
    "(((" * 33_000,
    "\ue000" * 50_000,
    "İ" * 50_000,
    "within two weeks " * 6_000,
    "by week 8 " * 10_000,
    "Stop, " * 16_000,
    "from 3/week to ≤1/month " * 4_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_no_pattern_backtracks_catastrophically(text):
    start = time.perf_counter()
    answers(text)
    assert time.perf_counter() - start < 10.0


@pytest.mark.parametrize(
    "text",
    [
        "Reduce PHQ-9 from 18 to 9 within " + "9" * 400 + " weeks",  # not a finite float
        "Reduce PHQ-9 from 17 to 9 within 9999999 weeks",  # past any calendar
        "Walk daily within 101 years",  # beyond a century
    ],
)
def test_a_deadline_too_far_to_count_in_days_has_no_day_count(text):
    analysis = smart.analyse(text)
    assert analysis.structure.deadline is not None
    assert analysis.structure.deadline.days is None
    assert analysis.criteria.achievable.met is None
