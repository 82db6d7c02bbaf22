"""NHS Talking Therapies outcomes of one case: every edge on both sides, and small cells."""

from __future__ import annotations

import dataclasses

import pytest

from milepost.domain import instruments, outcomes
from milepost.domain.errors import InvalidProgressInput, InvalidScore

PHQ9 = instruments.get("phq9")  # caseness >= 10, reliable change 6
GAD7 = instruments.get("gad7")  # caseness >= 8, reliable change 4

# (instrument, first, last, recovery, improvement, deterioration, reliable recovery)
CASES = [
    # Recovery: a case at the start (>= 10) and not at the end (< 10).
    (PHQ9, 10, 9, True, False, False, False),  # recovered by one point, not reliably
    (PHQ9, 10, 10, False, False, False, False),  # still a case at the end
    (PHQ9, 9, 3, None, True, False, None),  # not a case at the start: recovery undefined
    (PHQ9, 9, 9, None, False, False, None),
    # Reliable improvement: a fall of 6 or more.
    (PHQ9, 20, 14, False, True, False, False),  # exactly 6: improved, still a case
    (PHQ9, 20, 15, False, False, False, False),  # 5: not reliable
    # Reliable recovery: both.
    (PHQ9, 15, 9, True, True, False, True),  # 6 down and below 10
    (PHQ9, 14, 9, True, False, False, False),  # 5 down: recovery without reliability
    # Reliable deterioration: a rise of 6 or more.
    (PHQ9, 4, 10, None, False, True, None),  # exactly 6 up
    (PHQ9, 4, 9, None, False, False, None),  # 5 up
    (PHQ9, 12, 27, False, False, True, False),
    # GAD-7: caseness 8, threshold 4.
    (GAD7, 8, 7, True, False, False, False),
    (GAD7, 7, 7, None, False, False, None),
    (GAD7, 11, 7, True, True, False, True),  # exactly 4
    (GAD7, 10, 7, True, False, False, False),  # 3
    (GAD7, 3, 7, None, False, True, None),  # exactly 4 up
    (GAD7, 3, 6, None, False, False, None),
]


@pytest.mark.parametrize(("instrument", "first", "last", "rec", "imp", "det", "rrec"), CASES)
def test_case_outcome_edges(instrument, first, last, rec, imp, det, rrec):
    result = outcomes.case_outcome(instrument, first, last)
    assert result.recovery is rec
    assert result.reliable_improvement is imp
    assert result.reliable_deterioration is det
    assert result.reliable_recovery is rrec
    assert result.at_caseness_start is (first >= instrument.caseness_cutoff)
    assert result.at_caseness_end is (last >= instrument.caseness_cutoff)


def test_a_higher_is_better_scale_turns_every_direction():
    better = dataclasses.replace(PHQ9, higher_is_worse=False)  # case when <= 10
    assert outcomes.case_outcome(better, 10, 16).reliable_recovery is True
    assert outcomes.case_outcome(better, 10, 11).recovery is True
    assert outcomes.case_outcome(better, 11, 11).recovery is None
    assert outcomes.case_outcome(better, 20, 14).reliable_deterioration is True
    assert outcomes.case_outcome(better, 20, 15).reliable_deterioration is False


def test_an_instrument_without_a_cutoff_or_threshold_has_no_outcome():
    with pytest.raises(InvalidProgressInput, match="cut-off"):
        outcomes.case_outcome(dataclasses.replace(PHQ9, caseness=None), 10, 5)
    no_rc = dataclasses.replace(PHQ9, change=dataclasses.replace(PHQ9.change, reliable_change=None))
    with pytest.raises(InvalidProgressInput, match="reliable-change"):
        outcomes.case_outcome(no_rc, 10, 5)


def test_a_score_out_of_range_is_refused():
    with pytest.raises(InvalidScore, match="after: 28"):
        outcomes.case_outcome(PHQ9, 10, 28)


def test_outcome_rules_come_from_the_instrument_data():
    rules = {r.instrument: r for r in outcomes.outcome_rules(instruments.all_instruments())}
    assert rules["phq9"] == outcomes.OutcomeRule("phq9", 10, 6, True)
    assert rules["gad7"] == outcomes.OutcomeRule("gad7", 8, 4, True)
    for code, rule in rules.items():
        instrument = instruments.get(code)
        assert rule.cutoff == instrument.caseness_cutoff
        assert rule.reliable_change == instrument.reliable_change


def test_every_definition_has_wording_and_a_source():
    codes = [d.code for d in outcomes.DEFINITIONS]
    assert codes == [
        "recovery",
        "reliable_improvement",
        "reliable_recovery",
        "reliable_deterioration",
    ]
    for definition in outcomes.DEFINITIONS:
        assert "https://" in definition.source or "http://" in definition.source
        assert definition.wording
        assert definition.denominator


@pytest.mark.parametrize(
    ("count", "minimum", "hidden"), [(4, 5, True), (5, 5, False), (0, 1, True), (1, 1, False)]
)
def test_small_cells_are_suppressed_below_the_minimum(count, minimum, hidden):
    assert outcomes.suppressed(count, minimum=minimum) is hidden


def test_rate_is_none_for_a_small_or_empty_cell():
    assert outcomes.rate(2, 4) is None
    assert outcomes.rate(2, 5) == 40
    assert outcomes.rate(0, 0, minimum=1) is None
    assert outcomes.rate(3, 3, minimum=3) == 100


@pytest.mark.parametrize("bad", [0, -1, True, 2.5])
def test_a_bad_minimum_is_named(bad):
    with pytest.raises(InvalidProgressInput, match="minimum cell size"):
        outcomes.suppressed(5, minimum=bad)


def test_a_numerator_above_its_denominator_is_refused():
    with pytest.raises(InvalidProgressInput, match="count of a count"):
        outcomes.rate(6, 5)
