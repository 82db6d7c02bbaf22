"""The assistant's forms: the intake (travels with every post; never stored) and one
item's edits."""

from __future__ import annotations

from django import forms

from milepost.domain.drafting import bundled
from milepost.domain.drafting.draft import MAX_TEXT


def _modalities() -> list[tuple[str, str]]:
    return [("", "Any (the rules' choice)")] + [
        (m.code, m.names[0].upper() if len(m.names[0]) <= 4 else m.names[0].capitalize())
        for m in bundled().modalities
    ]


class IntakeForm(forms.Form):
    presenting_problem = forms.CharField(
        label="Presenting problems (intake notes)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": "5"}),
        help_text="What brought the client, as you noted it at intake.",
    )
    client_words = forms.CharField(
        label="The client's own words",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": "3"}),
        help_text="What the client said they want, word for word. Goals quote these.",
    )
    modality = forms.ChoiceField(
        label="Modality",
        required=False,
        choices=_modalities,
        help_text="Where the library offers it, interventions of this modality are drafted.",
    )
    rejected = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def rejected_ids(self) -> list[str]:
        raw = self.cleaned_data.get("rejected", "") if hasattr(self, "cleaned_data") else ""
        return [part for part in raw.split(",") if part][:200]


class ModelEndpointForm(forms.Form):
    enabled = forms.BooleanField(label="Use a language model for drafts", required=False)
    base_url = forms.URLField(
        label="Endpoint address",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="The OpenAI-compatible base URL, ending in /v1 (e.g. an Ollama server's).",
    )
    model = forms.CharField(label="Model name", required=False, max_length=200)
    api_key = forms.CharField(
        label="API key",
        required=False,
        max_length=400,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored key. Most self-hosted servers need none.",
    )
    covers_health_information = forms.BooleanField(
        label="An agreement (such as a BAA) covers health information sent to this endpoint",
        required=False,
        help_text="Without it only de-identified text is sent: names, dates, phone numbers, "
        "e-mail addresses and long numbers are removed, and no diagnosis codes.",
    )
    timeout_seconds = forms.IntegerField(label="Time-out (seconds)", min_value=1, max_value=120)
