"""A pending portal invitation in the demo: Marcus has no portal login yet; alice invited him.

It is made with `invitation_create`, which sends no e-mail, and its token is dropped at
once: it is printed and stored nowhere. To try the accept page, resend the invitation from
Marcus's page (the console e-mail backend prints the new link).
"""

from __future__ import annotations

from milepost.accounts.models import Organization, User
from milepost.clients.models import Client
from milepost.invites.selectors import invitation_open
from milepost.invites.services import invitation_create


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
