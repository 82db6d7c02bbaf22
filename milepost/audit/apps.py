from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "milepost.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from milepost.audit import (  # noqa: F401  (registers the deploy check)
            checks,
            receivers,  # connects the login signals
        )
