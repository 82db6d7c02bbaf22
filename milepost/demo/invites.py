"""Pending invitations in the demo.

Marcus has no portal login yet; alice invited him. It is made with `invitation_create`, which
sends no e-mail, and its token is dropped at once: it is printed and stored nowhere. To try the
accept page, resend the invitation from Marcus's page (the console e-mail backend prints the
new link).

Frank Ibarra, a clinician erin added on Practice users, has not accepted his invitation yet:
nobody knows a password for him. His first invitation e-mail goes to the console when the demo
loads; **Resend invitation** on Practice users prints a new link.
"""

from __future__ import annotations

from django.conf import settings

from milepost.accounts.models import Organization, Role, User
from milepost.clients.models import Client
from milepost.invites.selectors import invitation_open
from milepost.invites.services import invitation_create
from milepost.invites.staff import staff_invite

INVITED_CLINICIAN = "frank@demo.milepost.test"


def load_invites(organization: Organization, clinician: User) -> None:
    client = Client.objects.filter(
        organization=organization, given_name="Marcus", family_name="Hale"
    ).first()
    if client is None or client.portal_user_id is not None or not client.email:
        return
    current = invitation_open(client)
    if current is not None and current.is_usable():
        return
    invitation_create(actor=clinician, client=client, email=client.email)


def load_staff_invite(organization: Organization, admin: User) -> None:
    if User.objects.filter(email=INVITED_CLINICIAN).exists():
        return
    staff_invite(
        actor=admin,
        organization=organization,
        email=INVITED_CLINICIAN,
        full_name="Frank Ibarra",
        role=Role.CLINICIAN,
        credentials="LMFT",
        fallback_base_url=settings.PORTAL_BASE_URL or "http://127.0.0.1:8000",
    )
