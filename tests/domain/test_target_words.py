"""The words of a goal or objective against its bound target (decision 0312)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from milepost.domain import smart, target_words
from milepost.domain.plans import Target
from milepost.domain.target_words import compare, rebound

START = dt.date(2026, 3, 2)


def phq9(value: float = 9, comparator: str = "<=", *, baseline: float | None = 18, days: int = 84):
    return Target(
        measure="phq9",
        instrument=True,
        target_value=value,
        comparator=comparator,
        direction="decrease",
        baseline=baseline,
        due_date=START + dt.timedelta(days=days),
    )


def metric(value: float = 5, *, baseline: float | None = 1, period: str = "week", days: int = 28):
    return Target(
        measure="Pleasurable activities",
        instrument=False,
        target_value=value,
        comparator=">=",
        direction="increase",
        baseline=baseline,
        unit="activities",
        period=period,
        due_date=START + dt.timedelta(days=days),
    )


def words(text: str) -> smart.Structure:
    return smart.analyse(text).structure


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Reduce PHQ-9 from 18 to 9 or below within 12 weeks", phq9()),
        # Instrument names compare through the instruments' names and aliases.
        ("Reduce PHQ9 from 18 to 9 or below within 12 weeks", phq9()),
        ("Reduce phq-9 from 18 to 9 or below within 12 weeks", phq9()),
        # Words without numbers or a measure do not disagree on them.
        ("Feel like myself again", phq9()),
        ("Feel less low within 12 weeks", phq9()),
        # A target bound a few days after the plan was made still agrees.
        ("Reduce PHQ-9 to 9 or below within 12 weeks", phq9(days=87)),
        # A deadline in days may count from the day the target was set.
        (
            "Reduce PHQ-9 to 9 or below within 12 weeks",
            dataclasses.replace(phq9(days=100 + 84), set_on=START + dt.timedelta(days=100)),
        ),
        # No baseline bound: nothing to compare the words' baseline with.
        ("Reduce PHQ-9 from 18 to 9 or below within 12 weeks", phq9(baseline=None)),
        ("Increase pleasurable activities from 1 to 5 per week within 4 weeks", metric()),
        # 1 a month against a metric counted per week: numbers in other periods are not
        # compared.
        (
            "Reduce panic attacks from 3 per week to 1 per month within 4 weeks",
            dataclasses.replace(metric(0.25, baseline=3), comparator="<="),
        ),
        # A weekly count against words that state no period: not compared.
        (
            "Increase meet-ups from 0 to at least 1 every two weeks within 4 weeks",
            metric(0.5, baseline=0),
        ),
        # A change ("by 50%") is not a value on the scale.
        ("Reduce PHQ-9 by 50% within 12 weeks", phq9()),
    ],
)
def test_words_that_agree_with_the_target(text: str, target: Target):
    assert compare(words(text), target, start=START) is None


def test_the_brief_example_names_both_sides():
    found = compare(words("PHQ-9 ≤ 9 by week 12"), phq9(10, days=90), start=START)
    assert found is not None
    assert found.fields == ("target",)
    assert found.message == (
        "The words say PHQ-9 ≤ 9 by week 12; "
        "the bound target is PHQ-9 ≤ 10 (from 18) by 2026-05-31."
    )


@pytest.mark.parametrize(
    ("text", "target", "fields"),
    [
        ("Reduce GAD-7 from 18 to 9 or below within 12 weeks", phq9(), ("measure",)),
        (
            "Reduce PHQ-9 from 18 to 9 or below within 12 weeks",
            metric(),
            ("measure", "comparator", "due date"),
        ),
        ("Reduce PHQ-9 from 20 to 9 or below within 12 weeks", phq9(), ("baseline",)),
        ("Reduce PHQ-9 from 18 to 7 or below within 12 weeks", phq9(), ("target",)),
        ("Increase PHQ-9 from 18 to 9 or above within 12 weeks", phq9(), ("comparator",)),
        ("Reduce PHQ-9 from 18 to 9 or below within 20 weeks", phq9(), ("due date",)),
        ("Reduce PHQ-9 to 9 or below by 2026-09-01", phq9(), ("due date",)),
        (
            "Increase pleasurable activities from 2 to 6 per week within 4 weeks",
            metric(),
            ("baseline", "target"),
        ),
    ],
)
def test_words_that_disagree_say_where(text: str, target: Target, fields: tuple[str, ...]):
    found = compare(words(text), target, start=START)
    assert found is not None
    assert found.fields == fields
    assert found.message.startswith("The words say ")
    assert found.message.endswith(".")


def test_rebound_takes_from_the_words_only_what_disagrees():
    new = rebound(words("PHQ-9 ≤ 7 by week 16"), phq9(), start=START)
    assert (new.measure, new.baseline, new.target_value, new.comparator) == ("phq9", 18, 7, "<=")
    assert new.due_date == START + dt.timedelta(days=112)
    assert compare(words("PHQ-9 ≤ 7 by week 16"), new, start=START) is None


def test_rebound_to_another_instrument_drops_the_old_numbers():
    new = rebound(words("Reduce GAD-7 to 7 or below within 12 weeks"), phq9(), start=START)
    assert (new.measure, new.instrument, new.baseline, new.target_value) == ("gad7", True, None, 7)


def test_rebound_keeps_an_agreeing_target_as_it_is():
    target = phq9()
    assert rebound(words("Feel like myself again"), target, start=START) is target


@pytest.mark.parametrize(
    ("code", "sign"),
    [("<=", "≤"), (">=", "≥"), ("<", "<"), (">", ">"), ("=", "="), (None, ""), ("~", "~")],
)
def test_a_comparator_reads_as_its_sign(code, sign):
    assert target_words.comparator_sign(code) == sign
