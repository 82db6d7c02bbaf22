"""Passkeys as a second factor, server side: the four JSON steps with a passkey in software
(tests/accounts/soft_authenticator.py), what a passkey-verified session may do, audit,
removal and reset. The same in Chromium: tests/browser/test_passkeys.py."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from milepost.accounts import mfa
from milepost.accounts.models import User
from milepost.audit.models import AuditEvent
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.accounts.test_mfa import CASELOAD, VERIFY, enrol, require_mfa, sign_in, verified

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = reverse("accounts:passkey_register_begin")
REGISTER_COMPLETE = reverse("accounts:passkey_register_complete")
VERIFY_BEGIN = reverse("accounts:passkey_verify_begin")
VERIFY_COMPLETE = reverse("accounts:passkey_verify_complete")
MFA_PAGE = reverse("accounts:mfa")


def _post_json(http: HttpClient, url: str, data: dict | None = None, **extra):
    return http.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def register(http: HttpClient, authenticator: SoftAuthenticator) -> WebAuthnCredential:
    options = _post_json(http, REGISTER_BEGIN).json()
    response = _post_json(http, REGISTER_COMPLETE, authenticator.register(options))
    assert response.status_code == 200, response.content
    return WebAuthnCredential.objects.get(pk=response.json()["id"])


def with_passkey(user) -> tuple[SoftAuthenticator, WebAuthnCredential]:
    """An enrolled user who has added a passkey (in a session of their own, since closed)."""
    enrol(user)
    authenticator = SoftAuthenticator()
    return authenticator, register(verified(user), authenticator)


def use_passkey(http: HttpClient, authenticator: SoftAuthenticator, *, next_url: str = "", **kw):
    options = _post_json(http, VERIFY_BEGIN).json()
    url = VERIFY_COMPLETE + (f"?next={next_url}" if next_url else "")
    return _post_json(http, url, authenticator.authenticate(options, **kw))


class RegisterTests:
    def test_an_enrolled_verified_user_adds_a_passkey_and_it_is_audited(self, personas):
        enrol(personas.alice)
        http = verified(personas.alice)
        options = _post_json(http, REGISTER_BEGIN).json()
        assert options["rp"] == {"name": "Milepost", "id": "testserver"}
        authenticator = SoftAuthenticator()
        response = _post_json(http, REGISTER_COMPLETE, authenticator.register(options))
        assert response.status_code == 200
        passkey = WebAuthnCredential.objects.get(user=personas.alice)
        assert passkey.name == "Passkey"
        event = AuditEvent.objects.get(action="mfa.passkey_register")
        assert event.actor == personas.alice
        assert event.detail == {"passkey": passkey.pk}
        page = http.get(MFA_PAGE).content.decode()
        assert "Passkey, added" in page

    def test_without_an_authenticator_app_there_is_no_passkey(self, personas, login_as):
        http = login_as(personas.alice)
        response = _post_json(http, REGISTER_BEGIN)
        assert response.status_code == 409
        assert response.json()["detail"].startswith("Set up an authenticator app first")
        assert not WebAuthnCredential.objects.exists()

    def test_a_password_only_session_cannot_add_one(self, personas):
        enrol(personas.alice)
        http = sign_in(personas.alice.email)
        response = _post_json(http, REGISTER_BEGIN)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)

    def test_an_answer_from_another_origin_is_refused_and_audited(self, personas):
        enrol(personas.alice)
        http = verified(personas.alice)
        options = _post_json(http, REGISTER_BEGIN).json()
        answer = SoftAuthenticator().register(options, origin="https://evil.example")
        response = _post_json(http, REGISTER_COMPLETE, answer)
        assert response.status_code == 422
        assert not WebAuthnCredential.objects.exists()
        event = AuditEvent.objects.get(action="mfa.passkey_register_failed")
        assert event.detail == {"reason": "invalid_registration_response"}

    def test_a_malformed_answer_is_a_clear_error_not_a_crash(self, personas):
        enrol(personas.alice)
        http = verified(personas.alice)
        _post_json(http, REGISTER_BEGIN)
        for body in ({"id": "x"}, {"response": "<script>alert(1)</script>"}):
            _post_json(http, REGISTER_BEGIN)
            response = _post_json(http, REGISTER_COMPLETE, body)
            assert 400 <= response.status_code < 500
            assert response["Content-Type"] == "application/json"
        response = http.post(REGISTER_COMPLETE, "{not json", content_type="application/json")
        assert response.status_code == 400


class VerifyTests:
    def test_the_passkey_instead_of_the_code_reaches_the_caseload(self, personas):
        authenticator, passkey = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        assert http.get(CASELOAD)["Location"].startswith(VERIFY)
        page = http.get(VERIFY).content.decode()
        assert 'id="passkey-verification-button"' in page
        before = http.session.session_key
        response = use_passkey(http, authenticator, next_url=CASELOAD)
        assert response.status_code == 200, response.content
        assert response.json() == {"id": passkey.pk, "redirect_url": CASELOAD}
        assert http.session.session_key != before  # a new session key, as after a code
        assert http.get(CASELOAD).status_code == 200
        assert http.get("/api/v1/clients").status_code == 200
        event = AuditEvent.objects.get(action="mfa.passkey_verify")
        assert event.actor == personas.alice
        assert event.detail == {"passkey": passkey.pk}

    def test_a_foreign_next_is_not_followed(self, personas):
        authenticator, _ = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        response = use_passkey(http, authenticator, next_url="https://evil.example/")
        assert response.json()["redirect_url"] == reverse("home")

    def test_a_bad_signature_verifies_nothing_and_is_audited(self, personas):
        authenticator, _ = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        response = use_passkey(http, authenticator, tamper=True)
        assert response.status_code == 422
        assert http.get(CASELOAD)["Location"].startswith(VERIFY)
        event = AuditEvent.objects.get(action="mfa.passkey_verify_failed")
        assert event.detail == {"reason": "invalid_authentication_response"}

    def test_another_users_passkey_does_not_verify_this_session(self, personas):
        authenticator, _ = with_passkey(personas.bob)
        enrol(personas.alice)
        http = sign_in(personas.alice.email)
        response = use_passkey(http, authenticator)
        assert response.status_code == 403
        assert http.get(CASELOAD)["Location"].startswith(VERIFY)
        assert AuditEvent.objects.filter(action="mfa.passkey_verify_failed").exists()

    def test_an_answer_is_good_once(self, personas):
        authenticator, _ = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        options = _post_json(http, VERIFY_BEGIN).json()
        answer = authenticator.authenticate(options)
        assert _post_json(http, VERIFY_COMPLETE, answer).status_code == 200
        replay = sign_in(personas.alice.email)
        _post_json(replay, VERIFY_BEGIN)
        assert _post_json(replay, VERIFY_COMPLETE, answer).status_code == 422
        assert replay.get(CASELOAD)["Location"].startswith(VERIFY)

    def test_there_is_no_passwordless_sign_in(self, personas):
        with_passkey(personas.alice)
        anonymous = HttpClient()
        response = _post_json(anonymous, VERIFY_BEGIN)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert anonymous.get(CASELOAD)["Location"].startswith(reverse("login"))

    def test_a_locked_out_account_gets_no_further(self, personas, settings):
        from axes.handlers.proxy import AxesProxyHandler

        authenticator, _ = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        options = _post_json(http, VERIFY_BEGIN).json()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            AxesProxyHandler.user_login_failed(
                sender=None,
                credentials={"username": personas.alice.email},
                request=HttpClient().get("/").wsgi_request,
            )
        response = _post_json(http, VERIFY_COMPLETE, authenticator.authenticate(options))
        assert response.status_code == 429
        assert http.get(CASELOAD)["Location"].startswith(reverse("login"))


class SessionTests:
    """What django-otp's `is_verified` makes of a passkey (pending_step, the API)."""

    def test_a_passkey_verified_session_owes_no_step(self, personas):
        _, passkey = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        assert http.get("/api/v1/clients").status_code == 401
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = passkey.persistent_id
        session.save()
        response = http.get(CASELOAD)
        assert response.status_code == 200
        user = response.wsgi_request.user
        assert isinstance(user, User)
        assert user.is_verified()  # type: ignore[attr-defined]  # django-otp adds it
        assert mfa.pending_step(user) is None
        assert http.get("/api/v1/clients").status_code == 200

    def test_a_password_only_session_of_a_passkey_user_owes_the_code_step(self, personas):
        _, _ = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        response = http.get(CASELOAD)
        assert response["Location"].startswith(VERIFY)
        user = response.wsgi_request.user
        assert isinstance(user, User)
        assert mfa.pending_step(user) == "accounts:mfa_verify"

    def test_a_passkey_alone_is_still_asked_for(self, personas):
        # However a user came to have a passkey and no authenticator app, the password
        # alone does not sign them in (pending_step used to look at the app only).
        with_passkey(personas.alice)
        TOTPDevice.objects.filter(user=personas.alice).delete()
        http = sign_in(personas.alice.email)
        assert http.get(CASELOAD)["Location"].startswith(VERIFY)
        assert http.get("/api/v1/clients").status_code == 401
        page = http.get(VERIFY).content.decode()
        assert 'id="passkey-verification-button"' in page
        assert 'name="otp_code"' not in page

    def test_another_users_passkey_in_the_session_counts_for_nothing(self, personas):
        _, bobs = with_passkey(personas.bob)
        enrol(personas.alice)
        http = sign_in(personas.alice.email)
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = bobs.persistent_id
        session.save()
        assert http.get(CASELOAD)["Location"].startswith(VERIFY)


