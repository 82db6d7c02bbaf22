"""Plan checks: a complete plan passes, and each check fails on exactly the one thing it checks.

The complete plan is the seed's depression plan ("Reduce PHQ-9 from 18 to 9 or below within 16
weeks", with its objectives and interventions) plus an anxiety goal, so it has the 2 active goals
plans work best with. Every failing row breaks one thing and expects exactly one finding.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from milepost.domain import plan_checks, smart
from milepost.domain.plan_checks import CHECKS, PlanFinding, check_plan, findings_for
from milepost.domain.plans import (
    Diagnosis,
    Formulation,
    FormulationFactor,
    Goal,
    Intervention,
    Objective,
    Plan,
    Target,
)
from milepost.domain.smart.model import SEVERITIES

PLAN_DAY = dt.date(2026, 1, 5)
TODAY = PLAN_DAY + dt.timedelta(days=7)  # the plan was made a week ago
YEAR_LATER = dt.date(2027, 1, 5)

WITHDRAWAL = FormulationFactor(id="f1", kind="perpetuating", text="Withdrawal and inactivity")
AVOIDANCE = FormulationFactor(id="f2", kind="perpetuating", text="Avoids crowded shops")
SISTER = FormulationFactor(id="f3", kind="protective", text="Supportive sister")
LOSS = FormulationFactor(id="f4", kind="predisposing", text="Early loss of a parent")

# A fake goal library: the text of an unchanged item → its id.
LIBRARY = {
    "Client will reduce depressive symptoms.": "lib-dep-1",
    "Client will learn three coping skills.": "lib-cope-2",
}


def scripted(text: str) -> str | None:
    return LIBRARY.get(text)


# --- the builder -------------------------------------------------------------------------------


def target(
    measure: str,
    value: float,
    comparator: str,
    *,
    baseline: float,
    days: int,
    day: dt.date = PLAN_DAY,
    unit: str = "points",
    period: str = "",
) -> Target:
    """A confirmed target due `days` after the plan day; an instrument when `measure` is a code."""
    return Target(
        measure=measure,
        instrument=measure in ("phq9", "gad7", "pcl5"),
        target_value=value,
        comparator=comparator,
        direction="decrease" if comparator.startswith("<") else "increase",
        baseline=baseline,
        unit=unit,
        period=period,
        due_date=day + dt.timedelta(days=days),
        confirmed=True,
    )


def intervention(id: str, modality: str) -> Intervention:
    return Intervention(
        id=id,
        modality=modality,
        type="individual",
        frequency="weekly",
        session_minutes=50,
        responsible="Alice Moreno, LCSW",
    )


def depression_goal(day: dt.date = PLAN_DAY) -> Goal:
    """The seed's model depression goal with three of its objectives."""
    return Goal(
        id="g1",
        order=1,
        statement="Reduce PHQ-9 from 18 to 9 or below within 16 weeks",
        client_words="I want to enjoy things again and stop hiding at home.",
        factors=(WITHDRAWAL,),
        target=target("phq9", 9, "<=", baseline=18, days=112, day=day),
        objectives=(
            Objective(
                id="o1.1",
                order=1,
                statement="Increase pleasurable activities from 1 to 5 per week within 4 weeks",
                target=target(
                    "pleasurable activities",
                    5,
                    ">=",
                    baseline=1,
                    days=28,
                    day=day,
                    unit="activities",
                    period="week",
                ),
                interventions=(
                    intervention("i1.1.1", "Behavioural activation"),
                    intervention("i1.1.2", "Activity scheduling"),
                ),
            ),
            Objective(
                id="o1.2",
                order=2,
                statement="Reduce time in bed during the day from 4 hours to 1 hour or less "
                "within 6 weeks",
                target=target(
                    "daytime hours in bed",
                    1,
                    "<=",
                    baseline=4,
                    days=42,
                    day=day,
                    unit="hours",
                    period="day",
                ),
                interventions=(intervention("i1.2.1", "Sleep hygiene"),),
            ),
            Objective(
                id="o1.3",
                order=3,
                statement="Restructure at least 3 automatic thoughts per week using a thought "
                "record by week 8",
                target=target(
                    "thought records",
                    3,
                    ">=",
                    baseline=0,
                    days=56,
                    day=day,
                    unit="records",
                    period="week",
                ),
                interventions=(intervention("i1.3.1", "Cognitive restructuring"),),
            ),
        ),
    )


