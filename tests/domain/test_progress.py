"""Progress statistics: golden cases from the reference, edges, direction, invalid input."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milepost.domain import instruments, progress
from milepost.domain.errors import DomainError, InvalidProgressInput, InvalidScore

from .instruments.cases import synthetic, table

CASES = table("progress.toml")
PHQ9 = instruments.get("phq9")
GAD7 = instruments.get("gad7")


# --- change() -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["change"], ids=[c["name"] for c in CASES["change"]])
def test_change(case):
    instrument = instruments.get(case["instrument"])
    result = progress.change(instrument, case["before"], case["after"])
    assert result.change == case["after"] - case["before"]
    assert result.threshold == instrument.reliable_change
    assert result.reliable_change == case["reliable_change"]
    assert result.caseness_before is case["caseness_before"]
    assert result.caseness_after is case["caseness_after"]
    assert result.recovered is case.get("recovered")
    assert result.reliable_recovery is case.get("reliable_recovery")


@pytest.mark.parametrize(
    "case", CASES["change_extra"], ids=[c["name"] for c in CASES["change_extra"]]
)
def test_change_without_a_cutoff(case):
    result = progress.change(instruments.get(case["instrument"]), case["before"], case["after"])
    assert result.reliable_change == case["reliable_change"]
    assert result.caseness_before is None
    assert result.caseness_after is None
    assert result.recovered is None
    assert result.reliable_recovery is None


def test_change_json_shape_matches_the_stable_interface():
    assert progress.change(PHQ9, 18, 9).as_dict() == {
        "instrument": "phq9",
        "before": 18,
        "after": 9,
        "change": -9,
        "reliable_change": "improved",
        "threshold": 6,
        "caseness_before": True,
        "caseness_after": False,
        "recovered": True,
        "reliable_recovery": True,
    }


def test_a_threshold_override_replaces_the_instruments_default():
    assert progress.change(PHQ9, 14, 9).reliable_change == "none"
    result = progress.change(PHQ9, 14, 9, threshold=5)
    assert (result.reliable_change, result.threshold) == ("improved", 5)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (10, 13, "improved"),  # higher is better: +3 = threshold
        (10, 12, "none"),  # +2 below threshold
        (10, 7, "deteriorated"),  # -3
        (10, 8, "none"),
    ],
)
def test_direction_follows_the_instrument_when_higher_is_better(before, after, expected):
    assert progress.change(synthetic(), before, after).reliable_change == expected


@pytest.mark.parametrize(
    ("before", "after", "case_before", "case_after", "recovered"),
    [
        (6, 7, True, False, True),  # higher is better: a case is 6 or LESS (edge 6 | 7)
        (7, 6, False, True, None),  # not a case before: recovery not defined
        (2, 6, True, True, False),
    ],
)
def test_caseness_direction_when_higher_is_better(
    before, after, case_before, case_after, recovered
):
    result = progress.change(synthetic(), before, after)
    assert (result.caseness_before, result.caseness_after) == (case_before, case_after)
    assert result.recovered is recovered


def test_instrument_without_threshold_or_cutoff_reports_none():
    result = progress.change(instruments.get("phq15"), 20, 5)
    assert result.reliable_change is None
    assert result.threshold is None
    assert result.caseness_before is None
    assert result.recovered is None
    assert result.reliable_recovery is None


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (28, 9, "before: 28 is out of range 0\u201327 for PHQ-9"),
        (18, -1, "after: -1 is out of range 0\u201327 for PHQ-9"),
        ("18", 9, "before: '18' is not a number"),
        (True, 9, "before: True is not a number"),
        (float("nan"), 9, "before: nan is not a number"),
    ],
)
def test_change_rejects_impossible_totals(before, after, message):
    with pytest.raises(InvalidScore) as info:
        progress.change(PHQ9, before, after)
    assert str(info.value) == message
    assert isinstance(info.value, DomainError)


@pytest.mark.parametrize("threshold", [0, -4])
def test_thresholds_must_be_positive(threshold):
    with pytest.raises(InvalidProgressInput, match="threshold must be positive"):
        progress.classify_change(10, 4, threshold=threshold, higher_is_worse=True)


# --- NHS Talking Therapies paired outcome ------------------------------------------------------


@pytest.mark.parametrize("case", CASES["paired"], ids=lambda c: f"phq9{c['phq9']}-gad7{c['gad7']}")
def test_paired_outcome_reference_vectors(case):
    outcome = progress.paired_outcome(
        progress.change(PHQ9, *case["phq9"]), progress.change(GAD7, *case["gad7"])
    )
    assert outcome.recovery is case.get("recovery")
    assert outcome.reliable_improvement is case["reliable_improvement"]
    assert outcome.reliable_recovery is case.get("reliable_recovery")
    assert outcome.reliable_deterioration is case["reliable_deterioration"]
    assert outcome.at_caseness_start is ("recovery" in case)


def test_paired_outcome_needs_cutoffs_and_thresholds():
    phq15 = progress.change(instruments.get("phq15"), 10, 5)
    with pytest.raises(InvalidProgressInput, match="phq15 has no caseness cut-off"):
        progress.paired_outcome(progress.change(PHQ9, 18, 9), phq15)


# --- Jacobson & Truax --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["rci"], ids=lambda c: f"s1={c['s1']}-rxx={c['rxx']}")
def test_jacobson_truax_reference_vectors(case):
    rci = progress.jacobson_truax(sd=case["s1"], reliability=case["rxx"])
    assert rci.se == pytest.approx(case["se"], abs=1e-4)
    assert rci.s_diff == pytest.approx(case["s_diff"], abs=1e-4)
    assert rci.threshold == pytest.approx(case["threshold"], abs=1e-4)


def test_rc_for_phq9_18_to_9_matches_the_reference():
    rc = progress.reliable_change_index(18, 9, sd=5.5, reliability=0.89)
    assert rc == pytest.approx(-3.4887, abs=1e-4)
    assert progress.is_reliable(rc)


@pytest.mark.parametrize(
    ("rc", "reliable"),
    [(1.96, False), (1.9601, True), (-1.96, False), (-1.9601, True), (0.0, False)],
)
def test_rc_is_reliable_strictly_beyond_1_96(rc, reliable):
    assert progress.is_reliable(rc) is reliable


@pytest.mark.parametrize(
    ("code", "threshold", "integer_threshold"),
    [("phq9", 5.06, 6), ("gad7", 3.53, 4)],  # both match the NHS TT point thresholds
)
def test_jacobson_truax_from_instrument_data_agrees_with_nhs_thresholds(
    code, threshold, integer_threshold
):
    instrument = instruments.get(code)
    rci = progress.jacobson_truax_for(instrument)
    assert rci is not None
    assert rci.threshold == pytest.approx(threshold, abs=0.005)
    assert math.floor(rci.threshold) + 1 == integer_threshold == instrument.reliable_change


def test_jacobson_truax_is_none_without_sd():
    assert progress.jacobson_truax_for(instruments.get("pcl5")) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sd": 0, "reliability": 0.9}, "sd must be positive"),
        ({"sd": 5, "reliability": 1.0}, "reliability must be between 0 and 1"),
        ({"sd": 5, "reliability": 0}, "reliability must be between 0 and 1"),
    ],
)
def test_jacobson_truax_rejects_bad_parameters(kwargs, message):
    with pytest.raises(InvalidProgressInput, match=message):
        progress.jacobson_truax(**kwargs)


def test_cutoff_c_reproduces_the_jacobson_truax_1991_example():
    cutoffs = progress.clinical_cutoffs(
        clinical_mean=40, clinical_sd=7.5, functional_mean=60, functional_sd=7.5,
        higher_is_better=True,
    )  # fmt: skip
    assert cutoffs.c == 50.0
    assert cutoffs.a == 55.0  # 40 + 2 x 7.5
    assert cutoffs.b == 45.0  # 60 - 2 x 7.5


def test_cutoffs_a_and_b_flip_when_lower_is_better():
    cutoffs = progress.clinical_cutoffs(
        clinical_mean=15.4, clinical_sd=5.5, functional_mean=3.0, functional_sd=3.0,
        higher_is_better=False,
    )  # fmt: skip
    assert cutoffs.a == pytest.approx(4.4)  # 15.4 - 11
    assert cutoffs.b == pytest.approx(9.0)  # 3 + 6
    assert cutoffs.c == pytest.approx((5.5 * 3.0 + 3.0 * 15.4) / 8.5)


def test_cutoffs_need_positive_sds():
    with pytest.raises(InvalidProgressInput):
        progress.clinical_cutoffs(
            clinical_mean=1, clinical_sd=0, functional_mean=2, functional_sd=1,
            higher_is_better=True,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (18, 9, "recovered"),  # reliable and crossed the cut-off 10
        (18, 10, "improved"),  # reliable, but 10 is still on the clinical side (edge)
        (15, 9, "recovered"),  # exactly 6 points, crossed
        (14, 9, "unchanged"),  # crossed but only 5 points: not reliable
        (9, 3, "improved"),  # started functional: only reliable change is possible
        (9, 15, "deteriorated"),
    ],
)
def test_clinically_significant_change_categories(before, after, expected):
    result = progress.clinically_significant_change(
        before, after, cutoff=10, threshold=6, higher_is_worse=True
    )
    assert result == expected


def test_clinically_significant_change_when_higher_is_better():
    assert (
        progress.clinically_significant_change(
            40, 55, cutoff=50, threshold=9.3, higher_is_worse=False
        )
        == "recovered"
    )
    assert (
        progress.clinically_significant_change(
            52, 62, cutoff=50, threshold=9.3, higher_is_worse=False
        )
        == "improved"
    )


# --- Goal Attainment Scaling -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["gas"], ids=lambda c: f"x={c['x']}-w={c['w']}")
def test_gas_t_score_reference_vectors(case):
    assert progress.gas_t_score(case["x"], case["w"]) == pytest.approx(case["t"], abs=1e-4)


def test_gas_unweighted_default_equals_weights_of_one():
    assert progress.gas_t_score([2, 1, 2]) == pytest.approx(72.82177, abs=1e-5)


def test_gas_rho_is_a_parameter():
    # rho = 0: T = 50 + 10 * sum(x) / sqrt(n)
    assert progress.gas_t_score([1, 1, 1, 1], rho=0) == pytest.approx(70.0)


@pytest.mark.parametrize(
    ("levels", "weights", "message"),
    [
        ([], None, "at least one goal"),
        ([3], None, "goal 1: GAS level 3 is not one of"),
        ([0, -3], None, "goal 2: GAS level -3"),
        ([True], None, "goal 1: GAS level True"),
        ([0, 1], [1], "2 goals but 1 weights"),
        ([0, 1], [1, 0], "goal 2: weight must be positive"),
    ],
)
def test_gas_rejects_bad_input(levels, weights, message):
    with pytest.raises(InvalidProgressInput, match=message):
        progress.gas_t_score(levels, weights)


@given(st.lists(st.sampled_from(progress.GAS_LEVELS), min_size=1, max_size=8))
def test_property_gas_is_50_plus_or_minus_by_the_sign_of_the_sum(levels):
    t = progress.gas_t_score(levels)
    assert (t > 50) == (sum(levels) > 0)
    assert (t < 50) == (sum(levels) < 0)


# --- on-track projection -------------------------------------------------------------------


def _series(start: date, step_days: int, values: list[float]) -> list[tuple[date, float]]:
    return [(start + timedelta(days=step_days * i), v) for i, v in enumerate(values)]


START = date(2026, 1, 5)


def test_projection_least_squares_line():
    # Fortnightly PHQ-9 18, 15, 13: slope -2.5 per 14 days = -1.25 per week.
    series = _series(START, 14, [18, 15, 13])
    result = progress.project(series, target=9, due=date(2026, 4, 27), comparator="<=")
    assert result.slope_per_week == pytest.approx(-1.25)
    # intercept 17.8333 at day 0; due is day 112: 17.8333 - (2.5/14)*112 = -2.1667
    assert result.projected == pytest.approx(17.8333 - 20, abs=1e-3)
    assert result.on_track is True
    assert result.achieved is False
    # 17.8333 - 0.178571 * x = 9 -> x = 49.47 -> day 50
    assert result.expected_date == START + timedelta(days=50)


def test_projection_off_track_when_too_slow():
    series = _series(START, 7, [18, 18, 17, 17])
    result = progress.project(series, target=9, due=START + timedelta(days=56), comparator="<=")
    assert result.on_track is False
    assert result.expected_date is not None
    assert result.expected_date > START + timedelta(days=56)


def test_projection_moving_away_has_no_expected_date():
    series = _series(START, 7, [12, 13, 15])
    result = progress.project(series, target=9, due=START + timedelta(days=60), comparator="<=")
    assert result.on_track is False
    assert result.expected_date is None


def test_projection_for_an_increase_target():
    series = _series(START, 7, [1, 2, 3])  # pleasurable activities per week
    result = progress.project(series, target=5, due=START + timedelta(days=28), comparator=">=")
    assert result.projected == pytest.approx(5.0)
    assert result.on_track is True
    assert result.expected_date == START + timedelta(days=28)


def test_projection_unsorted_input_is_sorted_by_date():
    series = list(reversed(_series(START, 7, [18, 15, 12])))
    result = progress.project(series, target=9, due=START + timedelta(days=21), comparator="<=")
    assert result.latest == 12
    assert result.projected == pytest.approx(9.0)
    assert result.on_track is True  # exactly on target counts for "<="


def test_projection_strict_comparator_edge():
    series = _series(START, 7, [18, 15, 12])
    result = progress.project(series, target=9, due=START + timedelta(days=21), comparator="<")
    assert result.on_track is False  # 9 is not < 9


@pytest.mark.parametrize("values", [[12], [12, 11]])
def test_projection_needs_two_distinct_dates(values):
    series = [(START, v) for v in values]
    result = progress.project(series, target=9, due=START + timedelta(days=30), comparator="<=")
    assert result.on_track is None
    assert result.slope_per_week is None
    assert result.reason == "needs values on at least two different dates"


def test_projection_needs_a_value():
    with pytest.raises(InvalidProgressInput):
        progress.project([], target=9, due=START, comparator="<=")


def test_projection_reports_an_already_met_target():
    result = progress.project(
        _series(START, 7, [12, 10, 8]), target=9, due=START + timedelta(days=60), comparator="<="
    )
    assert result.achieved is True


@pytest.mark.parametrize(
    ("values", "today_offset", "expected"),
    [
        ([12, 10, 8], 20, "achieved"),
        ([12, 11, 10], 20, "improving"),
        ([12, 13, 14], 20, "worsening"),
        ([12, 12, 12], 20, "no-change"),
        ([12, 11, 10], 61, "not-achieved"),  # the day after the due date
        ([12], 20, "in-progress"),
    ],
)
def test_achievement_status(values, today_offset, expected):
    due = START + timedelta(days=60)
    projection = progress.project(_series(START, 7, values), target=9, due=due, comparator="<=")
    status = progress.achievement_status(
        projection, comparator="<=", due=due, today=START + timedelta(days=today_offset)
    )
    assert status == expected


@given(
    st.lists(st.integers(min_value=0, max_value=27), min_size=2, max_size=10),
    st.floats(min_value=-3, max_value=3, allow_nan=False),
)
def test_property_a_perfect_line_is_projected_exactly(values, slope):
    series = [(START + timedelta(days=7 * i), 20 + slope * i) for i in range(len(values))]
    due = START + timedelta(days=7 * 20)
    result = progress.project(series, target=9, due=due, comparator="<=")
    assert result.slope_per_week == pytest.approx(slope, abs=1e-9)
    assert result.projected == pytest.approx(20 + slope * 20, abs=1e-6)


def test_projection_a_nearly_flat_line_never_meets_the_target():
    series = [(START, 12.0), (START + timedelta(days=7), 11.999)]
    result = progress.project(series, target=9, due=START + timedelta(days=60), comparator="<=")
    assert result.on_track is False
    assert result.expected_date is None  # about 57 years away: reported as never
