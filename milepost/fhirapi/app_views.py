"""The pages around SMART apps: a practice admin registers and revokes the practice's apps
(decision 0930); a clinician approves or refuses a backend service that is to act for them.
Neither page shows any client's data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.fhirapi import access, services
from milepost.fhirapi.forms import SmartAppForm
from milepost.lib.forms import add_service_errors


@policy(Policy.ORG_ADMIN)
def practice_apps(request: SignedInRequest) -> HttpResponseBase:
    """The practice's SMART apps, and the form to register one. A confidential app's secret
    is shown once, on this response only (never in a message, which is stored, nor a URL)."""
    organization = require_membership(request.user, Role.ADMIN).organization
    form = SmartAppForm(request.POST or None, organization=organization)
    created, secret, status = None, "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            backend = data["kind"] == "backend"
            try:
                created, secret = services.smart_app_register(
                    actor=request.user,
                    name=data["name"],
                    redirect_uris="" if backend else data["redirect_uris"],
                    launch_uri="" if backend else data["launch_uri"],
                    confidential=data["kind"] == "confidential",
                    jwks=data["jwks"] if backend else None,
                    acts_for=form.acting_user(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                form = SmartAppForm(organization=organization)
                status = 201
    response = render(
        request,
        "fhirapi/practice_apps.html",
        {
            "form": form,
            "apps": access.smart_apps_for_admin(request.user),
            "created": created,
            "secret": secret,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@policy(Policy.ORG_ADMIN)
def practice_app_revoke(request: SignedInRequest) -> HttpResponseBase:
    """Revoke one of the practice's apps, named by its id in the form."""
    try:
        app = access.smart_app_for_admin(request.user, request.POST.get("app", "")[:40])
    except Http404:
        messages.error(request, "That app is not one of the practice's.")
        return redirect("smart_apps:list")
    try:
        services.smart_app_revoke(actor=request.user, app=app)
    except ValidationError:
        messages.info(request, f"“{app.application.name}” was already revoked.")
    else:
        messages.success(
            request, f"“{app.application.name}” is revoked: its tokens no longer work."
        )
    return redirect("smart_apps:list")


@policy(Policy.CLINICAL)
def connected_apps(request: SignedInRequest) -> HttpResponseBase:
    """The backend services registered to act for this clinician."""
    return render(
        request,
        "fhirapi/connected_apps.html",
        {"apps": access.backend_services_for_clinician(request.user)},
    )


@require_POST
@policy(Policy.CLINICAL)
def connected_app_decide(request: SignedInRequest) -> HttpResponseBase:
    """Approve a backend service that acts for this clinician, or refuse it (which revokes
    it). The app and the decision are in the form."""
    try:
        app = access.backend_service_for_clinician(request.user, request.POST.get("app", "")[:40])
    except Http404:
        messages.error(request, "That service does not act for you.")
        return redirect("connected_apps:list")
    decision = request.POST.get("decision")
    if app.revoked_at is not None:
        messages.info(request, f"“{app.application.name}” is revoked already.")
    elif decision == "approve":
        services.smart_app_approve(actor=request.user, app=app)
        messages.success(request, f"“{app.application.name}” may now read as you.")
    elif decision == "refuse":
        services.smart_app_refuse(actor=request.user, app=app)
        messages.success(request, f"“{app.application.name}” is refused and revoked.")
    else:
        messages.error(request, "Choose Approve or Refuse.")
    return redirect("connected_apps:list")