def anxiety_goal(order: int, day: dt.date = PLAN_DAY) -> Goal:
    """The seed's anxiety example as a goal; `order` makes its ids (g2, o2.1, i2.1.1…)."""
    return Goal(
        id=f"g{order}",
        order=order,
        statement=f"Lower GAD-7 from 15 to 7 or below within 12 weeks (goal {order})",
        client_words="I want to do the shopping on my own.",
        factors=(AVOIDANCE, SISTER),  # a protective factor beside a maintaining one is fine
        target=target("gad7", 7, "<=", baseline=15, days=84, day=day),
        objectives=(
            Objective(
                id=f"o{order}.1",
                order=1,
                statement="Complete an exposure hierarchy of 10 items and reach the top item "
                "by week 10",
                target=target(
                    "hierarchy items", 10, ">=", baseline=0, days=70, day=day, unit="items"
                ),
                interventions=(intervention(f"i{order}.1.1", "Graded exposure"),),
            ),
        ),
    )


def complete_plan(goals: int = 2, day: dt.date = PLAN_DAY) -> Plan:
    return Plan(
        id="p1",
        version=1,
        status="draft",
        created_on=day,
        review_interval_days=90,
        strengths="Close to her sister; kept working part-time; likes walking.",
        discharge_criteria="PHQ-9 below 10 and GAD-7 below 8 at two reviews in a row; "
        "shopping alone weekly.",
        diagnoses=(Diagnosis(code="F32.1", text="Major depressive disorder, single episode"),),
        goals=(depression_goal(day), *(anxiety_goal(n, day) for n in range(2, goals + 1))),
        formulation=Formulation(
            presenting_problems="Low mood and panic in shops since a redundancy.",
            factors=(LOSS, WITHDRAWAL, AVOIDANCE, SISTER),
        ),
    )


# Helpers that change one element of a plan, by its number in the plan.


def with_goal(plan: Plan, g: int, **changes: Any) -> Plan:
    goals = list(plan.goals)
    goals[g - 1] = dataclasses.replace(goals[g - 1], **changes)
    return dataclasses.replace(plan, goals=tuple(goals))


def with_objective(plan: Plan, g: int, o: int, **changes: Any) -> Plan:
    objectives = list(plan.goals[g - 1].objectives)
    objectives[o - 1] = dataclasses.replace(objectives[o - 1], **changes)
    return with_goal(plan, g, objectives=tuple(objectives))


def with_intervention(plan: Plan, g: int, o: int, i: int, **changes: Any) -> Plan:
    interventions = list(plan.goals[g - 1].objectives[o - 1].interventions)
    interventions[i - 1] = dataclasses.replace(interventions[i - 1], **changes)
    return with_objective(plan, g, o, interventions=tuple(interventions))


def with_goal_target(plan: Plan, g: int, **changes: Any) -> Plan:
    old = plan.goals[g - 1].target
    assert old is not None
    return with_goal(plan, g, target=dataclasses.replace(old, **changes))


def with_objective_target(plan: Plan, g: int, o: int, **changes: Any) -> Plan:
    old = plan.goals[g - 1].objectives[o - 1].target
    assert old is not None
    return with_objective(plan, g, o, target=dataclasses.replace(old, **changes))


def without_instruments(plan: Plan) -> Plan:
    """Every goal's target becomes a custom metric (the objectives' already are)."""
    for g in range(1, len(plan.goals) + 1):
        plan = with_goal_target(plan, g, measure="mood rating", instrument=False)
    return plan


def notable(findings: tuple[PlanFinding, ...]) -> list[tuple[str, str]]:
    """(code, where) of every finding except the review date, which every plan has."""
    return [(f.code, f.where) for f in findings if f.code != "review-date"]


# --- the complete plan --------------------------------------------------------------------------


def test_the_complete_plan_has_no_errors_or_warnings():
    findings = check_plan(complete_plan(), today=TODAY, scripted=scripted)
    assert [f for f in findings if f.severity in ("error", "warning")] == []


