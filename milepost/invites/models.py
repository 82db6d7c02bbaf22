"""Invitations to the client portal: a one-time, expiring link sent by e-mail.

The link carries a random token; the database keeps only its SHA-256 hash, so a copy of
the database (a backup, a replica) opens no account. See docs/decisions/0703.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField


def invitation_days() -> int:
    return int(getattr(settings, "INVITATION_DAYS", 7))


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=invitation_days())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class InvitationState(models.TextChoices):
    OPEN = "open", "Sent"
    EXPIRED = "expired", "Expired"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"


class Invitation(models.Model):
    public_id = PublicIdField()
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live invitation per client: sending a new one revokes the old first.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.public_id} ({self.state()})"

    def state(self, now: dt.datetime | None = None) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.OPEN

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.state(now) == InvitationState.OPEN
