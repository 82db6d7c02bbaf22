"""The portal's home page: what is due, what the therapist answered, what is new, then the
plan shown, what to log and the care team."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import care_team_of
from milepost.portal import access
from milepost.portal.models import ProposalStatus
from milepost.portal.views.questionnaires import due_rows

# "New" on the home page: what the therapist answered or decided in the last two weeks.
RECENT = dt.timedelta(days=14)


@require_safe
@policy(Policy.PORTAL)
def home(request: SignedInRequest) -> HttpResponseBase:
    user = request.user
    client, rows = due_rows(user)
    shown = access.portal_plan_for(user, client)
    since = timezone.now() - RECENT
    answered = [
        r
        for r in access.change_requests_for_portal(user, client)
        if r.answered_at is not None and r.answered_at >= since
    ]
    decided = [
        p
        for p in access.proposals_for_portal(user, client)
        if p.decided_at is not None and p.decided_at >= since
    ]
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "team": care_team_of(client),
            "shown": shown,
            "measures": access.log_measures_for(user, client),
            "due": [r for r in rows if r.due],
            "answered": answered,
            "decided": decided,
            "adopted": ProposalStatus.ADOPTED,
        },
    )
