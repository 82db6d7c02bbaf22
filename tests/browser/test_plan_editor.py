"""The seed depression plan built in Chromium, with the SMART feedback live while typing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from milepost.domain import library
from milepost.plans import services
from milepost.plans.models import Goal, Target
from tests.browser.test_pages import _collect_csp_violations, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _feedback(response) -> bool:
    return "/smart/" in response.url


def _criterion(page: Page, key: str):
    return page.locator(f'#smart-feedback [data-criterion="{key}"]')


def test_a_clinician_builds_the_seed_depression_plan(live_server, personas, page: Page):
    violations = _collect_csp_violations(page)
    alice, client = personas.alice, personas.dana_client
    factor = services.formulation_factor_add(
        actor=alice,
        client=client,
        kind="perpetuating",
        text="Low mood keeps her in bed most of the day, so she has fewer rewarding experiences",
    )
    plan = services.plan_create_draft(actor=alice, client=client)
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client.public_id}/plan/")
    page.get_by_role("link", name="Add a goal").click()

    # The client's words, then a vague goal typed key by key: feedback arrives by itself.
    page.get_by_label("In the client's own words").fill("I want to enjoy things again")
    statement = page.get_by_role("textbox", name="SMART goal")
    statement.focus()
    page.keyboard.type("I want to feel less depressed")
    for key in ("specific", "measurable", "time_bound"):
        expect(_criterion(page, key)).to_have_class(re.compile("mp-criterion--unmet"))
    expect(_criterion(page, "time_bound")).to_contain_text("no deadline")
    expect(_criterion(page, "measurable")).to_contain_text("no number")
    feedback = page.locator("#smart-feedback")
    assert feedback.get_attribute("aria-live") == "polite"

    # Accept the rewrite: it fills the field and selects the first placeholder.
    page.get_by_role("button", name="Use this rewrite").click()
    expect(statement).to_have_value(re.compile(r"\[baseline\]"))
    assert statement.evaluate("el => el.value.substring(el.selectionStart, el.selectionEnd)") == (
        "[baseline]"
    )

    # Each change sends its feedback request; wait for each answer, so that no request is
    # still open when the form is posted (the test database is one shared connection).
    with page.expect_response(_feedback):
        statement.fill("Reduce PHQ-9 from 18 to ≤ 9 within 16 weeks")
    with page.expect_response(_feedback):
        page.get_by_label(factor.text).check()
    for key in ("specific", "measurable", "achievable", "relevant", "time_bound"):
        expect(_criterion(page, key)).to_have_class(re.compile("mp-criterion--met"))
    expect(feedback.locator('[data-slot="measure"]')).to_have_text("PHQ-9")
    expect(feedback.locator('[data-slot="target"]')).to_have_text("≤ 9")
    expect(feedback.locator('[data-slot="baseline"]')).to_have_text("18")
    page.get_by_role("button", name="Add goal").click()

    # The target read from the words is pre-filled; confirm it and bind it to PHQ-9.
    expect(page.get_by_label("Measured by")).to_have_value("instrument:phq9")
    expect(page.get_by_label("Target value")).to_have_value("9")
    page.get_by_label("I have checked this target with the client").check()
    page.get_by_role("button", name="Bind goal 1 to this target").click()
    goal_card = page.locator("article.mp-goal").first
    expect(goal_card).to_contain_text("PHQ-9 ≤ 9 by")
    expect(goal_card).to_contain_text("Latest 17")
    goal = Goal.objects.get(plan=plan)
    assert Target.objects.get(goal=goal).instrument_code == "phq9"

    # Two objectives, each with an intervention, from the editor's inline forms.
    for text, modality in (
        (
            "Increase pleasurable activities from 1 to 5 per week within 4 weeks",
            "Behavioural activation",
        ),
        (
            "Reduce time in bed during the day from 4 hours to 1 hour or less within 6 weeks",
            "Activity scheduling",
        ),
    ):
        page.locator("article.mp-goal").first.get_by_text("Add an objective").click()
        page.locator("article.mp-goal").first.get_by_role("textbox", name="Objective").fill(text)
        page.get_by_role("button", name="Add objective").first.click()
        objective = page.locator("li.mp-objective").filter(has_text=text)
        expect(objective).to_be_visible()
        objective.get_by_text("Add an intervention").click()
        objective.get_by_label("Modality or technique").fill(modality)
        objective.get_by_role("button", name="Add intervention").click()
        expect(page.locator("li.mp-objective").filter(has_text=text)).to_contain_text(modality)
    assert goal.objectives.count() == 2

    # A library goal is inserted, flagged as scripted, and clean once it is made personal.
    item = library.search("stay in bed", kind="goal")[0]
    page.get_by_role("link", name="Insert from the library").click()
    with page.expect_response(lambda response: "/library/?" in response.url):
        page.get_by_label("Search the library").fill("stay in bed")
    result = page.locator(f'[data-item="{item.id}"]')
    expect(result).to_be_visible()
    result.get_by_role("button", name=re.compile("^Insert")).click()
    checks = page.locator("#checks")
    expect(checks.locator('[data-code="scripted-goal"]')).to_have_count(1)
    page.locator("article.mp-goal").nth(1).get_by_role(
        "link", name=re.compile("^Edit")
    ).first.click()
    page.get_by_role("textbox", name="SMART goal").fill(item.text + " — starting with Saturdays")
    page.get_by_role("button", name="Save goal").click()
    expect(page.locator("#checks")).to_be_visible()
    expect(page.locator('#checks [data-code="scripted-goal"]')).to_have_count(0)
    assert violations == []


def test_keyboard_only_feedback_and_rewrite(live_server, personas, page: Page):
    plan = services.plan_create_draft(actor=personas.alice, client=personas.dana_client)
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(
        f"{live_server.url}/clients/{personas.dana_client.public_id}/plans/{plan.public_id}/goals/new/"
    )
    page.get_by_role("textbox", name="SMART goal").focus()
    page.keyboard.type("Sleep better")
    rewrite = page.get_by_role("button", name="Use this rewrite")
    expect(rewrite).to_be_visible()
    # Tab from the field reaches the rewrite button; Enter applies it.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.rewrite !== undefined"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="SMART goal")).to_have_value(re.compile(r"\["))
