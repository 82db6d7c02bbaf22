"""The practice admin's side: the practice's opt-in, its controlled payer list, and whether
its intake uses measured outcomes (decision 1220)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.directory import access, services
from milepost.directory.forms import OutcomeMatchingForm, PayerForm, PracticeForm
from milepost.lib.forms import add_service_errors


def _page(request: SignedInRequest, payer_form: PayerForm | None = None) -> HttpResponseBase:
    listed = access.practice_listing(request.user)
    matching = access.practice_outcome_matching(request.user)
    return render(
        request,
        "directory/practice.html",
        {
            "form": PracticeForm(initial={"listed": listed}),
            "listed": listed,
            "matching_form": OutcomeMatchingForm(initial={"use": matching}),
            "matching": matching,
            "payer_form": payer_form or PayerForm(),
            "payers": list(access.practice_payers(request.user)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.ORG_ADMIN)
def practice(request: SignedInRequest) -> HttpResponseBase:
    if request.method == "POST":
        form = PracticeForm(request.POST)
        if form.is_valid():
            services.practice_listing_set(actor=request.user, listed=form.cleaned_data["listed"])
            messages.success(request, "The practice's listing choice is saved.")
            return redirect("directory:practice")
    return _page(request)


@require_POST
@policy(Policy.ORG_ADMIN)
def payer_add(request: SignedInRequest) -> HttpResponseBase:
    form = PayerForm(request.POST)
    if form.is_valid():
        try:
            services.payer_add(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The payer is added.")
            return redirect("directory:practice")
    return _page(request, form)


@require_POST
@policy(Policy.ORG_ADMIN)
def payer_remove(request: SignedInRequest, payer_id: str) -> HttpResponseBase:
    payer = access.payer_get_for_admin(request.user, payer_id)
    services.payer_remove(actor=request.user, payer=payer)
    messages.success(request, "The payer is removed; listings no longer show it.")
    return redirect("directory:practice")


@require_POST
@policy(Policy.ORG_ADMIN)
def outcome_matching(request: SignedInRequest) -> HttpResponseBase:
    form = OutcomeMatchingForm(request.POST)
    if form.is_valid():
        services.practice_outcome_matching_set(actor=request.user, use=form.cleaned_data["use"])
        messages.success(request, "The practice's choice on outcome figures is saved.")
    return redirect("directory:practice")
