"""On a phone (360 × 740): dana signs in, logs three pleasurable activities in a few taps,
drafts a goal and reads the gentle feedback, then endorses her plan with her signature.
Alice then sees the week's 3 on the plan's progress. axe checks every page visited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from milepost.plans.models import Signature, SignatureMethod, SignatureRole
from milepost.portal.models import GoalProposal, LogEntry
from tests.base import PASSWORD
from tests.browser.axe import assert_accessible
from tests.browser.test_pages import _collect_csp_violations, _sign_in
from tests.portal_fixtures import make_signed_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    assert_accessible(page, where)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


def _tall_enough(page: Page, name: str) -> None:
    box = page.get_by_role("button", name=name).first.bounding_box()
    assert box is not None
    assert box["height"] >= 44, f"{name}: {box['height']}px tall"


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Your Milepost").get_by_role("link", name=name).click()


def test_dana_logs_drafts_a_goal_and_endorses_her_plan_on_a_phone(
    live_server, personas, page: Page
):
    violations = _collect_csp_violations(page)
    portal = make_signed_plan(personas)
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "dana@example.org")
    expect(page.get_by_role("heading", name="Hello, Dana", level=1)).to_be_visible()
    _check(page, "the portal home")

    # My goals: her words first, the clinical wording beneath, the chart as an image.
    _nav(page, "My goals")
    expect(page.get_by_role("heading", name="“I want to enjoy my days again”")).to_be_visible()
    expect(page.get_by_text("Nothing logged yet.")).to_be_visible()
    _check(page, "my goals")

    # Three activities, one tap each.
    _nav(page, "Log")
    expect(page.get_by_role("heading", name="Pleasurable activities")).to_be_visible()
    _check(page, "the log")
    # The one button of the "Pleasurable activities" card (its name ends with the metric).
    tap = "Log one now"
    _tall_enough(page, tap)
    for count in range(1, 4):
        page.get_by_role("button", name=tap).click()
        expect(page.locator(".mp-portal-entries li")).to_have_count(count)
    expect(page.get_by_role("status")).to_contain_text("Logged: Pleasurable activities.")
    assert LogEntry.objects.filter(client=personas.dana_client).count() == 3
    _check(page, "the log with three entries")

    _nav(page, "My goals")
    expect(page.get_by_text("Pleasurable activities: 3 activities in the week of")).to_be_visible()
    chart = page.get_by_role("img", name="Chart of your Pleasurable activities over time")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    # Loaded from its own URL (lazily, below the fold): a real SVG, not a broken image.
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )

    # Drafting a goal: ideas first, then sent.
    page.get_by_role("link", name="Draft a goal").last.click()
    page.get_by_label("Imagine life when things are better: what is different?").fill(
        "I want to stop staying in bed all day"
    )
    page.get_by_role("button", name="See ideas first").click()
    feedback = page.get_by_role("region", name="Some ideas")
    expect(feedback).to_contain_text("What would you like to do instead?")
    _check(page, "the draft with its ideas")
    page.get_by_label("Imagine life when things are better: what is different?").fill(
        "I would get up and take a walk before breakfast"
    )
    page.get_by_label("How would you know things are better? (optional)").fill(
        "I would walk three mornings a week"
    )
    page.get_by_role("button", name="Send to my therapist").click()
    expect(page.get_by_role("heading", name="Your goal", level=1)).to_be_visible()
    _check(page, "the goal sent")
    assert GoalProposal.objects.get().text == "I would get up and take a walk before breakfast"

    # Endorsing the plan: a mistake first, named on its field, then signed.
    _nav(page, "My plan")
    expect(page.get_by_role("heading", name="My plan", level=1)).to_be_visible()
    _check(page, "my plan")
    page.get_by_role("link", name="Endorse or ask for a change").click()
    _check(page, "the endorsement")
    page.get_by_label("Your full name").fill("Dana Quillfeather")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Endorse my plan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("I have read this plan: Tick the box")
    _check(page, "the endorsement with a mistake")
    page.get_by_label("I have read this plan").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Endorse my plan").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Thank you: you endorsed version {portal.plan.version}."
    )
    expect(page.get_by_text("here in the portal, signed as Dana Quillfeather")).to_be_visible()
    _check(page, "my plan, endorsed")
    signature = Signature.objects.get(plan=portal.plan, role=SignatureRole.CLIENT)
    assert signature.method == SignatureMethod.PORTAL
    assert signature.content_hash == portal.plan.content_hash

    # Journal, for completeness of the pages: axe checks it too.
    _nav(page, "Journal")
    page.get_by_label("Write something for yourself").fill("A good walk today.")
    page.get_by_role("button", name="Save for myself").click()
    expect(page.get_by_text("Private: only you can see it.")).to_be_visible()
    _check(page, "the journal")
    assert violations == []
