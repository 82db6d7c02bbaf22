"""Two-factor sign-in in Chromium: set up with an authenticator code, sign in again."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from milepost.accounts.models import Organization
from tests.accounts.test_mfa import fresh_code, wrong_code
from tests.base import PASSWORD
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_clinician_sets_up_two_factor_and_signs_in_with_a_code(live_server, personas, page: Page):
    Organization.objects.filter(pk=personas.org.pk).update(mfa_required=True)
    base = live_server.url
    _sign_in(page, base, "alice@example.org")

    # Sent to set-up, whatever page was asked for.
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    assert_accessible(page, "the set-up page")
    key = page.locator("#mfa-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", key), key
    # The key on the page is the device's key: compute the code as the app would.
    device = TOTPDevice.objects.get(user=personas.alice, confirmed=False)
    assert key.replace(" ", "") in (page.locator("#mfa-uri").text_content() or "")
    secret = key.replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    page.get_by_label("Code from the app").fill(wrong_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("Code from the app: That code does not match")

    # A typo costs nothing: the right code is accepted at once (decision 0605).
    page.get_by_label("Code from the app").fill(fresh_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, base, "alice@example.org")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page, "the verify page")
    page.get_by_label("Code").fill(fresh_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
