"""Optimistic concurrency for edit forms: the second of two overlapping saves is refused.

A form carries the `updated_at` of the record as it was shown (`SeenField`); the service
locks the row, compares, and raises `EditConflict` when someone saved in between. The
conflict message shows the other person's saved version; the form keeps what this person
typed and now carries the new `updated_at`, so saving again replaces theirs knowingly.
Nothing is ever overwritten silently.

    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    check_unchanged(goal, seen, what="goal", shown={"Wording": goal.statement})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict
from django.utils import timezone

SEEN = "last_seen"


def token(instance: Any) -> str:
    """What a form carries to say which save of the record it was based on."""
    return str(instance.updated_at.isoformat())


class EditConflict(ValidationError):
    def __init__(self, what: str, instance: Any, shown: Mapping[str, object]) -> None:
        theirs = "; ".join(f"{label}: “{value}”" for label, value in shown.items() if value)
        when = timezone.localtime(instance.updated_at).strftime("%H:%M")
        super().__init__(
            {
                NON_FIELD_ERRORS: (
                    f"Someone else saved this {what} at {when} while you were editing it. "
                    f"Their version — {theirs or 'all fields empty'}. What you typed is kept "
                    "below: save again to replace their version with yours, or reload the page "
                    "to start from theirs."
                )
            }
        )
        self.token = token(instance)


def check_unchanged(instance: Any, seen: object, *, what: str, shown: Mapping[str, object]) -> None:
    """Refuse the save when the record changed since the form showed it.

    `seen` empty or missing (an API call, a script) skips the check: only forms that
    showed the record carry it. Call with the row locked (select_for_update).
    """
    if isinstance(seen, str) and seen and seen != token(instance):
        raise EditConflict(what, instance, shown)


class SeenField(forms.CharField):
    """The hidden field a form carries; `initial` comes from `token(instance)`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, max_length=40, widget=forms.HiddenInput, label="", **kwargs
        )


def keep_new_token(form: forms.Form, error: ValidationError) -> None:
    """After a conflict, let the re-shown form carry the other save's token."""
    if isinstance(error, EditConflict):
        if isinstance(form.data, QueryDict):
            data = form.data.copy()
            data[SEEN] = error.token
            form.data = data
        else:
            form.data = {**form.data, SEEN: error.token}
