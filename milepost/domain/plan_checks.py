"""Live checks of a whole treatment plan, for the plan editor.

The editor shows each finding next to the element it is about (`where`) and all of them in one
list. These are the checks every plan should pass whatever the payer: the hierarchy is complete
(goals → objectives → interventions), every target can be measured and has a date, goals are the
client's own and tied to the formulation, and the plan-level parts payers and accreditors ask
for are there. The payer compliance linter (PL-01…PL-26 with payer profiles) will reuse these and
add what differs by payer, such as a 90-day review rule; so thresholds here are the most lenient
any source in the checklist allows (docs/decisions/0411-plan-checks.md).

Pure Python: reads `milepost.domain.plans` dataclasses; never imports Django or an app.

    findings = check_plan(plan, today=date.today(), scripted=library.unchanged_item_id)
    findings_for(findings, goal.id)    # the ones shown next to one goal
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from milepost.domain.icd10cm import lookup as icd10cm_lookup
from milepost.domain.icd10cm import more_specific
from milepost.domain.plans import INTERVENTION_TYPES, Goal, Intervention, Objective, Plan, Target
from milepost.domain.smart.findings import ACTIVE_GOALS_RANGE
from milepost.domain.smart.model import Structure
from milepost.domain.target_words import compare as compare_words

# The longest review interval any source in the checklist accepts (Medicare, and North Carolina's
# "at least annually"); stricter intervals (Medicaid's 90 days) belong to payer profiles.
MAX_REVIEW_INTERVAL_DAYS = 365

_SEED_GOAL_COUNT = 'seed: "Most treatment plans work best with 2-4 active goals"'
_SEED_FORMULATION = 'seed: "No link to formulation"'
_SEED_FORGOTTEN = 'seed: "Set and forgotten"'

_NAME_THE_MEASURE = "Choose the instrument or metric the target is tracked by."


@dataclass(frozen=True)
class PlanFinding:
    """One message about one element of a plan.

    `where` is the id of the plan, a goal, an objective or an intervention; a target's findings
    are about the goal or objective that owns it, since targets have no id of their own.
    """

    code: str
    severity: str
    message: str
    fix: str
    where: str
    reference: str


@dataclass(frozen=True)
class PlanCheck:
    """What one check looks at, so docs and tests can list every check without running them.

    Every finding takes its severity and reference from here, so the two cannot disagree.
    `about` is the kind of element its findings point at: plan, goal, objective or intervention
    ("goal or objective" for the target rules shared by both).
    """

    code: str
    severity: str
    about: str
    checks: str
    reference: str


CHECKS: tuple[PlanCheck, ...] = (
    # The plan as a whole.
    PlanCheck("no-diagnosis", "error", "plan", "The plan lists at least one diagnosis.", "PL-01"),
    PlanCheck(
        "diagnosis-unknown-code",
        "error",
        "plan",
        "Every diagnosis code is in the ICD-10-CM code set (milepost/domain/icd10cm.py).",
        "PL-01; CMS ICD-10-CM code set",
    ),
    PlanCheck(
        "diagnosis-not-billable",
        "warning",
        "plan",
        "Every diagnosis code is billable: a leaf of the code set, not a category with more "
        "specific codes below it.",
        "PL-01; CMS ICD-10-CM code set",
    ),
    PlanCheck(
        "no-goals",
        "error",
        "plan",
        "The plan has at least one active goal.",
        f"PL-03; {_SEED_GOAL_COUNT}",
    ),
    PlanCheck(
        "too-few-goals",
        "warning",
        "plan",
        f"The plan has at least {ACTIVE_GOALS_RANGE[0]} active goals.",
        _SEED_GOAL_COUNT,
    ),
    PlanCheck(
        "too-many-goals",
        "warning",
        "plan",
        f"The plan has at most {ACTIVE_GOALS_RANGE[1]} active goals.",
        _SEED_GOAL_COUNT,
    ),
    PlanCheck(
        "no-formulation",
        "warning",
        "plan",
        "The client has a formulation the goals can be tied to.",
        _SEED_FORMULATION,
    ),
    PlanCheck(
        "no-maintaining-factors",
        "warning",
        "plan",
        "The formulation lists at least one maintaining (perpetuating) factor.",
        _SEED_FORMULATION,
    ),
    PlanCheck(
        "no-strengths", "warning", "plan", "The plan records the client's strengths.", "PL-05"
    ),
    PlanCheck(
        "no-discharge-criteria", "error", "plan", "The plan records discharge criteria.", "PL-16"
    ),
    PlanCheck(
        "no-standardised-measure",
        "warning",
        "plan",
        "At least one target of an active goal or its objectives uses a standardised "
        "instrument (PHQ-9, GAD-7, PCL-5…). Not checked while the plan has no active goal.",
        "PL-17",
    ),
    PlanCheck(
        "review-interval-over-a-year",
        "warning",
        "plan",
        f"The review interval is at most {MAX_REVIEW_INTERVAL_DAYS} days (Medicare's limit).",
        "PL-14",
    ),
    PlanCheck(
        "review-overdue",
        "warning",
        "plan",
        "The plan's review date (the plan date plus the review interval) has not passed.",
        f"PL-14; {_SEED_FORGOTTEN}",
    ),
    PlanCheck(
        "review-date",
        "info",
        "plan",
        "When the plan is due for review (shown while the date has not passed).",
        "PL-14",
    ),
    # Each active goal.
    PlanCheck(
        "scripted-goal",
        "warning",
        "goal",
        "The goal's wording is not a library goal left unchanged.",
        "PL-24",
    ),
    PlanCheck(
        "goal-no-client-words",
        "warning",
        "goal",
        "The goal records the client's own words.",
        'PL-04; seed: "Therapist goals, not client goals"',
    ),
    PlanCheck(
        "goal-no-formulation-link",
        "warning",
        "goal",
        "The goal is linked to at least one formulation factor.",
        _SEED_FORMULATION,
    ),
    PlanCheck(
        "goal-no-maintaining-factor",
        "warning",
        "goal",
        "A goal linked to formulation factors is linked to at least one maintaining one.",
        _SEED_FORMULATION,
    ),
    PlanCheck(
        "goal-no-target",
        "warning",
        "goal",
        "The goal has a target with a measure (its objectives may carry the measurement).",
        "",
    ),
    PlanCheck(
        "goal-target-no-due-date", "warning", "goal", "The goal's target has a due date.", "PL-07"
    ),
    PlanCheck(
        "goal-no-objectives",
        "error",
        "goal",
        "The goal has at least one objective.",
        'PL-08; seed: "each goal should have objectives"',
    ),
    # Each objective of an active goal.
    PlanCheck(
        "scripted-objective",
        "warning",
        "objective",
        "The objective's wording is not a library objective left unchanged.",
        "PL-24",
    ),
    PlanCheck(
        "objective-no-target",
        "error",
        "objective",
        "The objective has a target: a measure and a target value.",
        "PL-06",
    ),
    PlanCheck(
        "objective-target-no-due-date",
        "error",
        "objective",
        "The objective's target has a due date.",
        "PL-07",
    ),
    # Targets of active goals and of their objectives.
    PlanCheck(
        "target-overdue",
        "warning",
        "goal or objective",
        "The target's due date has not passed (due today is not overdue).",
        _SEED_FORGOTTEN,
    ),
    PlanCheck(
        "target-beyond-a-year",
        "info",
        "goal or objective",
        "The target is due at most one calendar year after the plan date "
        "(29 February → 28 February).",
        "PL-07",
    ),
    PlanCheck(
        "target-unconfirmed",
        "info",
        "goal or objective",
        "The clinician has confirmed the target.",
        "",
    ),
    PlanCheck(
        "target-disagrees-with-words",
        "warning",
        "goal or objective",
        "What the statement's words state (measure, baseline, target value, comparator, "
        "deadline) agrees with its bound target. Checked when the words are read "
        "(the plans app passes the SMART engine's reading).",
        "",
    ),
    PlanCheck(
        "objective-no-interventions",
        "error",
        "objective",
        "The objective has at least one intervention.",
        'PL-08; seed: "each objective should have interventions"',
    ),
    # Each intervention of an active goal's objectives.
    PlanCheck(
        "intervention-no-modality",
        "error",
        "intervention",
        "The intervention names its modality or technique.",
        "PL-08",
    ),
    PlanCheck(
        "intervention-no-type",
        "error",
        "intervention",
        "The intervention says whether it is individual, group or family.",
        "PL-09",
    ),
    PlanCheck(
        "intervention-no-frequency",
        "error",
        "intervention",
        "The intervention states its frequency.",
        "PL-09",
    ),
    PlanCheck(
        "intervention-no-session-length",
        "error",
        "intervention",
        "The intervention states its session length.",
        "PL-09",
    ),
    PlanCheck(
        "intervention-no-responsible",
        "warning",
        "intervention",
        "The intervention names the responsible clinician.",
        "PL-10",
    ),
)

# Tests check that codes are unique and severities are milepost.domain.smart.model.SEVERITIES.
_BY_CODE: dict[str, PlanCheck] = {check.code: check for check in CHECKS}

Scripted = Callable[[str], str | None]
# The target a statement's words state (milepost.domain.smart.analyse(text).structure).
ReadWords = Callable[[str], Structure]


def check_plan(
    plan: Plan,
    *,
    today: dt.date,
    scripted: Scripted | None = None,
    read_words: ReadWords | None = None,
) -> tuple[PlanFinding, ...]:
    """Every finding about `plan`, in plan order: the plan itself, then goal 1, its objectives and
    their interventions, then goal 2 and so on.

    `today` is passed in (not read from the clock) so the result is deterministic. `scripted(text)`
    gives the id of a library item whose text `text` still is, unchanged, or None; without it the
    scripted-wording checks are skipped. `read_words(text)` gives the target a statement's words
    state; without it the words are not compared with the bound targets. Goals that are not
    active (met, revised…) are history, not work in progress, so they are neither checked nor
    counted.
    """
    found = list(_plan_findings(plan, today))
    for goal in plan.active_goals:
        found.extend(_goal_findings(plan, goal, today, scripted, read_words))
    return tuple(found)


def findings_for(findings: Iterable[PlanFinding], where: str) -> tuple[PlanFinding, ...]:
    """The findings about one element (the plan, a goal, an objective or an intervention)."""
    return tuple(f for f in findings if f.where == where)


def one_year_after(day: dt.date) -> dt.date:
    """The same calendar day a year later; 29 February gives 28 February (the stricter day)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _finding(code: str, where: str, message: str, fix: str) -> PlanFinding:
    check = _BY_CODE[code]
    return PlanFinding(code, check.severity, message, fix, where, check.reference)


