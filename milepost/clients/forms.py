from __future__ import annotations

from typing import Any

from django import forms

from milepost.accounts.models import User
from milepost.clients.models import ClientStatus
from milepost.domain.demographics import ADMINISTRATIVE_SEX, SUBSCRIBER_RELATIONSHIP
from milepost.lib.concurrency import SeenField
from milepost.lib.forms import DateInput


class ClientForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    preferred_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(widget=DateInput(), help_text="Year, month and day.")
    pronouns = forms.CharField(max_length=40, required=False, help_text="e.g. she/her, they/them.")
    sex = forms.ChoiceField(
        label="Sex (for insurance)",
        choices=[("", "Not recorded"), *ADMINISTRATIVE_SEX],
        required=False,
        help_text="The administrative sex the insurer has on file.",
    )
    gender_identity = forms.CharField(
        max_length=60, required=False, help_text="In the client's words, e.g. non-binary."
    )
    email = forms.EmailField(max_length=254, required=False)
    phone = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address_line = forms.CharField(label="Street address", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(
        max_length=2, required=False, help_text="Two letters, e.g. NY.", strip=True
    )
    postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    status = forms.ChoiceField(choices=ClientStatus.choices, initial=ClientStatus.ACTIVE)
    referral_reason = forms.CharField(
        label="Reason for referral",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoverageForm(forms.Form):
    """The client's primary insurance, as the card shows it."""

    payer = forms.CharField(label="Insurer", max_length=200, help_text="e.g. Aetna.")
    plan_name = forms.CharField(label="Plan", max_length=200, required=False)
    member_id = forms.CharField(
        label="Member id", max_length=40, help_text="As printed on the insurance card."
    )
    group_id = forms.CharField(label="Group number", max_length=40, required=False)
    relationship = forms.ChoiceField(
        label="Client's relationship to the subscriber",
        choices=SUBSCRIBER_RELATIONSHIP,
        initial="self",
    )
    subscriber_name = forms.CharField(
        max_length=200,
        required=False,
        help_text="The policy holder; needed unless the client is the subscriber.",
    )
    subscriber_date_of_birth = forms.DateField(
        widget=DateInput(), required=False, help_text="Year, month and day."
    )


class ClinicianChoiceField(forms.ModelChoiceField):
    """Clinicians by name and credentials, posted by their public id."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ProgrammeChoiceField(forms.ModelChoiceField):
    """Programmes by name, posted by their public id."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ClientProgrammeForm(forms.Form):
    """The programme a client is in (decision 1010); empty for none."""

    programme = ProgrammeChoiceField(
        queryset=None,
        required=False,
        empty_label="No programme",
        to_field_name="public_id",
        help_text="The practice's service the client is seen in; outcomes are grouped by it.",
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, ProgrammeChoiceField)
        field.queryset = programmes


class ProgrammeCreateForm(forms.Form):
    name = forms.CharField(
        label="Programme name",
        max_length=80,
        help_text="e.g. Adult anxiety clinic, Couples service.",
    )


class CaseloadFilterForm(forms.Form):
    """The caseload's search and status filter (a GET form: bad values are reported, not run)."""

    q = forms.CharField(label="Name", max_length=100, required=False)
    status = forms.ChoiceField(
        choices=[("all", "All"), *ClientStatus.choices], required=False, initial="active"
    )


class CareTeamAddForm(forms.Form):
    clinician = ClinicianChoiceField(
        queryset=User.objects.none(), empty_label="Choose…", to_field_name="public_id"
    )
    is_primary = forms.BooleanField(required=False, label="Primary clinician")

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clinician"]
        assert isinstance(field, ClinicianChoiceField)
        field.queryset = clinicians


class CareTeamRemoveForm(forms.Form):
    clinician = forms.CharField(max_length=16)


class EmergencyAccessForm(forms.Form):
    """Find a client outside one's care team by family name and date of birth, and say why."""

    family_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(widget=DateInput(), help_text="Year, month and day.")
    given_name = forms.CharField(
        max_length=100,
        required=False,
        help_text="Needed only when two clients share the family name and date of birth.",
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you need this record now. The practice's privacy officer reads it.",
    )
