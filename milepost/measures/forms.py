from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from milepost.domain import instruments
from milepost.domain.instruments import Instrument, Item
from milepost.lib.forms import DateInput
from milepost.measures.models import AlertAction, AssignmentSchedule


def item_field_name(number: int) -> str:
    return f"item_{number}"


class AdministrationForm(forms.Form):
    """A questionnaire generated from the instrument's data: one radio group per item.

    Items may be left unanswered; the instrument's missing-item rule then decides
    whether the total is prorated or cannot be scored.
    """

    administered_on = forms.DateField(
        label="Date completed", widget=DateInput(), help_text="Today unless entered later."
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["administered_on"].initial = timezone.localdate()
        for item in instrument.items:
            self.fields[item_field_name(item.number)] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(option.value, option.label) for option in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[item_field_name(item.number)] for item in self.instrument.items]

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(item_field_name(i.number)) for i in self.instrument.items]

    def administered_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["administered_on"]
        if day == timezone.localdate():
            return timezone.now()
        # An earlier day: noon local time, so the date survives any time-zone display.
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class AlertAcknowledgeForm(forms.Form):
    action = forms.ChoiceField(
        label="What did you do?", choices=AlertAction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you found, what you and the client agreed, and any follow-up.",
    )


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label="Why is this entry a mistake?", max_length=300)


class AssignmentForm(forms.Form):
    """Assign a questionnaire to the client's portal, on a schedule."""

    instrument = forms.ChoiceField(label="Questionnaire")
    schedule = forms.ChoiceField(
        label="How often", choices=AssignmentSchedule.choices, widget=forms.RadioSelect
    )
    start_on = forms.DateField(
        label="Starting on", widget=DateInput(), help_text="The first day it is due."
    )
    next_session_on = forms.DateField(
        label="Next session",
        widget=DateInput(),
        required=False,
        help_text="Only for “before each session”: it opens two days before.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instrument_field = self.fields["instrument"]
        assert isinstance(instrument_field, forms.ChoiceField)
        instrument_field.choices = [
            (i.code, f"{i.short_name} · {i.name}") for i in instruments.all_instruments()
        ]
        self.fields["start_on"].initial = timezone.localdate()
        self.fields["schedule"].initial = AssignmentSchedule.WEEKLY


class NextSessionForm(forms.Form):
    next_session_on = forms.DateField(label="Next session", widget=DateInput())


class PortalItemForm(forms.Form):
    """One item of a questionnaire, for one screen of the portal: radio buttons with labels.

    Left unanswered here is not an error: the service decides (answer, or skip).
    """

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields[item_field_name(item.number)] = forms.TypedChoiceField(
            label=item.text,
            choices=[(option.value, option.label) for option in item.options],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": f"Question {item.number}: choose one of the answers shown."
            },
        )

    @property
    def answer_field(self) -> forms.BoundField:
        return self[item_field_name(self.item.number)]

    def answer(self) -> int | None:
        value: int | None = self.cleaned_data.get(item_field_name(self.item.number))
        return value
