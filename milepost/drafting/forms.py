"""The assistant's forms: the intake (travels with every post; never stored) and one
item's edits."""

from __future__ import annotations

from django import forms

from milepost.domain.drafting.draft import MAX_TEXT


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
    rejected = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def rejected_ids(self) -> list[str]:
        raw = self.cleaned_data.get("rejected", "") if hasattr(self, "cleaned_data") else ""
        return [part for part in raw.split(",") if part][:200]
