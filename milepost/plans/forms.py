"""Forms of the formulation and plan editor. They only parse what was typed; the services
validate the clinical rules and their errors land back on these fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet

from milepost.accounts.models import User
from milepost.domain import instruments, library
from milepost.lib.concurrency import SeenField
from milepost.lib.forms import DateInput
from milepost.plans.models import (
    Comparator,
    Direction,
    FactorKind,
    FormulationFactor,
    GoalStatus,
    InterventionType,
    Metric,
    MetricPeriod,
    ReviewDecision,
)
from milepost.plans.services import LONG_TEXT, REVIEW_INTERVAL_DAYS, SESSION_MINUTES


def _area(rows: int = 3, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": str(rows), **attrs})


class FormulationForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    presenting_problems = forms.CharField(
        label="Presenting problems",
        required=False,
        max_length=LONG_TEXT,
        widget=_area(4),
        help_text="What brings the client, in a few lines.",
    )
    situation = forms.CharField(
        label="Situation", required=False, max_length=LONG_TEXT, widget=_area(2)
    )
    thoughts = forms.CharField(
        label="Thoughts", required=False, max_length=LONG_TEXT, widget=_area(2)
    )
    emotions = forms.CharField(
        label="Emotions", required=False, max_length=LONG_TEXT, widget=_area(2)
    )
    behaviours = forms.CharField(
        label="Behaviours", required=False, max_length=LONG_TEXT, widget=_area(2)
    )


class FactorForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    kind = forms.ChoiceField(label="Kind", choices=FactorKind.choices)
    text = forms.CharField(label="Factor", max_length=500)


class PlanDetailsForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    strengths = forms.CharField(
        label="Strengths",
        required=False,
        max_length=LONG_TEXT,
        widget=_area(3),
        help_text="What the client brings: supports, skills, values.",
    )
    functional_impairment = forms.CharField(
        label="Functional impairment",
        required=False,
        max_length=LONG_TEXT,
        widget=_area(3),
        help_text="How the problems limit work, school, relationships or self-care today.",
    )
    discharge_criteria = forms.CharField(
        label="Discharge criteria",
        required=False,
        max_length=LONG_TEXT,
        widget=_area(3),
        help_text="When therapy can end, as discussed with the client.",
    )
    review_interval_days = forms.IntegerField(
        label="Review every (days)",
        min_value=REVIEW_INTERVAL_DAYS[0],
        max_value=REVIEW_INTERVAL_DAYS[1],
        help_text="The plan comes due for review this many days after it was started.",
    )


class DiagnosisForm(forms.Form):
    code = forms.CharField(
        label="ICD-10-CM code",
        max_length=20,
        help_text="For example F32.1 or F43.10. The description is filled in from the "
        "ICD-10-CM code set.",
    )


class FactorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FormulationFactor) -> str:
        return obj.text


def _factor_choices(field: forms.Field, factors: QuerySet[FormulationFactor]) -> None:
    assert isinstance(field, forms.ModelMultipleChoiceField)
    field.queryset = factors


class GoalForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    client_words = forms.CharField(
        label="In the client's own words",
        required=False,
        max_length=LONG_TEXT,
        widget=_area(2),
        help_text="What the client says they want, as they said it.",
    )
    statement = forms.CharField(
        label="SMART goal",
        max_length=LONG_TEXT,
        widget=_area(3),
        help_text="Specific, measurable, achievable, relevant and time-bound. "
        "Feedback appears below as you type.",
    )
    factors = FactorChoiceField(
        label="Maintaining factors this goal targets",
        queryset=FormulationFactor.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    strengths = FactorChoiceField(
        label="Strengths this goal draws on",
        queryset=FormulationFactor.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        factors: QuerySet[FormulationFactor],
        with_status: bool,
        strengths: QuerySet[FormulationFactor] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _factor_choices(self.fields["factors"], factors)
        _factor_choices(
            self.fields["strengths"],
            FormulationFactor.objects.none() if strengths is None else strengths,
        )
        if with_status:
            self.fields["status"] = forms.ChoiceField(label="Status", choices=GoalStatus.choices)

    def linked_factors(self) -> list[FormulationFactor]:
        """Every factor the goal links: the maintaining ones it targets and the strengths
        (protective factors) it draws on (decision 0811)."""
        return [*self.cleaned_data.get("factors", ()), *self.cleaned_data.get("strengths", ())]


class ObjectiveForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    statement = forms.CharField(
        label="Objective",
        max_length=LONG_TEXT,
        widget=_area(2),
        help_text="A measurable, shorter-term step toward the goal.",
    )


class InterventionForm(forms.Form):
    last_seen = SeenField()  # optimistic concurrency: milepost.lib.concurrency
    modality = forms.CharField(
        label="Modality or technique",
        max_length=200,
        help_text="For example behavioural activation, graded exposure.",
    )
    type = forms.ChoiceField(label="Type", choices=InterventionType.choices)
    frequency = forms.CharField(label="Frequency", max_length=100, initial="weekly")
    session_minutes = forms.IntegerField(
        label="Session length (minutes)",
        required=False,
        min_value=SESSION_MINUTES[0],
        max_value=SESSION_MINUTES[1],
        initial=50,
    )
    responsible = forms.ChoiceField(label="Responsible clinician", required=False)

    def __init__(self, *args: Any, clinicians: Sequence[User], **kwargs: Any) -> None:
        """`clinicians` is a list, read once: the editor renders one form per objective."""
        super().__init__(*args, **kwargs)
        self.clinicians = {user.public_id: user for user in clinicians}
        field = self.fields["responsible"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(u.public_id, u.display_name) for u in clinicians]]

    def clean_responsible(self) -> User | None:
        return self.clinicians.get(self.cleaned_data.get("responsible") or "")


NEW_METRIC = "new"


def measure_choices(metrics: list[Metric]) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", "Choose a measure")]
    choices.append(
        (
            "Questionnaires",
            [(f"instrument:{i.code}", i.short_name) for i in instruments.all_instruments()],
        )
    )
    if metrics:
        choices.append(
            (
                "Self-monitoring metrics",
                [(f"metric:{m.public_id}", str(m)) for m in metrics],
            )
        )
    choices.append((NEW_METRIC, "A new self-monitoring metric…"))
    return choices


class TargetForm(forms.Form):
    """Bind a goal or objective to a questionnaire or a metric, with its target."""

    last_seen = SeenField()  # optimistic concurrency: the target's token, or "new"

    measure = forms.ChoiceField(label="Measured by")
    new_metric_name = forms.CharField(
        label="New metric name",
        required=False,
        max_length=120,
        help_text="For example: pleasurable activities, panic attacks, hours in bed.",
    )
    new_metric_unit = forms.CharField(
        label="Unit", required=False, max_length=40, help_text="For example: activities, hours."
    )
    new_metric_period = forms.ChoiceField(
        label="Counted", required=False, choices=[("", "—"), *MetricPeriod.choices]
    )
    baseline = forms.FloatField(
        label="Baseline",
        required=False,
        help_text="Leave empty to take the latest score or entry.",
    )
    comparator = forms.ChoiceField(
        label="Target is",
        choices=[(c.value, f"{c.label} ({c.value})") for c in Comparator],
    )
    target_value = forms.FloatField(label="Target value")
    direction = forms.ChoiceField(
        label="Direction",
        required=False,
        choices=[("", "From baseline and target"), *Direction.choices],
    )
    due_date = forms.DateField(label="Due date", widget=DateInput())
    confirmed = forms.BooleanField(
        label="I have checked this target with the client", required=False
    )

    def __init__(self, *args: Any, metrics: list[Metric], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = {f"metric:{m.public_id}": m for m in metrics}
        field = self.fields["measure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = measure_choices(metrics)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("measure") == NEW_METRIC:
            for name in ("new_metric_name", "new_metric_unit", "new_metric_period"):
                if not data.get(name):
                    self.add_error(name, "Needed for a new metric.")
        return data

    def instrument_code(self) -> str:
        measure = self.cleaned_data["measure"]
        return measure.split(":", 1)[1] if measure.startswith("instrument:") else ""

    def metric(self) -> Metric | None:
        return self.metrics.get(self.cleaned_data["measure"])


class ObservationForm(forms.Form):
    metric = forms.ChoiceField(label="Metric")
    value = forms.FloatField(label="Value", min_value=0)
    period_start = forms.DateField(
        label="Day",
        widget=DateInput(),
        help_text="For a weekly or monthly metric, any day of that week or month: the value "
        "is filed under the week's first day (the practice's week start) or the 1st.",
    )

    def __init__(self, *args: Any, metrics: list[Metric], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = {m.public_id: m for m in metrics}
        field = self.fields["metric"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a metric"), *[(m.public_id, str(m)) for m in metrics]]


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label="Search the library", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[
            ("", "Goals, objectives and interventions"),
            ("goal", "Goals"),
            ("objective", "Objectives"),
            ("intervention", "Interventions"),
        ],
    )
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every area"), *[(a.code, a.label) for a in library.areas()]]


class SignForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing is re-authenticated: enter the password you sign in with.",
    )
    override_reason = forms.CharField(
        label="Reason for signing despite the errors",
        required=False,
        max_length=1000,
        widget=_area(2),
        help_text="Only when the plan checks found errors; it is kept with the signature.",
    )
    otp_code = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="You use two-factor sign-in, so signing asks for a fresh code too.",
    )


class CosignForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_code = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="You use two-factor sign-in, so signing asks for a fresh code too.",
    )


class EndorseForm(forms.Form):
    typed_name = forms.CharField(
        label="The client types their full name",
        max_length=200,
        help_text="First and last name, as the practice has them; this is their signature.",
    )
    read_together = forms.BooleanField(
        label="We read this plan through together and the client agrees with it",
        required=False,
    )


class AmendForm(forms.Form):
    reason = forms.CharField(label="Why is the plan changing?", max_length=1000, widget=_area(2))


class ReviewForm(forms.Form):
    """A review: when, who, and a decision with a note for each active goal."""

    held_on = forms.DateField(label="Date of the review", widget=DateInput())
    participants = forms.CharField(
        label="Who took part",
        max_length=1000,
        help_text="For example: the client, the clinician, the client's partner.",
    )
    summary = forms.CharField(
        label="Summary", required=False, max_length=LONG_TEXT, widget=_area(3)
    )
    new_version = forms.BooleanField(
        label="Make a new version even if every goal continues", required=False
    )

    def __init__(self, *args: Any, goals: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"decision_{goal.public_id}"] = forms.ChoiceField(
                label=f"Decision for goal {goal.order}",
                choices=[("", "Choose…"), *ReviewDecision.choices],
            )
            self.fields[f"note_{goal.public_id}"] = forms.CharField(
                label=f"Note on goal {goal.order}",
                required=False,
                max_length=LONG_TEXT,
                widget=_area(2),
            )

    def decisions(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            g.public_id: (data[f"decision_{g.public_id}"], data[f"note_{g.public_id}"])
            for g in self.goals
        }

    def goal_fields(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (g, self[f"decision_{g.public_id}"], self[f"note_{g.public_id}"]) for g in self.goals
        ]
