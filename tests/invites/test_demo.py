"""The demo's pending invitation (milepost/demo/invites.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from milepost.clients import services as clients
from milepost.demo.invites import load_invites
from milepost.invites.models import Invitation, InvitationState


@pytest.mark.django_db
def test_marcus_gets_one_pending_invitation_once_and_no_email(personas):
    marcus = clients.client_create(
        actor=personas.alice,
        given_name="Marcus",
        family_name="Hale",
        date_of_birth=dt.date(1994, 8, 2),
        email="marcus.client@example.net",
    )
    load_invites(personas.org, personas.alice)
    load_invites(personas.org, personas.alice)
    invitation = Invitation.objects.get(client=marcus)
    assert invitation.state() == InvitationState.OPEN
    assert invitation.email == "marcus.client@example.net"
    assert mail.outbox == []
    # A week later the invitation has expired: loading again makes a fresh one.
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    load_invites(personas.org, personas.alice)
    states = sorted(str(i.state()) for i in Invitation.objects.filter(client=marcus))
    assert states == ["open", "revoked"]
