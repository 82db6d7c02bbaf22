"""The accept page (public: the invited person has no password yet), for a client's portal
invitation and a new staff member's alike, and the care team's invitation controls on the
client page."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.invites import logs, services
from milepost.invites.forms import AcceptForm, InvitationForm
from milepost.invites.models import StaffInvitation
from milepost.invites.selectors import invitation_latest, invitation_open
from milepost.lib.forms import add_service_errors

# The session of an accepted invitation is an ordinary one, made by Django's own backend.
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _sign_in(request: HttpRequest, user: User) -> None:
    """Log the new client in. django-axes records each sign-in with its path in its
    access log: give it the path with the token redacted, as the logs get it."""
    AxesProxyHandler.update_request(request)
    request.axes_path_info = logs.redact(request.path_info)  # type: ignore[attr-defined]
    login(request, user, backend=_BACKEND)


def _private(response: HttpResponse) -> HttpResponse:
    """The accept page's URL holds the token: browsers must never send it on as a Referer.

    "strict-origin" sends at most the scheme and host, never the path. "no-referrer" would
    do as well for links, but it makes browsers send `Origin: null` with the page's own
    form, which Django's CSRF check rightly refuses (docs/decisions/0703). never_cache
    keeps the page out of caches.
    """
    response["Referrer-Policy"] = "strict-origin"
    return response


@never_cache
@sensitive_variables("token", "password", "password_again")
@sensitive_post_parameters("password", "password_again")
@policy(Policy.PUBLIC)
def accept(request: HttpRequest, token: str) -> HttpResponseBase:
    form = AcceptForm(request.POST if request.method == "POST" else None)
    try:
        invitation = services.invitation_for_token(token)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.invitation_accept(
                    token=token,
                    password=form.cleaned_data["password"],
                    password_again=form.cleaned_data["password_again"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _sign_in(request, user)
                if isinstance(invitation, StaffInvitation):
                    # Home, through the two-factor gate: staff of a practice that requires
                    # it are sent to set-up first (accounts/middleware.py).
                    return _private(redirect("home"))
                # No flash message: the portal's greeting says it (and base.html's message
                # list fails axe's list rule while it carries role="status").
                return _private(redirect("portal:home"))
    except services.InvitationGone as gone:
        # 410 Gone, whatever the reason, so the page tells a stranger nothing. The path
        # with its token is redacted from every log message (milepost/invites/logs.py).
        return _private(render(request, "invites/gone.html", {"message": str(gone)}, status=410))
    context = {
        "form": form,
        "invitation": invitation,
        "staff": isinstance(invitation, StaffInvitation),
    }
    return _private(render(request, "invites/accept.html", context))


def _invite_page(
    request: HttpRequest, client: Client, form: InvitationForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "invites/invite.html",
        {"client": client, "form": form, "latest": invitation_latest(client)},
        status=status,
    )


@policy(Policy.CLINICAL)
def invite(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """GET: the invitation's state with the send form; POST: send (or resend) it."""
    user = request.user
    client = client_get_for_user(user, client_id, purpose="invite")
    if request.method != "POST":
        latest = invitation_latest(client)
        initial = {"email": latest.email if latest else client.email}
        return _invite_page(request, client, InvitationForm(initial=initial))
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_send(
                actor=user,
                client=client,
                email=form.cleaned_data["email"],
                fallback_base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Invitation sent. The link works once.")
            return redirect("clients:detail", client_id=client.public_id)
    return _invite_page(request, client, form)


@require_POST
@policy(Policy.CLINICAL)
def revoke(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="invite")
    invitation = invitation_open(client)
    if invitation is None:
        messages.info(request, "There is no open invitation to revoke.")
    else:
        services.invitation_revoke(actor=user, invitation=invitation)
        messages.success(request, "Invitation revoked: its link no longer works.")
    return redirect("clients:detail", client_id=client.public_id)