def _blank(text: str) -> bool:
    return not text.strip()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _plan_findings(plan: Plan, today: dt.date) -> Iterator[PlanFinding]:
    where = plan.id
    low, high = ACTIVE_GOALS_RANGE
    active = plan.active_goals
    if not plan.diagnoses:
        yield _finding(
            "no-diagnosis",
            where,
            "The plan has no diagnosis.",
            "Add at least one diagnosis with its ICD-10-CM code; payers reject plans without one.",
        )
    for diagnosis in plan.diagnoses:
        info = icd10cm_lookup(diagnosis.code)
        if info is None:
            yield _finding(
                "diagnosis-unknown-code",
                where,
                f"{diagnosis.code} is not a code of ICD-10-CM.",
                "Remove it and add the diagnosis with a code of the current code set.",
            )
        elif not info.billable:
            below = ", ".join(more_specific(info.code))
            yield _finding(
                "diagnosis-not-billable",
                where,
                f"{info.code} ({info.description}) is a category, not a billable code.",
                f"Use the most specific code below it ({below}, …); payers reject categories.",
            )
    if not active:
        message = (
            f"None of the plan's {len(plan.goals)} goals is active."
            if plan.goals
            else "The plan has no goals yet."
        )
        yield _finding(
            "no-goals",
            where,
            message,
            "Add the goals the client is working toward now, or close the plan if treatment "
            "is complete.",
        )
    elif len(active) < low:
        yield _finding(
            "too-few-goals",
            where,
            f"The plan has {_count(len(active), 'active goal')}; most plans work best with "
            f"{low}-{high}.",
            "Check the problem list for needs no goal addresses yet; keep one goal only if it "
            "covers them all.",
        )
    elif len(active) > high:
        yield _finding(
            "too-many-goals",
            where,
            f"The plan has {len(active)} active goals; more than {high} dilutes focus and can "
            "overwhelm the client.",
            f"Prioritise {low}-{high} goals by severity, risk and what the client values most, "
            "and leave the others for a later version.",
        )
    if plan.formulation is None:
        yield _finding(
            "no-formulation",
            where,
            "The client has no formulation, so the goals cannot be tied to what keeps the "
            "problems going.",
            "Write the formulation with its maintaining (perpetuating) factors, then link each "
            "goal to the factors it targets.",
        )
    elif not any(f.is_maintaining for f in plan.formulation.factors):
        yield _finding(
            "no-maintaining-factors",
            where,
            "The formulation lists no maintaining (perpetuating) factors for the goals to target.",
            "Add what keeps the problems going (e.g. avoidance, withdrawal, rumination) as "
            "maintaining factors.",
        )
    if _blank(plan.strengths):
        yield _finding(
            "no-strengths",
            where,
            "The plan records no strengths.",
            "Note the client's strengths and resources; accreditors expect goals to build on them.",
        )
    if _blank(plan.discharge_criteria):
        yield _finding(
            "no-discharge-criteria",
            where,
            "The plan has no discharge criteria.",
            "Write, with the client, what will show that treatment can end or be transferred.",
        )
    if active and not any(t.instrument and not _blank(t.measure) for t in _targets_of(active)):
        yield _finding(
            "no-standardised-measure",
            where,
            "No target uses a standardised instrument, so progress cannot be shown on a "
            "validated scale.",
            "Bind at least one goal or objective to an instrument such as the PHQ-9, GAD-7 or "
            "PCL-5.",
        )
    if plan.review_interval_days > MAX_REVIEW_INTERVAL_DAYS:
        yield _finding(
            "review-interval-over-a-year",
            where,
            f"The review interval is {plan.review_interval_days} days, more than a year; "
            f"even Medicare expects a review within {MAX_REVIEW_INTERVAL_DAYS} days.",
            f"Set the review interval to {MAX_REVIEW_INTERVAL_DAYS} days or fewer; many Medicaid "
            "programmes require 90.",
        )
    due = plan.review_due
    if due < today:
        days = (today - due).days
        yield _finding(
            "review-overdue",
            where,
            f"The plan's review was due on {due.isoformat()}, {_count(days, 'day')} ago.",
            "Review the plan with the client, record a decision for each goal, and start a new "
            "version if anything changes.",
        )
    else:
        when = "today" if due == today else f"on {due.isoformat()}"
        yield _finding(
            "review-date",
            where,
            f"The plan is due for review {when}, {plan.review_interval_days} days after it was "
            f"made on {plan.created_on.isoformat()}.",
            "Change the review interval if this client's payer asks for another.",
        )


