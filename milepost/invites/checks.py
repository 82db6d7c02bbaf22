"""`check --deploy`: a deployment does not print its mail to the console."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

REDACTING_CONSOLE = "milepost.invites.mail.RedactingConsoleBackend"


@register(Tags.mail, deploy=True)
def console_mail_in_a_deployment(app_configs: Any, **kwargs: Any) -> list[Error]:
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    if backend != REDACTING_CONSOLE:
        return []
    return [
        Error(
            "E-mail goes to the console: invitations and password resets are never delivered "
            "(their links are redacted there).",
            hint="Set EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend and "
            "EMAIL_HOST (docs/operations.md).",
            id="milepost.E001",
        )
    ]