def test_the_complete_plan_only_hears_when_it_is_due_for_review():
    # 90 days from 5 January 2026: 5 April.
    (review,) = check_plan(complete_plan(), today=TODAY, scripted=scripted)
    assert (review.code, review.severity, review.where) == ("review-date", "info", "p1")
    assert review.message == (
        "The plan is due for review on 2026-04-05, 90 days after it was made on 2026-01-05."
    )


# --- each check fails on its one thing ----------------------------------------------------------

Breaker = Callable[[Plan], Plan]

# id | breaks one thing | today | expected code | expected where
FAILING: list[tuple[str, Breaker, dt.date, str, str]] = [
    # The plan as a whole.
    ("no diagnosis", lambda p: dataclasses.replace(p, diagnoses=()), TODAY, "no-diagnosis", "p1"),
    (
        "a code not in ICD-10-CM",
        lambda p: dataclasses.replace(p, diagnoses=(Diagnosis("F32.19", "Made-up code"),)),
        TODAY,
        "diagnosis-unknown-code",
        "p1",
    ),
    (
        "a category code, not billable",
        lambda p: dataclasses.replace(p, diagnoses=(Diagnosis("F32", "Depressive episode"),)),
        TODAY,
        "diagnosis-not-billable",
        "p1",
    ),
    ("no goals at all", lambda p: dataclasses.replace(p, goals=()), TODAY, "no-goals", "p1"),
    (
        "every goal met or discontinued",
        lambda p: with_goal(with_goal(p, 1, status="met"), 2, status="discontinued"),
        TODAY,
        "no-goals",
        "p1",
    ),
    # 1 active goal is one too few; 2 pass (the complete plan).
    ("1 active goal", lambda p: complete_plan(goals=1), TODAY, "too-few-goals", "p1"),
    (
        "a met goal does not count",
        lambda p: with_goal(p, 2, status="met"),
        TODAY,
        "too-few-goals",
        "p1",
    ),
    # 5 active goals are one too many; 4 pass (PASSING below).
    ("5 active goals", lambda p: complete_plan(goals=5), TODAY, "too-many-goals", "p1"),
    (
        "no formulation",
        lambda p: dataclasses.replace(p, formulation=None),
        TODAY,
        "no-formulation",
        "p1",
    ),
    (
        "a formulation without maintaining factors",
        lambda p: dataclasses.replace(p, formulation=Formulation(factors=(LOSS, SISTER))),
        TODAY,
        "no-maintaining-factors",
        "p1",
    ),
    (
        "strengths left blank",
        lambda p: dataclasses.replace(p, strengths="  \n"),
        TODAY,
        "no-strengths",
        "p1",
    ),
    (
        "no discharge criteria",
        lambda p: dataclasses.replace(p, discharge_criteria=""),
        TODAY,
        "no-discharge-criteria",
        "p1",
    ),
    ("no instrument anywhere", without_instruments, TODAY, "no-standardised-measure", "p1"),
    # 365 days pass (PASSING); 366 is over a year.
    (
        "review interval 366 days",
        lambda p: dataclasses.replace(p, review_interval_days=366),
        TODAY,
        "review-interval-over-a-year",
        "p1",
    ),
    # A 7-day interval is due on TODAY (passes, PASSING); a 6-day one was due yesterday.
    (
        "review was due yesterday",
        lambda p: dataclasses.replace(p, review_interval_days=6),
        TODAY,
        "review-overdue",
        "p1",
    ),
    # Each active goal.
    (
        "goal wording straight from the library",
        lambda p: with_goal(p, 2, statement="Client will reduce depressive symptoms."),
        TODAY,
        "scripted-goal",
        "g2",
    ),
    (
        "goal without the client's words",
        lambda p: with_goal(p, 1, client_words=" "),
        TODAY,
        "goal-no-client-words",
        "g1",
    ),
    (
        "goal linked to no factor",
        lambda p: with_goal(p, 1, factors=()),
        TODAY,
        "goal-no-formulation-link",
        "g1",
    ),
    (
        "goal linked only to a strength",
        lambda p: with_goal(p, 2, factors=(SISTER,)),
        TODAY,
        "goal-no-maintaining-factor",
        "g2",
    ),
    (
        "goal without a target",
        lambda p: with_goal(p, 1, target=None),
        TODAY,
        "goal-no-target",
        "g1",
    ),
    (
        "goal target naming no measure",
        lambda p: with_goal_target(p, 2, measure=""),
        TODAY,
        "goal-no-target",
        "g2",
    ),
    (
        "goal target without a due date",
        lambda p: with_goal_target(p, 1, due_date=None),
        TODAY,
        "goal-target-no-due-date",
        "g1",
    ),
    # Due today passes (PASSING); due yesterday is overdue.
    (
        "goal target due yesterday",
        lambda p: with_goal_target(p, 1, due_date=TODAY - dt.timedelta(days=1)),
        TODAY,
        "target-overdue",
        "g1",
    ),
    # Due one year after the plan day passes (PASSING); a day later is beyond a year.
    (
        "goal target due a year and a day after the plan",
        lambda p: with_goal_target(p, 1, due_date=YEAR_LATER + dt.timedelta(days=1)),
        TODAY,
        "target-beyond-a-year",
        "g1",
    ),
    (
        "goal target not confirmed",
        lambda p: with_goal_target(p, 2, confirmed=False),
        TODAY,
        "target-unconfirmed",
        "g2",
    ),
    (
        "goal without objectives",
        lambda p: with_goal(p, 2, objectives=()),
        TODAY,
        "goal-no-objectives",
        "g2",
    ),
    # Each objective of an active goal.
    (
        "objective wording straight from the library",
        lambda p: with_objective(p, 1, 2, statement="Client will learn three coping skills."),
        TODAY,
        "scripted-objective",
        "o1.2",
    ),
    (
        "objective without a target",
        lambda p: with_objective(p, 1, 3, target=None),
        TODAY,
        "objective-no-target",
        "o1.3",
    ),
    (
        "objective target naming no measure",
        lambda p: with_objective_target(p, 2, 1, measure=" "),
        TODAY,
        "objective-no-target",
        "o2.1",
    ),
    (
        "objective target without a due date",
        lambda p: with_objective_target(p, 1, 1, due_date=None),
        TODAY,
        "objective-target-no-due-date",
        "o1.1",
    ),
    (
        "objective target due yesterday",
        lambda p: with_objective_target(p, 1, 2, due_date=TODAY - dt.timedelta(days=1)),
        TODAY,
        "target-overdue",
        "o1.2",
    ),
    (
        "objective target due a year and a day after the plan",
        lambda p: with_objective_target(p, 2, 1, due_date=YEAR_LATER + dt.timedelta(days=1)),
        TODAY,
        "target-beyond-a-year",
        "o2.1",
    ),
    (
        "objective target not confirmed",
        lambda p: with_objective_target(p, 1, 3, confirmed=False),
        TODAY,
        "target-unconfirmed",
        "o1.3",
    ),
    (
        "objective without interventions",
        lambda p: with_objective(p, 1, 2, interventions=()),
        TODAY,
        "objective-no-interventions",
        "o1.2",
    ),
    # Each intervention.
    (
        "intervention naming no modality",
        lambda p: with_intervention(p, 1, 1, 2, modality=""),
        TODAY,
        "intervention-no-modality",
        "i1.1.2",
    ),
    (
        "intervention of no known type",
        lambda p: with_intervention(p, 2, 1, 1, type=""),
        TODAY,
        "intervention-no-type",
        "i2.1.1",
    ),
    (
        "intervention without a frequency",
        lambda p: with_intervention(p, 1, 3, 1, frequency=" "),
        TODAY,
        "intervention-no-frequency",
        "i1.3.1",
    ),
    (
        "intervention without a session length",
        lambda p: with_intervention(p, 1, 2, 1, session_minutes=None),
        TODAY,
        "intervention-no-session-length",
        "i1.2.1",
    ),
    (
        "intervention with no responsible clinician",
        lambda p: with_intervention(p, 1, 1, 1, responsible=""),
        TODAY,
        "intervention-no-responsible",
        "i1.1.1",
    ),
]


