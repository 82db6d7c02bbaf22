"""Reads of invitations, for a client record already fetched through clients/access.py or a
staff account fetched through accounts/access.py."""

from __future__ import annotations

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.invites.models import Invitation, StaffInvitation


def invitation_latest(client: Client) -> Invitation | None:
    """The client's most recent invitation, whatever its state."""
    return Invitation.objects.filter(client=client).order_by("-created_at", "-id").first()


def invitation_open(client: Client) -> Invitation | None:
    """The client's one invitation that is neither accepted nor revoked (it may have expired)."""
    return Invitation.objects.filter(
        client=client, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()


def staff_invitation_latest(user: User) -> StaffInvitation | None:
    """The staff member's most recent invitation, whatever its state."""
    return StaffInvitation.objects.filter(user=user).order_by("-created_at", "-id").first()
