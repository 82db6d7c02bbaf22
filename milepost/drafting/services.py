"""Accept or reject one drafted item: written through the plans services, with provenance.

A draft is never stored: the view passes the intake, the draft is made again (it is
deterministic) and only the accepted item is written. Accepting refuses anything but a
draft plan version (the plans services lock the plan and refuse a signed one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import CLINICAL_ROLES, Role, User
from milepost.audit.services import audit_record
from milepost.domain import drafting
from milepost.drafting.models import DraftedItem, DraftedKind, ModelEndpoint
from milepost.plans import services as plans
from milepost.plans.models import (
    FormulationFactor,
    Goal,
    Metric,
    Objective,
    PlanStatus,
    TreatmentPlan,
)

# What a clinician may change in an item before accepting it.
EDITABLE: dict[str, tuple[str, ...]] = {
    DraftedKind.FACTOR: ("text",),
    DraftedKind.GOAL: ("statement", "client_words"),
    DraftedKind.OBJECTIVE: ("statement",),
    DraftedKind.INTERVENTION: ("modality", "frequency"),
}


def draft_key(plan: TreatmentPlan, intake: drafting.Intake) -> str:
    """A digest of the intake a draft was made from: later items find their parents by it."""
    raw = json.dumps(
        [plan.public_id, intake.presenting_problem, intake.client_words, intake.modality],
        ensure_ascii=False,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _find(result: drafting.Draft, item_id: str) -> tuple[str, Any, Any]:
    """(kind, item, parent) for a drafted item id; ValidationError for an unknown one."""
    for f in result.factors:
        if f.id == item_id:
            return DraftedKind.FACTOR, f, None
    for g in result.goals:
        if g.id == item_id:
            return DraftedKind.GOAL, g, None
        for o in g.objectives:
            if o.id == item_id:
                return DraftedKind.OBJECTIVE, o, g
            for x in o.interventions:
                if x.id == item_id:
                    return DraftedKind.INTERVENTION, x, o
    raise ValidationError({"item": "This item is not in the draft; draft again."})


def _accepted(plan: TreatmentPlan, key: str, item_id: str) -> DraftedItem | None:
    return DraftedItem.objects.filter(plan=plan, draft_key=key, draft_item=item_id).first()


def accepted_ids(plan: TreatmentPlan, key: str) -> dict[str, DraftedItem]:
    """The items of this draft already accepted into the plan, by their draft id."""
    return {
        d.draft_item: d
        for d in DraftedItem.objects.filter(plan=plan, draft_key=key).select_related("accepted_by")
    }


def _metric(actor: User, plan: TreatmentPlan, target: drafting.DraftTarget) -> Metric:
    found = Metric.objects.filter(
        organization=plan.organization, name__iexact=target.measure, period=target.period
    ).first()
    return found or plans.metric_create(
        actor=actor, name=target.measure, unit=target.unit, period=target.period
    )


def _bind(
    actor: User, plan: TreatmentPlan, owner: Goal | Objective, target: drafting.DraftTarget | None
) -> None:
    if target is None or target.target is None:
        return
    # Due dates count from today, the day the clinician accepts.
    due = timezone.localdate() + dt.timedelta(weeks=target.weeks)
    plans.target_set(
        actor=actor,
        owner=owner,
        instrument_code=target.instrument,
        metric=None if target.instrument else _metric(actor, plan, target),
        baseline="" if target.baseline is None else target.baseline,
        comparator=target.comparator,
        target_value=target.target,
        due_date=due,
        confirmed=False,
    )


def _parent(plan: TreatmentPlan, key: str, item_id: str, what: str, model: Any) -> Any:
    row = _accepted(plan, key, item_id)
    if row is None:
        raise ValidationError({"item": f"Accept {what} {item_id} first."})
    found = model.objects.filter(public_id=row.object_id).first()
    if found is None:
        raise ValidationError({"item": f"{what.capitalize()} {item_id} is no longer in the plan."})
    return found


def _edited(item: Any, kind: str, edits: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    values = {name: getattr(item, name) for name in EDITABLE[kind]}
    changed = []
    for name in EDITABLE[kind]:
        if name in edits and edits[name].strip() != (values[name] or "").strip():
            values[name] = edits[name]
            changed.append(name)
    return values, changed


@transaction.atomic
def drafted_item_accept(
    *,
    actor: User,
    plan: TreatmentPlan,
    intake: drafting.Intake,
    item_id: str,
    edits: dict[str, str] | None = None,
    drafted_by: str = "offline",
    result: drafting.Draft | None = None,
) -> DraftedItem:
    """Write one drafted item (as drafted or edited) into a draft plan, with its provenance."""
    if plan.status != PlanStatus.DRAFT:
        raise plans.PlanNotEditable(plan)
    result = result or drafting.draft(intake, today=timezone.localdate())
    key = draft_key(plan, intake)
    kind, item, parent = _find(result, item_id)
    if _accepted(plan, key, item_id) is not None:
        raise ValidationError({"item": "This item is already in the plan."})
    values, changed = _edited(item, kind, edits or {})
    client = plan.client
    written: Any
    if kind == DraftedKind.FACTOR:
        # The formulation is the client's; a factor is only added from a draft plan.
        plans._editable(actor, plan)
        written = plans.formulation_factor_add(
            actor=actor, client=client, kind=item.kind, text=values["text"]
        )
    elif kind == DraftedKind.GOAL:
        factors = [
            f
            for fid in item.factors
            if (row := _accepted(plan, key, fid)) is not None
            and (f := FormulationFactor.objects.filter(public_id=row.object_id).first())
        ]
        written = plans.goal_add(
            actor=actor,
            plan=plan,
            statement=values["statement"],
            client_words=values["client_words"],
            factors=factors,
        )
        _bind(actor, plan, written, item.target)
    elif kind == DraftedKind.OBJECTIVE:
        goal = _parent(plan, key, parent.id, "goal", Goal)
        written = plans.objective_add(actor=actor, goal=goal, statement=values["statement"])
        _bind(actor, plan, written, item.target)
    else:
        objective = _parent(plan, key, parent.id, "objective", Objective)
        membership = getattr(actor, "membership", None)
        clinical = membership is not None and membership.role in CLINICAL_ROLES
        written = plans.intervention_add(
            actor=actor,
            objective=objective,
            modality=values["modality"],
            frequency=values["frequency"],
            type=item.type,
            session_minutes=item.session_minutes,
            responsible=actor if clinical else None,
        )
    row = DraftedItem.objects.create(
        organization=plan.organization,
        client=client,
        plan=plan,
        kind=kind,
        object_id=written.public_id,
        draft_item=item_id,
        draft_key=key,
        drafted_by=drafted_by,
        edited_fields=changed,
        sources=[s.as_dict() for s in item.sources],
        accepted_by=actor,
    )
    audit_record(
        action="assistant.accept",
        actor=actor,
        client=client,
        object_type=kind,
        object_id=written.public_id,
        # No words of the item: ids and field names only (no PHI in the audit detail).
        detail={
            "plan": plan.public_id,
            "draft_item": item_id,
            "edited": changed,
            "drafted_by": drafted_by,
        },
    )
    return row


def drafted_item_reject(*, actor: User, plan: TreatmentPlan, item_id: str) -> None:
    """Record that the clinician set a drafted item aside (nothing is written to the plan)."""
    plans._editable(actor, plan)
    audit_record(
        action="assistant.reject",
        actor=actor,
        client=plan.client,
        object_type="treatmentplan",
        object_id=plan.public_id,
        detail={"draft_item": item_id[:40]},
    )


ENDPOINT_FIELDS = (
    "enabled",
    "base_url",
    "model",
    "api_key",
    "covers_health_information",
    "timeout_seconds",
)


@transaction.atomic
def model_endpoint_set(*, actor: User, **values: Any) -> ModelEndpoint:
    """A practice admin sets the practice's language-model endpoint (off by default)."""
    membership = require_membership(actor, Role.ADMIN)
    errors: dict[str, str] = {}
    unknown = set(values) - set(ENDPOINT_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This field cannot be changed."
    url = str(values.get("base_url", "") or "").strip()
    if url and not url.startswith(("http://", "https://")):
        errors["base_url"] = "Give an http:// or https:// address."
    if values.get("enabled") and not url:
        errors["base_url"] = "Give the endpoint's address to switch it on."
    if values.get("enabled") and not str(values.get("model", "") or "").strip():
        errors["model"] = "Name the model the endpoint serves (e.g. llama3.1:8b)."
    timeout = values.get("timeout_seconds", 20)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or not 1 <= timeout <= 120:
        errors["timeout_seconds"] = "Give a time-out of 1 to 120 seconds."
    if errors:
        raise ValidationError(errors)
    endpoint, _ = ModelEndpoint.objects.select_for_update().get_or_create(
        organization=membership.organization
    )
    changed = []
    for name in ENDPOINT_FIELDS:
        if name not in values:
            continue
        value = values[name].strip() if isinstance(values[name], str) else values[name]
        if name == "api_key" and value == "":
            continue  # an empty key field keeps the stored key
        if getattr(endpoint, name) != value:
            setattr(endpoint, name, value)
            changed.append(name)
    endpoint.updated_by = actor
    endpoint.save()
    audit_record(
        action="assistant.endpoint.update",
        actor=actor,
        organization=membership.organization,
        object_type="modelendpoint",
        object_id=str(endpoint.pk),
        # Field names only: never the key.
        detail={"fields": changed, "enabled": endpoint.enabled},
    )
    return endpoint
