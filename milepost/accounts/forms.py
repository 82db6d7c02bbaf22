from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from milepost.accounts.models import Role, User
from milepost.accounts.services import mfa_totp_check
from milepost.accounts.stepup import step_up_needs_code
from milepost.domain.compliance import profile_choices
from milepost.domain.periods import WEEKDAYS


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "That email and password do not match an account. Both are case-sensitive "
        "apart from the email.",
        "inactive": "This account is inactive. Ask your practice admin.",
    }


STAFF_ROLES = [(r.value, r.label) for r in (Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)]


class UserCreateForm(forms.Form):
    """A new staff member: no password field. They choose their own from the invitation
    e-mailed to them (milepost/invites/staff.py; docs/decisions/0705)."""

    full_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        max_length=254,
        help_text="The invitation goes here; it is also their sign-in.",
    )
    credentials = forms.CharField(
        max_length=60, required=False, help_text="Licence and degree, e.g. LCSW, PhD."
    )
    role = forms.ChoiceField(choices=STAFF_ROLES)


class UserUpdateForm(forms.Form):
    full_name = forms.CharField(max_length=150)
    credentials = forms.CharField(
        max_length=60, required=False, help_text="Licence and degree, e.g. LCSW, PhD."
    )
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(required=False, label="Active (may sign in)")
    # Provider identifiers (staff only): printed on plans, exported as the Practitioner.
    npi = forms.CharField(
        label="NPI",
        max_length=14,
        required=False,
        help_text="The 10-digit National Provider Identifier; its last digit is checked.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    license_state = forms.CharField(
        label="Licence state", max_length=2, required=False, help_text="Two letters, e.g. NY."
    )
    license_type = forms.CharField(
        label="Licence type", max_length=40, required=False, help_text="e.g. LCSW, LMHC."
    )
    license_number = forms.CharField(label="Licence number", max_length=40, required=False)

    def __init__(self, *args: Any, client_account: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(Role.CLIENT.value, Role.CLIENT.label)] if client_account else STAFF_ROLES
        if client_account:
            for name in ("npi", "license_state", "license_type", "license_number"):
                del self.fields[name]


class PracticeSettingsForm(forms.Form):
    payer_profile = forms.ChoiceField(
        label="Payer profile",
        choices=profile_choices,
        help_text="Whose rules the plan checks, signing and the compliance report apply "
        "(docs/compliance.md).",
    )
    mfa_required = forms.BooleanField(
        label="Require two-factor sign-in for staff",
        required=False,
        help_text="Clinicians, supervisors and admins then sign in with a code from an "
        "authenticator app as well as their password. Clients may choose it for themselves.",
    )


class PracticeDetailsForm(forms.Form):
    """What payers need of the practice (printed on plans, exported as the Organization)."""

    address_line = forms.CharField(label="Street address", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=2, required=False, help_text="Two letters, e.g. NY.")
    postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    phone = forms.CharField(
        max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    tax_id = forms.CharField(
        label="Tax id (EIN)", max_length=12, required=False, help_text="Nine digits: 12-3456789."
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=[("", "Unchanged"), *((n, n) for n in sorted(zoneinfo.available_timezones()))],
        required=False,
        help_text="Plans and reports print times in this zone.",
    )
    week_start = forms.ChoiceField(
        label="Week begins on",
        choices=[(str(n), f"{name} (ISO 8601)" if n == 1 else name) for n, name in WEEKDAYS],
        required=False,
        help_text="Weekly self-monitoring values are filed under the week's first day and "
        "read “week of 4 May”. Values already entered keep the week they were filed under.",
    )


def _code_field(label: str, help_text: str, *, numeric: bool) -> forms.CharField:
    attrs: dict[str, object] = {"autocomplete": "one-time-code", "autofocus": True}
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.CharField(
        label=label,
        max_length=20,
        strip=True,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


class MfaSetupForm(forms.Form):
    otp_code = _code_field(
        "Code from the app", "The 6 digits the app shows for Milepost.", numeric=True
    )


class MfaVerifyForm(forms.Form):
    otp_code = _code_field(
        "Code",
        "The 6 digits your authenticator app shows, or one of your recovery codes.",
        numeric=False,
    )


class MfaRecoveryCodesForm(forms.Form):
    otp_code = _code_field(
        "Code from the app",
        "Your current 6-digit code; the recovery codes you have now stop working.",
        numeric=True,
    )


class StepUpCodeMixin(forms.Form):
    """Adds the authenticator code to a re-authentication form (the password is the
    form's own) when the user has enrolled one; `self.user` is the person re-authenticating."""

    user: User

    def add_step_up_code(self, user: User) -> None:
        if step_up_needs_code(user):
            self.fields["otp_code"] = _code_field(
                "Code from your authenticator app",
                "A fresh 6-digit code: re-authentication asks for the person, not a session.",
                numeric=True,
            )

    def clean_otp_code(self) -> str:
        code = str(self.cleaned_data.get("otp_code", ""))
        if "password" in self.fields and "password" not in self.cleaned_data:
            return code  # a wrong password: the code is neither tried nor used up
        try:
            mfa_totp_check(user=self.user, code=code)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["otp_code"]) from None
        return code


class CustodianGrantForm(forms.Form):
    """The granting admin's step-up: their password, and a fresh code when they have an
    authenticator (checked by the service, accounts/custodian.py)."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="The grant opens every clinical record of the practice to its holder's "
        "export: enter the password you sign in with.",
    )

    def __init__(self, actor: User, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_custodian_%s")  # beside the user form on one page
        super().__init__(*args, **kwargs)
        if step_up_needs_code(actor):
            self.fields["otp_code"] = forms.CharField(
                label="Code from your authenticator app",
                max_length=20,
                strip=True,
                help_text="A fresh 6-digit code.",
                widget=forms.TextInput(
                    attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
                ),
            )
