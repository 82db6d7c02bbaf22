"""Invitations: a one-time, expiring link sent by e-mail, with which a person chooses their
own password. Clients are invited to the portal by their care team (`Invitation`), new staff
by their practice admin (`StaffInvitation`); both share the token scheme of `InvitationBase`.

The link carries a random token; the database keeps only its SHA-256 hash, so a copy of
the database (a backup, a replica) opens no account. See docs/decisions/0703 and 0705.
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


class InvitationBase(models.Model):
    """What every invitation has: the hashed token, who sent it, and its life (expiry,
    acceptance, revocation). A concrete invitation adds whom it invites."""

    public_id = PublicIdField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

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


class Invitation(InvitationBase):
    """A client's invitation to the portal: accepting it makes their portal login."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()

    class Meta(InvitationBase.Meta):
        constraints = [
            # One live invitation per client: sending a new one revokes the old first.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_client",
            ),
        ]


class StaffInvitation(InvitationBase):
    """A new staff member's invitation: their account exists (with no usable password) from
    the moment the admin adds them; accepting sets the password they chose."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_invitations"
    )

    class Meta(InvitationBase.Meta):
        constraints = [
            # One live link per person: a resend revokes the old one first.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_staff_user",
            ),
        ]

    @property
    def email(self) -> str:
        """Where the link went: the account's own address, which is also its sign-in."""
        return str(self.user.email)
