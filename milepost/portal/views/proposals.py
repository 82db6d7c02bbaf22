"""Drafting goals: the client imagines life when things are better and sends a proposal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.lib.forms import add_service_errors
from milepost.portal import access, services, words
from milepost.portal.forms import (
    ProposalForm,
)
from milepost.portal.models import DRAFT_FORMS, ProposalStatus


@policy(Policy.PORTAL)
def propose(request: SignedInRequest) -> HttpResponseBase:
    """The seed's exercise: imagine life when things are better. "See ideas" shows the
    gentle feedback without sending; "Send" sends the proposal to the care team."""
    user = request.user
    client = access.portal_client(user)
    kept = {}
    if request.method != "POST":
        for kind, field in DRAFT_FORMS["proposal"]:
            text = access.unsent_draft_for_portal(user, client, kind)
            if text:
                kept[field] = text
    form = ProposalForm(request.POST or None, initial=kept or None)
    feedback = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        how = form.cleaned_data["how_you_would_know"]
        if request.POST.get("action") == "preview":
            feedback = words.proposal_feedback(text, how)
        else:
            try:
                proposal = services.goal_proposal_create(
                    actor=user, client=client, text=text, how_you_would_know=how
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your goal is sent to your therapist.")
                return redirect("portal:proposal", proposal_id=proposal.public_id)
    return render(
        request,
        "portal/propose.html",
        {
            "client": client,
            "form": form,
            "feedback": feedback,
            "kept": bool(kept),
            "proposals": access.proposals_for_portal(user, client),
        },
    )


@require_safe
@policy(Policy.PORTAL)
def proposal(request: SignedInRequest, proposal_id: str) -> HttpResponseBase:
    user = request.user
    client = access.portal_client(user)
    found = access.proposal_get_for_portal(user, client, proposal_id)
    return render(
        request,
        "portal/propose_detail.html",
        {
            "client": client,
            "proposal": found,
            "feedback": words.proposal_feedback(found.text, found.how_you_would_know)
            if found.status == ProposalStatus.NEW
            else None,
        },
    )
