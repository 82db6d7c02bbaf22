"""On a phone, not signed in: a person searches the directory in their own words, reads why a
therapist matches, and contacts them. axe checks the search, results and contact pages; the
words never reach the address bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from milepost.directory import selectors
from milepost.directory.models import Referral
from tests.browser.axe import assert_accessible
from tests.directory.helpers import listed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


def test_a_person_finds_and_contacts_a_therapist_on_a_phone(
    live_server, personas, page: Page, monkeypatch
):
    made = listed(personas)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)  # two listings: two pages
    page.set_viewport_size({"width": 360, "height": 740})
    response = page.goto(f"{live_server.url}/find/")
    assert response is not None
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(page.get_by_role("heading", name="Find a therapist")).to_be_visible()
    assert_accessible(page, "the search page")
    _fits(page, "the search page")

    page.get_by_label("The state you will be in during sessions").select_option("NY")
    page.get_by_label("What brings you here?").fill("I get panic attacks on the subway")
    page.get_by_role("button", name="Search").click()
    # Pages are posted buttons (no JavaScript): the words never reach the address bar.
    expect(page.get_by_role("region", name="2 therapists found")).to_contain_text("page 1 of 2")
    pages = page.get_by_role("navigation", name="Result pages")
    assert_accessible(page, "the first page of results")
    _fits(page, "the first page of results")
    pages.get_by_role("button", name="Next page").click()
    second = page.get_by_role("region", name="2 therapists found")
    expect(second).to_contain_text("page 2 of 2")
    expect(second).to_contain_text("Bob Example")
    assert "subway" not in page.url
    assert_accessible(page, "the second page of results")

    page.get_by_label("Insurance").select_option("Aetna")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="1 therapist found")
    expect(results).to_contain_text("CBT for panic and agoraphobia")
    expect(results).to_contain_text("in network with Aetna · licensed in NY")
    assert "subway" not in page.url
    assert_accessible(page, "the results")
    _fits(page, "the results")

    # The shareable link carries the filters only.
    link = page.get_by_role("link", name="Link to these results")
    assert "subway" not in (link.get_attribute("href") or "")

    page.get_by_role("link", name="Contact Alice Example").click()
    expect(page.get_by_role("heading", name="Contact Alice Example")).to_be_visible()
    assert_accessible(page, "the contact page")
    _fits(page, "the contact page")
    # Sent without consent: the form says which field, keeps what was typed.
    page.get_by_label("Your name").fill("Robin Fairweather")
    page.get_by_label("How to reach you").fill("robin@example.net")
    page.get_by_label("Anything you would like them to know").fill("Panic on the train.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    assert_accessible(page, "the contact page with an error")
    page.get_by_label("I agree that this practice may contact me").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Sent to Alice Example")).to_be_visible()
    assert_accessible(page, "the sent page")
    referral = Referral.objects.get()
    assert (referral.profile_id, referral.message) == (made.alice.pk, "Panic on the train.")
