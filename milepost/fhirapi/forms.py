"""The form a practice admin registers a SMART app with (decision 0930)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from milepost.accounts.models import CLINICAL_ROLES, Organization, User

KINDS = (
    ("public", "An app a clinician opens — public (runs in the browser or on a device; no secret)"),
    ("confidential", "An app a clinician opens — confidential (has a server that keeps a secret)"),
    ("backend", "A backend service (a system, no clinician present; signs in with its key)"),
)


class SmartAppForm(forms.Form):
    name = forms.CharField(
        max_length=255, help_text="As clinicians will see it, e.g. 'Outcome viewer'."
    )
    kind = forms.ChoiceField(choices=KINDS, widget=forms.RadioSelect, initial="public")
    redirect_uris = forms.CharField(
        required=False,
        label="Redirect URIs",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text="An app a clinician opens: where it receives the sign-in's answer, one per "
        "line, exactly as the app sends it (standalone launch).",
    )
    launch_uri = forms.CharField(
        required=False,
        label="Launch URL (EHR launch)",
        max_length=200,
        help_text="Where Milepost opens the app on a client's record (Open in an app). Leave "
        "empty for an app used by standalone launch only.",
    )
    jwks = forms.CharField(
        required=False,
        label="Public keys",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        max_length=20000,
        help_text="A backend service: its JSON Web Key Set of public keys (RS384 or ES384), or "
        "one public key in PEM (-----BEGIN PUBLIC KEY-----). Never its private key.",
    )
    acts_for = forms.ChoiceField(
        required=False,
        label="Acts for",
        help_text="A backend service reads what this clinician or supervisor may read. It "
        "works once they approve it on their Connected apps page.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {
            u.public_id: u
            for u in User.objects.filter(
                membership__organization=organization,
                membership__role__in=CLINICAL_ROLES,
                is_active=True,
            ).order_by("full_name")
        }
        acts_for = cast(forms.ChoiceField, self.fields["acts_for"])
        acts_for.choices = [("", "Choose a clinician or supervisor")] + [
            (public_id, user.full_name) for public_id, user in self.staff.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "backend":
            if not data.get("jwks", "").strip():
                self.add_error("jwks", "A backend service needs its public keys.")
            if not data.get("acts_for"):
                self.add_error("acts_for", "Choose whom the backend service acts for.")
        return data

    def acting_user(self) -> User | None:
        return self.staff.get(self.cleaned_data.get("acts_for") or "")
