"""Real pages in Chromium: sign in, the caseload, a client page, forms, small screens."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.base import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _collect_csp_violations(page: Page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return problems


def test_a_clinician_signs_in_and_opens_a_client(live_server, personas, page: Page):
    violations = _collect_csp_violations(page)
    _sign_in(page, live_server.url, "alice@example.org")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.get_by_role("link", name="Dana Quillfeather", exact=True).click()
    expect(page.get_by_role("heading", name="Dana Quillfeather", level=1)).to_be_visible()
    expect(page.get_by_text("Low mood since spring.")).to_be_visible()
    assert personas.dana_client.public_id in page.url
    assert "Quillfeather" not in page.url
    assert violations == []


def test_a_form_error_is_announced_and_keeps_the_input(live_server, personas, page: Page):
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/new/")
    page.get_by_label("Given name").fill("Eli")
    page.get_by_label("Phone").fill("555-0100")
    page.get_by_role("button", name="Add client").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Family name: This field is required.")
    expect(page.get_by_label("Given name")).to_have_value("Eli")
    expect(page.get_by_label("Family name")).to_have_attribute("aria-invalid", "true")


def test_keyboard_users_can_skip_to_content_and_see_focus(live_server, personas, page: Page):
    _sign_in(page, live_server.url, "alice@example.org")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.locator("body").focus()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("email", ["alice@example.org", "erin@example.org", "dana@example.org"])
def test_pages_fit_a_360_pixel_screen(live_server, personas, page: Page, email):
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, email)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{email}'s home page scrolls sideways by {overflow}px"


# Adding a user (by invitation) is walked through in tests/browser/test_staff_invitation.py.


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        (
            "alice@example.org",
            [
                "/clients/",
                "/clients/new/",
                "/clients/emergency/",
                "/practice/outcomes/mine/",
                "/account/apps/",
            ],
        ),
        (
            "erin@example.org",
            ["/practice/users/", "/practice/audit/", "/practice/export/", "/practice/apps/"],
        ),
        ("sam@example.org", ["/practice/outcomes/", "/practice/outcomes/intake/"]),
        ("dana@example.org", ["/portal/"]),
    ],
)
def test_axe_finds_no_serious_violation(live_server, personas, page: Page, email, paths):
    from tests.browser.axe import assert_accessible

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, "the sign-in page")
    _sign_in(page, live_server.url, email)
    page.wait_for_load_state("networkidle")
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert_accessible(page, path)


def test_the_axe_check_catches_a_violation(page: Page):
    from tests.browser.axe import violations

    page.set_content("<html lang='en'><body><main><img src='chart.png'></main></body></html>")
    assert "image-alt" in [v["id"] for v in violations(page)]
