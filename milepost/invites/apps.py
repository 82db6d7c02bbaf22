from __future__ import annotations

from django.apps import AppConfig


class InvitesConfig(AppConfig):
    name = "milepost.invites"
    label = "invites"
    verbose_name = "Portal invitations"

    def ready(self) -> None:
        from milepost.invites import checks, logs

        logs.install()
        del checks  # imported for its check --deploy registration
