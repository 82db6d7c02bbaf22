"""Use cases for formulations, treatment plans, targets, metrics and observations.

Each one checks the actor (a clinician or supervisor who may read the client now; the
client itself must have been fetched through clients.access), refuses any change to a
plan that is not a draft, validates into ValidationError({field: message}), saves inside
one transaction and writes the audit event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import CLINICAL_ROLES, Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import instruments, library, smart
from milepost.domain.errors import UnknownInstrument
from milepost.domain.plans import InvalidDiagnosisCode, normalise_icd10cm
from milepost.lib.concurrency import EditConflict, check_unchanged
from milepost.lib.validation import clean_text, raise_errors
from milepost.measures.models import Administration
from milepost.plans.models import (
    Comparator,
    Diagnosis,
    Direction,
    FactorKind,
    Formulation,
    FormulationFactor,
    Goal,
    GoalStatus,
    Intervention,
    InterventionType,
    Metric,
    MetricPeriod,
    Objective,
    Observation,
    ObservationSource,
    PlanStatus,
    Target,
    TreatmentPlan,
)

LONG_TEXT = 4000  # a paragraph or several; TextFields have no length of their own
REVIEW_INTERVAL_DAYS = (7, 366)
SESSION_MINUTES = (5, 480)
# No self-monitored count, duration or rating comes near this; beyond it is a typing slip
# (and sums of squares in the projection would overflow).
MAX_METRIC_VALUE = 1_000_000
# A form filled in on a device whose clock runs a little fast is still "today".
_CLOCK_SKEW = dt.timedelta(days=1)


class PlanNotEditable(ValidationError):
    """A change to a plan version that is not a draft. Signed plans never change."""

    def __init__(self, plan: TreatmentPlan) -> None:
        super().__init__(
            {
                "plan": (
                    f"Version {plan.version} of this plan is {plan.get_status_display().lower()} "
                    "and can no longer change; amend it to make a new draft version."
                )
            }
        )


# ---------------------------------------------------------------- helpers


def _clinical_actor(actor: User, client: Client) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


def _editable(actor: User, plan: TreatmentPlan) -> TreatmentPlan:
    """Check the actor, then lock the plan row and refuse unless it is still a draft.

    The lock makes a concurrent signing wait, so no change slips into a signed version.
    """
    _clinical_actor(actor, plan.client)
    locked = TreatmentPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise PlanNotEditable(locked)
    return locked


def _text(
    errors: dict[str, str],
    field: str,
    value: object,
    *,
    required: bool = False,
    max_length: int = LONG_TEXT,
) -> str:
    """Stripped text; records a message in `errors` when it is unusable."""
    return clean_text(errors, field, value, required=required, max_length=max_length)


def _number(errors: dict[str, str], field: str, value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = "Enter a number."
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors[field] = "Enter a number."
        return None
    if not math.isfinite(number):
        errors[field] = "Enter a number."
        return None
    return number


def _whole(
    errors: dict[str, str], field: str, value: object, bounds: tuple[int, int]
) -> int | None:
    number = _number(errors, field, value)
    if number is None:
        return None
    low, high = bounds
    if not number.is_integer() or not low <= number <= high:
        errors[field] = f"Enter a whole number from {low} to {high}."
        return None
    return int(number)


_raise = raise_errors


def _touch(instance: Any, changed: list[str]) -> None:
    if changed:
        instance.updated_at = timezone.now()
        instance.save(update_fields=[*changed, "updated_at"])


def _next_order(items: Any) -> int:
    return int(items.aggregate(top=Max("order"))["top"] or 0) + 1


def _reorder(items: list[Any], public_ids: Sequence[str], what: str) -> list[str]:
    """Give `items` the order of `public_ids`, which must name each of them exactly once."""
    by_id = {item.public_id: item for item in items}
    if sorted(public_ids) != sorted(by_id):
        raise ValidationError({"order": f"List every {what} of this plan exactly once."})
    for position, public_id in enumerate(public_ids, start=1):
        item = by_id[public_id]
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    return list(public_ids)


def _renumber(items: Any) -> None:
    for position, item in enumerate(items.order_by("order", "id"), start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])


def _audit(action: str, actor: User, client: Client, obj: Any, **detail: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        client=client,
        object_type=type(obj)._meta.model_name,
        object_id=obj.public_id,
        detail=detail or None,
    )


# ---------------------------------------------------------------- formulation

FORMULATION_FIELDS = ("presenting_problems", "situation", "thoughts", "emotions", "behaviours")


def _formulation_of(client: Client) -> Formulation:
    formulation, _ = Formulation.objects.get_or_create(
        client=client, defaults={"organization": client.organization}
    )
    return formulation


@transaction.atomic
def formulation_update(
    *, actor: User, client: Client, seen: object = None, **changes: Any
) -> Formulation:
    """Write the presenting problems and the CBT cycle (the factors have their own services).

    `seen` (the form's token, `milepost.lib.concurrency`) refuses a save over someone else's.
    """
    _clinical_actor(actor, client)
    errors: dict[str, str] = {}
    unknown = set(changes) - set(FORMULATION_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This field cannot be changed."
    values = {
        name: _text(errors, name, value) for name, value in changes.items() if name not in unknown
    }
    _raise(errors)
    formulation = Formulation.objects.select_for_update().get(pk=_formulation_of(client).pk)
    check_unchanged(
        formulation,
        seen,
        what="formulation",
        shown={"Presenting problems": formulation.presenting_problems},
    )
    changed = [name for name, value in values.items() if getattr(formulation, name) != value]
    for name in changed:
        setattr(formulation, name, values[name])
    if changed:
        formulation.updated_by = actor
        _touch(formulation, [*changed, "updated_by"])
    _audit("formulation.update", actor, client, formulation, fields=changed)
    return formulation


@transaction.atomic
def formulation_factor_add(
    *, actor: User, client: Client, kind: str, text: str
) -> FormulationFactor:
    """One of the 5 Ps; the perpetuating (maintaining) ones are what goals link to."""
    _clinical_actor(actor, client)
    errors: dict[str, str] = {}
    if kind not in FactorKind.values:
        errors["kind"] = "Choose predisposing, precipitating, perpetuating or protective."
    clean = _text(errors, "text", text, required=True, max_length=500)
    _raise(errors)
    formulation = _formulation_of(client)
    factor = FormulationFactor.objects.create(
        formulation=formulation,
        kind=kind,
        text=clean,
        order=_next_order(formulation.factors.filter(kind=kind)),
    )
    _audit("formulation_factor.create", actor, client, factor, kind=kind)
    return factor


@transaction.atomic
def formulation_factor_update(
    *,
    actor: User,
    factor: FormulationFactor,
    kind: str | None = None,
    text: str | None = None,
    seen: object = None,
) -> FormulationFactor:
    """Reword or reclassify a factor, unless a plan that is no longer a draft links to it."""
    client = factor.formulation.client
    _clinical_actor(actor, client)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if kind is not None:
        if kind not in FactorKind.values:
            errors["kind"] = "Choose predisposing, precipitating, perpetuating or protective."
        values["kind"] = kind
    if text is not None:
        values["text"] = _text(errors, "text", text, required=True, max_length=500)
    _raise(errors)
    factor = FormulationFactor.objects.select_for_update().get(pk=factor.pk)
    check_unchanged(
        factor,
        seen,
        what="factor",
        shown={"Kind": factor.get_kind_display(), "Factor": factor.text},
    )
    changed = [name for name, value in values.items() if getattr(factor, name) != value]
    if changed and factor.goals.exclude(plan__status=PlanStatus.DRAFT).exists():
        raise ValidationError(
            {
                changed[0]: "A signed plan links to this factor, so it cannot change; "
                "add a new factor instead."
            }
        )
    if "kind" in changed and values["kind"] != FactorKind.PERPETUATING and factor.goals.exists():
        raise ValidationError(
            {"kind": "Goals link to this maintaining factor; unlink them before reclassifying."}
        )
    for name in changed:
        setattr(factor, name, values[name])
    _touch(factor, changed)
    _audit("formulation_factor.update", actor, client, factor, fields=changed)
    return factor


# ---------------------------------------------------------------- plan


PLAN_FIELDS = ("review_interval_days", "strengths", "discharge_criteria")


def _plan_values(errors: dict[str, str], changes: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in sorted(set(changes) - set(PLAN_FIELDS)):
        errors[name] = "This field cannot be changed."
    if "review_interval_days" in changes:
        values["review_interval_days"] = _whole(
            errors, "review_interval_days", changes["review_interval_days"], REVIEW_INTERVAL_DAYS
        )
        if values["review_interval_days"] is None and "review_interval_days" not in errors:
            errors["review_interval_days"] = "Set how many days until the plan is reviewed."
    for name in ("strengths", "discharge_criteria"):
        if name in changes:
            values[name] = _text(errors, name, changes[name])
    return values


@transaction.atomic
def plan_create_draft(
    *,
    actor: User,
    client: Client,
    review_interval_days: int | None = None,
    strengths: str = "",
    discharge_criteria: str = "",
) -> TreatmentPlan:
    """A new, empty draft version; a client has at most one draft at a time.

    The review interval defaults to the practice's (Organization.review_interval_days).
    """
    _clinical_actor(actor, client)
    if review_interval_days is None:
        review_interval_days = client.organization.review_interval_days
    errors: dict[str, str] = {}
    values = _plan_values(
        errors,
        {
            "review_interval_days": review_interval_days,
            "strengths": strengths,
            "discharge_criteria": discharge_criteria,
        },
    )
    _raise(errors)
    # Lock the client: two drafts started at once must not both get the same version.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    versions = TreatmentPlan.objects.filter(client=client)
    if versions.filter(status=PlanStatus.DRAFT).exists():
        raise ValidationError({"plan": "This client already has a draft plan; edit that one."})
    latest = versions.order_by("-version").first()
    plan = TreatmentPlan.objects.create(
        organization=client.organization,
        client=client,
        version=(latest.version + 1) if latest else 1,
        previous_version=latest,
        created_by=actor,
        **values,
    )
    _audit("plan.create", actor, client, plan, version=plan.version)
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, plan: TreatmentPlan, seen: object = None, **changes: Any
) -> TreatmentPlan:
    """Change the strengths, discharge criteria or review interval of a draft."""
    plan = _editable(actor, plan)
    errors: dict[str, str] = {}
    values = _plan_values(errors, changes)
    _raise(errors)
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    check_unchanged(
        plan,
        seen,
        what="plan's details",
        shown={"Strengths": plan.strengths, "Discharge criteria": plan.discharge_criteria},
    )
    changed = [name for name, value in values.items() if getattr(plan, name) != value]
    for name in changed:
        setattr(plan, name, values[name])
    _touch(plan, changed)
    _audit("plan.update", actor, plan.client, plan, fields=changed)
    return plan


@transaction.atomic
def diagnosis_add(*, actor: User, plan: TreatmentPlan, code: str, text: str) -> Diagnosis:
    plan = _editable(actor, plan)
    errors: dict[str, str] = {}
    clean_code = ""
    try:
        clean_code = normalise_icd10cm(code if isinstance(code, str) else "")
    except InvalidDiagnosisCode as error:
        errors["code"] = str(error)
    clean_text = _text(errors, "text", text, required=True, max_length=300)
    if clean_code and plan.diagnoses.filter(code=clean_code).exists():
        errors["code"] = f"{clean_code} is already on this plan."
    _raise(errors)
    diagnosis = Diagnosis.objects.create(
        plan=plan, code=clean_code, text=clean_text, order=_next_order(plan.diagnoses)
    )
    _audit("diagnosis.create", actor, plan.client, diagnosis, code=clean_code)
    return diagnosis


@transaction.atomic
def diagnosis_remove(*, actor: User, diagnosis: Diagnosis) -> None:
    """Remove a diagnosis from a draft (the one kind of plan that may lose anything)."""
    plan = _editable(actor, diagnosis.plan)
    _audit("diagnosis.remove", actor, plan.client, diagnosis, code=diagnosis.code)
    diagnosis.delete()
    _renumber(plan.diagnoses.all())


# ---------------------------------------------------------------- goals


def _factors(
    errors: dict[str, str], plan: TreatmentPlan, factors: Sequence[FormulationFactor]
) -> list[FormulationFactor]:
    ids = [f.pk for f in factors]
    found = list(
        FormulationFactor.objects.filter(
            pk__in=ids, formulation__client=plan.client, kind=FactorKind.PERPETUATING
        )
    )
    if len(found) != len(set(ids)):
        errors["factors"] = "Link only maintaining factors from this client's formulation."
    return found


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
    changed = [name for name, value in values.items() if getattr(goal, name) != value]
    for name in changed:
        setattr(goal, name, values[name])
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
    changed = ["statement"] if objective.statement != clean else []
    objective.statement = clean
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
    changed = [name for name, value in values.items() if getattr(intervention, name) != value]
    for name in changed:
        setattr(intervention, name, values[name])
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


# ---------------------------------------------------------------- targets


def _latest_administration(client: Client, instrument_code: str) -> Administration | None:
    return (
        Administration.objects.filter(
            client=client,
            instrument_code=instrument_code,
            entered_in_error_at__isnull=True,
            total__isnull=False,
        )
        .order_by("-administered_at", "-id")
        .first()
    )


def _latest_observation(client: Client, metric: Metric) -> Observation | None:
    return (
        Observation.objects.filter(client=client, metric=metric, entered_in_error_at__isnull=True)
        .order_by("-period_start", "-id")
        .first()
    )


def _implied_direction(comparator: str) -> str | None:
    if comparator in (Comparator.AT_MOST, Comparator.BELOW):
        return Direction.DECREASE
    if comparator in (Comparator.AT_LEAST, Comparator.ABOVE):
        return Direction.INCREASE
    return None


@transaction.atomic
def target_set(
    *,
    actor: User,
    owner: Goal | Objective,
    target_value: object,
    due_date: dt.date | None,
    comparator: str,
    instrument_code: str = "",
    metric: Metric | None = None,
    baseline: object = None,
    direction: str = "",
    confirmed: bool = False,
    seen: object = None,
) -> Target:
    """Bind a goal or objective to an instrument or a custom metric, with its target.

    `seen` is the form's token: the target's `updated_at` as shown, or "new" when the form
    showed no target (someone binding it meanwhile is then a conflict too).

    The target and baseline must lie within the instrument's range. With an instrument
    and no baseline given, the baseline is the client's latest scored administration;
    with a metric, the latest observation.
    """
    goal = owner if isinstance(owner, Goal) else owner.goal
    plan = _editable(actor, goal.plan)
    client = plan.client
    errors: dict[str, str] = {}
    instrument = None
    if bool(instrument_code) == (metric is not None):
        errors["measure"] = "Choose an instrument or a custom metric (one of the two)."
    elif instrument_code:
        try:
            instrument = instruments.get(str(instrument_code))
        except UnknownInstrument as error:
            errors["instrument_code"] = str(error)
    elif metric is not None and metric.organization_id != plan.organization_id:
        errors["metric"] = "Choose a metric of this practice."
    value = _number(errors, "target_value", target_value)
    if value is None and "target_value" not in errors:
        errors["target_value"] = "Enter the value to reach."
    start = _number(errors, "baseline", baseline)
    if comparator not in Comparator.values:
        errors["comparator"] = "Choose how the value compares with the target (≤, <, ≥, >, =)."
    if direction and direction not in Direction.values:
        errors["direction"] = "Choose decrease, increase or maintain."
    if not isinstance(due_date, dt.date) or isinstance(due_date, dt.datetime):
        errors["due_date"] = "Enter the date the target is due."
    elif due_date < timezone.localdate() - _CLOCK_SKEW:
        errors["due_date"] = "The due date cannot be in the past."

    baseline_administration = None
    if instrument is not None:
        low, high = instrument.total_min, instrument.total_max
        for field, number in (("target_value", value), ("baseline", start)):
            if number is not None and not low <= number <= high:
                errors[field] = (
                    f"{instrument.short_name} totals run from {low} to {high}; "
                    f"{number:g} is outside that range."
                )
        if start is None and "baseline" not in errors:
            baseline_administration = _latest_administration(client, instrument.code)
            if baseline_administration is not None:
                start = float(baseline_administration.total)  # type: ignore[arg-type]
    elif metric is not None and "metric" not in errors:
        for field, number in (("target_value", value), ("baseline", start)):
            if number is not None and number < 0:
                errors[field] = f"A count of {metric.unit} cannot be negative."
            elif number is not None and number > MAX_METRIC_VALUE:
                errors[field] = f"Enter a value up to {MAX_METRIC_VALUE:,}."
        if start is None and "baseline" not in errors:
            latest = _latest_observation(client, metric)
            if latest is not None:
                start = latest.value

    # The comparator says which way the value should go ("≤ 9" is a decrease), even when
    # the baseline already meets the target; only "=" is read from baseline and target.
    # A direction the clinician chose must agree with baseline and target.
    chosen = bool(direction)
    implied = _implied_direction(comparator) if "comparator" not in errors else None
    if chosen and implied and direction in Direction.values and direction != implied:
        errors["direction"] = (
            f"“{comparator}” means the value should {implied}; "
            f"choose {Direction(implied).label} or change how it compares."
        )
    if not direction and "comparator" not in errors:
        direction = implied or ""
        if not direction and start is not None and value is not None:
            if start == value:
                direction = Direction.MAINTAIN
            else:
                direction = Direction.DECREASE if value < start else Direction.INCREASE
        if not direction:
            errors["direction"] = "Say whether the value should decrease, increase or stay."
    if (
        chosen
        and start is not None
        and value is not None
        and not errors.get("target_value")
        and direction in (Direction.DECREASE, Direction.INCREASE)
    ):
        if direction == Direction.DECREASE and value > start:
            errors["target_value"] = (
                f"To decrease from a baseline of {start:g}, the target must be lower."
            )
        if direction == Direction.INCREASE and value < start:
            errors["target_value"] = (
                f"To increase from a baseline of {start:g}, the target must be higher."
            )
    _raise(errors)
    assert value is not None
    assert isinstance(due_date, dt.date)

    owner_field = "goal" if isinstance(owner, Goal) else "objective"
    existing = Target.objects.select_for_update().filter(**{owner_field: owner}).first()
    if existing is not None:
        shown = {
            "Measure": existing.instrument_code
            or (existing.metric.name if existing.metric else ""),
            "Target": f"{existing.comparator} {existing.target_value:g}",
            "Due": existing.due_date.isoformat() if existing.due_date else "",
        }
        if seen == "new":
            raise EditConflict("target", existing, shown)
        check_unchanged(existing, seen, what="target", shown=shown)
    target = existing or Target(**{owner_field: owner})
    target.instrument_code = instrument.code if instrument is not None else ""
    target.metric = metric if instrument is None else None
    target.baseline = start
    target.baseline_administration = baseline_administration
    target.comparator = comparator
    target.target_value = value
    target.direction = direction
    target.due_date = due_date
    now = timezone.now()
    target.confirmed = bool(confirmed)
    target.confirmed_by = actor if confirmed else None
    target.confirmed_at = now if confirmed else None
    target.updated_at = now
    target.save()
    _audit(
        "target.set",
        actor,
        client,
        target,
        owner=owner.public_id,
        measure=target.instrument_code or (metric.public_id if metric else ""),
        confirmed=target.confirmed,
    )
    return target


# ---------------------------------------------------------------- metrics and observations


@transaction.atomic
def metric_create(*, actor: User, name: str, unit: str, period: str) -> Metric:
    """A custom metric for the whole practice (not client data: its values are)."""
    membership = require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    errors: dict[str, str] = {}
    clean_name = _text(errors, "name", name, required=True, max_length=120)
    clean_unit = _text(errors, "unit", unit, required=True, max_length=40)
    if period not in MetricPeriod.values:
        errors["period"] = "Choose per day, week, month or session."
    if (
        "name" not in errors
        and Metric.objects.filter(
            organization=membership.organization, name__iexact=clean_name, period=period
        ).exists()
    ):
        errors["name"] = "This practice already has a metric with this name and period."
    _raise(errors)
    metric = Metric.objects.create(
        organization=membership.organization,
        name=clean_name,
        unit=clean_unit,
        period=period,
        created_by=actor,
    )
    audit_record(
        action="metric.create",
        actor=actor,
        organization=membership.organization,
        object_type="metric",
        object_id=metric.public_id,
    )
    return metric


@transaction.atomic
def observation_add(
    *,
    actor: User,
    client: Client,
    metric: Metric,
    value: object,
    period_start: dt.date,
    source: str = ObservationSource.CLINICIAN,
) -> Observation:
    """One value of a custom metric; a client enters only their own, in the portal."""
    if source == ObservationSource.PORTAL:
        require_membership(actor, Role.CLIENT)
        if client.portal_user_id != actor.pk:
            raise PermissionDenied
    elif source == ObservationSource.CLINICIAN:
        _clinical_actor(actor, client)
    else:
        raise ValidationError({"source": "Unknown source."})
    errors: dict[str, str] = {}
    if metric.organization_id != client.organization_id:
        errors["metric"] = "Choose a metric of this practice."
    number = _number(errors, "value", value)
    if number is None and "value" not in errors:
        errors["value"] = "Enter a value."
    elif number is not None and number < 0:
        errors["value"] = "The value cannot be negative."
    elif number is not None and number > MAX_METRIC_VALUE:
        errors["value"] = f"Enter a value up to {MAX_METRIC_VALUE:,}."
    if not isinstance(period_start, dt.date) or isinstance(period_start, dt.datetime):
        errors["period_start"] = "Enter a date."
    elif period_start > timezone.localdate() + _CLOCK_SKEW:
        errors["period_start"] = "The date cannot be in the future."
    elif period_start < client.date_of_birth:
        errors["period_start"] = "The date is before the client's date of birth."
    _raise(errors)
    assert number is not None
    observation = Observation.objects.create(
        organization=client.organization,
        client=client,
        metric=metric,
        value=number,
        period_start=period_start,
        entered_by=actor,
        source=source,
    )
    _audit("observation.create", actor, client, observation, metric=metric.public_id)
    return observation


@transaction.atomic
def observation_mark_entered_in_error(
    *, actor: User, observation: Observation, reason: str
) -> Observation:
    """Take a mistaken value out of charts and progress. It is never deleted."""
    _clinical_actor(actor, observation.client)
    errors: dict[str, str] = {}
    clean = _text(errors, "reason", reason, required=True, max_length=300)
    _raise(errors)
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.entered_in_error_at is not None:
        raise ValidationError({"reason": "This entry is already marked as entered in error."})
    observation.entered_in_error_at = timezone.now()
    observation.entered_in_error_reason = clean
    observation.save(update_fields=["entered_in_error_at", "entered_in_error_reason"])
    _audit("observation.entered_in_error", actor, observation.client, observation)
    return observation


# ---------------------------------------------------------------- SMART feedback


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
    client_words: str | None = None,
    factors: Sequence[FormulationFactor] | None = None,
    today: dt.date | None = None,
) -> smart.Analysis:
    """The SMART engine's judgement of `text` in the context of a plan (and goal, if saved).

    A read, not a write: nothing is saved, but it is audited like every read.
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
    audit_record(
        action="goal.smart_feedback" if goal is not None else "plan.smart_feedback",
        actor=actor,
        client=client,
        object_type="goal" if goal is not None else "treatmentplan",
        object_id=goal.public_id if goal is not None else plan.public_id,
    )
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


# ---------------------------------------------------------------- targets (removal)


@transaction.atomic
def target_remove(*, actor: User, target: Target) -> None:
    """Unbind a goal or objective from its measure, on a draft."""
    owner: Goal | Objective = target.goal if target.goal_id else target.objective  # type: ignore[assignment]
    goal = owner if isinstance(owner, Goal) else owner.goal
    plan = _editable(actor, goal.plan)
    _audit("target.remove", actor, plan.client, target, owner=owner.public_id)
    Target.objects.filter(pk=target.pk).delete()


# ---------------------------------------------------------------- library


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
    for objective_id in item.objective_ids:
        objective_item = library.get(objective_id)
        objective = objective_add(actor=actor, goal=goal, statement=objective_item.text)
        _insert_interventions(actor, objective, objective_item.intervention_ids)
    _audit_library(actor, plan, goal, item)
    return goal


@transaction.atomic
def objective_add_from_library(*, actor: User, goal: Goal, item_id: str) -> Objective:
    """A library objective with its typical interventions, under an existing goal."""
    item = _library_item(item_id, "objective")
    objective = objective_add(actor=actor, goal=goal, statement=item.text)
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
