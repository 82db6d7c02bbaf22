"""The clinician's side of the portal's plan features: the client's goal proposals, their
requests for a plan change, the journal entries they shared, and which goals the portal
shows. Thin views over portal/access.py and portal/services.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.lib.forms import add_service_errors
from milepost.plans.access import goal_get_for_user, plans_for_client
from milepost.plans.models import PlanStatus
from milepost.portal import access, services
from milepost.portal.forms import AdoptForm, AnswerForm, DeclineForm
from milepost.portal.models import ChangeRequest, GoalProposal


def _inbox_url(client_id: str) -> str:
    return reverse("portal_clinician:inbox", kwargs={"client_id": client_id})


def _render_inbox(
    request: SignedInRequest,
    client_id: str,
    *,
    bound: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id)
    proposals = access.proposals_for_client(user, client)
    changes = access.change_requests_for_client(user, client)
    bound = bound or {}
    return render(
        request,
        "portal/plan_from_portal.html",
        {
            "client": client,
            "proposals": [
                (
                    p,
                    bound.get(f"adopt-{p.public_id}")
                    or AdoptForm(
                        initial={"statement": p.text}, auto_id=f"id_adopt_{p.public_id}_%s"
                    ),
                    bound.get(f"decline-{p.public_id}")
                    or DeclineForm(auto_id=f"id_decline_{p.public_id}_%s"),
                )
                for p in proposals
            ],
            "changes": [
                (
                    c,
                    bound.get(f"answer-{c.public_id}")
                    or AnswerForm(auto_id=f"id_answer_{c.public_id}_%s"),
                )
                for c in changes
            ],
            "journal": access.shared_journal_for_client(user, client),
            "log_entries": access.log_entries_for_client(user, client),
            "has_draft": any(p.status == PlanStatus.DRAFT for p in plans_for_client(user, client)),
        },
        status=status,
    )


@require_safe
@policy(Policy.CLINICAL)
def inbox(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """What reached the care team from the client's portal."""
    return _render_inbox(request, client_id)


def _proposal(request: SignedInRequest, client_id: str, proposal_id: str) -> GoalProposal:
    return access.proposal_get_for_user(request.user, client_id, proposal_id, purpose="edit")


@require_POST
@policy(Policy.CLINICAL)
def proposal_adopt(request: SignedInRequest, client_id: str, proposal_id: str) -> HttpResponseBase:
    """Make the proposal a goal of the draft plan, with the client's words kept."""
    user = request.user
    found = _proposal(request, client_id, proposal_id)
    form = AdoptForm(request.POST, auto_id=f"id_adopt_{found.public_id}_%s")
    if form.is_valid():
        try:
            goal = services.goal_proposal_adopt(
                actor=user, proposal=found, statement=form.cleaned_data["statement"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Goal {goal.order} added to the draft, in their words.")
            return redirect("plans:goal", client_id=client_id, goal_id=goal.public_id)
    return _render_inbox(request, client_id, bound={f"adopt-{found.public_id}": form}, status=400)


@require_POST
@policy(Policy.CLINICAL)
def proposal_decline(
    request: SignedInRequest, client_id: str, proposal_id: str
) -> HttpResponseBase:
    user = request.user
    found = _proposal(request, client_id, proposal_id)
    form = DeclineForm(request.POST, auto_id=f"id_decline_{found.public_id}_%s")
    if form.is_valid():
        try:
            services.goal_proposal_decline(
                actor=user, proposal=found, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Declined; the client sees your note.")
            return redirect(_inbox_url(client_id))
    return _render_inbox(request, client_id, bound={f"decline-{found.public_id}": form}, status=400)


@require_POST
@policy(Policy.CLINICAL)
def change_answer(
    request: SignedInRequest, client_id: str, change_request_id: str
) -> HttpResponseBase:
    user = request.user
    found: ChangeRequest = access.change_request_get_for_user(
        user, client_id, change_request_id, purpose="edit"
    )
    form = AnswerForm(request.POST, auto_id=f"id_answer_{found.public_id}_%s")
    if form.is_valid():
        try:
            services.change_request_answer(
                actor=user, change_request=found, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Answered; the client sees your answer.")
            return redirect(_inbox_url(client_id))
    return _render_inbox(request, client_id, bound={f"answer-{found.public_id}": form}, status=400)


@require_POST
@policy(Policy.CLINICAL)
def goal_visibility(request: SignedInRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    """Keep a draft's goal out of the client's portal (hidden=1) or show it (hidden=0)."""
    user = request.user
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    choice = request.POST.get("hidden", "")
    if choice not in ("0", "1"):
        messages.error(request, "Hidden from the client: choose to hide the goal or to show it.")
    else:
        try:
            services.goal_visibility_set(actor=user, goal=goal, hidden=choice == "1")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Goal {goal.order} is now "
                + ("hidden from the client's portal." if choice == "1" else "shown in the portal."),
            )
    return redirect(
        reverse("plans:editor", kwargs={"client_id": client_id, "plan_id": goal.plan.public_id})
        + f"#goal-{goal.public_id}"
    )