def _targets_of(goals: Iterable[Goal]) -> Iterator[Target]:
    for goal in goals:
        if goal.target is not None:
            yield goal.target
        yield from (o.target for o in goal.objectives if o.target is not None)


def _goal_findings(
    plan: Plan,
    goal: Goal,
    today: dt.date,
    scripted: Scripted | None,
    read_words: ReadWords | None = None,
) -> Iterator[PlanFinding]:
    label = f"Goal {goal.order}"
    if scripted is not None and scripted(goal.statement) is not None:
        yield _finding(
            "scripted-goal",
            goal.id,
            f"{label} is a library goal, word for word.",
            "Adapt it to this client: their words, baseline, target and time frame; surveyors "
            "cite identical, scripted goals.",
        )
    if _blank(goal.client_words):
        yield _finding(
            "goal-no-client-words",
            goal.id,
            f"{label} does not record the client's own words.",
            "Write down how the client put this goal, next to the SMART wording.",
        )
    if not goal.factors:
        yield _finding(
            "goal-no-formulation-link",
            goal.id,
            f"{label} is not linked to the formulation.",
            "Link it to the maintaining factors it targets; a goal disconnected from the "
            "formulation suggests a gap in clinical reasoning.",
        )
    elif not any(f.is_maintaining for f in goal.factors):
        kinds = sorted({f.kind for f in goal.factors})
        yield _finding(
            "goal-no-maintaining-factor",
            goal.id,
            f"{label} is linked only to {' and '.join(kinds)} factors, not to a maintaining one.",
            "Link it to the maintaining (perpetuating) factor it targets as well; the "
            "strengths it draws on stay linked.",
        )
    if goal.target is None or _blank(goal.target.measure):
        yield _finding(
            "goal-no-target",
            goal.id,
            f"{label} has no target, so the plan cannot show when it is met."
            if goal.target is None
            else f"The target of {label.lower()} names no measure.",
            "Bind it to a measure with a target value and due date (e.g. PHQ-9 at or below 9), "
            "or let its objectives carry the measurement."
            if goal.target is None
            else _NAME_THE_MEASURE,
        )
    if goal.target is not None:
        if goal.target.due_date is None:
            yield _finding(
                "goal-target-no-due-date",
                goal.id,
                f"The target of {label.lower()} has no due date.",
                "Add the date by which the goal should be met; Medicare expects under a year.",
            )
        yield from _target_dates(plan, goal.target, label.lower(), goal.id, today)
        yield from _target_words(
            plan, goal.statement, goal.target, label.lower(), goal.id, read_words
        )
    if not goal.objectives:
        yield _finding(
            "goal-no-objectives",
            goal.id,
            f"{label} has no objectives.",
            "Add the measurable short-term steps toward it; payers expect each goal to have "
            "objectives.",
        )
    for objective in goal.objectives:
        yield from _objective_findings(plan, goal, objective, today, scripted, read_words)


