from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from milepost.accounts.policies import Policy, policy
from milepost.clients.access import care_team_of, client_get_for_portal


@policy(Policy.PORTAL)
def home(request: HttpRequest) -> HttpResponseBase:
    client = client_get_for_portal(request.user)  # type: ignore[arg-type]
    return render(request, "portal/home.html", {"client": client, "team": care_team_of(client)})