@pytest.mark.parametrize(
    ("breaker", "today", "code", "where"),
    [pytest.param(*row[1:], id=row[0]) for row in FAILING],
)
def test_each_check_fails_on_exactly_its_one_thing(
    breaker: Breaker, today: dt.date, code: str, where: str
):
    findings = check_plan(breaker(complete_plan()), today=today, scripted=scripted)
    assert notable(findings) == [(code, where)]
    (finding,) = (f for f in findings if f.code == code)
    check = next(c for c in CHECKS if c.code == code)
    assert (finding.severity, finding.reference) == (check.severity, check.reference)
    assert finding.message.endswith(".")
    assert finding.fix.endswith(".")


# id | changes something a check looks at, staying on the passing side | today
PASSING: list[tuple[str, Breaker, dt.date]] = [
    ("2 active goals", lambda p: p, TODAY),
    ("4 active goals", lambda p: complete_plan(goals=4), TODAY),
    (
        "2 active goals beside an empty met one",
        lambda p: dataclasses.replace(
            p, goals=(*p.goals, Goal(id="g9", order=3, statement="Sleep better", status="met"))
        ),
        TODAY,
    ),
    ("review interval 365 days", lambda p: dataclasses.replace(p, review_interval_days=365), TODAY),
    ("review due today", lambda p: dataclasses.replace(p, review_interval_days=7), TODAY),
    ("goal target due today", lambda p: with_goal_target(p, 1, due_date=TODAY), TODAY),
    ("objective target due today", lambda p: with_objective_target(p, 1, 2, due_date=TODAY), TODAY),
    (
        "goal target due exactly a year after the plan",
        lambda p: with_goal_target(p, 1, due_date=YEAR_LATER),
        TODAY,
    ),
    (
        "objective target due exactly a year after the plan",
        lambda p: with_objective_target(p, 2, 1, due_date=YEAR_LATER),
        TODAY,
    ),
    (
        "one instrument is enough",
        lambda p: with_goal_target(p, 2, measure="x", instrument=False),
        TODAY,
    ),
    (
        "library text with the client's details added",
        lambda p: with_goal(p, 2, statement="Client will reduce depressive symptoms to PHQ-9 9."),
        TODAY,
    ),
]


