"""The plan in force in plain words, its endorsement and a request for a change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.lib.forms import add_service_errors
from milepost.plans import versions
from milepost.portal import access, services
from milepost.portal.forms import (
    ChangeRequestForm,
    EndorseForm,
)


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


@policy(Policy.PORTAL)
def endorse(request: SignedInRequest) -> HttpResponseBase:
    """Endorse the version in force with an electronic signature, or ask for a change."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    form = EndorseForm(request.POST or None)
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
            "change_form": ChangeRequestForm(),
        },
    )


@policy(Policy.PORTAL)
def change_request(request: SignedInRequest) -> HttpResponseBase:
    """Ask for a change to the version in force, with a comment."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    form = ChangeRequestForm(request.POST or None)
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
        {"client": client, "shown": shown, "form": EndorseForm(), "change_form": form},
    )
