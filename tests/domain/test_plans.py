"""The plan as plain dataclasses: ICD-10-CM format, derived views, immutability."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from milepost.domain.errors import DomainError
from milepost.domain.plans import (
    Diagnosis,
    Formulation,
    FormulationFactor,
    Goal,
    InvalidDiagnosisCode,
    Objective,
    Plan,
    Target,
    normalise_icd10cm,
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("F32.1", "F32.1"),
        ("f32.1", "F32.1"),
        (" F321 ", "F32.1"),  # the dot is added after the third character
        ("F41.0", "F41.0"),
        ("F43.10", "F43.10"),
        ("T74.11XA", "T74.11XA"),  # placeholder X and a 7th character
        ("Z63.0", "Z63.0"),
        ("F33", "F33"),  # a category on its own is well formed
        ("U07.1", "U07.1"),
    ],
)
def test_well_formed_codes_are_normalised(typed, code):
    assert normalise_icd10cm(typed) == code


@pytest.mark.parametrize(
    "typed",
    ["", "F3", "32.1", "FF2.1", "F32.12345", "F32.", "F32-1", "depression", "F32.1\x00"],
)
def test_malformed_codes_are_refused_with_an_example(typed):
    with pytest.raises(InvalidDiagnosisCode) as caught:
        normalise_icd10cm(typed)
    assert "ICD-10-CM" in str(caught.value)
    assert isinstance(caught.value, DomainError)


def _target(value: float) -> Target:
    return Target(
        measure="phq9",
        instrument=True,
        target_value=value,
        comparator="<=",
        direction="decrease",
        baseline=18,
        unit="points",
    )


def _plan() -> Plan:
    maintaining = FormulationFactor(id="f1", kind="perpetuating", text="Withdrawal from friends")
    protective = FormulationFactor(id="f2", kind="protective", text="Supportive sister")
    objective = Objective(id="o1", order=1, statement="Do 5 activities a week", target=_target(5))
    return Plan(
        id="p1",
        version=1,
        status="draft",
        created_on=dt.date(2026, 1, 31),
        diagnoses=(Diagnosis(code="F32.1", text="Major depressive disorder, single episode"),),
        goals=(
            Goal(
                id="g1",
                order=1,
                statement="Reduce PHQ-9 to 9 or below",
                factors=(maintaining,),
                target=_target(9),
                objectives=(objective,),
            ),
            Goal(id="g2", order=2, statement="Sleep better", status="met"),
        ),
        formulation=Formulation(factors=(maintaining, protective)),
    )


def test_only_active_goals_count_as_active():
    assert [g.id for g in _plan().active_goals] == ["g1"]


def test_targets_of_goals_and_objectives_are_collected_in_order():
    assert [t.target_value for t in _plan().targets] == [9, 5]


def test_the_first_review_is_due_one_interval_after_the_plan_was_made():
    # 90 days from 31 January 2026 crosses February: 1 May.
    assert _plan().review_due == dt.date(2026, 5, 1)


def test_a_formulation_lists_its_factors_by_kind():
    formulation = _plan().formulation
    assert formulation is not None
    assert [f.text for f in formulation.factors_of("protective")] == ["Supportive sister"]
    assert formulation.factors_of("perpetuating")[0].is_maintaining


def test_a_plan_is_immutable():
    plan = _plan()
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.status = "signed"  # type: ignore[misc]
