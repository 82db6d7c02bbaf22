"""A goal's own page: its words with live SMART feedback, its order, its removal and its
target.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.audit.context import fold_repeated_reads
from milepost.domain import smart
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import (
    goal_factors_for_client,
    goal_get_for_user,
    metrics_for_user,
    objective_get_for_user,
    plan_get_for_user,
)
from milepost.plans.forms import GoalForm, TargetForm
from milepost.plans.models import FactorKind, Goal, Objective, TreatmentPlan
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
from milepost.plans.views.targets import _save_target, _target_form_for, _target_remove


def _goal_form(
    request: SignedInRequest,
    plan: TreatmentPlan,
    data: Any,
    *,
    with_status: bool,
    initial: dict[str, Any] | None = None,
) -> GoalForm:
    """The goal form, offering the client's maintaining factors and strengths."""
    maintaining, strengths = goal_factors_for_client(request.user, plan.client)
    return GoalForm(
        data,
        factors=maintaining,
        strengths=strengths,
        with_status=with_status,
        initial=initial,
    )


def _goal_initial(goal: Goal) -> dict[str, Any]:
    linked = list(goal.factors.all())
    return {
        SEEN: token(goal),
        "statement": goal.statement,
        "client_words": goal.client_words,
        "status": goal.status,
        "factors": [f for f in linked if f.kind == FactorKind.PERPETUATING],
        "strengths": [f for f in linked if f.kind == FactorKind.PROTECTIVE],
    }


