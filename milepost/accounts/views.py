from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from milepost.accounts import custodian, mfa, passkeys, services
from milepost.accounts.access import org_user_get_for_admin, org_users_for_admin, require_membership
from milepost.accounts.forms import (
    CustodianGrantForm,
    LoginForm,
    MfaRecoveryCodesForm,
    MfaSetupForm,
    MfaVerifyForm,
    PracticeDetailsForm,
    PracticeSettingsForm,
    UserUpdateForm,
)
from milepost.accounts.models import Role, User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.accounts.services import practice_mfa_set, practice_profile_set
from milepost.domain.compliance import all_profiles
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
def users(request: SignedInRequest) -> HttpResponseBase:
    people = list(org_users_for_admin(request.user))
    return render(
        request,
        "accounts/users.html",
        {
            "people": people,
            "locked": mfa.locked_out_emails(p.email for p in people),
            "enrolled": mfa.enrolled_user_ids(people),
            "with_passkeys": mfa.passkey_user_ids(people),
        },
    )


def _user_edit_page(
    request: SignedInRequest,
    person: User,
    form: UserUpdateForm | None = None,
    grant_form: CustodianGrantForm | None = None,
) -> HttpResponseBase:
    membership = person.membership
    if form is None:
        form = UserUpdateForm(
            initial={
                "full_name": person.full_name,
                "credentials": person.credentials,
                **{name: getattr(person, name) for name in services.PROVIDER_FIELDS},
                "role": membership.role,
                "is_active": person.is_active,
            },
            client_account=membership.role == Role.CLIENT,
        )
    may_hold = membership.role == Role.ADMIN and person.is_active
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "creating": False,
            "custodian": {
                "may_hold": may_hold,
                "holds": membership.is_custodian,
                "self_granted": membership.custodian_self_granted,
                "granted_at": membership.custodian_granted_at,
                "granted_by": membership.custodian_granted_by,
                "self_grant_refused": (
                    may_hold
                    and person.pk == request.user.pk
                    and not custodian.self_grant_allowed(request.user)
                ),
                "self_grant_message": custodian.SELF_GRANT_REFUSED,
                "form": grant_form or CustodianGrantForm(request.user),
            },
        },
    )


@policy(Policy.ORG_ADMIN)
def user_edit(request: SignedInRequest, user_id: str) -> HttpResponseBase:
    person = org_user_get_for_admin(request.user, user_id)
    client_account = person.membership.role == Role.CLIENT
    initial = {
        "full_name": person.full_name,
        "credentials": person.credentials,
        **{name: getattr(person, name) for name in services.PROVIDER_FIELDS},
        "role": person.membership.role,
        "is_active": person.is_active,
    }
    form = UserUpdateForm(request.POST or None, initial=initial, client_account=client_account)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,
                user=person,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {person.full_name}.")
            return redirect("accounts:users")
    return _user_edit_page(request, person, form)


@policy(Policy.ORG_ADMIN)
@require_POST
def user_custodian_grant(request: SignedInRequest, user_id: str) -> HttpResponseBase:
    """Make an admin of the practice a records custodian, after the granting admin's
    step-up (decision 0606)."""
    person = org_user_get_for_admin(request.user, user_id)
    grant_form = CustodianGrantForm(request.user, request.POST)
    if grant_form.is_valid():
        try:
            custodian.custodian_grant(
                actor=request.user,
                user=person,
                password=grant_form.cleaned_data["password"],
                otp_code=grant_form.cleaned_data.get("otp_code"),
            )
        except ValidationError as error:
            add_service_errors(grant_form, error)
        else:
            messages.success(
                request,
                f"{person.full_name} is now a records custodian: they may export the "
                "practice's clinical records.",
            )
            return redirect("accounts:user_edit", user_id=person.public_id)
    return _user_edit_page(request, person, grant_form=grant_form)


