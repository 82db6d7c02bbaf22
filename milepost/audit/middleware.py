from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from milepost.audit.context import collecting, origin
from milepost.audit.services import audit_flush


class AuditContextMiddleware:
    """Makes the request's address and user agent available to the audit service, and
    writes the request's reads when it ends (decision 0017): before the response leaves,
    and also when the view failed, so a failed request loses no read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin(client_address(request), request.META.get("HTTP_USER_AGENT")):
            with collecting() as reads:
                try:
                    response = self.get_response(request)
                finally:
                    audit_flush(reads)
            return response


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind a trusted proxy the address it appended to X-Forwarded-For."""
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    address: str | None = request.META.get("REMOTE_ADDR")
    return address
