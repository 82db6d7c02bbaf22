"""The journal: private entries, each shared with the care team only when the client says."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.lib.forms import add_service_errors
from milepost.portal import access, services
from milepost.portal.forms import (
    JournalForm,
)
from milepost.portal.models import DraftKind


@policy(Policy.PORTAL)
def journal(request: SignedInRequest) -> HttpResponseBase:
    user = request.user
    client = access.portal_client(user)
    kept = (
        ""
        if request.method == "POST"
        else access.unsent_draft_for_portal(user, client, DraftKind.JOURNAL)
    )
    form = JournalForm(request.POST or None, initial={"text": kept} if kept else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_add(actor=user, client=client, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved. Only you can see it.")
            return redirect("portal:journal")
    return render(
        request,
        "portal/journal.html",
        {
            "client": client,
            "form": form,
            "kept": bool(kept),
            "entries": access.journal_for_portal(user, client),
        },
    )


@require_POST
@policy(Policy.PORTAL)
def journal_share(request: SignedInRequest, journal_entry_id: str) -> HttpResponseBase:
    """Share one entry with the care team (action=share) or make it private (unshare)."""
    user = request.user
    client = access.portal_client(user)
    entry = access.journal_entry_get_for_portal(user, client, journal_entry_id)
    action = request.POST.get("action", "")
    if action not in ("share", "unshare"):
        messages.error(request, "Choose whether to share the entry or keep it private.")
        return redirect("portal:journal")
    services.journal_entry_share(actor=user, entry=entry, shared=action == "share")
    messages.success(
        request,
        "Shared with your care team."
        if action == "share"
        else "Private again: only you can see it.",
    )
    return redirect("portal:journal")
