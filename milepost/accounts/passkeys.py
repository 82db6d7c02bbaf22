"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor: where they are valid and
what the browser is told. See docs/decisions/0605-mfa-passkeys.md.

A passkey is bound to a relying party ID, a domain: PASSKEY_RP_ID when it is set (set it in
production, to the domain people open), else the host name the request came to. The
origins a passkey's answer may come from are PASSKEY_ORIGINS, else the request's own origin:
Django has already checked its host against ALLOWED_HOSTS, and the browser writes the page's
real origin into what the passkey signs, so an answer relayed from another site still fails.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware import csrf
from django.urls import reverse
from django_otp_webauthn.helpers import WebAuthnHelper

PASSKEY_NAME = "Passkey"


def relying_party_id(request: HttpRequest) -> str:
    configured: str = settings.PASSKEY_RP_ID
    if configured:
        return configured
    host = request.get_host()
    if host.startswith("["):  # an IPv6 address, which WebAuthn refuses anyway
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def request_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


class PasskeyHelper(WebAuthnHelper):
    """The package's helper with the origins above and the project's own device name."""

    def get_allowed_origins(self) -> list[str]:
        configured: list[str] = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS
        return list(configured) or [request_origin(self.request)]

    def create_credential(self, *args: Any, **kwargs: Any) -> Any:
        device = super().create_credential(*args, **kwargs)
        device.name = PASSKEY_NAME
        return device


def browser_config(request: HttpRequest) -> dict[str, object]:
    """What the package's scripts read from the page (`otp_webauthn_config`): the project's
    own URLs for the four steps, and no passwordless sign-in field."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("accounts:passkey_verify_begin"),
        "completeAuthenticationUrl": reverse("accounts:passkey_verify_complete"),
        "beginRegistrationUrl": reverse("accounts:passkey_register_begin"),
        "completeRegistrationUrl": reverse("accounts:passkey_register_complete"),
    }