@pytest.mark.parametrize(
    ("change", "today"), [pytest.param(*row[1:], id=row[0]) for row in PASSING]
)
def test_passing_sides_of_the_edges_raise_nothing(change: Breaker, today: dt.date):
    assert notable(check_plan(change(complete_plan()), today=today, scripted=scripted)) == []


def test_every_check_has_a_failing_case():
    # The review date's "failing" side is review-overdue, which replaces it (tests below);
    # the words against the bound target need the words read, so have their own tests below.
    assert {row[3] for row in FAILING} | {"review-date", "target-disagrees-with-words"} == {
        c.code for c in CHECKS
    }


# --- the words against the bound target (decision 0312) ----------------------------------------


def read_words(text: str) -> smart.Structure:
    return smart.analyse(text).structure


def test_the_complete_plan_says_what_its_targets_say():
    plan = complete_plan(goals=4)
    assert notable(check_plan(plan, today=TODAY, scripted=scripted, read_words=read_words)) == []


@pytest.mark.parametrize(
    ("change", "where", "differs"),
    [
        pytest.param(
            lambda p: with_goal(
                p, 1, statement="Reduce PHQ-9 from 18 to 7 or below within 16 weeks"
            ),
            "g1",
            "target",
            id="goal target value",
        ),
        pytest.param(
            lambda p: with_goal(
                p, 1, statement="Reduce GAD-7 from 18 to 9 or below within 16 weeks"
            ),
            "g1",
            "measure",
            id="goal instrument",
        ),
        pytest.param(
            lambda p: with_objective(
                p,
                1,
                1,
                statement="Increase pleasurable activities from 1 to 5 per week within 10 weeks",
            ),
            "o1.1",
            "due date",
            id="objective deadline",
        ),
        pytest.param(
            lambda p: with_objective_target(p, 1, 1, baseline=2),
            "o1.1",
            "baseline",
            id="objective bound baseline changed",
        ),
    ],
)
def test_words_and_bound_target_that_disagree_are_found(change: Breaker, where: str, differs: str):
    findings = check_plan(
        change(complete_plan()), today=TODAY, scripted=scripted, read_words=read_words
    )
    assert notable(findings) == [("target-disagrees-with-words", where)]
    (finding,) = (f for f in findings if f.code == "target-disagrees-with-words")
    check = next(c for c in CHECKS if c.code == "target-disagrees-with-words")
    assert (finding.severity, finding.reference) == (check.severity, check.reference)
    assert f"disagree on the {differs}:" in finding.message
    assert "the bound target is" in finding.message
    assert finding.message.endswith(".")
    assert finding.fix.endswith(".")


