from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from milepost.accounts import mfa
from milepost.accounts.access import membership_of


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's membership, so the navigation shows what their role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"membership": None}
    return {"membership": membership_of(user)}


def mfa_suggestion(request: HttpRequest) -> dict[str, Any]:
    """Whether the page suggests setting up two-factor sign-in: to staff of a practice that
    does not require it, who have none, until they put it away for the session
    (docs/decisions/0605-mfa-passkeys.md). Not on the two-factor pages themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"mfa_suggested": False}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "accounts" and (match.url_name or "")[:3] == "mfa":
        return {"mfa_suggested": False}
    session = getattr(request, "session", None)
    if session is not None and session.get(mfa.SUGGESTION_DISMISSED):
        return {"mfa_suggested": False}
    return {"mfa_suggested": mfa.recommended_for(user)}
