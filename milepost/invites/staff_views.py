"""The practice admin adds a staff member by invitation, and resends an invitation.

The users list itself is accounts' (`/practice/users/`); it shows each invitation's state
through `{% staff_invitation_status person %}` (templatetags/invitations.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.access import org_user_get_for_admin, require_membership
from milepost.accounts.forms import UserCreateForm
from milepost.accounts.models import Role
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.invites import staff
from milepost.lib.forms import add_service_errors


@policy(Policy.ORG_ADMIN)
def user_create(request: SignedInRequest) -> HttpResponseBase:
    """Name, e-mail, role and credentials; no password: the person chooses theirs from the
    invitation e-mailed to them."""
    membership = require_membership(request.user, Role.ADMIN)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff.staff_invite(
                actor=request.user,
                organization=membership.organization,
                fallback_base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except staff.InvitationNotSent as not_sent:
            messages.warning(
                request,
                f"Added {not_sent.user.full_name}, but the invitation e-mail could not be "
                "sent. Check the address, then use Resend invitation.",
            )
            return redirect("accounts:users")
        else:
            messages.success(
                request,
                f"Invited {user.full_name}: they choose their own password from the link "
                "e-mailed to them. The link works once.",
            )
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@require_POST
@policy(Policy.ORG_ADMIN)
def resend(request: SignedInRequest, user_id: str) -> HttpResponseBase:
    """A new invitation link for a staff member who has no password yet; the old link stops
    working."""
    person = org_user_get_for_admin(request.user, user_id)
    try:
        invitation = staff.staff_invitation_send(
            actor=request.user, user=person, fallback_base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Sent {person.full_name} a new invitation; it expires on "
            f"{invitation.expires_at:%-d %B %Y}. The earlier link no longer works.",
        )
    return redirect("accounts:users")
