"""An objective: added inline on the editor, edited on its own page with SMART feedback,
moved, removed, and bound to its measure.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import goal_get_for_user, metrics_for_user, objective_get_for_user
from milepost.plans.forms import ObjectiveForm, TargetForm
from milepost.plans.models import Objective
from milepost.plans.selectors import target_of
from milepost.plans.views._common import (
    _attempt,
    _editor_url,
    _measure_name,
    _move,
    _purpose,
    _smart_context,
    target_summary,
)
from milepost.plans.views.editor import _editor_post
from milepost.plans.views.targets import _save_target, _target_form_for, _target_remove


@require_POST
@policy(Policy.CLINICAL)
def objective_add(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    form = ObjectiveForm(request.POST, auto_id=f"id_o_{goal.public_id}_%s")

    def write(data: dict[str, Any]) -> tuple[str, str]:
        objective = services.objective_add(actor=user, goal=goal, statement=data["statement"])
        return (
            f"Objective {goal.order}.{objective.order} added.",
            f"objective-{objective.public_id}",
        )

    return _editor_post(
        request, client_id, goal.plan, form, write, objective_forms={goal.public_id: form}
    )


def _objective_page(
    request: SignedInRequest,
    objective: Objective,
    form: ObjectiveForm,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    user = request.user
    analysis = None
    text = form.data.get("statement") if form.is_bound else objective.statement
    if isinstance(text, str) and text.strip():
        try:
            analysis = services.smart_feedback(
                actor=user, plan=objective.goal.plan, objective=objective, text=text
            )
        except ValidationError:
            analysis = None
    return render(
        request,
        "plans/objective_form.html",
        {
            "client": objective.goal.plan.client,
            "plan": objective.goal.plan,
            "goal": objective.goal,
            "objective": objective,
            "form": form,
            "smart": _smart_context(analysis, objective),
            "target": target_of(objective),
            "target_measure": _measure_name(target_of(objective)),
            "target_words": target_summary(target_of(objective)),
            "target_form": target_form or _target_form_for(request, objective, analysis),
        },
    )


@policy(Policy.CLINICAL)
def objective_edit(request: SignedInRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = request.user
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    form = ObjectiveForm(
        request.POST or None, initial={SEEN: token(objective), "statement": objective.statement}
    )
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            services.objective_update(
                actor=user,
                objective=objective,
                statement=form.cleaned_data["statement"],
                seen=form.cleaned_data[SEEN],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Objective saved.")
            return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))
    return _objective_page(request, objective, form)


@require_POST
@policy(Policy.CLINICAL)
def objective_target(
    request: SignedInRequest, client_id: str, objective_id: str
) -> HttpResponseBase:
    user = request.user
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    form = TargetForm(request.POST, metrics=metrics_for_user(user))
    if _save_target(request, objective, form):
        messages.success(request, "The objective is bound to its measure.")
        return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))
    return _objective_page(
        request, objective, ObjectiveForm(initial={"statement": objective.statement}), form
    )


@require_POST
@policy(Policy.CLINICAL)
def objective_target_rebind(
    request: SignedInRequest, client_id: str, objective_id: str
) -> HttpResponseBase:
    """Update the objective's bound target from the words typed (decision 0312); what was
    typed comes back as it was, unsaved."""
    user = request.user
    objective = objective_get_for_user(user, client_id, objective_id, purpose="edit")
    _attempt(
        request,
        lambda: services.target_rebind_to_words(
            actor=user,
            owner=objective,
            text=request.POST.get("statement", ""),
            seen=request.POST.get("target_seen", ""),
        ),
        f"The target of objective {objective.goal.order}.{objective.order} now says what "
        "the words say.",
    )
    objective = objective_get_for_user(user, client_id, objective_id, purpose="edit")
    return _objective_page(request, objective, ObjectiveForm(request.POST))


@require_POST
@policy(Policy.CLINICAL)
def objective_target_remove(
    request: SignedInRequest, client_id: str, objective_id: str
) -> HttpResponseBase:
    objective = objective_get_for_user(
        request.user, client_id, objective_id, purpose=_purpose(request)
    )
    _target_remove(request, objective, "The objective is no longer bound to a measure.")
    return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))


@require_POST
@policy(Policy.CLINICAL)
def objective_move(request: SignedInRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = request.user
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    goal = objective.goal
    direction = request.POST.get("direction", "")
    order = _move(list(goal.objectives.all()), objective.public_id, direction)
    if order is not None:
        _attempt(
            request,
            lambda: services.objective_reorder(actor=user, goal=goal, objective_ids=order),
        )
    return redirect(_editor_url(goal.plan, f"objective-{objective.public_id}"))


@require_POST
@policy(Policy.CLINICAL)
def objective_remove(
    request: SignedInRequest, client_id: str, objective_id: str
) -> HttpResponseBase:
    user = request.user
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    _attempt(
        request,
        lambda: services.objective_remove(actor=user, objective=objective),
        "Objective removed, with its interventions.",
    )
    return redirect(_editor_url(objective.goal.plan, f"goal-{objective.goal.public_id}"))
