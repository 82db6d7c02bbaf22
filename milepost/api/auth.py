"""Who is calling: a bearer token (integrations) or the browser session (the docs page).

A request that presents a token is judged by the token alone: a wrong, revoked or
expired one answers 401 even if a session cookie came with it. A session is accepted
only as far as the pages accept it: one that has given its password but still owes its
second factor (a code to verify, or a set-up the practice requires) answers 401, as the
pages send it to that step; an unsafe method (POST, PATCH…) also needs Django's CSRF
token, as any form of the site does (docs/decisions/0530-json-api.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from milepost.accounts import mfa
from milepost.accounts.models import User
from milepost.api.services import api_token_authenticate


class ApiRequest(HttpRequest):
    """A request an operation receives: every operation needs one of the two schemes below
    (main.py), and ninja sets `auth` to what the scheme returned, the calling user."""

    auth: User


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(message="Send the token as 'Authorization: Bearer <token>'.")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError(message="The token is unknown, revoked or expired.")
        # The rest of Django (and the audit trail) sees the token's user as the user.
        request.user = user
        return user


class Session(APIKeyCookie):
    """The signed-in user of the site. Unlike ninja's SessionAuth, an anonymous request
    is not asked for a CSRF token first: it simply is not authenticated (401)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return None

    def __call__(self, request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if mfa.pending_step(user) is not None:
            raise AuthenticationError(
                message="Finish two-factor sign-in on the site first, or send a bearer token."
            )
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return None
