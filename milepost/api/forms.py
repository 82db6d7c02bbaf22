from __future__ import annotations

from django import forms

LIFETIMES = (
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "One year"),
    ("", "Never (until revoked)"),
)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. 'Outcome sync from the EHR'.",
    )
    lifetime = forms.ChoiceField(
        choices=LIFETIMES, initial="90", required=False, label="Expires after"
    )
