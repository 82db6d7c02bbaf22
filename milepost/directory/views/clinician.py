"""The clinician's side: their own listing (profile, photo, licences, room) and the
referrals that reached them, to accept or decline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.directory import access, services
from milepost.directory.forms import (
    AcceptForm,
    LicenceForm,
    PhotoForm,
    ProfileForm,
    RoomForm,
)
from milepost.directory.models import FacetKind, Profile
from milepost.domain.directory import ranking
from milepost.lib.forms import add_service_errors

_LISTS = {
    "focus_areas": FacetKind.FOCUS,
    "modalities": FacetKind.MODALITY,
    "languages": FacetKind.LANGUAGE,
    "age_groups": FacetKind.AGE,
    "populations": FacetKind.POPULATION,
    "payers": FacetKind.PAYER,
}
_FIELDS = (
    "listed",
    "display_name",
    "credentials",
    "pronouns",
    "statement",
    "fee_min",
    "fee_max",
    "sliding_scale",
    "in_person",
    "telehealth",
    "office_line",
    "office_city",
    "office_zip",
)


def _own(request: SignedInRequest) -> Profile:
    """The user's listing, or an unsaved one to show a refused form on: a refused post
    starts no listing (the services start it, inside their transaction)."""
    return access.own_profile(request.user) or Profile(
        organization=request.user.membership.organization,
        clinician=request.user,
        display_name=request.user.full_name,
        credentials=request.user.credentials,
    )


def _initial(profile: Profile) -> dict[str, object]:
    initial: dict[str, object] = {name: getattr(profile, name) for name in _FIELDS}
    facets = list(profile.facets.all()) if profile.pk else []
    for name, kind in _LISTS.items():
        initial[name] = [f.value for f in facets if f.kind == kind]
    return initial


def _page(request: SignedInRequest, profile: Profile, **forms: object) -> HttpResponseBase:
    payers = [p.name for p in access.practice_payers(request.user)]
    page = access.listing_page(profile)
    context = {
        **page,
        "form": forms.get("form") or ProfileForm(initial=_initial(profile), payers=payers),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "licence_form": forms.get("licence_form") or LicenceForm(),
        "room_form": forms.get("room_form")
        or RoomForm(initial={"capacity": profile.capacity, "next_opening": profile.next_opening}),
        "licences": list(profile.licences.all()) if profile.pk else [],
        "practice_listed": access.practice_listing(request.user),
        "visible": page["freshness"] is not ranking.Freshness.HIDDEN and profile.listed,
    }
    return render(request, "directory/mine.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.CLINICAL)
def mine(request: SignedInRequest) -> HttpResponseBase:
    if request.method != "POST":
        return _page(request, services.profile_ensure(actor=request.user))
    profile = _own(request)
    payers = [p.name for p in access.practice_payers(request.user)]
    form = ProfileForm(request.POST, payers=payers)
    if form.is_valid():
        try:
            services.profile_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your listing is saved.")
            return redirect("directory:mine")
    return _page(request, profile, form=form)


@require_POST
@policy(Policy.CLINICAL)
def photo_set(request: SignedInRequest) -> HttpResponseBase:
    profile = _own(request)
    if "remove" in request.POST:
        services.profile_photo_remove(actor=request.user)
        messages.success(request, "Your photo is removed.")
        return redirect("directory:mine")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_photo_set(actor=request.user, upload=form.cleaned_data["photo"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your photo is saved.")
            return redirect("directory:mine")
    return _page(request, profile, photo_form=form)


@require_POST
@policy(Policy.CLINICAL)
def licence_add(request: SignedInRequest) -> HttpResponseBase:
    profile = _own(request)
    form = LicenceForm(request.POST)
    if form.is_valid():
        try:
            services.licence_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The licence is added.")
            return redirect("directory:mine")
    return _page(request, profile, licence_form=form)


@require_POST
@policy(Policy.CLINICAL)
def licence_remove(request: SignedInRequest, licence_id: str) -> HttpResponseBase:
    licence = access.licence_get_for_user(request.user, licence_id)
    services.licence_remove(actor=request.user, licence=licence)
    messages.success(request, "The licence is removed.")
    return redirect("directory:mine")


@require_POST
@policy(Policy.CLINICAL)
def room_confirm(request: SignedInRequest) -> HttpResponseBase:
    profile = _own(request)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.availability_confirm(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your room is confirmed for the next 30 days.")
            return redirect("directory:mine")
    return _page(request, profile, room_form=form)


@require_safe
@policy(Policy.CLINICAL)
def referrals(request: SignedInRequest) -> HttpResponseBase:
    return render(
        request, "directory/referrals.html", {"referrals": access.referrals_for_user(request.user)}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.CLINICAL)
def referral(request: SignedInRequest, referral_id: str) -> HttpResponseBase:
    found = access.referral_get_for_user(request.user, referral_id)
    given, _, family = found.name.partition(" ")
    contact_email = found.contact if "@" in found.contact else ""
    form = AcceptForm(
        request.POST if request.method == "POST" and "accept" in request.POST else None,
        initial={"given_name": given, "family_name": family, "email": contact_email},
    )
    if request.method == "POST":
        try:
            if "decline" in request.POST:
                services.referral_decline(actor=request.user, referral=found)
                messages.success(request, "The referral is declined.")
                return redirect("directory:referrals")
            if form.is_valid():
                client = services.referral_accept(
                    actor=request.user,
                    referral=found,
                    fallback_base_url=request.build_absolute_uri("/"),
                    **form.cleaned_data,
                )
                messages.success(request, "The client is created.")
                return redirect("clients:detail", client_id=client.public_id)
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "directory/referral.html", {"referral": found, "form": form})
