"""`{% invitation_panel client %}`: the invitation's state and controls on the client page;
`{% staff_invitation person as invitation %}`: a staff invitation's state on the users list.

The client page's view belongs to the clients app and the users list to accounts; the tags
read their own state here, for a record those views already fetched through their access.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.invites.forms import InvitationForm
from milepost.invites.models import StaffInvitation
from milepost.invites.selectors import invitation_latest, staff_invitation_latest
from milepost.invites.staff import STAFF_ROLES

register = template.Library()


@register.inclusion_tag("invites/_panel.html", takes_context=True)
def invitation_panel(context: template.Context, client: Client) -> dict[str, Any]:
    try:
        action = reverse("invites_clinician:invite", kwargs={"client_id": client.public_id})
    except NoReverseMatch:
        # The clinicians' routes are not included in this project's URLs: no panel.
        return {"available": False}
    latest = invitation_latest(client)
    form = InvitationForm(
        initial={"email": latest.email if latest else client.email}, auto_id="invite_%s"
    )
    return {
        "available": True,
        "action": action,
        "client": client,
        "latest": latest,
        "form": form,
        "csrf_token": context.get("csrf_token"),
    }


@dataclass(frozen=True)
class StaffInvitationStatus:
    """A staff account that has no password yet, for the users list."""

    latest: StaffInvitation | None
    state: str  # "open", "expired", "revoked" or "" (never invited)
    resend_url: str


@register.simple_tag
def staff_invitation(person: User) -> StaffInvitationStatus | None:
    """`{% staff_invitation person as invitation %}` on the practice users list (accounts'
    page, for a user its view fetched through accounts/access.py): None once the person has
    a password, for an inactive account, and for a client's portal login (their care team
    invites them)."""
    if (
        person.has_usable_password()
        or not person.is_active
        or person.membership.role not in STAFF_ROLES
    ):
        return None
    try:
        url = reverse("staff_invites:resend", kwargs={"user_id": person.public_id})
    except NoReverseMatch:
        return None
    latest = staff_invitation_latest(person)
    return StaffInvitationStatus(latest, str(latest.state()) if latest else "", url)
