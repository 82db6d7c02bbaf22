"""The plan in force in plain words, its endorsement and a request for a change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.models import Client
from milepost.lib.forms import add_service_errors
from milepost.plans import versions
from milepost.portal import access, services
from milepost.portal.forms import (
    ChangeRequestForm,
    EndorseForm,
)
from milepost.portal.models import DraftKind


@require_safe
@policy(Policy.PORTAL)
def plan(request: SignedInRequest) -> HttpResponseBase:
    """The plan in force in plain words, printable, with its endorsement."""
    user = request.user
    client = access.portal_client(user)
    return render(
        request,
        "portal/plan.html",
        {
            "client": client,
            "shown": access.portal_plan_for(user, client),
            "requests": access.change_requests_for_portal(user, client),
        },
    )


def _change_form(
    user: User, client: Client, data: QueryDict | None
) -> tuple[ChangeRequestForm, bool]:
    """The request-for-a-change form: what was posted, else what was kept before the idle
    timeout (decision 0823); and whether it was kept."""
    if data is not None:
        return ChangeRequestForm(data), False
    kept = access.unsent_draft_for_portal(user, client, DraftKind.CHANGE_REQUEST)
    return ChangeRequestForm(initial={"comment": kept} if kept else None), bool(kept)


@policy(Policy.PORTAL)
def endorse(request: SignedInRequest) -> HttpResponseBase:
    """Endorse the version in force with an electronic signature, or ask for a change."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    form = EndorseForm(request.POST or None)
    change_form, change_kept = _change_form(user, client, None)
    if request.method == "POST" and shown is not None and form.is_valid():
        try:
            versions.plan_endorse_in_portal(actor=user, plan=shown.plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Thank you: you endorsed version {shown.plan.version}.")
            return redirect("portal:plan")
    return render(
        request,
        "portal/endorse.html",
        {
            "client": client,
            "shown": shown,
            "form": form,
            "change_form": change_form,
            "change_kept": change_kept,
        },
    )


@policy(Policy.PORTAL)
def change_request(request: SignedInRequest) -> HttpResponseBase:
    """Ask for a change to the version in force, with a comment."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    form, kept = _change_form(user, client, request.POST if request.method == "POST" else None)
    if request.method == "POST" and shown is not None and form.is_valid():
        try:
            services.change_request_create(
                actor=user, plan=shown.plan, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request is sent to your therapist.")
            return redirect("portal:plan")
    return render(
        request,
        "portal/endorse.html",
        {
            "client": client,
            "shown": shown,
            "form": EndorseForm(),
            "change_form": form,
            "change_kept": kept,
        },
    )
