"""Goals, their objectives and the objectives' interventions on a draft: add, change,
reorder and remove.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.models import CLINICAL_ROLES, User
from milepost.audit.services import audit_record
from milepost.lib.concurrency import check_unchanged
from milepost.lib.models import apply_changes
from milepost.plans.models import (
    FormulationFactor,
    Goal,
    GoalStatus,
    Intervention,
    InterventionType,
    Objective,
    TreatmentPlan,
)
from milepost.plans.services._common import (
    SESSION_MINUTES,
    _audit,
    _editable,
    _factors,
    _next_order,
    _raise,
    _renumber,
    _reorder,
    _text,
    _touch,
    _whole,
)

# ---------------------------------------------------------------- goals


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: TreatmentPlan,
    statement: str,
    client_words: str = "",
    factors: Sequence[FormulationFactor] = (),
) -> Goal:
    plan = _editable(actor, plan)
    errors: dict[str, str] = {}
    clean_statement = _text(errors, "statement", statement, required=True)
    clean_words = _text(errors, "client_words", client_words)
    linked = _factors(errors, plan, factors)
    _raise(errors)
    goal = Goal.objects.create(
        plan=plan,
        statement=clean_statement,
        client_words=clean_words,
        order=_next_order(plan.goals),
    )
    goal.factors.set(linked)
    _audit("goal.create", actor, plan.client, goal, plan=plan.public_id)
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    statement: str | None = None,
    client_words: str | None = None,
    status: str | None = None,
    factors: Sequence[FormulationFactor] | None = None,
    seen: object = None,
) -> Goal:
    plan = _editable(actor, goal.plan)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    check_unchanged(
        goal,
        seen,
        what="goal",
        shown={"In the client's words": goal.client_words, "Goal": goal.statement},
    )
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if statement is not None:
        values["statement"] = _text(errors, "statement", statement, required=True)
    if client_words is not None:
        values["client_words"] = _text(errors, "client_words", client_words)
    if status is not None:
        if status not in GoalStatus.values:
            errors["status"] = "Choose a status from the list."
        values["status"] = status
    linked = _factors(errors, plan, factors) if factors is not None else None
    _raise(errors)
    changed = apply_changes(goal, values)
    if linked is not None and {f.pk for f in linked} != set(
        goal.factors.values_list("pk", flat=True)
    ):
        goal.factors.set(linked)
        goal.updated_at = timezone.now()
        goal.save(update_fields=[*changed, "updated_at"])
        changed.append("factors")
    else:
        _touch(goal, changed)
    _audit("goal.update", actor, plan.client, goal, fields=changed)
    return goal


@transaction.atomic
def goal_reorder(*, actor: User, plan: TreatmentPlan, goal_ids: Sequence[str]) -> list[str]:
    plan = _editable(actor, plan)
    order = _reorder(list(plan.goals.all()), goal_ids, "goal")
    audit_record(
        action="goal.reorder",
        actor=actor,
        client=plan.client,
        object_type="treatmentplan",
        object_id=plan.public_id,
        detail={"order": order},
    )
    return order


@transaction.atomic
def goal_remove(*, actor: User, goal: Goal) -> None:
    """Delete a goal, with its objectives, interventions and targets, from a draft.

    Not when a session note cites one of its objectives: the note's golden thread must keep
    its end. Such a goal is discontinued instead.
    """
    plan = _editable(actor, goal.plan)
    if Objective.objects.filter(goal=goal, note_citations__isnull=False).exists():
        raise ValidationError(
            {"goal": "A session note cites this goal's objectives; discontinue the goal instead."}
        )
    _audit("goal.remove", actor, plan.client, goal, plan=plan.public_id)
    Goal.objects.filter(pk=goal.pk).delete()
    _renumber(plan.goals.all())


# ---------------------------------------------------------------- objectives


@transaction.atomic
def objective_add(*, actor: User, goal: Goal, statement: str) -> Objective:
    plan = _editable(actor, goal.plan)
    errors: dict[str, str] = {}
    clean = _text(errors, "statement", statement, required=True)
    _raise(errors)
    objective = Objective.objects.create(
        goal=goal, statement=clean, order=_next_order(goal.objectives)
    )
    _audit("objective.create", actor, plan.client, objective, goal=goal.public_id)
    return objective


@transaction.atomic
def objective_update(
    *, actor: User, objective: Objective, statement: str, seen: object = None
) -> Objective:
    plan = _editable(actor, objective.goal.plan)
    errors: dict[str, str] = {}
    clean = _text(errors, "statement", statement, required=True)
    _raise(errors)
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    check_unchanged(objective, seen, what="objective", shown={"Objective": objective.statement})
    changed = apply_changes(objective, {"statement": clean})
    _touch(objective, changed)
    _audit("objective.update", actor, plan.client, objective, fields=changed)
    return objective


@transaction.atomic
def objective_reorder(*, actor: User, goal: Goal, objective_ids: Sequence[str]) -> list[str]:
    plan = _editable(actor, goal.plan)
    order = _reorder(list(goal.objectives.all()), objective_ids, "objective of the goal")
    _audit("objective.reorder", actor, plan.client, goal, order=order)
    return order


@transaction.atomic
def objective_remove(*, actor: User, objective: Objective) -> None:
    plan = _editable(actor, objective.goal.plan)
    if Objective.objects.filter(pk=objective.pk, note_citations__isnull=False).exists():
        raise ValidationError(
            {"objective": "A session note cites this objective, so it stays; reword it instead."}
        )
    _audit("objective.remove", actor, plan.client, objective, goal=objective.goal.public_id)
    goal = objective.goal
    Objective.objects.filter(pk=objective.pk).delete()
    _renumber(goal.objectives.all())


# ---------------------------------------------------------------- interventions


def _intervention_values(
    errors: dict[str, str], plan: TreatmentPlan, changes: dict[str, Any]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "modality" in changes:
        values["modality"] = _text(
            errors, "modality", changes["modality"], required=True, max_length=200
        )
    if "type" in changes:
        if changes["type"] not in InterventionType.values:
            errors["type"] = "Choose individual, group or family."
        values["type"] = changes["type"]
    if "frequency" in changes:
        values["frequency"] = _text(
            errors, "frequency", changes["frequency"], required=True, max_length=100
        )
    if "session_minutes" in changes:
        values["session_minutes"] = _whole(
            errors, "session_minutes", changes["session_minutes"], SESSION_MINUTES
        )
    if "responsible" in changes:
        responsible = changes["responsible"]
        membership = getattr(responsible, "membership", None) if responsible else None
        if responsible is not None and (
            membership is None
            or membership.organization_id != plan.organization_id
            or membership.role not in CLINICAL_ROLES
            or not responsible.is_active
        ):
            errors["responsible"] = "Choose an active clinician of this practice."
        values["responsible"] = responsible
    return values


@transaction.atomic
def intervention_add(
    *,
    actor: User,
    objective: Objective,
    modality: str,
    frequency: str,
    type: str = InterventionType.INDIVIDUAL,
    session_minutes: int | None = None,
    responsible: User | None = None,
) -> Intervention:
    plan = _editable(actor, objective.goal.plan)
    errors: dict[str, str] = {}
    values = _intervention_values(
        errors,
        plan,
        {
            "modality": modality,
            "type": type,
            "frequency": frequency,
            "session_minutes": session_minutes,
            "responsible": responsible,
        },
    )
    _raise(errors)
    intervention = Intervention.objects.create(
        objective=objective, order=_next_order(objective.interventions), **values
    )
    _audit("intervention.create", actor, plan.client, intervention, objective=objective.public_id)
    return intervention


INTERVENTION_FIELDS = ("modality", "type", "frequency", "session_minutes", "responsible")


@transaction.atomic
def intervention_update(
    *, actor: User, intervention: Intervention, seen: object = None, **changes: Any
) -> Intervention:
    plan = _editable(actor, intervention.objective.goal.plan)
    errors: dict[str, str] = {}
    for name in sorted(set(changes) - set(INTERVENTION_FIELDS)):
        errors[name] = "This field cannot be changed."
    values = _intervention_values(errors, plan, changes)
    _raise(errors)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    check_unchanged(
        intervention,
        seen,
        what="intervention",
        shown={
            "Modality": intervention.modality,
            "Frequency": intervention.frequency,
            "Session minutes": intervention.session_minutes,
        },
    )
    changed = apply_changes(intervention, values)
    _touch(intervention, changed)
    _audit("intervention.update", actor, plan.client, intervention, fields=changed)
    return intervention


@transaction.atomic
def intervention_remove(*, actor: User, intervention: Intervention) -> None:
    plan = _editable(actor, intervention.objective.goal.plan)
    objective = intervention.objective
    _audit("intervention.remove", actor, plan.client, intervention)
    Intervention.objects.filter(pk=intervention.pk).delete()
    _renumber(objective.interventions.all())
