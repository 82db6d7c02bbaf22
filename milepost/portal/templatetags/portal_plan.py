"""Template tags that put the portal's plan side on clinicians' pages without their views
knowing: the client page's "From the portal" card and each draft goal's portal toggle.

Both read through portal/access.py (audited), as the signed-in clinician.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from milepost.clients.models import Client
from milepost.plans.models import Goal
from milepost.portal import access

register = template.Library()


def _url(name: str, **kwargs: str) -> str:
    """The route's URL, or "" while milepost.portal.clinician_urls is not mounted."""
    try:
        return reverse(f"portal_clinician:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.inclusion_tag("portal/plan_from_portal_card.html", takes_context=True)
def portal_client_card(context: template.Context, client: Client) -> dict[str, Any]:
    """New proposals, open change requests, shared journal entries and recent log entries
    with a note or a strength, counted."""
    inbox_url = _url("inbox", client_id=client.public_id)
    if not inbox_url:
        return {}
    user = context["request"].user
    return {
        "inbox_url": inbox_url,
        "proposals": len(access.proposals_for_client(user, client, only_new=True)),
        "changes": len(access.change_requests_for_client(user, client, only_open=True)),
        "journal": len(access.shared_journal_for_client(user, client)),
        "noted": sum(
            1
            for e in access.log_entries_for_client(user, client)
            if e.counts and (e.note or e.intensity is not None)
        ),
    }


@register.inclusion_tag("portal/plan_goal_visibility.html", takes_context=True)
def portal_goal_visibility(context: template.Context, goal: Goal) -> dict[str, Any]:
    """Whether the goal shows in the client's portal, with a toggle on a draft."""
    action = _url("goal_visibility", client_id=goal.plan.client.public_id, goal_id=goal.public_id)
    if not action:
        return {}
    cache = context.render_context
    key = f"portal_hidden_goals_{goal.plan.client_id}"
    if key not in cache:
        cache[key] = access.hidden_goals_for_client(context["request"].user, goal.plan.client)
    return {
        "goal": goal,
        "action": action,
        "hidden": goal.pk in cache[key],
        "editable": goal.plan.is_draft,
        "csrf_token": context.get("csrf_token"),
    }
