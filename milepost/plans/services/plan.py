"""A plan version's draft: starting one, its details (review interval, strengths, discharge
criteria) and its diagnoses.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.domain import icd10cm
from milepost.domain.plans import InvalidDiagnosisCode, normalise_icd10cm
from milepost.lib.concurrency import check_unchanged
from milepost.lib.models import apply_changes
from milepost.plans.models import Diagnosis, PlanStatus, TreatmentPlan
from milepost.plans.services._common import (
    REVIEW_INTERVAL_DAYS,
    _audit,
    _clinical_actor,
    _editable,
    _next_order,
    _raise,
    _renumber,
    _text,
    _touch,
    _whole,
)

PLAN_FIELDS = ("review_interval_days", "strengths", "functional_impairment", "discharge_criteria")


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
    for name in ("strengths", "functional_impairment", "discharge_criteria"):
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
    functional_impairment: str = "",
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
            "functional_impairment": functional_impairment,
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
    """Change the strengths, functional impairment, discharge criteria or review interval of
    a draft."""
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
    changed = apply_changes(plan, values)
    _touch(plan, changed)
    _audit("plan.update", actor, plan.client, plan, fields=changed)
    return plan


@transaction.atomic
def diagnosis_add(*, actor: User, plan: TreatmentPlan, code: str) -> Diagnosis:
    """Add a diagnosis by its ICD-10-CM code. The code must be in the code set
    (milepost/domain/icd10cm.py, decision 0801); the description is the code set's. A
    category code that is not billable is added (the plan checks warn about it)."""
    plan = _editable(actor, plan)
    errors: dict[str, str] = {}
    clean_code = ""
    try:
        clean_code = normalise_icd10cm(code if isinstance(code, str) else "")
    except InvalidDiagnosisCode as error:
        errors["code"] = str(error)
    info = icd10cm.lookup(clean_code) if clean_code else None
    if clean_code and info is None:
        errors["code"] = (
            f"{clean_code} is not a code of ICD-10-CM ({icd10cm.CODE_SET}). "
            "Check the code against the diagnosis you made, e.g. F32.1."
        )
    if clean_code and plan.diagnoses.filter(code=clean_code).exists():
        errors["code"] = f"{clean_code} is already on this plan."
    _raise(errors)
    assert info is not None
    diagnosis = Diagnosis.objects.create(
        plan=plan,
        code=info.code,
        text=info.description,  # at most 228 characters in this release; the field holds 300
        order=_next_order(plan.diagnoses),
    )
    _audit("diagnosis.create", actor, plan.client, diagnosis, code=info.code)
    return diagnosis


@transaction.atomic
def diagnosis_remove(*, actor: User, diagnosis: Diagnosis) -> None:
    """Remove a diagnosis from a draft (the one kind of plan that may lose anything)."""
    plan = _editable(actor, diagnosis.plan)
    _audit("diagnosis.remove", actor, plan.client, diagnosis, code=diagnosis.code)
    diagnosis.delete()
    _renumber(plan.diagnoses.all())
