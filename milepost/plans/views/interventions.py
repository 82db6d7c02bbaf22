"""An intervention: added inline on the editor, edited on its own page, removed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.access import org_clinicians
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import intervention_get_for_user, objective_get_for_user
from milepost.plans.forms import InterventionForm
from milepost.plans.views._common import _attempt, _editor_url, _purpose
from milepost.plans.views.editor import _editor_post


@require_POST
@policy(Policy.CLINICAL)
def intervention_add(
    request: SignedInRequest, client_id: str, objective_id: str
) -> HttpResponseBase:
    user = request.user
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    form = InterventionForm(
        request.POST,
        clinicians=list(org_clinicians(user)),
        auto_id=f"id_i_{objective.public_id}_%s",
    )

    def write(data: dict[str, Any]) -> tuple[str, str]:
        data.pop(SEEN, None)
        services.intervention_add(actor=user, objective=objective, **data)
        return "Intervention added.", f"objective-{objective.public_id}"

    return _editor_post(
        request,
        client_id,
        objective.goal.plan,
        form,
        write,
        intervention_forms={objective.public_id: form},
    )


@policy(Policy.CLINICAL)
def intervention_edit(
    request: SignedInRequest, client_id: str, intervention_id: str
) -> HttpResponseBase:
    user = request.user
    intervention = intervention_get_for_user(
        user, client_id, intervention_id, purpose=_purpose(request)
    )
    form = InterventionForm(
        request.POST or None,
        clinicians=list(org_clinicians(user)),
        initial={
            SEEN: token(intervention),
            "modality": intervention.modality,
            "type": intervention.type,
            "frequency": intervention.frequency,
            "session_minutes": intervention.session_minutes,
            "responsible": intervention.responsible.public_id if intervention.responsible else "",
        },
    )
    plan = intervention.objective.goal.plan
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            seen = data.pop(SEEN, "")
            services.intervention_update(actor=user, intervention=intervention, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Intervention saved.")
            return redirect(_editor_url(plan, f"objective-{intervention.objective.public_id}"))
    return render(
        request,
        "plans/intervention_form.html",
        {
            "client": plan.client,
            "plan": plan,
            "intervention": intervention,
            "objective": intervention.objective,
            "form": form,
        },
    )


@require_POST
@policy(Policy.CLINICAL)
def intervention_remove(
    request: SignedInRequest, client_id: str, intervention_id: str
) -> HttpResponseBase:
    user = request.user
    intervention = intervention_get_for_user(
        user, client_id, intervention_id, purpose=_purpose(request)
    )
    _attempt(
        request,
        lambda: services.intervention_remove(actor=user, intervention=intervention),
        "Intervention removed.",
    )
    objective = intervention.objective
    return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))
