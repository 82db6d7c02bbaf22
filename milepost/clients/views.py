from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from milepost.accounts.access import org_clinicians
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients import services
from milepost.clients.access import (
    care_team_of,
    client_get_for_user,
    coverage_of,
    emergency_accesses_for_admin,
    emergency_accesses_for_clinician,
    emergency_client_lookup,
    programmes_of,
)
from milepost.clients.forms import (
    CareTeamAddForm,
    CareTeamRemoveForm,
    ClientForm,
    ClientProgrammeForm,
    CoverageForm,
    EmergencyAccessForm,
    ProgrammeCreateForm,
)
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors


@policy(Policy.CLINICAL)
def client_create(request: SignedInRequest) -> HttpResponseBase:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != SEEN}
            client = services.client_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added {client.display_name}.")
            return redirect("clients:detail", client_id=client.public_id)
    return render(request, "clients/client_form.html", {"form": form, "creating": True})


@policy(Policy.CLINICAL)
def client_detail(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id)
    team = list(client.care_team.select_related("clinician"))
    add_form = CareTeamAddForm(
        clinicians=org_clinicians(user).exclude(pk__in=[m.clinician_id for m in team])
    )
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "team": team,
            "add_form": add_form,
            "coverage": coverage_of(client),
            "programme_form": ClientProgrammeForm(
                programmes=programmes_of(user),
                initial={"programme": client.programme.public_id if client.programme else ""},
            ),
        },
    )


@require_POST
@policy(Policy.CLINICAL)
def client_programme(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """Put the client in one of the practice's programmes, or in none (decision 1010)."""
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    form = ClientProgrammeForm(request.POST, programmes=programmes_of(user))
    if form.is_valid():
        try:
            services.client_programme_set(
                actor=user, client=client, programme=form.cleaned_data["programme"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, f"Programme: {message}")
    else:
        messages.success(request, "Saved the programme.")
    return redirect("clients:detail", client_id=client.public_id)


@policy(Policy.OVERSIGHT)
def programmes(request: SignedInRequest) -> HttpResponseBase:
    """The practice's programmes, and a form to add one (supervisors and admins)."""
    form = ProgrammeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the programme {programme.name}.")
            return redirect("clients_practice:programmes")
    return render(
        request,
        "clients/programmes.html",
        {"form": form, "programmes": list(programmes_of(request.user))},
    )


@policy(Policy.CLINICAL)
def coverage_edit(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """The client's insurance coverage: payer, plan, member and group id, subscriber."""
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    coverage = coverage_of(client)
    initial = (
        {name: getattr(coverage, name) for name in services.COVERAGE_FIELDS} if coverage else {}
    )
    form = CoverageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_set(actor=user, client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the insurance coverage.")
            return redirect("clients:detail", client_id=client.public_id)
    return render(request, "clients/coverage_form.html", {"form": form, "client": client})


@policy(Policy.CLINICAL)
def client_edit(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    initial = {name: getattr(client, name) for name in services.EDITABLE_FIELDS}
    form = ClientForm(request.POST or None, initial={**initial, SEEN: token(client)})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seen = data.pop(SEEN, "")
        try:
            services.client_update(actor=user, client=client, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("clients:detail", client_id=client.public_id)
    return render(
        request, "clients/client_form.html", {"form": form, "client": client, "creating": False}
    )


@require_POST
@policy(Policy.CLINICAL)
def care_team_add(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    form = CareTeamAddForm(request.POST, clinicians=org_clinicians(user))
    if form.is_valid():
        try:
            services.care_team_add(
                actor=user,
                client=client,
                clinician=form.cleaned_data["clinician"],
                is_primary=form.cleaned_data["is_primary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, f"Care team: {message}")
    else:
        messages.success(request, "Added to the care team.")
    return redirect("clients:detail", client_id=client.public_id)


@require_POST
@policy(Policy.CLINICAL)
def care_team_remove(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    form = CareTeamRemoveForm(request.POST)
    member = None
    if form.is_valid():
        member = next(
            (c for c in care_team_of(client) if c.public_id == form.cleaned_data["clinician"]),
            None,
        )
    if member is None:
        messages.error(request, "Care team: that clinician is not on this client's care team.")
        return redirect("clients:detail", client_id=client.public_id)
    try:
        services.care_team_remove(actor=user, client=client, clinician=member)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"Care team: {message}")
    else:
        messages.success(request, f"Removed {member.full_name} from the care team.")
    return redirect("clients:detail", client_id=client.public_id)


@policy(Policy.CLINICAL)
def emergency_access(request: SignedInRequest) -> HttpResponseBase:
    """ "Break the glass": open a record outside one's care team, for a stated reason."""
    user = request.user
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = emergency_client_lookup(
            user,
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            given_name=data["given_name"],
        )
        if not found:
            form.add_error(
                "family_name", "No client of the practice has this family name and date of birth."
            )
        elif len(found) > 1:
            form.add_error("given_name", "Two or more clients match: add the given name.")
        else:
            try:
                grant = services.emergency_access_open(
                    actor=user, client=found[0], reason=data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.warning(
                    request,
                    f"Emergency access is open until {timezone.localtime(grant.expires_at):%H:%M}. "
                    "Every read is recorded and shown to the practice's privacy officer.",
                )
                return redirect("clients:detail", client_id=grant.client.public_id)
    return render(
        request,
        "clients/emergency_access.html",
        {
            "form": form,
            "grants": emergency_accesses_for_clinician(user),
            "hours": settings.EMERGENCY_ACCESS_HOURS,
        },
    )


@require_POST
@policy(Policy.CLINICAL)
def emergency_access_end(request: SignedInRequest) -> HttpResponseBase:
    user = request.user
    client_id = request.POST.get("client", "")
    for grant in emergency_accesses_for_clinician(user):
        if grant.client.public_id == client_id and grant.is_active():
            services.emergency_access_end(actor=user, grant=grant)
            messages.success(request, "Emergency access ended.")
    return redirect("clients:emergency_access")


@require_safe
@policy(Policy.ORG_ADMIN)
def emergency_access_report(request: SignedInRequest) -> HttpResponseBase:
    grants = emergency_accesses_for_admin(request.user)
    return render(
        request,
        "clients/emergency_access_report.html",
        {"grants": grants, "now": timezone.now()},
    )
