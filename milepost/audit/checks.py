"""`manage.py check --deploy`: a production audit trail needs its own key (decision 0016)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "AUDIT_KEY_DERIVED", False):
        return [
            Warning(
                "AUDIT_KEY is not set: the audit trail is keyed with a key derived from "
                "SECRET_KEY.",
                hint="Set AUDIT_KEY or AUDIT_KEY_FILE to a long random secret kept outside "
                "the database (docs/operations.md, the audit key).",
                id="audit.W001",
            )
        ]
    if len(str(settings.AUDIT_KEY)) < 32:
        return [
            Warning(
                "AUDIT_KEY is shorter than 32 characters.",
                hint="Use a long random secret, e.g. `openssl rand -hex 32`.",
                id="audit.W002",
            )
        ]
    return []
