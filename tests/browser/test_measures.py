"""A clinician administers a PHQ-9 with the keyboard and cannot miss the item-9 alert."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phq9_by_keyboard_raises_an_alert_that_must_be_acted_on(
    live_server, personas, page: Page
):
    client_id = personas.dana_client.public_id
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client_id}/measures/phq9/new/")
    # Each item is a radio group: focus its first option, move with the arrow keys.
    for number, presses in [(1, 1), (2, 1), (3, 0), (4, 2), (5, 0), (6, 1), (7, 0), (8, 0), (9, 1)]:
        first = page.locator(f"#id_item_{number}_0")
        first.focus()
        page.keyboard.press("Space")
        for _ in range(presses):
            page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="Save PHQ-9").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Urgent: Item 9")
    expect(page.get_by_role("status")).to_contain_text("PHQ-9 saved: 6 (Mild).")
    banner = page.get_by_role("alert").filter(has_text="urgent risk alert")
    expect(banner).to_contain_text("2 urgent risk alerts need action")
    # The chart is drawn from its own SVG response and shows the new score.
    chart = page.get_by_role(
        "img", name="Chart of PHQ-9 totals over time; the table below lists every score."
    )
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    banner.get_by_role("link").first.click()
    page.get_by_role("button", name="Record action and acknowledge").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "What did you do?: This field is required."
    )
    page.get_by_label("Contacted the client and assessed risk").check()
    page.get_by_role("textbox", name="Note").fill(
        "Phoned Dana: passive thoughts, no plan; safety plan reviewed."
    )
    page.get_by_role("button", name="Record action and acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Alert acknowledged")
    expect(page.get_by_role("alert").filter(has_text="urgent risk alert")).to_contain_text(
        "1 urgent risk alert needs action"
    )
