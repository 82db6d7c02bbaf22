"""Content hashes, review due dates and version comparison (pure: no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from milepost.domain.plan_versions import compare, content_hash, review_due
from milepost.domain.plans import Diagnosis, Goal, Intervention, Objective, Plan, Target

TODAY = dt.date(2026, 3, 2)


def _plan(version: int = 1, **kwargs) -> Plan:
    target = Target(
        measure="phq9",
        instrument=True,
        target_value=9,
        comparator="<=",
        direction="decrease",
        baseline=18,
        due_date=dt.date(2026, 6, 22),
    )
    intervention = Intervention(
        id="i1", modality="Behavioural activation", type="individual", frequency="weekly"
    )
    objective = Objective(
        id="o1",
        order=1,
        statement="Increase activities from 1 to 5 a week",
        interventions=(intervention,),
    )
    goal = Goal(
        id="g1",
        order=1,
        statement="Reduce PHQ-9 from 18 to 9",
        target=target,
        objectives=(objective,),
    )
    values = {
        "id": "p1",
        "version": version,
        "status": "signed",
        "created_on": TODAY,
        "strengths": "Close to her sister",
        "diagnoses": (Diagnosis(code="F32.1", text="MDD"),),
        "goals": (goal,),
    }
    values.update(kwargs)
    return Plan(**values)  # type: ignore[arg-type]


def _next(plan: Plan, **changes) -> Plan:
    """The copy an amendment makes: new ids, each part pointing to its origin."""
    goals = tuple(
        dataclasses.replace(
            g,
            id=f"n{g.id}",
            origin=g.id,
            objectives=tuple(
                dataclasses.replace(
                    o,
                    id=f"n{o.id}",
                    origin=o.id,
                    interventions=tuple(
                        dataclasses.replace(i, id=f"n{i.id}", origin=i.id) for i in o.interventions
                    ),
                )
                for o in g.objectives
            ),
        )
        for g in plan.goals
    )
    return dataclasses.replace(plan, id="p2", version=plan.version + 1, goals=goals, **changes)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (dt.date(2026, 11, 30), 90, dt.date(2027, 2, 28)),  # across a year end and February
        (dt.date(2027, 11, 30), 90, dt.date(2028, 2, 28)),  # ... in a leap year: 28 Feb still
        (dt.date(2027, 12, 1), 90, dt.date(2028, 2, 29)),  # the leap day itself
        (dt.date(2026, 1, 31), 30, dt.date(2026, 3, 2)),  # a month end into a short month
        (dt.date(2026, 3, 31), 365, dt.date(2027, 3, 31)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 1)),
    ],
)
def test_review_due_counts_calendar_days(start, days, due):
    assert review_due(start, days) == due


def test_review_due_needs_an_interval():
    with pytest.raises(ValueError, match="at least one day"):
        review_due(TODAY, 0)


def test_the_hash_depends_on_content_not_on_ids():
    plan = _plan()
    renamed = _next(plan)
    assert content_hash(dataclasses.replace(renamed, version=1)) == content_hash(plan)
    assert len(content_hash(plan)) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"strengths": "Close to her brother"},
        {"discharge_criteria": "PHQ-9 under 10 twice"},
        {"review_interval_days": 60},
        {"diagnoses": ()},
        {"version": 2},
    ],
)
def test_any_change_of_content_changes_the_hash(change):
    plan = _plan()
    assert content_hash(dataclasses.replace(plan, **change)) != content_hash(plan)


def test_a_changed_target_or_intervention_changes_the_hash():
    plan = _plan()
    goal = plan.goals[0]
    assert goal.target is not None
    retargeted = dataclasses.replace(
        plan,
        goals=(
            dataclasses.replace(goal, target=dataclasses.replace(goal.target, target_value=10)),
        ),
    )
    assert content_hash(retargeted) != content_hash(plan)
    objective = goal.objectives[0]
    slower = dataclasses.replace(
        objective,
        interventions=(dataclasses.replace(objective.interventions[0], frequency="fortnightly"),),
    )
    changed = dataclasses.replace(plan, goals=(dataclasses.replace(goal, objectives=(slower,)),))
    assert content_hash(changed) != content_hash(plan)


def test_an_unchanged_copy_has_no_differences():
    plan = _plan()
    diff = compare(plan, _next(plan))
    assert diff.unchanged
    assert (diff.older, diff.newer) == (1, 2)


def test_a_comparison_names_what_was_added_removed_reworded_and_retargeted():
    plan = _plan()
    newer = _next(plan, strengths="Sister and running")
    goal = newer.goals[0]
    assert goal.target is not None
    objective = goal.objectives[0]
    reworded = dataclasses.replace(objective, statement="Increase activities from 1 to 6 a week")
    added = Objective(id="o9", order=2, statement="Sleep 7 hours a night by week 8")
    goal = dataclasses.replace(
        goal,
        statement="Reduce PHQ-9 from 18 to 7",
        target=dataclasses.replace(goal.target, target_value=7),
        status="active",
        objectives=(reworded, added),
    )
    second = Goal(id="g9", order=2, statement="See friends twice a month")
    newer = dataclasses.replace(
        newer, goals=(goal, second), diagnoses=(Diagnosis(code="F41.1", text="GAD"),)
    )
    diff = compare(plan, newer)
    kinds = [(c.kind, c.what) for c in diff.changes]
    assert ("changed", "Strengths") in kinds
    assert ("removed", "Diagnosis F32.1") in kinds
    assert ("added", "Diagnosis F41.1") in kinds
    assert ("reworded", "Goal 1") in kinds
    assert ("retargeted", "Goal 1") in kinds
    assert ("reworded", "Objective 1.1") in kinds
    assert ("added", "Objective 1.2") in kinds
    assert ("added", "Goal 2") in kinds
    retarget = next(c for c in diff.changes if c.kind == "retargeted")
    assert (retarget.before, retarget.after) == (
        "PHQ-9 ≤ 9 by 2026-06-22",
        "PHQ-9 ≤ 7 by 2026-06-22",
    )


def test_a_goal_not_copied_is_removed_and_a_status_change_is_shown():
    plan = _plan()
    met = _next(plan)
    met = dataclasses.replace(met, goals=(dataclasses.replace(met.goals[0], status="met"),))
    assert [(c.kind, c.before, c.after) for c in compare(plan, met).changes] == [
        ("status", "active", "met")
    ]
    emptied = dataclasses.replace(_next(plan), goals=())
    assert [c.kind for c in compare(plan, emptied).changes] == ["removed"]
