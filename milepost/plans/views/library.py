"""The library of goals, objectives and interventions: search it, insert into the plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.domain import library
from milepost.plans import services
from milepost.plans.access import goal_get_for_user, objective_get_for_user, plan_get_for_user
from milepost.plans.forms import LibrarySearchForm
from milepost.plans.models import Goal, Objective, TreatmentPlan
from milepost.plans.views._common import _editor_url


@policy(Policy.CLINICAL)
def library_browse(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """Search the library; insert a goal into the plan or an objective/intervention into
    a chosen goal/objective. HTMX swaps only the results while typing."""
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id)
    form = LibrarySearchForm(request.GET or None)
    items: tuple[library.LibraryItem, ...] = ()
    if form.is_valid():
        items = library.search(
            form.cleaned_data["q"],
            kind=form.cleaned_data["kind"] or None,
            area=form.cleaned_data["area"] or None,
            limit=30,
        )
    elif not form.is_bound:
        items = library.search("", kind="goal", limit=30)
    areas = {a.code: a.label for a in library.areas()}
    context = {
        "client": plan.client,
        "plan": plan,
        "form": form,
        "rows": [(item, areas.get(item.area, "")) for item in items],
        "goals": list(plan.goals.all()),
        "objectives": [(g, o) for g in plan.goals.all() for o in g.objectives.all()],
    }
    template = "plans/library.html"
    if request.htmx:
        template += "#library-results"
    return render(request, template, context)


@require_POST
@policy(Policy.CLINICAL)
def library_insert(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    item_id = request.POST.get("item", "")
    into = request.POST.get("into", "")
    try:
        item = library.get(item_id)
    except library.UnknownLibraryItem:
        messages.error(request, "Choose an item from the library.")
        return redirect("plans:library", client_id=client_id, plan_id=plan_id)
    try:
        if item.kind == "goal":
            goal = services.goal_add_from_library(actor=user, plan=plan, item_id=item.id)
            anchor = f"goal-{goal.public_id}"
        elif item.kind == "objective":
            parent = _goal_in_plan(user, client_id, plan, into)
            objective = services.objective_add_from_library(
                actor=user, goal=parent, item_id=item.id
            )
            anchor = f"objective-{objective.public_id}"
        else:
            target = _objective_in_plan(user, client_id, plan, into)
            services.intervention_add_from_library(actor=user, objective=target, item_id=item.id)
            anchor = f"objective-{target.public_id}"
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:library", client_id=client_id, plan_id=plan_id)
    messages.success(
        request, "Inserted from the library. Make its words this client's own before signing."
    )
    return redirect(_editor_url(plan, anchor))


def _goal_in_plan(user: User, client_id: str, plan: TreatmentPlan, goal_id: str) -> Goal:
    if not goal_id:
        raise ValidationError({"into": "Choose the goal to add the objective to."})
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    if goal.plan_id != plan.pk:
        raise Http404
    return goal


def _objective_in_plan(
    user: User, client_id: str, plan: TreatmentPlan, objective_id: str
) -> Objective:
    if not objective_id:
        raise ValidationError({"into": "Choose the objective to add the intervention to."})
    objective = objective_get_for_user(user, client_id, objective_id, purpose="edit")
    if objective.goal.plan_id != plan.pk:
        raise Http404
    return objective
