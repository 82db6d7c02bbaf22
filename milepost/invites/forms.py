from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Client's e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="The link works once and expires after a few days.",
    )


def _minimum_length() -> int | None:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return None


class AcceptForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        length = _minimum_length()
        words = "A few unrelated words make a good one."
        self.fields["password"].help_text = (
            f"At least {length} characters. {words}" if length else words
        )
