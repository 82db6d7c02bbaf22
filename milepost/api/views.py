"""Pages of the API: a user's own API tokens (make, shown once; revoke) and the assets
of the docs page."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path

import ninja
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.api import services
from milepost.api.access import token_get_for_user, tokens_for_user
from milepost.api.forms import TokenCreateForm
from milepost.lib.forms import add_service_errors

# Swagger UI as ninja ships it, served from here (see main.LocalSwagger).
_ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
_ASSET_NAMES = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}
)


@policy(Policy.PUBLIC)
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in _ASSET_NAMES:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((_ASSETS / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@policy(Policy.CLINICAL)
def tokens(request: SignedInRequest) -> HttpResponseBase:
    """The user's tokens, and a form for a new one. The secret is shown once, on this
    response only: never in a message (messages are stored) nor in a URL."""
    user = request.user
    form = TokenCreateForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST" and form.is_valid():
        lifetime = form.cleaned_data["lifetime"]
        expires_at = timezone.now() + dt.timedelta(days=int(lifetime)) if lifetime else None
        try:
            _, secret = services.api_token_create(
                actor=user, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenCreateForm()
            status = 201
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens_for_user(user), "secret": secret, "now": timezone.now()},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@policy(Policy.CLINICAL)
def token_revoke(request: SignedInRequest) -> HttpResponseBase:
    """Revoke one of the user's tokens, named by its id in the form."""
    user = request.user
    token_id = request.POST.get("token", "")
    try:
        token = token_get_for_user(user, token_id)
    except Http404:
        messages.error(request, "That token is not one of yours.")
        return redirect("tokens:list")
    try:
        services.api_token_revoke(actor=user, token=token)
    except ValidationError:
        messages.info(request, f"The token “{token.name}” was already revoked.")
    else:
        messages.success(request, f"The token “{token.name}” is revoked and no longer works.")
    return redirect("tokens:list")
