"""Glue between services and forms: a service's ValidationError lands on the right field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from milepost.lib.concurrency import keep_new_token


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    keep_new_token(form, error)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                # Interpolate only with params: a message may quote typed text with a "%".
                message = item.message % item.params if item.params else item.message
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    """A native date picker; the value is sent as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