def _objective_findings(
    plan: Plan,
    goal: Goal,
    objective: Objective,
    today: dt.date,
    scripted: Scripted | None,
    read_words: ReadWords | None = None,
) -> Iterator[PlanFinding]:
    number = f"{goal.order}.{objective.order}"
    label = f"Objective {number}"
    where = objective.id
    if scripted is not None and scripted(objective.statement) is not None:
        yield _finding(
            "scripted-objective",
            where,
            f"{label} is a library objective, word for word.",
            "Adapt it to this client: their baseline, target and time frame; surveyors cite "
            "identical, scripted objectives.",
        )
    target = objective.target
    if target is None or _blank(target.measure):
        yield _finding(
            "objective-no-target",
            where,
            f"{label} has no target, so nothing says how it is measured or when it is met."
            if target is None
            else f"The target of {label.lower()} names no measure.",
            "Add a target: the measure (an instrument, or a count such as activities per week), "
            "the target value and a due date."
            if target is None
            else _NAME_THE_MEASURE,
        )
    if target is not None:
        if target.due_date is None:
            yield _finding(
                "objective-target-no-due-date",
                where,
                f"The target of {label.lower()} has no due date.",
                "Add the date by which the objective should be met; payers expect every "
                "objective to be time-bound.",
            )
        yield from _target_dates(plan, target, label.lower(), where, today)
        yield from _target_words(
            plan, objective.statement, target, label.lower(), where, read_words
        )
    if not objective.interventions:
        yield _finding(
            "objective-no-interventions",
            where,
            f"{label} has no interventions.",
            "Add what you will do to help the client reach it, e.g. behavioural activation, "
            "weekly, 50 minutes.",
        )
    for position, intervention in enumerate(objective.interventions, start=1):
        yield from _intervention_findings(intervention, f"{number}.{position}")


