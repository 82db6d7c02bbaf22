"""Reads for the assistant: what the record already says (for the intake) and the
provenance of the plan's drafted items. Every read is audited."""

from __future__ import annotations

from django.utils import timezone

from milepost.accounts.models import User
from milepost.audit.services import audit_read
from milepost.domain import drafting
from milepost.drafting.models import DraftedItem
from milepost.measures.access import administrations_for_client
from milepost.plans.access import formulation_for_client
from milepost.plans.models import TreatmentPlan


def record_for_intake(
    user: User, plan: TreatmentPlan
) -> tuple[
    str, tuple[drafting.IntakeScore, ...], tuple[str, ...], tuple[drafting.ExistingFactor, ...]
]:
    """The presenting problems, latest score per instrument, diagnoses and formulation
    factors already on the record (each read audited by the access function it uses)."""
    formulation = formulation_for_client(user, plan.client)
    latest: dict[str, drafting.IntakeScore] = {}
    for a in administrations_for_client(user, plan.client):
        if a.total is not None:
            latest[a.instrument_code] = drafting.IntakeScore(
                a.instrument_code, float(a.total), timezone.localdate(a.administered_at)
            )
    diagnoses = tuple(d.code for d in plan.diagnoses.all())
    factors = (
        tuple(drafting.ExistingFactor(f.kind, f.text) for f in formulation.factors.all())
        if formulation
        else ()
    )
    return (
        formulation.presenting_problems if formulation else "",
        tuple(latest.values()),
        diagnoses,
        factors,
    )


def drafted_items_for_plan(user: User, plan: TreatmentPlan) -> dict[str, DraftedItem]:
    """The drafted items of this plan and of the versions it was amended from, by the public
    id of what they became; a later version's copy of an item is found through its origin."""
    rows = DraftedItem.objects.filter(client=plan.client).select_related("accepted_by")
    result = {row.object_id: row for row in rows}
    audit_read(
        action="assistant.provenance.view",
        actor=user,
        client=plan.client,
        object_type="treatmentplan",
        object_id=plan.public_id,
    )
    return result
