"""A service's errors land on the form's fields, whatever the message quotes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from milepost.lib.forms import add_service_errors


class CodeForm(forms.Form):
    code = forms.CharField()


def _form() -> CodeForm:
    form = CodeForm({"code": "x"})
    assert form.is_valid()
    return form


def test_a_message_quoting_a_percent_sign_is_kept_as_it_is():
    form = _form()
    add_service_errors(form, ValidationError({"code": "'%00%ff' is not an ICD-10-CM code"}))
    assert form.errors["code"] == ["'%00%ff' is not an ICD-10-CM code"]


def test_params_are_interpolated_and_unknown_fields_become_form_errors():
    form = _form()
    error = ValidationError(
        {
            "code": ValidationError("Keep it under %(limit)s.", params={"limit": 8}),
            "elsewhere": "Not a field of this form.",
        }
    )
    add_service_errors(form, error)
    assert form.errors["code"] == ["Keep it under 8."]
    assert form.non_field_errors() == ["Not a field of this form."]


def test_an_error_without_fields_is_a_form_error():
    form = _form()
    add_service_errors(form, ValidationError("The plan is signed."))
    assert form.non_field_errors() == ["The plan is signed."]
