"""At desktop size: the practice admin adds a clinician (no password field), the clinician
opens the e-mailed link, chooses their own password and lands signed in. axe checks the
New user form, the users list with the pending invitation, and the accept page."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.test_pages import _sign_in
from tests.invites.helpers import LINK, NEW_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_invites_a_clinician_who_sets_their_own_password(
    live_server, personas, page: Page
):
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server.url, "erin@example.org")
    page.goto(f"{live_server.url}/practice/users/")
    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user")).to_be_visible()
    assert page.locator("input[type=password]").count() == 0
    assert_accessible(page, "the New user form")
    page.get_by_label("Full name").fill("Gwen Example")
    page.get_by_label("Email").fill("gwen@example.org")
    page.get_by_label("Credentials").fill("LPC")
    page.get_by_label("Role").select_option("clinician")
    page.get_by_role("button", name="Add and send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invited Gwen Example")
    row = page.get_by_role("row").filter(has_text="gwen@example.org")
    expect(row).to_contain_text("Invited — not yet accepted")
    expect(row).to_contain_text("Link expires")
    expect(row.get_by_role("button", name="Resend invitation")).to_be_visible()
    assert_accessible(page, "the users list with a pending invitation")

    # The live server runs in this process: its locmem outbox is this test's.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["gwen@example.org"]
    found = LINK.search(str(mail.outbox[0].body))
    assert found
    link = found.group(0)
    assert link.startswith(live_server.url + "/invite/")

    # The clinician, on their own computer: not signed in.
    page.context.clear_cookies()
    response = page.goto(link)
    assert response is not None
    assert response.status == 200
    expect(page.get_by_text("Your practice admin added you to Milepost")).to_be_visible()
    expect(page.get_by_label("E-mail (you sign in with it)")).to_have_value("gwen@example.org")
    assert_accessible(page, "the staff accept page")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    # Signed in as Gwen, on her (empty) caseload.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == f"{live_server.url}/clients/"

    # The link is spent; her own password signs her in.
    page.context.clear_cookies()
    response = page.goto(link)
    assert response is not None
    assert response.status == 410
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("gwen@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
