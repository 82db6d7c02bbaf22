"""Keeping the client's work through the idle timeout (decision 0823): "Stay signed in", and
saving unsent writing (a journal entry, a request for a change, a goal being drafted) in the
background, which does not count as activity.

The page's script (static/milepost/js/portal-idle.js) warns a minute before the timeout,
saves what is typed, and after the timeout reloads, so the sign-in page comes back to it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_POST

from milepost.accounts.middleware import stay_signed_in as restart_idle_time
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.portal import access, services
from milepost.portal.models import DRAFT_FORMS


@require_POST
@policy(Policy.PORTAL)
def stay_signed_in(request: SignedInRequest) -> HttpResponseBase:
    """The client pressed "Stay signed in": their idle time starts again."""
    return JsonResponse({"seconds_left": restart_idle_time(request)})


@require_POST
@policy(Policy.PORTAL)
def draft(request: SignedInRequest, form: str = "journal") -> HttpResponseBase:
    """Keep what is typed in one of the portal's writing forms (DRAFT_FORMS: the journal, a
    request for a change, a goal being drafted): each of its fields under its own kind."""
    fields = DRAFT_FORMS.get(form)
    if fields is None:
        raise Http404
    user = request.user
    client = access.portal_client(user)
    try:
        with transaction.atomic():  # all of a form's fields are kept, or none
            for kind, field in fields:
                services.unsent_draft_save(
                    actor=user, client=client, kind=kind, text=request.POST.get(field, "")
                )
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return HttpResponse(status=204)
