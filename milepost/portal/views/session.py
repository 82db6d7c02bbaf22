"""Keeping the client's work through the idle timeout (decision 0823): "Stay signed in", and
saving an unsent journal entry in the background, which does not count as activity.

The page's script (static/milepost/js/portal-idle.js) warns a minute before the timeout,
saves what is typed, and after the timeout reloads, so the sign-in page comes back to it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_POST

from milepost.accounts.middleware import stay_signed_in as restart_idle_time
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.portal import access, services
from milepost.portal.models import DraftKind


@require_POST
@policy(Policy.PORTAL)
def stay_signed_in(request: SignedInRequest) -> HttpResponseBase:
    """The client pressed "Stay signed in": their idle time starts again."""
    return JsonResponse({"seconds_left": restart_idle_time(request)})


@require_POST
@policy(Policy.PORTAL)
def journal_draft(request: SignedInRequest) -> HttpResponseBase:
    """Keep the journal entry being typed (the text field of the journal form)."""
    user = request.user
    client = access.portal_client(user)
    try:
        services.unsent_draft_save(
            actor=user, client=client, kind=DraftKind.JOURNAL, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return HttpResponse(status=204)
