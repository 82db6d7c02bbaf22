from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from milepost.lib.public_id import is_public_id
from milepost.reports.audit_trail import AuditFilters

_ACTION = re.compile(r"^[a-z_.]{1,60}$")


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label="Who", required=False)
    client = forms.CharField(
        label="Client reference",
        required=False,
        max_length=16,
        help_text="The client's reference (the 16 characters in their record's address).",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=60,
        help_text='All actions starting with this, e.g. "plan." or "auth.login_failed".',
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [("", "Anyone"), *people]

    def clean_client(self) -> str:
        value: str = self.cleaned_data["client"].strip().lower()
        if value and not is_public_id(value):
            raise forms.ValidationError("A client reference is 16 letters and digits.")
        return value

    def clean_action(self) -> str:
        value: str = self.cleaned_data["action"].strip().lower()
        if value and not _ACTION.match(value):
            raise forms.ValidationError("Use the action's own words: letters, dots, underscores.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    @staticmethod
    def empty_filters() -> AuditFilters:
        return AuditFilters()

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor_id=data.get("actor", ""),
            client_id=data.get("client", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action", ""),
        )
