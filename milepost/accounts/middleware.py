from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from milepost.accounts import mfa

_LAST_SEEN = "milepost_last_seen"
# The last-seen time is rewritten at most this often: every request writing the session
# row costs a database write per keystroke of live feedback, and two requests at once
# (HTMX while a form posts) would race to write it. The idle limit stays exact to within it.
_TOUCH_SECONDS = 30


_SIGNED_IN_AT = "milepost_signed_in_at"
# A page saving what was typed in the background (before the idle timeout) sends this
# header: it must not count as activity, or the saving would keep the session alive for ever.
AUTOSAVE_HEADER = "X-Milepost-Autosave"


def idle_seconds_left(request: HttpRequest) -> int:
    """Seconds until this session is signed out for inactivity (as of this request)."""
    last_seen = request.session.get(_LAST_SEEN)
    if not isinstance(last_seen, int | float):
        return int(settings.SESSION_IDLE_TIMEOUT)
    return max(0, int(last_seen + settings.SESSION_IDLE_TIMEOUT - time.time()))


def stay_signed_in(request: HttpRequest) -> int:
    """The person chose to stay signed in: their idle time starts again now."""
    request.session[_LAST_SEEN] = time.time()
    return int(settings.SESSION_IDLE_TIMEOUT)


class IdleTimeoutMiddleware:
    """Log a user out after SESSION_IDLE_TIMEOUT seconds without a request, and after
    SESSION_COOKIE_AGE (`SESSION_MAX_HOURS`) since sign-in however active the session is.

    Django's own expiry slides: every write of the session (the last-seen time below) moves
    it on. So the time of sign-in is kept in the session, stamped on its first request, and
    checked on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(_SIGNED_IN_AT)
            if not isinstance(signed_in_at, int | float):
                request.session[_SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                hours = settings.SESSION_COOKIE_AGE // 3600
                messages.info(request, f"You were signed out {hours} hours after signing in.")
                return redirect_to_login(request.get_full_path())
            last_seen = request.session.get(_LAST_SEEN)
            if (
                isinstance(last_seen, int | float)
                and now - last_seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect_to_login(request.get_full_path())
            background = request.headers.get(AUTOSAVE_HEADER) == "1"
            if not isinstance(last_seen, int | float) or (
                now - last_seen >= _TOUCH_SECONDS and not background
            ):
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


def _mfa_exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("accounts:mfa_setup"),
        reverse("accounts:mfa_verify"),
        # The second step with a passkey instead of a code (its two JSON calls).
        reverse("accounts:passkey_verify_begin"),
        reverse("accounts:passkey_verify_complete"),
        reverse("login"),
        reverse("logout"),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/invite/",
        # The JSON API authenticates each request with a token, not a session.
        "/api/",
    )


class MfaMiddleware:
    """Two-factor sign-in, for every page but the few needed to get through it.

    A user with an authenticator whose session has not given a code is sent to the
    verify page; staff of a practice that requires two-factor sign-in who have not set
    one up are sent to the set-up page. HTMX requests get `HX-Redirect` instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path_info.startswith(_mfa_exempt_prefixes()):
            target = mfa.pending_step(user)
            if target is not None:
                return _send_to(request, target)
        return self.get_response(request)


def _send_to(request: HttpRequest, name: str) -> HttpResponse:
    url = reverse(name)
    if request.method in ("GET", "HEAD"):
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
