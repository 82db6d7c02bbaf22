"""The rules on a target's values (pure: no database): every rule on both sides of its edge.

Each row starts from a sound PHQ-9 target — "≤ 9" from a baseline of 17, due in 16 weeks,
no direction chosen — and changes what the row names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from milepost.domain import instruments
from milepost.domain.targets import MAX_METRIC_VALUE, TargetCheck, check_target, implied_direction

TODAY = dt.date(2026, 6, 1)
PHQ9 = instruments.get("phq9")  # totals 0–27
METRIC = {"instrument": None, "metric_unit": "activities"}
NO_RANGE = {"instrument": None}  # the measure itself was refused
PAST = "The due date cannot be in the past."
NO_DATE = "Enter the date the target is due."
NOT_A_NUMBER = "Enter a number."
NO_VALUE = "Enter the value to reach."
BAD_COMPARATOR = "Choose how the value compares with the target (≤, <, ≥, >, =)."
BAD_DIRECTION = "Choose decrease, increase or maintain."
NO_DIRECTION = "Say whether the value should decrease, increase or stay."
NEGATIVE = "A count of activities cannot be negative."
TOO_BIG = "Enter a value up to 1,000,000."


def _phq9_range(number: str) -> str:
    return f"PHQ-9 totals run from 0 to 27; {number} is outside that range."


def _check(**changes: Any) -> TargetCheck:
    values: dict[str, Any] = {
        "target_value": 9,
        "baseline": 17,
        "comparator": "<=",
        "direction": "",
        "due_date": TODAY + dt.timedelta(weeks=16),
        "today": TODAY,
        "instrument": PHQ9,
    }
    values.update(changes)
    return check_target(**values)


# (changes, baseline kept, direction resolved)
ACCEPTED = [
    pytest.param({}, 17, "decrease", id="the-sound-target"),
    # Target value: a number, given as text or not; zero is a value.
    pytest.param({"target_value": "9"}, 17, "decrease", id="target-as-text"),
    pytest.param({"target_value": 0}, 17, "decrease", id="target-zero-is-a-value"),
    # Instrument range 0–27, both ends included.
    pytest.param({"target_value": 27}, 17, "decrease", id="target-at-the-top-of-the-range"),
    pytest.param({"baseline": 0}, 0, "decrease", id="baseline-at-the-bottom-of-the-range"),
    pytest.param({"baseline": 27}, 27, "decrease", id="baseline-at-the-top-of-the-range"),
    # A metric counts from 0 up to MAX_METRIC_VALUE, both included.
    pytest.param(
        {**METRIC, "comparator": ">=", "target_value": 0, "baseline": 0},
        0,
        "increase",
        id="metric-zero",
    ),
    pytest.param(
        {**METRIC, "comparator": ">=", "target_value": MAX_METRIC_VALUE, "baseline": 1},
        1,
        "increase",
        id="metric-at-its-upper-bound",
    ),
    # No measure to range over (it was refused on its own): any number passes here.
    pytest.param({**NO_RANGE, "target_value": 1000}, 17, "decrease", id="no-range-no-bounds"),
    # The comparator implies the direction, even when the baseline already meets the target.
    pytest.param({"comparator": "<"}, 17, "decrease", id="below-means-decrease"),
    pytest.param({"comparator": ">="}, 17, "increase", id="at-least-means-increase"),
    pytest.param({"comparator": ">"}, 17, "increase", id="above-means-increase"),
    pytest.param({"target_value": 20}, 17, "decrease", id="already-met-still-decrease"),
    # "=" is read from baseline and target; at the baseline it is maintaining.
    pytest.param({"comparator": "="}, 17, "decrease", id="equal-below-baseline"),
    pytest.param({"comparator": "=", "target_value": 20}, 17, "increase", id="equal-above"),
    pytest.param({"comparator": "=", "target_value": 17}, 17, "maintain", id="equal-at-baseline"),
    # A chosen direction that agrees with the comparator and with baseline and target.
    pytest.param({"direction": "decrease"}, 17, "decrease", id="chosen-agrees"),
    pytest.param(
        {"direction": "decrease", "target_value": 17}, 17, "decrease", id="decrease-to-baseline"
    ),
    pytest.param(
        {"comparator": ">=", "direction": "increase", "target_value": 17},
        17,
        "increase",
        id="increase-to-baseline",
    ),
    pytest.param(
        {"comparator": "=", "direction": "maintain"}, 17, "maintain", id="equal-chosen-maintain"
    ),
    pytest.param(
        {"direction": "decrease", "baseline": None}, None, "decrease", id="chosen-no-baseline"
    ),
    # No baseline given: the latest value is the baseline; a given one (zero too) wins.
    pytest.param({"baseline": "", "latest": 15.0}, 15, "decrease", id="latest-is-the-baseline"),
    pytest.param({"baseline": None, "latest": None}, None, "decrease", id="no-baseline-at-all"),
    pytest.param({"baseline": 18, "latest": 15.0}, 18, "decrease", id="given-baseline-wins"),
    pytest.param({"baseline": 0, "latest": 15.0}, 0, "decrease", id="zero-baseline-wins"),
    pytest.param(
        {"comparator": "=", "baseline": "", "latest": 9.0},
        9,
        "maintain",
        id="equal-reads-the-latest",
    ),
    # Due date: today, and up to a day back (a device clock a little fast); no upper limit.
    pytest.param({"due_date": TODAY}, 17, "decrease", id="due-today"),
    pytest.param({"due_date": TODAY - dt.timedelta(days=1)}, 17, "decrease", id="due-yesterday"),
    pytest.param(
        {"due_date": TODAY + dt.timedelta(days=3653)}, 17, "decrease", id="due-in-ten-years"
    ),
]


@pytest.mark.parametrize(("changes", "baseline", "direction"), ACCEPTED)
def test_a_sound_target_passes_with_its_baseline_and_direction(changes, baseline, direction):
    check = _check(**changes)
    assert check.errors == {}
    assert (check.baseline, check.direction) == (baseline, direction)


# (changes, every message by field)
REFUSED = [
    # Target value: required, a finite number, not a yes/no.
    pytest.param({"target_value": ""}, {"target_value": NO_VALUE}, id="target-empty"),
    pytest.param({"target_value": None}, {"target_value": NO_VALUE}, id="target-missing"),
    pytest.param({"target_value": "nine"}, {"target_value": NOT_A_NUMBER}, id="target-words"),
    pytest.param({"target_value": True}, {"target_value": NOT_A_NUMBER}, id="target-bool"),
    pytest.param({"target_value": float("nan")}, {"target_value": NOT_A_NUMBER}, id="target-nan"),
    pytest.param(
        {"target_value": float("inf")}, {"target_value": NOT_A_NUMBER}, id="target-infinite"
    ),
    pytest.param({"baseline": "x"}, {"baseline": NOT_A_NUMBER}, id="baseline-words"),
    pytest.param(
        {"baseline": "x", "latest": 15.0},
        {"baseline": NOT_A_NUMBER},
        id="a-bad-baseline-is-not-replaced-by-the-latest",
    ),
    # Instrument range 0–27: one past either end.
    pytest.param({"target_value": -1}, {"target_value": _phq9_range("-1")}, id="target-below"),
    pytest.param({"target_value": 28}, {"target_value": _phq9_range("28")}, id="target-above"),
    pytest.param({"baseline": -1}, {"baseline": _phq9_range("-1")}, id="baseline-below"),
    pytest.param({"baseline": 28}, {"baseline": _phq9_range("28")}, id="baseline-above"),
    # A metric: never negative, never above MAX_METRIC_VALUE.
    pytest.param({**METRIC, "target_value": -1}, {"target_value": NEGATIVE}, id="metric-negative"),
    pytest.param(
        {**METRIC, "comparator": ">=", "target_value": MAX_METRIC_VALUE + 1},
        {"target_value": TOO_BIG},
        id="metric-target-too-big",
    ),
    pytest.param({**METRIC, "baseline": -1}, {"baseline": NEGATIVE}, id="metric-baseline-negative"),
    pytest.param(
        {**METRIC, "baseline": MAX_METRIC_VALUE + 1},
        {"baseline": TOO_BIG},
        id="metric-baseline-too-big",
    ),
    # Comparator: one of the five; without one no direction is inferred or asked for.
    pytest.param({"comparator": "≈"}, {"comparator": BAD_COMPARATOR}, id="comparator-unknown"),
    pytest.param({"comparator": ""}, {"comparator": BAD_COMPARATOR}, id="comparator-empty"),
    pytest.param({"comparator": None}, {"comparator": BAD_COMPARATOR}, id="comparator-missing"),
    # Direction: one of the three when chosen.
    pytest.param({"direction": "sideways"}, {"direction": BAD_DIRECTION}, id="direction-unknown"),
    pytest.param(
        {"comparator": "=", "baseline": 9, "direction": "sideways"},
        {"direction": BAD_DIRECTION},
        id="direction-unknown-with-equal",
    ),
    # "=" with no baseline (none given, none on file): the direction cannot be read.
    pytest.param({"comparator": "=", "baseline": None}, {"direction": NO_DIRECTION}, id="eq-blind"),
    # A chosen direction that contradicts the comparator …
    pytest.param(
        {"comparator": "<", "direction": "maintain"},
        {
            "direction": "“<” means the value should decrease; choose Decrease or change how it "
            "compares."
        },
        id="below-but-maintain",
    ),
    pytest.param(
        {"comparator": ">=", "direction": "decrease", "baseline": 20, "target_value": 9},
        {
            "direction": "“>=” means the value should increase; choose Increase or change how it "
            "compares."
        },
        id="at-least-but-decrease",
    ),
    # … and is still held to baseline and target.
    pytest.param(
        {"direction": "increase"},
        {
            "direction": "“<=” means the value should decrease; choose Decrease or change how "
            "it compares.",
            "target_value": "To increase from a baseline of 17, the target must be higher.",
        },
        id="at-most-but-increase-and-lower",
    ),
    # A chosen direction the values go against: one step past the baseline either way.
    pytest.param(
        {"direction": "decrease", "baseline": 5},
        {"target_value": "To decrease from a baseline of 5, the target must be lower."},
        id="decrease-to-higher",
    ),
    pytest.param(
        {"comparator": "=", "direction": "increase"},
        {"target_value": "To increase from a baseline of 17, the target must be higher."},
        id="increase-to-lower",
    ),
    pytest.param(
        {"direction": "decrease", "baseline": "", "latest": 8.0},
        {"target_value": "To decrease from a baseline of 8, the target must be lower."},
        id="decrease-from-the-latest-to-higher",
    ),
    # A target out of range is refused for that, not for its direction.
    pytest.param(
        {"direction": "increase", "comparator": ">=", "target_value": 28},
        {"target_value": _phq9_range("28")},
        id="out-of-range-first",
    ),
    # Due date: a date, not a datetime or text, and not two days back.
    pytest.param({"due_date": None}, {"due_date": NO_DATE}, id="due-missing"),
    pytest.param({"due_date": "2030-01-01"}, {"due_date": NO_DATE}, id="due-as-text"),
    pytest.param(
        {"due_date": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)},
        {"due_date": NO_DATE},
        id="due-as-datetime",
    ),
    pytest.param({"due_date": TODAY - dt.timedelta(days=2)}, {"due_date": PAST}, id="due-past"),
]


@pytest.mark.parametrize(("changes", "errors"), REFUSED)
def test_a_bad_target_names_each_field_with_its_message(changes, errors):
    assert _check(**changes).errors == errors


def test_messages_come_in_the_order_the_fields_are_read():
    check = _check(
        target_value=28,
        baseline="x",
        comparator="≈",
        direction="sideways",
        due_date=None,
    )
    assert list(check.errors) == ["baseline", "comparator", "direction", "due_date", "target_value"]


@pytest.mark.parametrize(
    ("comparator", "direction"),
    [("<=", "decrease"), ("<", "decrease"), (">=", "increase"), (">", "increase"), ("=", None)],
)
def test_each_comparator_implies_its_direction(comparator, direction):
    assert implied_direction(comparator) == direction
