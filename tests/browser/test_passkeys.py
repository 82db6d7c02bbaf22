"""Passkeys in Chromium, with its virtual authenticator (DevTools' WebAuthn domain): add a
passkey from the two-factor page, sign out, sign in with the password and pass the second
step with the passkey instead of a code. The package's scripts run under the strict CSP."""

from __future__ import annotations

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from milepost.audit.models import AuditEvent
from tests.accounts.test_mfa import enrol
from tests.base import PASSWORD
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page: Page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def _sign_in_with_password(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/clients/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_clinician_adds_a_passkey_and_signs_in_with_it(live_server, personas, page: Page):
    from tests.accounts.test_mfa import fresh_code

    assert live_server.url.startswith("http://localhost:")  # WebAuthn wants a domain
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    _virtual_authenticator(page)
    device, _ = enrol(personas.alice)
    base = live_server.url

    _sign_in_with_password(page, base, "alice@example.org")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill(fresh_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()

    # The account menu leads to the two-factor page, which adds a passkey.
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no passkeys.")).to_be_visible()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("list", name="Your passkeys").get_by_role("listitem")).to_have_count(1)
    assert_accessible(page, "the two-factor page")
    assert WebAuthnCredential.objects.filter(user=personas.alice).count() == 1
    assert AuditEvent.objects.filter(action="mfa.passkey_register").count() == 1

    page.get_by_role("button", name="Sign out").click()
    _sign_in_with_password(page, base, "alice@example.org")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page, "the verify page with a passkey")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    assert page.url.endswith("/clients/")
    assert AuditEvent.objects.filter(action="mfa.passkey_verify").count() == 1
    assert blocked == [], blocked
