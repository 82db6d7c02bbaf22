"""Issue 16: typing into one form and posting another never loses what was typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from milepost.plans import services
from milepost.plans.models import Formulation
from tests.browser.test_pages import _collect_csp_violations, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_adding_a_factor_keeps_the_unsaved_presenting_problems(live_server, personas, page: Page):
    violations = _collect_csp_violations(page)
    client = personas.dana_client
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client.public_id}/formulation/")
    problems = page.get_by_role("textbox", name="Presenting problems")
    problems.fill("Low mood since the spring; stopped seeing friends")
    page.locator("#factors form").last.get_by_label("Factor").fill("Stays in bed when low")
    page.get_by_role("button", name="Add factor").click()

    # The factor is added, and the words typed above are back, marked as not saved yet.
    expect(page.locator("#factors")).to_contain_text("Stays in bed when low")
    expect(problems).to_have_value("Low mood since the spring; stopped seeing friends")
    expect(page.locator(".mp-kept")).to_contain_text("not saved yet")
    assert not Formulation.objects.filter(presenting_problems__contains="spring").exists()

    # Saving them now works as usual; the copy kept in the tab is gone after one page.
    page.get_by_role("button", name="Save formulation").click()
    expect(page.locator(".mp-kept")).to_have_count(0)
    assert Formulation.objects.get(client=client).presenting_problems.startswith("Low mood")
    assert page.evaluate("sessionStorage.getItem('mp-keep')") is None
    assert violations == []


def test_adding_a_diagnosis_keeps_the_unsaved_strengths(live_server, personas, page: Page):
    plan = services.plan_create_draft(actor=personas.alice, client=personas.dana_client)
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{personas.dana_client.public_id}/plan/")
    strengths = page.get_by_role("textbox", name="Strengths")
    strengths.fill("Close to her sister")
    page.get_by_label("ICD-10-CM code").fill("F32.1")
    page.get_by_role("button", name="Add diagnosis").click()
    expect(page.locator("#diagnoses")).to_contain_text("F32.1")
    expect(strengths).to_have_value("Close to her sister")
    plan.refresh_from_db()
    assert plan.strengths == ""
