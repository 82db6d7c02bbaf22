"""Passkeys: the four JSON steps the package's scripts call (register begin/complete, verify
begin/complete), as django-otp-webauthn's views with the project's rules on top.

- Registering needs an authenticator app already set up and a session that has passed the
  second step (the middleware sends other sessions to the code page first).
- Verifying is the second step of signing in: only for a signed-in user (no passwordless
  sign-in), with the user's own passkeys; success verifies the session as a code does,
  under a new session key. A locked-out account gets nowhere.
- Every success and failure is audited (mfa.passkey_register, mfa.passkey_verify,
  mfa.passkey_register_failed, mfa.passkey_verify_failed).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from milepost.accounts import mfa, services
from milepost.accounts.policies import Policy, policy


class AuthenticatorFirst(exceptions.OTPWebAuthnApiError):
    status_code = 409
    default_detail = "Set up an authenticator app first; a passkey comes on top of it."
    default_code = "authenticator_first"


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = "Too many failed sign-ins. Ask your practice admin to unlock your account."
    default_code = "locked_out"


class _Audited:
    """Failures of a step are audited for the signed-in user; malformed input is a 400,
    never a server error."""

    step = ""
    request: HttpRequest

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, KeyError | TypeError | ValueError | AttributeError):
            exc = exceptions.MalformedRequest(detail="The passkey's answer could not be read.")
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.step:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                services.mfa_passkey_failed(user=user, step=self.step, reason=str(exc.code))
        return super().handle_exception(exc)  # type: ignore[misc]


class _RegisterRules:
    request: HttpRequest

    def check_can_register(self) -> None:
        user = self.request.user
        if not mfa.is_enrolled(user):  # type: ignore[arg-type]
            raise AuthenticatorFirst()
        if not user.is_verified():  # type: ignore[union-attr]
            raise exceptions.NotVerified()


class RegisterBegin(_RegisterRules, _Audited, BeginCredentialRegistrationView):
    pass


class RegisterComplete(_RegisterRules, _Audited, CompleteCredentialRegistrationView):
    step = "register"

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        user = self.get_user()
        state = self.get_state()
        with rewrite_exceptions(logger=None):
            passkey = self.get_helper().register_complete(
                user=user,
                state=state,
                data=self.request.data,  # type: ignore[attr-defined]
            )
        services.mfa_passkey_registered(user=user, passkey=passkey)
        return JsonResponse({"id": passkey.pk})


class _VerifyRules:
    request: HttpRequest

    def check_can_authenticate(self) -> None:
        user = self.request.user
        if not user.is_authenticated or not user.is_active:
            raise exceptions.NotAuthenticated()
        if AxesProxyHandler.is_locked(self.request, {"username": user.email}):
            auth_logout(self.request)
            raise LockedOut()


class VerifyBegin(_VerifyRules, _Audited, BeginCredentialAuthenticationView):
    pass


class VerifyComplete(_VerifyRules, _Audited, CompleteCredentialAuthenticationView):
    step = "verify"

    def complete_auth(self, device: Any) -> None:
        # As after a code: a new session key, then the session counts as verified.
        self.request.session.cycle_key()
        otp_login(self.request, device)
        services.mfa_passkey_verified(user=device.user, passkey=device)

    def get_success_url(self) -> str:
        wanted = self.request.GET.get("next") or ""
        if wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return wanted
        return reverse("home")


passkey_register_begin = policy(Policy.AUTHENTICATED)(RegisterBegin.as_view())
passkey_register_complete = policy(Policy.AUTHENTICATED)(RegisterComplete.as_view())
passkey_verify_begin = policy(Policy.AUTHENTICATED)(VerifyBegin.as_view())
passkey_verify_complete = policy(Policy.AUTHENTICATED)(VerifyComplete.as_view())
