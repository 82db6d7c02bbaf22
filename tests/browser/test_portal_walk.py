"""Issue 16, the client portal as the walk found it in Chromium: crisis help from the sign-in
page; at 200 % zoom on a phone (195 CSS px) the header and the question reflow without
splitting a word and a keyboard user skips straight to the answers; the idle warning keeps
the journal entry being typed. axe checks each page."""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from milepost.portal.models import UnsentDraft
from tests.browser.axe import assert_accessible
from tests.browser.test_pages import _sign_in
from tests.portal.questionnaire_helpers import dana_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each word (letters only) of the text under `selector` that the layout split over two lines.
SPLIT_WORDS = """(selector) => {
  const split = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[A-Za-z']+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


def _fits(page: Page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


def test_help_from_sign_in_and_the_question_at_200_percent_zoom(live_server, personas, page):
    assignment = dana_assignment(personas)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="find help now").click()
    expect(page.get_by_role("link", name="Call or text 988")).to_have_attribute("href", "tel:988")
    assert_accessible(page, "help without signing in")

    # 200 % zoom of a 390 px phone: 195 CSS px.
    page.set_viewport_size({"width": 195, "height": 700})
    _sign_in(page, live_server.url, "dana@example.org")
    page.goto(f"{live_server.url}/portal/questionnaires/{assignment.public_id}/questions/9/")
    expect(page.locator("#progress-label")).to_have_text("Question 9 of 9")
    _fits(page, "question 9 at 200 %")
    split = page.evaluate(SPLIT_WORDS, ".mp-header, .mp-portal-nav, .mp-questionnaire legend, h1")
    assert split == [], f"words split over two lines at 200 %: {split}"
    assert_accessible(page, "question 9 at 200 %")

    # The keyboard: the first Tab offers the answers, and the next lands on the first one.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the answers")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("id", "id_item_9_0")
    expect(page.get_by_role("link", name="Help right now")).to_be_visible()


@override_settings(SESSION_IDLE_TIMEOUT=63)
def test_the_idle_warning_keeps_the_journal_entry(live_server, personas, page):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server.url, "dana@example.org")
    page.goto(f"{live_server.url}/portal/journal/")
    page.get_by_label("Write something for yourself").fill("A hard morning, then a walk.")
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page, "the idle warning")
    draft = UnsentDraft.objects.get(client=personas.dana_client)
    assert draft.text == "A hard morning, then a walk."
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Write something for yourself")).to_have_value(
        "A hard morning, then a walk."
    )
    expect(page.get_by_text("what you were writing before you were signed out")).to_be_visible()
