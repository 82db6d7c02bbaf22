"""The console mailer of a deployment: prints e-mail with its one-time links redacted.

Django's console backend writes each message, links and all, to standard output, which a
deployment's log collector keeps. When `HTTPS=true` (a deployment) still names the console
backend, the settings put this one in its place, and `check --deploy` refuses it
(`milepost.E001`): mail printed there is never delivered, and its invitation and password
reset links are never printed.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.mail.backends.console import EmailBackend

from milepost.invites.logs import redact


class RedactingConsoleBackend(EmailBackend):
    def write_message(self, message: Any) -> None:
        stream = self.stream
        buffer = io.StringIO()
        self.stream = buffer
        try:
            super().write_message(message)
        finally:
            self.stream = stream
        stream.write(redact(buffer.getvalue()))
