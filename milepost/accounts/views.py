from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render

from milepost.accounts import services
from milepost.accounts.access import org_user_get_for_admin, org_users_for_admin, require_membership
from milepost.accounts.forms import LoginForm, UserCreateForm, UserUpdateForm
from milepost.accounts.models import Role
from milepost.accounts.policies import Policy, policy
from milepost.lib.forms import add_service_errors

login = policy(Policy.PUBLIC)(
    LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = policy(Policy.AUTHENTICATED)(LogoutView.as_view())


@policy(Policy.ORG_ADMIN)
def users(request: HttpRequest) -> HttpResponseBase:
    people = org_users_for_admin(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/users.html", {"people": people})


@policy(Policy.ORG_ADMIN)
def user_create(request: HttpRequest) -> HttpResponseBase:
    membership = require_membership(request.user, Role.ADMIN)  # type: ignore[arg-type]
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user,  # type: ignore[arg-type]
                organization=membership.organization,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{user.full_name} can now sign in.")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@policy(Policy.ORG_ADMIN)
def user_edit(request: HttpRequest, user_id: str) -> HttpResponseBase:
    person = org_user_get_for_admin(request.user, user_id)  # type: ignore[arg-type]
    client_account = person.membership.role == Role.CLIENT
    initial = {
        "full_name": person.full_name,
        "credentials": person.credentials,
        "role": person.membership.role,
        "is_active": person.is_active,
    }
    form = UserUpdateForm(request.POST or None, initial=initial, client_account=client_account)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,  # type: ignore[arg-type]
                user=person,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {person.full_name}.")
            return redirect("accounts:users")
    return render(
        request, "accounts/user_form.html", {"form": form, "person": person, "creating": False}
    )
