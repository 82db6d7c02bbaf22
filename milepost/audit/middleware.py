from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from milepost.audit.context import origin


class AuditContextMiddleware:
    """Makes the request's address and user agent available to the audit service."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT")):
            return self.get_response(request)
