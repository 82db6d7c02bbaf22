from __future__ import annotations

import datetime as dt
import re
import smtplib
from collections.abc import Sequence

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from milepost.clients import services as clients
from milepost.clients.models import Client
from tests.base import Personas

NEW_PASSWORD = "lantern orchard pebble 42"
LINK = re.compile(r"https?://[^\s/]+/invite/([A-Za-z0-9_-]+)/")


def new_client(p: Personas, email: str = "eli.client@example.net") -> Client:
    """A client of alice's (bob is on the care team too) without a portal login."""
    client = clients.client_create(
        actor=p.alice,
        given_name="Eli",
        family_name="Brackenridge",
        date_of_birth=dt.date(1992, 6, 3),
        email=email,
        referral_reason="Worry about work.",
    )
    clients.care_team_add(actor=p.alice, client=client, clinician=p.bob)
    return client


def token_from_outbox() -> str:
    """The token of the last invitation e-mail sent."""
    body = str(mail.outbox[-1].body)
    match = LINK.search(body)
    assert match, body
    return match.group(1)


class FailingMailBackend(BaseEmailBackend):
    """An e-mail backend whose server hangs up (the default mailer in a test)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("the server hung up")