@policy(Policy.ORG_ADMIN)
@require_POST
def user_custodian_revoke(request: SignedInRequest, user_id: str) -> HttpResponseBase:
    """End a records-custodian grant (any admin of the practice; their own too)."""
    person = org_user_get_for_admin(request.user, user_id)
    if custodian.custodian_revoke(actor=request.user, user=person):
        messages.success(request, f"{person.full_name} is no longer a records custodian.")
    else:
        messages.info(request, f"{person.full_name} was not a records custodian.")
    return redirect("accounts:user_edit", user_id=person.public_id)


@policy(Policy.ORG_ADMIN)
def practice_settings(request: SignedInRequest) -> HttpResponseBase:
    """The practice's payer profile (whose rules the compliance linter applies) and
    whether its staff must sign in with two factors."""
    membership = require_membership(request.user, Role.ADMIN)
    organization = membership.organization
    form = PracticeSettingsForm(
        request.POST or None,
        initial={
            "payer_profile": organization.payer_profile,
            "mfa_required": organization.mfa_required,
        },
    )
    details = PracticeDetailsForm(
        request.POST or None,
        initial={name: getattr(organization, name) for name in services.PRACTICE_FIELDS},
        prefix="practice",
    )
    if request.method == "POST" and form.is_valid() and details.is_valid():
        try:
            # An empty time zone or week start (not posted) leaves it unchanged.
            values = {
                k: v
                for k, v in details.cleaned_data.items()
                if k not in ("time_zone", "week_start") or v
            }
            services.practice_details_set(actor=request.user, organization=organization, **values)
            practice_profile_set(
                actor=request.user,
                organization=organization,
                payer_profile=form.cleaned_data["payer_profile"],
            )
            practice_mfa_set(
                actor=request.user,
                organization=organization,
                mfa_required=form.cleaned_data["mfa_required"],
            )
        except ValidationError as error:
            # Each service names its own fields; the details form holds the practice's.
            details_errors = {
                k: v for k, v in error.message_dict.items() if k in services.PRACTICE_FIELDS
            }
            add_service_errors(details, ValidationError(details_errors))
            add_service_errors(
                form,
                ValidationError(
                    {k: v for k, v in error.message_dict.items() if k not in details_errors}
                ),
            )
        else:
            messages.success(request, "Saved the practice settings.")
            return redirect("accounts:practice_settings")
    return render(
        request,
        "accounts/practice_settings.html",
        {
            "form": form,
            "details": details,
            "organization": organization,
            "profiles": list(all_profiles().values()),
        },
    )


@policy(Policy.ORG_ADMIN)
@require_POST
def user_unlock(request: SignedInRequest, user_id: str) -> HttpResponseBase:
    """Lift django-axes' lockout of a user of the admin's practice."""
    person = org_user_get_for_admin(request.user, user_id)
    if services.user_unlock(actor=request.user, user=person):
        messages.success(request, f"{person.full_name} can sign in again.")
    else:
        messages.info(request, f"{person.full_name} was not locked out.")
    return redirect("accounts:users")


@policy(Policy.ORG_ADMIN)
@require_POST
def user_mfa_reset(request: SignedInRequest, user_id: str) -> HttpResponseBase:
    """Remove a user's authenticator, recovery codes and passkeys (a lost phone)."""
    person = org_user_get_for_admin(request.user, user_id)
    services.user_mfa_reset(actor=request.user, user=person)
    messages.success(
        request,
        f"Two-factor sign-in of {person.full_name} was reset; they set it up again when "
        "they next sign in.",
    )
    return redirect("accounts:users")


# Two-factor sign-in: the page of one's own, set-up, the second step of signing in,
# recovery codes, passkeys.


@never_cache
@policy(Policy.AUTHENTICATED)
def mfa_overview(request: SignedInRequest) -> HttpResponseBase:
    """Two-factor sign-in, from the account menu: whether it is on, recovery codes, passkeys."""
    user = request.user
    enrolled = mfa.is_enrolled(user)
    return render(
        request,
        "accounts/mfa.html",
        {
            "enrolled": enrolled,
            "required": mfa.mfa_required_for(user),
            "recovery_left": mfa.recovery_codes_left(user) if enrolled else 0,
            "passkeys": mfa.passkeys_of(user),
            "passkey_config": passkeys.browser_config(request) if enrolled else None,
        },
    )


