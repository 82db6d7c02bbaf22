"""Forms of the session notes. They only parse what was typed; notes/services.py validates
the clinical rules and its errors land back on these fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from milepost.lib.forms import DateInput
from milepost.notes.models import Progress, SessionSetting, SessionType
from milepost.notes.services import COMMENT_MAX, NARRATIVE_MAX, REASON_MAX, citation_field
from milepost.plans.models import Goal, Objective
from milepost.plans.selectors import objective_number


class TimeInput(forms.TimeInput):
    """A native time picker; the value is sent as HH:MM."""

    input_type = "time"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


@dataclass(frozen=True)
class CitationRow:
    """One objective on the form: its tick box, progress word and comment."""

    objective: Objective
    number: str
    cited: forms.BoundField
    progress: forms.BoundField
    comment: forms.BoundField


class NoteForm(forms.Form):
    """A session note, with one tick box, progress word and comment per objective of the
    plan in force (fields `objective_<id>`, `progress_<id>`, `comment_<id>`)."""

    held_on = forms.DateField(label="Date of the session", widget=DateInput())
    started_at = forms.TimeField(label="Started at", widget=TimeInput())
    ended_at = forms.TimeField(label="Ended at", widget=TimeInput())
    type = forms.ChoiceField(label="Type", choices=SessionType.choices, widget=forms.RadioSelect)
    setting = forms.ChoiceField(
        label="Setting", choices=SessionSetting.choices, widget=forms.RadioSelect
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": "6"}),
        help_text="What happened in the session, the client's response, and the plan.",
    )

    # The plan version the objectives on the page belong to: if another version came into
    # force while the note was written, the ticks would silently miss (see clean()).
    plan = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, goals: Sequence[Goal] = (), plan_id: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan_id = plan_id
        self.fields["plan"].initial = plan_id
        self.goals = list(goals)
        self._objectives: list[Objective] = []
        progress_choices = [("", "Choose…"), *Progress.choices]
        for goal in self.goals:
            for objective in goal.objectives.all():
                number = objective_number(objective)
                self._objectives.append(objective)
                self.fields[citation_field("objective", objective)] = forms.BooleanField(
                    label=f"Objective {number}", required=False
                )
                self.fields[citation_field("progress", objective)] = forms.ChoiceField(
                    label=f"Progress on {number}", choices=progress_choices, required=False
                )
                self.fields[citation_field("comment", objective)] = forms.CharField(
                    label=f"Comment on {number}", required=False, max_length=COMMENT_MAX
                )

    def rows_by_goal(self) -> list[tuple[Goal, list[CitationRow]]]:
        """The objectives grouped under their goals, each with its three bound fields."""
        grouped: list[tuple[Goal, list[CitationRow]]] = []
        for goal in self.goals:
            rows = [
                CitationRow(
                    objective=objective,
                    number=objective_number(objective),
                    cited=self[citation_field("objective", objective)],
                    progress=self[citation_field("progress", objective)],
                    comment=self[citation_field("comment", objective)],
                )
                for objective in goal.objectives.all()
            ]
            grouped.append((goal, rows))
        return grouped

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_bound and (cleaned.get("plan") or "") != self.plan_id:
            raise forms.ValidationError(
                "Another version of the plan came into force while you wrote this note: "
                "tick the objectives you worked on again (the rest of the note is kept)."
            )
        for objective in self._objectives:
            if cleaned.get(citation_field("progress", objective)) and not cleaned.get(
                citation_field("objective", objective)
            ):
                self.add_error(
                    citation_field("objective", objective),
                    f"Tick objective {objective_number(objective)} to cite it, "
                    "or leave its progress empty.",
                )
        return cleaned

    def citations(self) -> list[tuple[Objective, str, str]]:
        """(objective, progress word, comment) for each ticked objective, for note_create."""
        return [
            (
                objective,
                self.cleaned_data.get(citation_field("progress", objective)) or "",
                self.cleaned_data.get(citation_field("comment", objective)) or "",
            )
            for objective in self._objectives
            if self.cleaned_data.get(citation_field("objective", objective))
        ]

    def service_values(self) -> dict[str, Any]:
        names = ("held_on", "started_at", "ended_at", "type", "setting", "narrative")
        return {name: self.cleaned_data[name] for name in names}


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label="Why is this note a mistake?", max_length=REASON_MAX)
