"""The session note pages in Chromium: a note written by keyboard-friendly controls, the
error summary, no CSP violations, and no sideways scrolling on a small screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from milepost.notes.models import SessionNote
from tests.base import dana_plan
from tests.browser.test_pages import _collect_csp_violations, _sign_in
from tests.notes.conftest import write_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _settle_page(page):
    """As tests/browser does: let the page finish before the database is flushed."""
    yield
    page.wait_for_load_state("networkidle")
    page.close()


def test_a_clinician_writes_a_note_citing_an_objective(live_server, personas, page: Page):
    violations = _collect_csp_violations(page)
    dp = dana_plan(personas)
    client = personas.dana_client
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    page.get_by_role("link", name="Session notes").click()
    page.get_by_role("link", name="New session note").click()

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Date of the session").fill(yesterday.isoformat())
    page.get_by_label("Started at").fill("14:00")
    page.get_by_label("Ended at").fill("13:00")
    page.get_by_label("Individual").check()
    page.get_by_label("Telehealth (video)").check()
    page.get_by_label(dp.objective.statement).check()
    page.get_by_label("Progress on 1.1").select_option("progressing")
    page.get_by_label("Narrative").fill("Planned two walks")
    page.get_by_role("button", name="Save note").click()

    # The error summary (the client's risk alert banner is an alert too).
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Ended at: The session must end after it starts")
    expect(page.get_by_label("Narrative")).to_have_value("Planned two walks")
    expect(page.get_by_label(dp.objective.statement)).to_be_checked()
    expect(page.get_by_label("Ended at")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Ended at").fill("14:50")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Session note saved.")).to_be_visible()
    expect(page.get_by_text("14:00–14:50 (50 min)")).to_be_visible()
    note = SessionNote.objects.get()
    assert note.objectives.get().progress == "progressing"
    assert violations == []


def test_the_notes_page_fits_a_360_pixel_screen(live_server, personas, page: Page):
    dp = dana_plan(personas)
    for days_ago in (3, 2, 1):
        write_note(personas, days_ago=days_ago, objectives=[(dp.objective, "maintained", "")])
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "alice@example.org")
    for path in ("notes/", "notes/new/"):
        page.goto(f"{live_server.url}/clients/{personas.dana_client.public_id}/{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