def test_without_the_words_read_the_words_are_not_compared():
    plan = with_goal(complete_plan(), 1, statement="Reduce PHQ-9 from 18 to 7 within 16 weeks")
    assert notable(check_plan(plan, today=TODAY, scripted=scripted)) == []


def test_words_with_no_numbers_do_not_disagree():
    plan = with_goal(complete_plan(), 1, statement="Feel like myself again and enjoy things")
    findings = check_plan(plan, today=TODAY, scripted=scripted, read_words=read_words)
    assert "target-disagrees-with-words" not in {f.code for f in findings}


# --- the smaller rules --------------------------------------------------------------------------


def test_a_plan_of_29_february_may_set_targets_until_28_february():
    day = dt.date(2028, 2, 29)
    plan = complete_plan(day=day)
    on_time = with_goal_target(plan, 1, due_date=dt.date(2029, 2, 28))
    late = with_goal_target(plan, 1, due_date=dt.date(2029, 3, 1))
    today = day + dt.timedelta(days=7)
    assert notable(check_plan(on_time, today=today)) == []
    assert notable(check_plan(late, today=today)) == [("target-beyond-a-year", "g1")]


def test_without_a_library_lookup_scripted_wording_is_not_checked():
    plan = with_goal(complete_plan(), 1, statement="Client will reduce depressive symptoms.")
    assert notable(check_plan(plan, today=TODAY)) == []
    assert notable(check_plan(plan, today=TODAY, scripted=scripted)) == [("scripted-goal", "g1")]


def test_goals_that_are_not_active_are_not_checked():
    hollow = Goal(id="g3", order=3, statement="Client will reduce depressive symptoms.")
    for status in ("met", "partially_met", "revised", "discontinued"):
        plan = dataclasses.replace(
            complete_plan(),
            goals=(*complete_plan().goals, dataclasses.replace(hollow, status=status)),
        )
        assert notable(check_plan(plan, today=TODAY, scripted=scripted)) == [], status


def test_with_no_active_goal_the_instrument_check_waits_for_goals():
    # "No goals" is the finding to act on; "no instrument" would follow from it.
    plan = dataclasses.replace(complete_plan(), goals=())
    assert notable(check_plan(plan, today=TODAY)) == [("no-goals", "p1")]


def test_messages_name_the_element():
    plan = with_intervention(complete_plan(), 1, 2, 1, session_minutes=None)
    plan = with_objective(plan, 2, 1, interventions=())
    plan = with_goal(plan, 2, client_words="")
    messages = {f.code: f.message for f in check_plan(plan, today=TODAY)}
    assert messages["intervention-no-session-length"] == (
        "Intervention 1.2.1 (Sleep hygiene) states no session length."
    )
    assert messages["objective-no-interventions"] == "Objective 2.1 has no interventions."
    assert messages["goal-no-client-words"] == "Goal 2 does not record the client's own words."


def test_a_review_due_today_is_not_overdue_yet():
    plan = dataclasses.replace(complete_plan(), review_interval_days=7)
    (finding,) = check_plan(plan, today=TODAY)
    assert (finding.code, finding.severity) == ("review-date", "info")
    assert finding.message == (
        "The plan is due for review today, 7 days after it was made on 2026-01-05."
    )


