"""On a phone: dana completes her assigned PHQ-9 one question per screen, stopping and
carrying on half way; answering item 9 "Several days" brings the crisis screen at once,
and alice then sees the alert on her caseload. axe checks every page visited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.test_pages import _sign_in
from tests.portal.questionnaire_helpers import dana_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


def _check(page: Page, where: str) -> None:
    assert_accessible(page, where)
    _fits(page, where)


def _answer(page: Page, number: int, label: str) -> None:
    expect(page.locator("#progress-label")).to_have_text(f"Question {number} of 9")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", str(number))
    _check(page, f"question {number}")
    option = page.get_by_label(label, exact=True)
    # The whole labelled row is the touch target, at least 44 px tall.
    box = page.locator("label.mp-option").filter(has=option).bounding_box()
    assert box is not None
    assert box["height"] >= 44, f"question {number}: answer row is {box['height']}px tall"
    option.check()
    page.get_by_role("button", name=re.compile(r"^Next")).click()


def test_a_phq9_on_a_phone_with_item_9_shows_crisis_help_and_alerts_alice(
    live_server, personas, page: Page
):
    dana_assignment(personas)
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "dana@example.org")
    page.wait_for_load_state("networkidle")
    _check(page, "the portal home")

    page.get_by_role("navigation", name="Your Milepost").get_by_role(
        "link", name="Questionnaires"
    ).click()
    expect(page.get_by_role("heading", name="Questionnaires", level=1)).to_be_visible()
    _check(page, "the questionnaire list")
    page.get_by_role("link", name=re.compile(r"^Start\W+How your mood has been$")).click()

    for number in range(1, 5):
        _answer(page, number, "Not at all")

    # She stops here and comes back later: the list offers to carry on at question 5.
    expect(page.locator("#progress-label")).to_have_text("Question 5 of 9")
    page.goto(f"{live_server.url}/portal/questionnaires/")
    expect(page.get_by_text("You have been through 4 of the 9 questions.")).to_be_visible()
    _check(page, "the questionnaire list, part done")
    page.get_by_role("link", name=re.compile(r"^Carry on\W+How your mood has been$")).click()

    for number in range(5, 9):
        _answer(page, number, "Not at all")
    _answer(page, 9, "Several days")

    # The very next screen is the crisis screen.
    expect(page.get_by_role("heading", level=1)).to_have_text("You don't have to face this alone")
    call = page.get_by_role("link", name="Call or text 988")
    expect(call).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    _check(page, "the crisis screen")

    page.get_by_role("link", name="Carry on with the questions").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    _check(page, "the review screen")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("status")).to_contain_text("Your answers have been sent")
    expect(page.get_by_role("link", name="Call or text 988")).to_be_visible()
    # No score or severity word reaches the client.
    body = page.locator("main").inner_text()
    assert "Mild" not in body
    assert "Severe" not in body
    _check(page, "the crisis screen after sending")

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/")
    banner = page.get_by_role("alert").filter(has_text="urgent risk alert")
    # dana's persona already had one open alert; the portal PHQ-9 raised the second.
    expect(banner).to_contain_text("2 urgent risk alerts need action")
    expect(banner).to_contain_text("Item 9")
    assert_accessible(page, "alice's caseload")

    # On dana's measures page the portal PHQ-9 is next due in a week.
    page.goto(f"{live_server.url}/clients/{personas.dana_client.public_id}/measures/")
    card = page.get_by_role("region", name="In the portal")
    next_week = timezone.localdate() + dt.timedelta(days=7)
    expect(card.get_by_role("row", name=re.compile("PHQ-9"))).to_contain_text(
        f"{next_week.day} {next_week:%b %Y}"
    )
    card.locator("summary", has_text="Assign to the portal").click()
    card.get_by_label("Questionnaire").select_option("gad7")
    card.get_by_label("Every two weeks").check()
    card.get_by_role("button", name="Assign to the portal").click()
    expect(page.get_by_role("status")).to_contain_text(
        "GAD-7 assigned to the portal: every two weeks."
    )
    assert_accessible(page, "dana's measures page")