@policy(Policy.AUTHENTICATED)
@require_POST
def mfa_banner_dismiss(request: SignedInRequest) -> HttpResponseBase:
    """Put the suggestion to set up two-factor sign-in away until the next sign-in."""
    request.session[mfa.SUGGESTION_DISMISSED] = True
    return HttpResponseRedirect(_next_url(request))


@policy(Policy.AUTHENTICATED)
@require_POST
def passkey_remove(request: SignedInRequest) -> HttpResponseBase:
    """Remove one of one's own passkeys (another person's answers as if it were not there)."""
    try:
        services.mfa_passkey_remove(user=request.user, passkey_id=request.POST.get("passkey"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The passkey was removed. It no longer signs you in.")
    return redirect("accounts:mfa")


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is given: the page asked for, if it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _new_codes_page(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponseBase:
    """The recovery codes, shown this once: never stored where a page could show them again
    (the views are `never_cache`: not kept by the browser either)."""
    return render(
        request,
        "accounts/mfa_codes.html",
        {
            "codes": [f"{code[:4]}-{code[4:]}" for code in codes],
            "enrolled": enrolled,
            "next": _next_url(request),
        },
    )


@never_cache
@policy(Policy.AUTHENTICATED)
def mfa_setup(request: SignedInRequest) -> HttpResponseBase:
    """Set up an authenticator app: its key, then a code from it to confirm."""
    user = request.user
    if mfa.is_enrolled(user):
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect("accounts:mfa_verify")
        return redirect("accounts:mfa_recovery_codes")
    device = services.mfa_setup_start(user=user)
    form = MfaSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.mfa_enrol(user=user, code=form.cleaned_data["otp_code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return _new_codes_page(request, codes, enrolled=True)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "key": mfa.key_groups(device),
            "otpauth_uri": device.config_url,
            "qr_data_uri": mfa.qr_data_uri(device.config_url),
            "issuer": settings.MFA_ISSUER,
            "required": mfa.mfa_required_for(user),
            "next": _next_url(request),
        },
    )


def _locked_out(request: HttpRequest) -> HttpResponseBase:
    auth_logout(request)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


@never_cache
@policy(Policy.AUTHENTICATED)
def mfa_verify(request: SignedInRequest) -> HttpResponseBase:
    """The second step of signing in. Wrong codes count toward the account's lockout,
    as wrong passwords do (django-axes): at the limit the session is signed out."""
    user = request.user
    if not mfa.has_second_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_next_url(request))
    credentials = {"username": user.email}
    form = MfaVerifyForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request)
        if form.is_valid():
            try:
                device = services.mfa_verify(user=user, code=form.cleaned_data["otp_code"])
            except ValidationError as error:
                add_service_errors(form, error)
                AxesProxyHandler.user_login_failed(
                    sender=mfa_verify, credentials=credentials, request=request
                )
                if getattr(request, "axes_locked_out", False):
                    return _locked_out(request)
            else:
                request.session.cycle_key()
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You used a recovery code; {left} left. Make new ones under "
                        "Recovery codes if you are running short.",
                    )
                return HttpResponseRedirect(_next_url(request))
    has_passkeys = bool(mfa.passkeys_of(user))
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "passkey_config": passkeys.browser_config(request) if has_passkeys else None,
            "has_totp": mfa.is_enrolled(user),
        },
    )


@never_cache
@policy(Policy.AUTHENTICATED)
def mfa_recovery_codes(request: SignedInRequest) -> HttpResponseBase:
    """How many recovery codes are left; new ones, on a current code from the app."""
    user = request.user
    if not mfa.is_enrolled(user):
        return redirect("accounts:mfa_setup")
    form = MfaRecoveryCodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.mfa_recovery_codes_regenerate(
                user=user, code=form.cleaned_data["otp_code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The session may have been verified with an old recovery code, gone now.
            otp_login(request, device)
            return _new_codes_page(request, codes, enrolled=False)
    return render(
        request,
        "accounts/mfa_recovery_codes.html",
        {"form": form, "left": mfa.recovery_codes_left(user)},
    )
