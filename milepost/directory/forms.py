"""Forms of the directory. Validation of meaning (ZIP codes exist, lists are controlled)
happens in the services and the domain; these forms only parse what was typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from milepost.directory.selectors import Search
from milepost.domain.demographics import US_STATES
from milepost.domain.directory import geo
from milepost.domain.directory.rules import rules
from milepost.lib.forms import DateInput

FORMATS = [
    ("", "In person or telehealth"),
    ("in-person", "In person"),
    ("telehealth", "Telehealth"),
]
# The filters a shareable link may carry: never the person's words.
FILTER_FIELDS = (
    "state",
    "zip",
    "miles",
    "format",
    "insurance",
    "focus",
    "modality",
    "language",
    "age_group",
    "fee",
)


def _any(label: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *pairs]


class SearchForm(forms.Form):
    state = forms.ChoiceField(
        label="The state you will be in during sessions",
        help_text="Therapists must be licensed where you are when you meet.",
        choices=_any("Choose a state", [(s, s) for s in sorted(US_STATES)]),
        error_messages={"invalid_choice": "Choose a US state from the list (e.g. NY)."},
    )
    zip = forms.CharField(
        label="ZIP code (for in-person sessions)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    miles = forms.IntegerField(
        label="Within (miles)", required=False, min_value=1, max_value=rules().max_miles
    )
    format = forms.ChoiceField(label="How you would meet", choices=FORMATS, required=False)
    insurance = forms.ChoiceField(label="Insurance", required=False)
    focus = forms.ChoiceField(label="Focus", required=False)
    modality = forms.ChoiceField(label="Approach", required=False)
    language = forms.ChoiceField(label="Language", required=False)
    age_group = forms.ChoiceField(label="Age group", required=False)
    fee = forms.IntegerField(
        label="Most you can pay per session ($)", required=False, min_value=0, max_value=2000
    )
    text = forms.CharField(
        label="What brings you here? (optional, in your own words)",
        help_text="Used only to match you now: it is not saved, and it is not put in any link.",
        required=False,
        max_length=rules().text_max_chars,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, payers: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        r = rules()
        choice = cast(dict[str, forms.ChoiceField], self.fields)
        choice["insurance"].choices = _any("Any (or paying myself)", [(p, p) for p in payers])
        choice["focus"].choices = _any("Any", [(f, f.capitalize()) for f in r.focus_areas])
        choice["modality"].choices = _any("Any", sorted(r.modalities.items()))
        choice["language"].choices = _any("Any", list(r.languages.items()))
        choice["age_group"].choices = _any("Any", list(r.age_groups.items()))
        for name in ("insurance", "focus", "modality", "language", "age_group"):
            self.fields[name].error_messages["invalid_choice"] = "Choose from the list."

    def params(self) -> Search:
        """The search the valid form asks for."""
        data = self.cleaned_data
        return Search(
            state=data["state"],
            zip_code=data.get("zip") or "",
            miles=data.get("miles"),
            fmt=data.get("format") or "",
            insurance=data.get("insurance") or "",
            focus=data.get("focus") or "",
            modality=data.get("modality") or "",
            language=data.get("language") or "",
            age_group=data.get("age_group") or "",
            fee=data.get("fee"),
            text=data.get("text") or "",
        )

    def clean_state(self) -> str:
        return str(self.cleaned_data["state"]).upper()

    def clean_zip(self) -> str:
        value = str(self.cleaned_data.get("zip") or "").strip()
        if value and (problem := geo.zip_problem(value)):
            raise forms.ValidationError(problem)
        return value[:5]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") == "in-person" and not data.get("zip") and "zip" not in self.errors:
            self.add_error("zip", "Enter your ZIP code to find in-person sessions near you.")
        if data.get("zip") and not data.get("miles"):
            data["miles"] = 10
        return data


class PageForm(forms.Form):
    """Which page of results: posted by the next and previous buttons, never in a link."""

    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={
            "invalid": "The page must be a whole number.",
            "min_value": "The page must be 1 or more.",
            "max_value": "The page must be at most 10000.",
        },
    )

    def number(self) -> int:
        return int(self.cleaned_data.get("page") or 1) if self.is_valid() else 1


class ContactForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    contact = forms.CharField(
        label="How to reach you (phone or e-mail)",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label="Anything you would like them to know (optional)",
        help_text="In your own words. If the therapist takes you on, this becomes your first "
        "goal, for you to shape together.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label="I agree that this practice may contact me about starting therapy.",
        error_messages={"required": "Tick the box so the therapist may contact you."},
    )
    # A honeypot instead of a third-party CAPTCHA: people never see or fill it.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class PracticeForm(forms.Form):
    listed = forms.BooleanField(
        label="List the practice's clinicians in the public directory", required=False
    )


class OutcomeMatchingForm(forms.Form):
    use = forms.BooleanField(
        label="Rank clinicians for a new referral by their measured outcomes too",
        help_text="For the practice's own intake only; never shown in the public directory.",
        required=False,
    )


class PayerForm(forms.Form):
    name = forms.CharField(label="Payer", max_length=100)


def _multi(label: str, choices: list[tuple[str, str]]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ProfileForm(forms.Form):
    listed = forms.BooleanField(label="Show my listing in the directory", required=False)
    display_name = forms.CharField(label="Name", max_length=150)
    credentials = forms.CharField(max_length=100, required=False)
    pronouns = forms.CharField(max_length=40, required=False)
    statement = forms.CharField(
        label="A short statement", max_length=1500, required=False, widget=forms.Textarea
    )
    fee_min = forms.IntegerField(label="Lowest fee ($)", required=False, min_value=0)
    fee_max = forms.IntegerField(label="Highest fee ($)", required=False, min_value=0)
    sliding_scale = forms.BooleanField(label="Sliding scale", required=False)
    in_person = forms.BooleanField(label="In person", required=False)
    telehealth = forms.BooleanField(label="Telehealth", required=False)
    office_line = forms.CharField(label="Office address", max_length=200, required=False)
    office_city = forms.CharField(label="City", max_length=100, required=False)
    office_zip = forms.CharField(label="Office ZIP code", max_length=10, required=False)

    def __init__(self, *args: Any, payers: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        r = rules()
        self.fields["focus_areas"] = _multi(
            "Focus areas", [(f, f.capitalize()) for f in r.focus_areas]
        )
        self.fields["modalities"] = _multi("Approaches", sorted(r.modalities.items()))
        self.fields["languages"] = _multi("Languages", list(r.languages.items()))
        self.fields["age_groups"] = _multi("Age groups", list(r.age_groups.items()))
        self.fields["populations"] = _multi("Who you see", list(r.populations.items()))
        self.fields["payers"] = _multi("In network with", [(p, p) for p in payers])


class PhotoForm(forms.Form):
    photo = forms.ImageField(label="Photo (JPEG, PNG or WebP, under 5 MB)")


class LicenceForm(forms.Form):
    state = forms.CharField(max_length=2)
    kind = forms.CharField(label="Licence type", max_length=40)
    number = forms.CharField(max_length=40)
    expires_on = forms.DateField(label="Expires on", widget=DateInput())


class RoomForm(forms.Form):
    capacity = forms.IntegerField(
        label="How many clients you can carry", min_value=0, max_value=200
    )
    next_opening = forms.DateField(
        label="Next opening (if not now)", required=False, widget=DateInput()
    )


class AcceptForm(forms.Form):
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(widget=DateInput())
    email = forms.EmailField(
        label="E-mail for the portal invitation",
        required=False,
        help_text="Leave empty to invite them later.",
    )
