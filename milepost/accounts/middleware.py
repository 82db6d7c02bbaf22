from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

_LAST_SEEN = "milepost_last_seen"
# The last-seen time is rewritten at most this often: every request writing the session
# row costs a database write per keystroke of live feedback, and two requests at once
# (HTMX while a form posts) would race to write it. The idle limit stays exact to within it.
_TOUCH_SECONDS = 30


class IdleTimeoutMiddleware:
    """Log a user out after SESSION_IDLE_TIMEOUT seconds without a request.

    The absolute lifetime is SESSION_COOKIE_AGE, which Django enforces itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            if (
                isinstance(last_seen, int | float)
                and now - last_seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect_to_login(request.get_full_path())
            if not isinstance(last_seen, int | float) or now - last_seen >= _TOUCH_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
