"""The goal editor says when the words and the bound target disagree, and rebinds the target
to the words (decision 0312), at desktop width and under the CSP."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from milepost.plans import services
from milepost.plans.models import Target
from tests.browser.test_pages import _collect_csp_violations, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _feedback(response) -> bool:
    return "/smart/" in response.url


def test_the_goal_editor_offers_to_rebind_a_target_the_words_disagree_with(
    live_server, personas, page: Page
):
    violations = _collect_csp_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    alice, client = personas.alice, personas.dana_client
    plan = services.plan_create_draft(actor=alice, client=client)
    goal = services.goal_add(
        actor=alice,
        plan=plan,
        statement="Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
        client_words="I want to feel like myself again",
    )
    services.target_set(
        actor=alice,
        owner=goal,
        instrument_code="phq9",
        baseline=17,
        comparator="<=",
        target_value=9,
        due_date=timezone.localdate(plan.created_at) + dt.timedelta(weeks=16),
    )
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client.public_id}/goals/{goal.public_id}/")
    notice = page.locator("#smart-feedback .mp-mismatch")
    expect(notice).to_have_count(0)

    statement = page.get_by_role("textbox", name="SMART goal")
    with page.expect_response(_feedback):
        statement.fill("Reduce PHQ-9 from 17 to 7 or below within 16 weeks")
    expect(notice).to_contain_text("The words say PHQ-9 ≤ 7 (from 17) by week 16")
    expect(notice).to_contain_text("the bound target is PHQ-9 ≤ 9 (from 17)")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "target-words.png"))

    page.get_by_role("button", name="Rebind the target to the words").click()
    expect(page.get_by_text("now says what the words say")).to_be_visible()
    expect(statement).to_have_value("Reduce PHQ-9 from 17 to 7 or below within 16 weeks")
    expect(notice).to_have_count(0)
    assert Target.objects.get(goal=goal).target_value == 7
    assert violations == []
