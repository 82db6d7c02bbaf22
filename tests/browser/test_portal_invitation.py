"""On a phone: a clinician invites a new client, who opens the e-mailed link, chooses a
password and lands in the portal. axe checks the accept page and the portal page."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.test_pages import _sign_in
from tests.invites.helpers import LINK, NEW_PASSWORD, new_client

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The clinicians' invitation routes, whether or not config/urls.py includes them yet.
    pytest.mark.urls("tests.invites.urls"),
]


def _fits(page: Page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


def test_a_new_client_accepts_the_invitation_on_a_phone(live_server, personas, page: Page):
    client = new_client(personas)
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    panel = page.get_by_role("region", name="Portal invitation")
    expect(panel).to_contain_text("Not invited yet")
    expect(panel.get_by_label("Client's e-mail address")).to_have_value("eli.client@example.net")
    panel.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent")
    expect(page.get_by_role("region", name="Portal invitation")).to_contain_text(
        "Sent to eli.client@example.net"
    )

    # The live server runs in this process: its locmem outbox is this test's.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your invitation to Milepost"
    found = LINK.search(str(mail.outbox[0].body))
    assert found
    link = found.group(0)
    assert link.startswith(live_server.url + "/invite/")

    # The client, on their own phone: not signed in.
    page.context.clear_cookies()
    response = page.goto(link)
    assert response is not None
    assert response.status == 200
    assert response.headers["referrer-policy"] == "strict-origin"
    expect(page.get_by_role("heading", name="Set up your Milepost account")).to_be_visible()
    assert_accessible(page, "the accept page")
    _fits(page, "the accept page")

    password = page.get_by_label("Choose a password")
    again = page.get_by_label("Type the password again")
    password.fill("short")
    again.fill("short")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose a password: This password is too short."
    )
    expect(password).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "the accept page with an error")

    password.fill(NEW_PASSWORD)
    again.fill(NEW_PASSWORD)
    button = page.get_by_role("button", name="Create my account")
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    button.click()
    expect(page.get_by_role("heading", name="Hello, Eli")).to_be_visible()
    assert page.url == f"{live_server.url}/portal/"
    assert_accessible(page, "the portal")
    _fits(page, "the portal")

    # The link is spent.
    page.context.clear_cookies()
    response = page.goto(link)
    assert response is not None
    assert response.status == 410
    expect(
        page.get_by_text("This invitation link has expired or was already used.")
    ).to_be_visible()
    assert_accessible(page, "the spent link's page")