def _goal_page(
    request: SignedInRequest,
    plan: TreatmentPlan,
    form: GoalForm,
    *,
    goal: Goal | None = None,
    analysis: smart.Analysis | None = None,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    if goal is not None and target_form is None:
        target_form = _target_form_for(request, goal, analysis)
    return render(
        request,
        "plans/goal_form.html",
        {
            "client": plan.client,
            "plan": plan,
            "goal": goal,
            "form": form,
            "smart": _smart_context(analysis, goal),
            "target_form": target_form,
            "target": target_of(goal) if goal is not None else None,
            "target_measure": _measure_name(target_of(goal)) if goal is not None else "",
            "target_words": target_summary(target_of(goal)) if goal is not None else "",
            "has_factors": form.fields["factors"].queryset.exists(),  # type: ignore[attr-defined]
            "has_strengths": form.fields["strengths"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )


def _analyse_form(
    request: SignedInRequest, plan: TreatmentPlan, form: GoalForm, goal: Goal | None
) -> smart.Analysis | None:
    """Feedback for what the form holds, or None when it cannot be read yet."""
    text = form.data.get("statement", "") if form.is_bound else (goal.statement if goal else "")
    if not isinstance(text, str) or not text.strip():
        return None
    factors = form.linked_factors() if form.is_bound and form.is_valid() else None
    words = form.data.get("client_words") if form.is_bound else None
    try:
        return services.smart_feedback(
            actor=request.user,
            plan=plan,
            goal=goal,
            text=text,
            client_words=words if isinstance(words, str) else None,
            factors=list(factors) if factors is not None else None,
        )
    except ValidationError:
        return None


@policy(Policy.CLINICAL)
def goal_new(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = _goal_form(request, plan, request.POST or None, with_status=False)
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            goal = services.goal_add(
                actor=user,
                plan=plan,
                statement=form.cleaned_data["statement"],
                client_words=form.cleaned_data["client_words"],
                factors=form.linked_factors(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Goal {goal.order} added. Now bind it to a measure.")
            return redirect("plans:goal", client_id=plan.client.public_id, goal_id=goal.public_id)
    analysis = _analyse_form(request, plan, form, None) if request.method == "POST" else None
    return _goal_page(request, plan, form, analysis=analysis)


@policy(Policy.CLINICAL)
def goal_edit(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    plan = goal.plan
    form = _goal_form(
        request, plan, request.POST or None, with_status=True, initial=_goal_initial(goal)
    )
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            services.goal_update(
                actor=user,
                goal=goal,
                seen=form.cleaned_data[SEEN],
                statement=form.cleaned_data["statement"],
                client_words=form.cleaned_data["client_words"],
                status=form.cleaned_data["status"],
                factors=form.linked_factors(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Goal {goal.order} saved.")
            return redirect(_editor_url(plan, f"goal-{goal.public_id}"))
    return _goal_page(
        request, plan, form, goal=goal, analysis=_analyse_form(request, plan, form, goal)
    )


@require_POST
@policy(Policy.CLINICAL)
def smart_check(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """Live SMART feedback on what is being typed: the fragment HTMX swaps in.

    One transaction for the whole keystroke. Its reads are written once each at the end of
    the request, and the same reads repeated while one person types count on the first
    event of their window (decision 0017).
    """
    fold_repeated_reads()
    with transaction.atomic():
        return _smart_check(request, client_id, plan_id)


def _smart_check(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponse:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, with_parts=False)
    goal = None
    goal_id = request.POST.get("goal", "")
    if goal_id:
        goal = goal_get_for_user(user, client_id, goal_id, purpose="view")
        if goal.plan_id != plan.pk:
            raise Http404
    objective_id = request.POST.get("objective", "")
    if request.POST.get("kind") == "objective" and objective_id:
        # An objective is judged on its own: its own target, never its goal's (decision 0312).
        objective = objective_get_for_user(user, client_id, objective_id, purpose="view")
        if objective.goal.plan_id != plan.pk:
            raise Http404
        text = request.POST.get("statement", "")
        try:
            analysis = (
                services.smart_feedback(actor=user, plan=plan, objective=objective, text=text)
                if text.strip()
                else None
            )
        except ValidationError:
            analysis = None
        owner: Goal | Objective | None = objective
    elif request.POST.get("kind") == "objective" and goal is not None:
        # An objective not saved yet: judged on its own words, toward its goal.
        text = request.POST.get("statement", "")
        try:
            analysis = (
                services.smart_feedback(
                    actor=user, plan=plan, goal=goal, for_objective=True, text=text
                )
                if text.strip()
                else None
            )
        except ValidationError:
            analysis = None
        owner = None
    else:
        form = _goal_form(request, plan, request.POST, with_status=False)
        analysis = _analyse_form(request, plan, form, goal)
        owner = goal
    field = request.POST.get("field", "")
    return render(
        request,
        "plans/_smart_feedback.html",
        {
            "smart": _smart_context(analysis, owner),
            # The field "Use this rewrite" fills: an inline objective form names its own.
            "field_id": field if _FIELD_ID.fullmatch(field) else "id_statement",
        },
    )


_FIELD_ID = re.compile(r"id_[A-Za-z0-9_]{1,80}")


@require_POST
@policy(Policy.CLINICAL)
def goal_move(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    order = _move(list(goal.plan.goals.all()), goal.public_id, request.POST.get("direction", ""))
    if order is not None:
        _attempt(request, lambda: services.goal_reorder(actor=user, plan=goal.plan, goal_ids=order))
    return redirect(_editor_url(goal.plan, f"goal-{goal.public_id}"))


@require_POST
@policy(Policy.CLINICAL)
def goal_remove(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    _attempt(
        request,
        lambda: services.goal_remove(actor=user, goal=goal),
        f"Goal {goal.order} removed, with its objectives.",
    )
    return redirect(_editor_url(goal.plan, "goals"))


@policy(Policy.CLINICAL)
def goal_target(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    if request.method == "POST":
        form = TargetForm(request.POST, metrics=metrics_for_user(user))
        if _save_target(request, goal, form):
            messages.success(request, f"Goal {goal.order} is bound to its measure.")
            return redirect(_editor_url(goal.plan, f"goal-{goal.public_id}"))
    else:
        return redirect("plans:goal", client_id=client_id, goal_id=goal_id)
    initial = _goal_initial(goal)
    del initial[SEEN]
    goal_form = _goal_form(request, goal.plan, None, with_status=True, initial=initial)
    return _goal_page(request, goal.plan, goal_form, goal=goal, target_form=form)


@require_POST
@policy(Policy.CLINICAL)
def goal_target_rebind(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    """Update the goal's bound target from the words typed (decision 0312).

    The button sits in the feedback and posts the goal form, so what was typed comes back
    as it was, unsaved; the target's token rides on the button.
    """
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    plan = goal.plan
    _attempt(
        request,
        lambda: services.target_rebind_to_words(
            actor=user,
            owner=goal,
            text=request.POST.get("statement", ""),
            seen=request.POST.get("target_seen", ""),
        ),
        f"The target of goal {goal.order} now says what the words say.",
    )
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    form = _goal_form(request, plan, request.POST, with_status=True, initial={SEEN: token(goal)})
    return _goal_page(
        request, plan, form, goal=goal, analysis=_analyse_form(request, plan, form, goal)
    )


@require_POST
@policy(Policy.CLINICAL)
def goal_target_remove(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    goal = goal_get_for_user(request.user, client_id, goal_id, purpose=_purpose(request))
    _target_remove(request, goal, f"Goal {goal.order} is no longer bound to a measure.")
    return redirect(_editor_url(goal.plan, f"goal-{goal.public_id}"))
