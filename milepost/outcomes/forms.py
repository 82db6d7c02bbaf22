"""The dashboard's filters: a bad value is named by its field, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from milepost.domain import instruments
from milepost.domain.outcomes import outcome_rules
from milepost.outcomes.selectors import GROUP_LABELS, Filters

_MAX_KEY = 40


def _instrument_choices() -> list[tuple[str, str]]:
    rules = outcome_rules(instruments.all_instruments())
    return [("", "Every instrument")] + [
        (r.instrument, instruments.get(r.instrument).short_name) for r in rules
    ]


class OutcomeFilterForm(forms.Form):
    group_by = forms.ChoiceField(choices=list(GROUP_LABELS.items()), required=False, label="By")
    instrument = forms.ChoiceField(choices=_instrument_choices, required=False)
    since = forms.DateField(
        required=False, label="From", help_text="Quarters starting on or after this day."
    )
    until = forms.DateField(
        required=False, label="To", help_text="Quarters starting on or before this day."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end must not be before the start.")
        for name in ("since", "until"):
            day = data.get(name)
            if isinstance(day, dt.date) and not dt.date(1900, 1, 1) <= day <= dt.date(2200, 1, 1):
                self.add_error(name, "Give a date between 1900 and 2200.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            group_by=data.get("group_by") or "clinician",
            instrument=data.get("instrument") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


class DrillForm(OutcomeFilterForm):
    key = forms.CharField(max_length=_MAX_KEY)
