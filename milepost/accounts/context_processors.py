from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from milepost.accounts.access import membership_of


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's membership, so the navigation shows what their role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"membership": None}
    return {"membership": membership_of(user)}
