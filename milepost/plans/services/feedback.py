"""SMART feedback on a goal's or an objective's words, in the context of its plan: an
audited read, nothing is saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from milepost.accounts.models import User
from milepost.audit.services import audit_read
from milepost.domain import instruments, smart, target_words
from milepost.domain.errors import UnknownInstrument
from milepost.plans.models import (
    FormulationFactor,
    Goal,
    GoalStatus,
    Objective,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import target_to_domain
from milepost.plans.services._common import (
    _clinical_actor,
    _factors,
    _latest_administration,
    _raise,
    _text,
)


def goal_context(
    goal: Goal | None = None,
    *,
    plan: TreatmentPlan | None = None,
    baseline: float | None = None,
    client_words: str | None = None,
    factors: Sequence[FormulationFactor] | None = None,
) -> smart.GoalContext:
    """What the engine needs beyond the words: baseline, linked factors, client's words.

    For a goal being written (not saved yet) pass its plan and what the form holds; for
    a saved goal, anything not passed comes from the goal itself.
    """
    if goal is None and plan is None:
        raise ValueError("goal_context needs a goal or a plan")
    target = Target.objects.filter(goal=goal).first() if goal is not None else None
    instrument = target.instrument_code if target and target.instrument_code else None
    if baseline is None and target is not None:
        baseline = target.baseline
    plan = plan if plan is not None else goal.plan  # type: ignore[union-attr]
    if factors is not None:
        factor_texts: tuple[str, ...] = tuple(f.text for f in factors)
    elif goal is not None:
        factor_texts = tuple(goal.factors.order_by("order", "id").values_list("text", flat=True))
    else:
        factor_texts = ()
    if client_words is None:
        client_words = goal.client_words if goal is not None else ""
    active = plan.goals.filter(status=GoalStatus.ACTIVE)
    if goal is not None:
        active = active.exclude(pk=goal.pk)
    return smart.GoalContext(
        baseline=baseline,
        instrument=instrument,
        formulation_factors=factor_texts,
        client_words=client_words,
        # The goal being judged counts as active whether or not it is saved yet.
        active_goals=active.count() + 1,
        review_due=timezone.localdate(plan.created_at)
        + dt.timedelta(days=plan.review_interval_days),
    )


def context_for_objective(goal: Goal, objective: Objective | None = None) -> smart.GoalContext:
    """What the engine needs beyond an objective's words: its own target's baseline and
    instrument, if bound; never its goal's target (decision 0312).

    Relevant is judged against the goal's formulation factors and the client's words (an
    objective serves its goal); the findings about the goal as a whole are left out by
    `smart_feedback` (smart.GOAL_ONLY_FINDINGS).
    """
    target = Target.objects.filter(objective=objective).first() if objective is not None else None
    return smart.GoalContext(
        baseline=target.baseline if target is not None else None,
        instrument=(target.instrument_code or None) if target is not None else None,
        formulation_factors=tuple(
            goal.factors.order_by("order", "id").values_list("text", flat=True)
        ),
        client_words=goal.client_words or None,
    )


def words_against_target(
    owner: Goal | Objective, structure: smart.Structure
) -> target_words.Disagreement | None:
    """Where the target the words state and the owner's bound target disagree (None when
    they agree or nothing is bound). Reads what the caller has already read and audited."""
    target = Target.objects.select_related("metric").filter(**{_owner_field(owner): owner}).first()
    bound = target_to_domain(target)
    if bound is None:
        return None
    plan = owner.plan if isinstance(owner, Goal) else owner.goal.plan
    return target_words.compare(structure, bound, start=timezone.localdate(plan.created_at))


def _owner_field(owner: Goal | Objective) -> str:
    return "goal" if isinstance(owner, Goal) else "objective"


def _instrument_or_none(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return instruments.get(name).code
    except UnknownInstrument:
        return None


def smart_feedback(
    *,
    actor: User,
    plan: TreatmentPlan,
    text: str,
    goal: Goal | None = None,
    objective: Objective | None = None,
    for_objective: bool = False,
    client_words: str | None = None,
    factors: Sequence[FormulationFactor] | None = None,
    today: dt.date | None = None,
) -> smart.Analysis:
    """The SMART engine's judgement of `text` in the context of a plan (and goal, if saved).

    With `objective` (or `for_objective` and the `goal` of an objective not saved yet), the
    words are an objective's, judged in the objective's own context (`context_for_objective`),
    never against its goal's target; the goal-only findings are left out. A read, not a
    write: nothing is saved, but it is audited like every read.
    """
    client = plan.client
    _clinical_actor(actor, client)
    errors: dict[str, str] = {}
    words = _text(errors, "statement", text)
    if client_words is not None:
        client_words = _text(errors, "client_words", client_words)
    if factors is not None:
        factors = _factors(errors, plan, factors)
    _raise(errors)
    today = today or timezone.localdate()
    if objective is not None:
        goal = objective.goal
        for_objective = True
    if goal is not None and goal.plan_id != plan.pk:
        raise ValueError("the goal is not part of this plan")
    if for_objective:
        if goal is None:
            raise ValueError("an objective is judged with its goal")
        context = context_for_objective(goal, objective)
    else:
        context = goal_context(goal, plan=plan, client_words=client_words, factors=factors)
    if context.baseline is None:
        # No target yet: when the words name an instrument, the client's latest score
        # is the baseline, so Achievable is judged rather than left open.
        named = smart.analyse(words, context, today=today).structure.measure
        instrument = _instrument_or_none(named)
        latest = _latest_administration(client, instrument) if instrument else None
        if latest is not None and latest.total is not None:
            context = dataclasses.replace(
                context, baseline=float(latest.total), instrument=instrument
            )
    analysis = smart.analyse(words, context, today=today)
    if for_objective:
        analysis = dataclasses.replace(
            analysis,
            findings=tuple(f for f in analysis.findings if f.code not in smart.GOAL_ONLY_FINDINGS),
        )
    if objective is not None:
        action, kind, public_id = "objective.smart_feedback", "objective", objective.public_id
    elif goal is not None:
        action, kind, public_id = "goal.smart_feedback", "goal", goal.public_id
    else:
        action, kind, public_id = "plan.smart_feedback", "treatmentplan", plan.public_id
    audit_read(action=action, actor=actor, client=client, object_type=kind, object_id=public_id)
    return analysis


def smart_feedback_for_goal(
    *, actor: User, goal: Goal, text: str | None = None, today: dt.date | None = None
) -> smart.Analysis:
    """The SMART engine's judgement of `text` (default: the goal's statement) in context."""
    return smart_feedback(
        actor=actor,
        plan=goal.plan,
        goal=goal,
        text=goal.statement if text is None else text,
        today=today,
    )