def _target_dates(
    plan: Plan, target: Target, owner: str, where: str, today: dt.date
) -> Iterator[PlanFinding]:
    """The rules shared by a goal's and an objective's target; `owner` is "goal 1" or
    "objective 1.2"."""
    due = target.due_date
    if due is not None and due < today:
        yield _finding(
            "target-overdue",
            where,
            f"The target of {owner} was due on {due.isoformat()}.",
            "Review progress with the client: mark it met, or revise it with a new date.",
        )
    latest = one_year_after(plan.created_on)
    if due is not None and due > latest:
        yield _finding(
            "target-beyond-a-year",
            where,
            f"The target of {owner} is due on {due.isoformat()}, more than a year after the "
            f"plan was made on {plan.created_on.isoformat()}.",
            f"Set a due date by {latest.isoformat()} (Medicare expects under a year), or "
            "split the way there into nearer steps.",
        )
    if not target.confirmed:
        yield _finding(
            "target-unconfirmed",
            where,
            f"The target of {owner} has not been confirmed yet.",
            "Check its measure, target value and due date, then confirm it.",
        )


def _target_words(
    plan: Plan,
    statement: str,
    target: Target,
    owner: str,
    where: str,
    read_words: ReadWords | None,
) -> Iterator[PlanFinding]:
    """The words of a goal or objective against its bound target (decision 0312)."""
    if read_words is None or _blank(statement):
        return
    found = compare_words(read_words(statement), target, start=plan.created_on)
    if found is not None:
        yield _finding(
            "target-disagrees-with-words",
            where,
            f"The words of {owner} and its bound target disagree on the "
            f"{' and '.join(found.fields)}: {found.message[0].lower()}{found.message[1:-1]}.",
            "Change the words or rebind the target from them on its page, so progress is "
            "measured against what the plan says.",
        )


