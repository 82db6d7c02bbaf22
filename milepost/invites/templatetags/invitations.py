"""`{% invitation_panel client %}`: the invitation's state and controls on the client page.

The client page's view belongs to the clients app; the panel reads its own state here, for
a client that view already fetched through clients/access.py.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from milepost.clients.models import Client
from milepost.invites.forms import InvitationForm
from milepost.invites.selectors import invitation_latest

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
