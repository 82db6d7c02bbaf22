"""Small validators the services share: each records a message, by field, in `errors`
instead of raising at the first problem, so a form shows every mistake at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def clean_text(
    errors: dict[str, str],
    field: str,
    value: object,
    *,
    max_length: int,
    required: bool = False,
) -> str:
    """Stripped text; records a message in `errors` when it is unusable."""
    if not isinstance(value, str):
        errors[field] = "Enter text."
        return ""
    text = value.strip()
    if "\x00" in text:
        errors[field] = "The text contains a character that cannot be stored."
    elif required and not text:
        errors[field] = "This field is required."
    elif len(text) > max_length:
        errors[field] = f"Keep this under {max_length} characters (it has {len(text)})."
    return text


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