def _intervention_findings(intervention: Intervention, number: str) -> Iterator[PlanFinding]:
    where = intervention.id
    label = f"Intervention {number}"
    if not _blank(intervention.modality):
        label += f" ({intervention.modality.strip()})"
    if _blank(intervention.modality):
        yield _finding(
            "intervention-no-modality",
            where,
            f"{label} names no modality or technique.",
            "Name what you will do, e.g. behavioural activation or graded exposure.",
        )
    if intervention.type not in INTERVENTION_TYPES:
        yield _finding(
            "intervention-no-type",
            where,
            f"{label} does not say whether it is individual, group or family.",
            "Choose individual, group or family; Medicare wants the type stated, not implied.",
        )
    if _blank(intervention.frequency):
        yield _finding(
            "intervention-no-frequency",
            where,
            f"{label} states no frequency.",
            'Say how often, e.g. "weekly".',
        )
    if intervention.session_minutes is None:
        yield _finding(
            "intervention-no-session-length",
            where,
            f"{label} states no session length.",
            "Give the planned session length in minutes, e.g. 50.",
        )
    if _blank(intervention.responsible):
        yield _finding(
            "intervention-no-responsible",
            where,
            f"{label} names no responsible clinician.",
            "Choose the clinician who delivers it.",
        )