def test_an_overdue_review_replaces_the_review_date_and_says_how_long_ago():
    plan = dataclasses.replace(complete_plan(), review_interval_days=6)
    (finding,) = check_plan(plan, today=TODAY)
    assert (finding.code, finding.severity) == ("review-overdue", "warning")
    assert finding.message == "The plan's review was due on 2026-01-11, 1 day ago."


def test_a_goal_linked_only_to_other_kinds_of_factor_says_which():
    plan = with_goal(complete_plan(), 1, factors=(SISTER, LOSS))
    (finding,) = findings_for(check_plan(plan, today=TODAY), "g1")
    assert finding.message == (
        "Goal 1 is linked only to predisposing and protective factors, not to a maintaining one."
    )


# --- order ----------------------------------------------------------------------------------


def broken_everywhere() -> Plan:
    plan = dataclasses.replace(complete_plan(), strengths="", diagnoses=())
    plan = with_goal(plan, 2, client_words="")
    plan = with_goal(plan, 1, factors=())
    plan = with_objective_target(plan, 1, 2, confirmed=False)
    plan = with_intervention(plan, 1, 1, 2, responsible="")
    plan = with_intervention(plan, 1, 1, 1, frequency="", responsible="")
    plan = with_intervention(plan, 2, 1, 1, modality="")
    return plan


def test_findings_come_in_plan_order():
    findings = check_plan(broken_everywhere(), today=TODAY)
    assert [(f.where, f.code) for f in findings] == [
        ("p1", "no-diagnosis"),
        ("p1", "no-strengths"),
        ("p1", "review-date"),
        ("g1", "goal-no-formulation-link"),
        ("i1.1.1", "intervention-no-frequency"),
        ("i1.1.1", "intervention-no-responsible"),
        ("i1.1.2", "intervention-no-responsible"),
        ("o1.2", "target-unconfirmed"),
        ("g2", "goal-no-client-words"),
        ("i2.1.1", "intervention-no-modality"),
    ]


def test_the_same_plan_gives_the_same_findings():
    first = check_plan(broken_everywhere(), today=TODAY)
    assert check_plan(broken_everywhere(), today=TODAY) == first
    assert check_plan(dataclasses.replace(broken_everywhere()), today=TODAY) == first


def test_findings_for_picks_the_ones_about_one_element():
    findings = check_plan(broken_everywhere(), today=TODAY)
    assert [f.code for f in findings_for(findings, "i1.1.1")] == [
        "intervention-no-frequency",
        "intervention-no-responsible",
    ]
    assert findings_for(findings, "o1.3") == ()
    assert findings_for(findings, "nowhere") == ()


# --- the list of checks ---------------------------------------------------------------------


def test_checks_have_unique_kebab_case_codes_and_known_severities():
    codes = [c.code for c in CHECKS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in codes)
    assert all(c.severity in SEVERITIES for c in CHECKS)
    assert all(
        c.about in ("plan", "goal", "objective", "intervention", "goal or objective")
        for c in CHECKS
    )


def test_references_name_checklist_items_that_exist():
    for check in CHECKS:
        for number in re.findall(r"PL-(\d+)", check.reference):
            assert 1 <= int(number) <= 26, check.code


DOCS = Path(__file__).resolve().parents[2] / "docs" / "plan-checks.md"


def test_every_check_is_listed_in_the_docs():
    docs = DOCS.read_text(encoding="utf-8")
    assert [c.code for c in CHECKS if f"`{c.code}`" not in docs] == []


def test_the_docs_table_says_what_checks_says():
    # One row per check, word for word, so a changed severity or reference shows in the docs.
    docs = DOCS.read_text(encoding="utf-8")
    rows = [
        f"| `{c.code}` | {c.severity} | {c.about} | {c.checks} | {c.reference or '—'} |"
        for c in CHECKS
    ]
    assert [row for row in rows if row not in docs] == []


def test_the_module_imports_only_the_standard_library_and_the_domain():
    # Run as an AST check: with pytest-django loaded, Django is already in sys.modules.
    tree = ast.parse(Path(plan_checks.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    outside = {
        m
        for m in imported
        if m
        and not m.startswith("milepost.domain.")
        and m.split(".")[0] not in ("__future__", "collections", "dataclasses", "datetime")
    }
    assert outside == set()
