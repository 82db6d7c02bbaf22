"""Inserting items from the library of goals, objectives and interventions into a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.models import CLINICAL_ROLES, User
from milepost.domain import library, smart
from milepost.plans.models import (
    Goal,
    Intervention,
    InterventionType,
    Metric,
    Objective,
    TreatmentPlan,
)
from milepost.plans.services._common import _audit
from milepost.plans.services.goal_tree import goal_add, intervention_add, objective_add
from milepost.plans.services.targets import metric_create, target_set


def _library_item(item_id: object, kind: str) -> library.LibraryItem:
    try:
        item = library.get(str(item_id))
    except library.UnknownLibraryItem:
        raise ValidationError({"item": "Choose an item from the library."}) from None
    if item.kind != kind:
        raise ValidationError({"item": f"Choose a library {kind}."})
    return item


def _responsible(actor: User) -> User | None:
    membership = getattr(actor, "membership", None)
    return actor if membership is not None and membership.role in CLINICAL_ROLES else None


def _insert_interventions(actor: User, objective: Objective, ids: Sequence[str]) -> None:
    for intervention_id in ids:
        item = library.get(intervention_id)
        intervention_add(
            actor=actor,
            objective=objective,
            modality=item.modality or item.text[:200],
            frequency=item.frequency or "weekly",
            type=item.type or InterventionType.INDIVIDUAL,
            session_minutes=item.session_minutes,
            responsible=_responsible(actor),
        )


def _bind_from_library(actor: User, owner: Goal | Objective, item: library.LibraryItem) -> None:
    """Bind the library item's own measure, with the target its words state, not confirmed
    (decision 0815). A metric the practice lacks is created from the library's definition.
    Words stating no target value, comparator or deadline bind nothing: the clinician binds
    it on the item's page, as for any other goal or objective."""
    if not item.measures:
        return
    measure = item.measures[0]
    structure = smart.analyse(item.text).structure
    deadline = structure.deadline
    if structure.target is None or not structure.comparator or deadline is None:
        return
    plan = owner.plan if isinstance(owner, Goal) else owner.goal.plan
    if deadline.date is not None:
        due = deadline.date
    elif deadline.days is not None:
        due = timezone.localdate() + dt.timedelta(days=deadline.days)
    else:
        return
    try:
        with transaction.atomic():  # a refused target leaves no metric behind
            metric = None
            if measure.metric is not None:
                metric = Metric.objects.filter(
                    organization=plan.organization,
                    name__iexact=measure.metric.name,
                    period=measure.metric.period,
                ).first() or metric_create(
                    actor=actor,
                    name=measure.metric.name,
                    unit=measure.metric.unit,
                    period=measure.metric.period,
                )
            target_set(
                actor=actor,
                owner=owner,
                instrument_code=measure.instrument or "",
                metric=metric,
                baseline=structure.baseline if structure.baseline is not None else "",
                comparator=structure.comparator,
                target_value=structure.target,
                due_date=due,
                confirmed=False,
            )
    except ValidationError:
        return


def _audit_library(actor: User, plan: TreatmentPlan, obj: Any, item: library.LibraryItem) -> None:
    _audit("library.insert", actor, plan.client, obj, item=item.id)


@transaction.atomic
def goal_add_from_library(*, actor: User, plan: TreatmentPlan, item_id: str) -> Goal:
    """A library goal with its typical objectives and their interventions, to personalise.

    The words stay the library's until the clinician edits them, and the plan checks say
    so ("scripted goal"). The client's own words are left empty: they must be the client's.
    """
    item = _library_item(item_id, "goal")
    goal = goal_add(actor=actor, plan=plan, statement=item.text)
    _bind_from_library(actor, goal, item)
    for objective_id in item.objective_ids:
        objective_item = library.get(objective_id)
        objective = objective_add(actor=actor, goal=goal, statement=objective_item.text)
        _bind_from_library(actor, objective, objective_item)
        _insert_interventions(actor, objective, objective_item.intervention_ids)
    _audit_library(actor, plan, goal, item)
    return goal


@transaction.atomic
def objective_add_from_library(*, actor: User, goal: Goal, item_id: str) -> Objective:
    """A library objective with its typical interventions, under an existing goal."""
    item = _library_item(item_id, "objective")
    objective = objective_add(actor=actor, goal=goal, statement=item.text)
    _bind_from_library(actor, objective, item)
    _insert_interventions(actor, objective, item.intervention_ids)
    _audit_library(actor, goal.plan, objective, item)
    return objective


@transaction.atomic
def intervention_add_from_library(
    *, actor: User, objective: Objective, item_id: str
) -> Intervention:
    item = _library_item(item_id, "intervention")
    _insert_interventions(actor, objective, [item.id])
    intervention = objective.interventions.order_by("-order", "-id").first()
    assert intervention is not None
    _audit_library(actor, objective.goal.plan, intervention, item)
    return intervention
