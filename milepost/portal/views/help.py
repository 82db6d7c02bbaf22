"""Help right now, without signing in: the crisis resources linked from the sign-in page.

A signed-in client is sent to the portal's own crisis screen, which shows their practice's
words; anyone else sees the configured default (settings.PORTAL_CRISIS_RESOURCES), since
nothing says which practice they belong to. Nothing is read from a record: no audit.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from milepost.accounts.access import membership_of
from milepost.accounts.models import Role
from milepost.accounts.policies import Policy, policy
from milepost.portal.crisis import default_crisis_text


@require_safe
@policy(Policy.PUBLIC)
def help_now(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    if user.is_authenticated:
        membership = membership_of(user)
        if membership is not None and membership.role == Role.CLIENT:
            return redirect("portal_questionnaires:crisis")
    return render(request, "portal/help_public.html", {"crisis": default_crisis_text()})
