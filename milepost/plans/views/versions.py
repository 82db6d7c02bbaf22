"""A version's life after the draft: sign, co-sign, endorse, amend, compare and review.

The services in plans/versions.py decide and refuse; these views ask and show.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.accounts.stepup import step_up_needs_code
from milepost.domain.compliance import Finding
from milepost.lib.forms import add_service_errors
from milepost.measures.access import administrations_for_client
from milepost.plans import versions
from milepost.plans.access import observations_for_client, plan_get_for_user, plans_for_client
from milepost.plans.compliance import compliance_for
from milepost.plans.forms import AmendForm, CosignForm, EndorseForm, ReviewForm, SignForm
from milepost.plans.models import TreatmentPlan
from milepost.plans.selectors import series_by_measure
from milepost.plans.views._common import _draft_or_back, _editor_url, _purpose
from milepost.plans.views.editor import TargetView, _render_editor, _target_view


def _plan_page(
    request: HttpRequest, template: str, plan: TreatmentPlan, **context: Any
) -> HttpResponse:
    return render(request, template, {"client": plan.client, "plan": plan, **context})


def _checks_of(request: SignedInRequest, plan: TreatmentPlan) -> list[Finding]:
    return compliance_for(plan, user=request.user)[1]


@policy(Policy.CLINICAL)
def plan_sign(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """The clinician reads the checks and signs with their password (step-up)."""
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    if not plan.is_draft:
        messages.info(request, f"Version {plan.version} is already signed.")
        return redirect(_editor_url(plan))
    form = SignForm(request.POST or None)
    if not step_up_needs_code(user):
        del form.fields["otp_code"]
    if request.method == "POST" and form.is_valid():
        try:
            versions.plan_sign(actor=user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {plan.version} is signed and can no longer change.")
            return redirect(_editor_url(plan, "signatures"))
    checks = _checks_of(request, plan)
    return _plan_page(
        request,
        "plans/sign.html",
        plan,
        form=form,
        errors=[f for f in checks if f.severity == "error"],
        warnings=[f for f in checks if f.severity == "warning"],
    )


@policy(Policy.CLINICAL)
def plan_cosign(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    form = CosignForm(request.POST or None)
    if not step_up_needs_code(user):
        del form.fields["otp_code"]
    if request.method == "POST" and form.is_valid():
        try:
            versions.plan_cosign(
                actor=user,
                plan=plan,
                password=form.cleaned_data["password"],
                otp_code=form.cleaned_data.get("otp_code"),
            )
        except PermissionDenied:
            messages.error(request, "Only a supervisor of the signing clinician can co-sign.")
            return redirect(_editor_url(plan, "signatures"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {plan.version} is co-signed.")
            return redirect(_editor_url(plan, "signatures"))
    return _plan_page(request, "plans/cosign.html", plan, form=form)


@policy(Policy.CLINICAL)
def plan_endorse(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """In session: the client reads the plan with the clinician and types their name."""
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    form = EndorseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            versions.plan_endorse_in_session(actor=user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The client's endorsement of version {plan.version} is kept."
            )
            return redirect(_editor_url(plan, "signatures"))
    return _plan_page(request, "plans/endorse.html", plan, form=form)


@require_POST
@policy(Policy.CLINICAL)
def plan_amend(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, plan, amend_form=form)
    try:
        draft = versions.plan_amend(actor=user, plan=plan, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _draft_or_back(request, error)
        return redirect(_editor_url(plan, "signatures"))
    messages.success(request, f"Draft version {draft.version} made; the signed one stays in force.")
    return redirect(_editor_url(draft))


@policy(Policy.CLINICAL)
def plan_compare(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """Two versions side by side: the one in the URL against `?with=` (default: its previous)."""
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id)
    other_id = request.GET.get("with", "")
    if other_id:
        other = plan_get_for_user(user, client_id, other_id)
    elif plan.previous_version_id:
        other = plan_get_for_user(user, client_id, plan.previous_version.public_id)  # type: ignore[union-attr]
    else:
        messages.info(request, "This is the first version: there is nothing to compare it with.")
        return redirect(_editor_url(plan))
    older, newer = sorted((plan, other), key=lambda p: p.version)
    return _plan_page(
        request,
        "plans/compare.html",
        plan,
        older=older,
        newer=newer,
        diff=versions.plan_diff(older, newer),
        versions=plans_for_client(user, plan.client),
    )


@policy(Policy.CLINICAL)
def plan_review(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """The review form, pre-filled with each objective's progress from the data."""
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    goals = [g for g in plan.goals.all() if g.status == "active"]
    form = ReviewForm(
        request.POST or None,
        goals=goals,
        initial={
            "held_on": timezone.localdate(),
            "participants": f"{plan.client.display_name}, {user.display_name}",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = versions.review_record(
                actor=user,
                plan=plan,
                held_on=form.cleaned_data["held_on"],
                participants=form.cleaned_data["participants"],
                summary=form.cleaned_data["summary"],
                decisions=form.decisions(),
                new_version=form.cleaned_data["new_version"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if review.next_plan is not None:
                messages.success(
                    request,
                    f"Review recorded. Draft version {review.next_plan.version} carries the "
                    "decisions: revise it, then sign it.",
                )
                return redirect(_editor_url(review.next_plan))
            messages.success(request, "Review recorded; the next review is one interval on.")
            return redirect(_editor_url(plan, "signatures"))
    administrations = administrations_for_client(user, plan.client)
    observations = observations_for_client(user, plan.client)
    by_instrument, by_metric = series_by_measure(administrations, observations)
    # Each goal's own result first (a goal bound to PHQ-9 has one), then its objectives'.
    rows: list[tuple[str, str, bool, TargetView | None]] = []
    for goal in plan.goals.all():
        rows.append(
            (f"{goal.order}", goal.statement, True, _target_view(goal, by_instrument, by_metric))
        )
        for objective in goal.objectives.all():
            rows.append(
                (
                    f"{goal.order}.{objective.order}",
                    objective.statement,
                    False,
                    _target_view(objective, by_instrument, by_metric),
                )
            )
    return _plan_page(request, "plans/review.html", plan, form=form, rows=rows)
