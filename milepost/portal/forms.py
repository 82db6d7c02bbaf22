"""Forms of the portal's plan side and of the clinician's answers to it.

Fields are loose on purpose: the services validate and name the field in their message,
and a form only carries what was typed back to the page.
"""

from __future__ import annotations

from typing import Any

from django import forms

from milepost.domain.logs import LogRule, rule_for


def _area(rows: int = 4, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": str(rows), **attrs})


class ProposalForm(forms.Form):
    text = forms.CharField(
        label="Imagine life when things are better: what is different?",
        help_text="Write it in your own words, as you would say it. There is no wrong answer.",
        widget=_area(4),
        max_length=2000,
    )
    how_you_would_know = forms.CharField(
        label="How would you know things are better? (optional)",
        help_text="For example: what you would be doing, or how often.",
        widget=_area(3),
        max_length=2000,
        required=False,
    )


class EndorseForm(forms.Form):
    typed_name = forms.CharField(
        label="Your full name",
        help_text="First and last name. Typing it is your signature.",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    has_read = forms.BooleanField(label="I have read this plan", required=False)
    password = forms.CharField(
        label="Your password",
        help_text="The one you sign in with: it shows that it is you who signs.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=200,
    )


class ChangeRequestForm(forms.Form):
    comment = forms.CharField(
        label="What would you like to change?",
        help_text="Your therapist reads this and talks it through with you.",
        widget=_area(4),
        max_length=4000,
    )


INTENSITY_CHOICES = [("", "Not rated"), *[(str(n), str(n)) for n in range(11)]]


class LogForm(forms.Form):
    """One entry of one metric; the page shows one such form per metric, so each has its
    own element ids (`auto_id`) while the field names stay the same.

    The amount's label, hint and phone keyboard follow the metric's unit, and "How strong
    was it?" is there only for what is felt with a strength (milepost/domain/logs).
    """

    metric = forms.CharField(widget=forms.HiddenInput, max_length=40)
    value = forms.CharField(label="How many", required=False, max_length=20)
    intensity = forms.ChoiceField(
        label="How strong was it? (0 = not at all, 10 = the most)",
        choices=INTENSITY_CHOICES,
        required=False,
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="Your therapist sees it with the entry.",
        required=False,
        max_length=500,
    )
    occurred_at = forms.DateTimeField(
        label="When (leave empty for now)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(
        self, *args: Any, rule: LogRule | None = None, unit: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        rule = rule or rule_for(unit)
        self.rule = rule
        value = self.fields["value"]
        value.label = rule.label if rule.kind != "count" or not unit else f"How many {unit}"
        value.help_text = rule.hint(unit)
        value.widget.attrs.update(
            {"inputmode": rule.input_mode, "autocomplete": "off", "spellcheck": "false"}
        )
        if rule.whole:
            value.widget.attrs["pattern"] = "[0-9]*"
        if not rule.ask_strength:
            del self.fields["intensity"]


class JournalForm(forms.Form):
    text = forms.CharField(
        label="Write something for yourself",
        help_text="Only you can read it, unless you choose to share it with your therapist.",
        widget=_area(5),
        max_length=10_000,
    )


# ---------------------------------------------------------------- the clinician


class AdoptForm(forms.Form):
    statement = forms.CharField(
        label="The goal as the plan words it",
        help_text="The client's own words are kept beside it, as they wrote them.",
        widget=_area(3),
        max_length=4000,
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="A note for the client",
        help_text="They read it in the portal: say why, and what you suggest instead.",
        widget=_area(3),
        max_length=4000,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        help_text="The client reads it in the portal.",
        widget=_area(3),
        max_length=4000,
    )
