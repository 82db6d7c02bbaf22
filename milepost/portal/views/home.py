"""The portal's home page: the client, their care team, the plan shown and what to log."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import care_team_of
from milepost.portal import access


@require_safe
@policy(Policy.PORTAL)
def home(request: SignedInRequest) -> HttpResponseBase:
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "team": care_team_of(client),
            "shown": shown,
            "measures": access.log_measures_for(user, client),
        },
    )
