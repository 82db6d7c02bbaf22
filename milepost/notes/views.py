"""Session notes: thin views over notes/access.py and notes/services.py.

Every page reads through access.py (audited) and writes through a service; a service's
ValidationError lands on the field it names and the form comes back with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.lib.forms import add_service_errors
from milepost.notes import services
from milepost.notes.access import (
    note_get_for_user,
    notes_for_client,
    plan_in_force_for_client,
    unworked_objectives_for_plan,
)
from milepost.notes.forms import EnteredInErrorForm, NoteForm
from milepost.notes.models import SessionType

# How many sessions without an objective before the list page names it.
UNWORKED_AFTER = 3


@require_GET
@policy(Policy.CLINICAL)
def note_list(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id)
    notes = notes_for_client(user, client)
    in_force = plan_in_force_for_client(user, client)
    plan = in_force.plan if in_force is not None else None
    unworked = unworked_objectives_for_plan(user, plan, sessions=UNWORKED_AFTER) if plan else []
    return render(
        request,
        "notes/list.html",
        {
            "client": client,
            "notes": notes,
            "plan": plan,
            "unworked": unworked,
            "unworked_after": UNWORKED_AFTER,
        },
    )


@policy(Policy.CLINICAL)
def note_new(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    purpose = "edit" if request.method == "POST" else "view"
    client = client_get_for_user(user, client_id, purpose=purpose)
    in_force = plan_in_force_for_client(user, client)
    plan = in_force.plan if in_force is not None else None
    form = NoteForm(
        request.POST if request.method == "POST" else None,
        goals=in_force.goals if in_force is not None else [],
        plan_id=plan.public_id if plan is not None else "",
        initial={"held_on": timezone.localdate(), "type": SessionType.INDIVIDUAL},
    )
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_create(
                actor=user, client=client, objectives=form.citations(), **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session note saved.")
            return redirect("notes:detail", client_id=client.public_id, note_id=note.public_id)
    return render(
        request,
        "notes/note_form.html",
        {"client": client, "plan": plan, "form": form},
    )


@require_GET
@policy(Policy.CLINICAL)
def note_detail(request: SignedInRequest, client_id: str, note_id: str) -> HttpResponseBase:
    user = request.user
    note = note_get_for_user(user, client_id, note_id)
    return render(
        request,
        "notes/detail.html",
        {"client": note.client, "note": note, "error_form": EnteredInErrorForm()},
    )


@require_POST
@policy(Policy.CLINICAL)
def note_entered_in_error(
    request: SignedInRequest, client_id: str, note_id: str
) -> HttpResponseBase:
    user = request.user
    note = note_get_for_user(user, client_id, note_id, purpose="edit")
    form = EnteredInErrorForm(request.POST)
    if form.is_valid():
        try:
            services.note_mark_entered_in_error(
                actor=user, note=note, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"Entered in error: {message}")
        else:
            messages.success(request, "Marked as entered in error; the note no longer counts.")
    else:
        messages.error(
            request, "Entered in error: say why this note is a mistake (300 characters at most)."
        )
    return redirect("notes:detail", client_id=note.client.public_id, note_id=note.public_id)
