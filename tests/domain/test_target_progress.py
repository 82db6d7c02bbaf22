"""Progress toward a target from its dated values (pure: no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from milepost.domain import instruments
from milepost.domain.plans import Target
from milepost.domain.target_progress import progress_in_words, target_progress, target_words

TODAY = dt.date(2026, 6, 1)
PHQ9 = instruments.get("phq9")


def _phq9(**kwargs) -> Target:
    values = {
        "measure": "phq9",
        "instrument": True,
        "target_value": 9,
        "comparator": "<=",
        "direction": "decrease",
        "baseline": 18,
        "due_date": TODAY + dt.timedelta(weeks=8),
    }
    values.update(kwargs)
    return Target(**values)  # type: ignore[arg-type]


def _activities(**kwargs) -> Target:
    values = {
        "measure": "Pleasurable activities",
        "instrument": False,
        "target_value": 5,
        "comparator": ">=",
        "direction": "increase",
        "baseline": 1,
        "unit": "activities",
        "period": "week",
        "due_date": TODAY + dt.timedelta(weeks=4),
    }
    values.update(kwargs)
    return Target(**values)  # type: ignore[arg-type]


def _weekly(*values: float) -> list[tuple[dt.date, float]]:
    start = TODAY - dt.timedelta(weeks=len(values) - 1)
    return [(start + dt.timedelta(weeks=i), v) for i, v in enumerate(values)]


def test_no_values_says_so():
    progress = target_progress(_phq9(), [], today=TODAY, instrument=PHQ9)
    assert (progress.status, progress.percent, progress.latest) == ("no-data", None, None)
    assert progress_in_words(progress, _phq9()).startswith("No values yet")


@pytest.mark.parametrize(
    ("values", "percent", "met", "status"),
    [
        ((18, 16, 14), 44, False, "improving"),  # 4 of the 9 points to go
        ((18, 13, 10), 89, False, "improving"),
        ((18, 12, 9), 100, True, "achieved"),  # 9 meets "≤ 9": the edge counts
        ((18, 19, 21), 0, False, "worsening"),  # further away shows as 0%, not negative
        ((18, 18, 18), 0, False, "no-change"),
    ],
)
def test_a_questionnaire_target(values, percent, met, status):
    progress = target_progress(_phq9(), _weekly(*values), today=TODAY, instrument=PHQ9)
    assert (progress.percent, progress.met, progress.status) == (percent, met, status)
    assert progress.change == values[-1] - 18


def test_reliable_change_is_said_for_a_questionnaire():
    progress = target_progress(_phq9(), _weekly(18, 14, 11), today=TODAY, instrument=PHQ9)
    words = progress_in_words(progress, _phq9())
    assert "Latest 11" in words
    assert "7 points down from a baseline of 18" in words
    assert "Reliable improvement" in words


def test_a_metric_target_counts_up():
    progress = target_progress(_activities(), _weekly(1, 2, 3), today=TODAY)
    assert (progress.percent, progress.status) == (50, "improving")
    assert "2 activities up from a baseline of 1" in progress_in_words(progress, _activities())


def test_a_target_past_its_due_date_and_unmet_is_not_achieved():
    target = _activities(due_date=TODAY - dt.timedelta(days=1))
    progress = target_progress(target, _weekly(1, 2), today=TODAY)
    assert progress.status == "not-achieved"


def test_an_exact_target_is_achieved_only_when_hit():
    target = _activities(comparator="=", target_value=3)
    assert target_progress(target, _weekly(1, 4), today=TODAY).status != "achieved"
    assert target_progress(target, _weekly(1, 3), today=TODAY).status == "achieved"


@pytest.mark.parametrize(
    ("target", "values", "percent"),
    [
        # Baseline 5 already meets "≤ 9": getting worse to 12 is no share of the way.
        (_phq9(baseline=5), (5, 8, 12), None),
        (_activities(baseline=8), (8, 4, 2), None),
        # A strict "< 10" at exactly 10 is not met: never shown as 100%.
        (_phq9(comparator="<", target_value=10), (18, 14, 10), 99),
    ],
)
def test_the_share_of_the_way_follows_the_comparator(target, values, percent):
    progress = target_progress(target, _weekly(*values), today=TODAY)
    assert progress.met is False
    assert progress.percent == percent


def test_without_a_baseline_there_is_no_share_of_the_way():
    progress = target_progress(_activities(baseline=None), _weekly(2, 3), today=TODAY)
    assert (progress.fraction, progress.percent) == (None, None)


def test_target_words():
    assert target_words(_phq9(), short_name="PHQ-9") == "PHQ-9 ≤ 9 by 27 Jul 2026"
    assert (
        target_words(_activities())
        == "Pleasurable activities ≥ 5 activities per week by 29 Jun 2026"
    )


def test_target_words_read_a_unit_of_one_in_the_singular():
    one_hour = Target(
        measure="Hours in bed during the day",
        instrument=False,
        target_value=1,
        comparator="<=",
        direction="decrease",
        unit="hours",
        period="day",
    )
    assert target_words(one_hour) == "Hours in bed during the day ≤ 1 hour per day"
    two = dataclasses.replace(one_hour, target_value=2)
    assert target_words(two) == "Hours in bed during the day ≤ 2 hours per day"