class RemoveAndResetTests:
    def test_the_owner_removes_a_passkey(self, personas):
        authenticator, passkey = with_passkey(personas.alice)
        http = sign_in(personas.alice.email)
        assert use_passkey(http, authenticator).status_code == 200
        response = http.post(
            reverse("accounts:passkey_remove"), {"passkey": passkey.pk}, follow=True
        )
        assert "The passkey was removed." in response.content.decode()
        assert not WebAuthnCredential.objects.exists()
        event = AuditEvent.objects.get(action="mfa.passkey_remove")
        assert event.detail == {"passkey": passkey.pk}

    @pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999999", "<b>"])
    def test_a_bad_choice_names_the_field(self, personas, login_as, value):
        response = login_as(personas.alice).post(
            reverse("accounts:passkey_remove"), {"passkey": value}, follow=True
        )
        assert "Choose one of your passkeys to remove." in response.content.decode()

    def test_nobody_removes_another_users_passkey(self, personas, login_as):
        _, passkey = with_passkey(personas.bob)
        response = login_as(personas.alice).post(
            reverse("accounts:passkey_remove"), {"passkey": passkey.pk}, follow=True
        )
        assert "Choose one of your passkeys to remove." in response.content.decode()
        assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()

    def test_reset_two_factor_removes_passkeys_too(self, personas, login_as):
        require_mfa(personas.org)
        with_passkey(personas.bob)
        enrol(personas.erin)
        http = verified(personas.erin)
        page = http.get(reverse("accounts:users")).content.decode()
        assert "Passkey</span>" in page
        reset = reverse("accounts:user_mfa_reset", kwargs={"user_id": personas.bob.public_id})
        http.post(reset)
        assert not WebAuthnCredential.objects.filter(user=personas.bob).exists()
        assert AuditEvent.objects.get(action="mfa.reset").detail == {"devices": 3}
        assert (
            sign_in(personas.bob.email)
            .get(CASELOAD)["Location"]
            .startswith(reverse("accounts:mfa_setup"))
        )
