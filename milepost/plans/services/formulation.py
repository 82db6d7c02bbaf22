"""The client's formulation: the presenting problems, the CBT cycle and the 5 Ps factors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.lib.concurrency import check_unchanged
from milepost.lib.models import apply_changes
from milepost.plans.models import FactorKind, Formulation, FormulationFactor, PlanStatus
from milepost.plans.services._common import (
    _audit,
    _clinical_actor,
    _next_order,
    _raise,
    _text,
    _touch,
)

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
    changed = apply_changes(formulation, values)
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
    # A refusal below rolls back and drops this locked copy, so setting first changes nothing.
    changed = apply_changes(factor, values)
    if changed and factor.goals.exclude(plan__status=PlanStatus.DRAFT).exists():
        raise ValidationError(
            {
                changed[0]: "A signed plan links to this factor, so it cannot change; "
                "add a new factor instead."
            }
        )
    if "kind" in changed and factor.goals.exists():
        # A goal targets a maintaining factor and draws on a strength (decision 0811): another
        # kind would change what the link means.
        raise ValidationError(
            {"kind": "Goals link to this factor; unlink them before reclassifying."}
        )
    _touch(factor, changed)
    _audit("formulation_factor.update", actor, client, factor, fields=changed)
    return factor
