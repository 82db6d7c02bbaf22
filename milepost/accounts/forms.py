from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from milepost.accounts.models import Role


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
    full_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    credentials = forms.CharField(
        max_length=60, required=False, help_text="Licence and degree, e.g. LCSW, PhD."
    )
    role = forms.ChoiceField(choices=STAFF_ROLES)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. The user can change it after signing in.",
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class UserUpdateForm(forms.Form):
    full_name = forms.CharField(max_length=150)
    credentials = forms.CharField(max_length=60, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(required=False, label="Active (may sign in)")

    def __init__(self, *args: Any, client_account: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(Role.CLIENT.value, Role.CLIENT.label)] if client_account else STAFF_ROLES
