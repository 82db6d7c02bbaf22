"""`Cache-Control: no-store, private` on every response the application makes.

Pages, HTMX partials, charts, PDFs, CSV and FHIR downloads and API answers may all show
client information; none may stay in a browser's cache or a shared proxy. Static files are
served before this middleware (WhiteNoise) and keep their own long-lived headers, and so does
a response its view marked `public` on purpose (the API docs page's own script and styles).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response
