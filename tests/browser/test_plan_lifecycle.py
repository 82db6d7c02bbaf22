"""The seed depression scenario end to end in Chromium: a baseline PHQ-9 of 18, a plan, the
clinician signs, the client endorses, later scores arrive, the progress page shows a
reliable improvement, a review makes the next version, and the versions compare."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from milepost.clients import services as clients
from milepost.measures import services as measures
from milepost.plans import services
from milepost.plans.models import PlanStatus, TreatmentPlan
from tests.base import PASSWORD
from tests.browser.test_pages import _collect_csp_violations, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# PHQ-9 answers (item 9 always 0: no risk alert) and their totals.
EIGHTEEN = [2, 2, 2, 2, 2, 2, 3, 3, 0]
FOURTEEN = [2, 2, 2, 2, 1, 1, 2, 2, 0]
ELEVEN = [2, 1, 1, 1, 1, 1, 2, 2, 0]


# Words (longer than three letters) wider than the cell that holds them, measured with the
# cell's own font: a table that breaks words inside a cell lists them.
_WORDS_WIDER_THAN_THEIR_CELL = """table => {
  const wide = [];
  const probe = document.createElement("span");
  probe.style.whiteSpace = "nowrap";
  probe.style.position = "absolute";
  document.body.appendChild(probe);
  for (const cell of table.querySelectorAll("th, td")) {
    const style = getComputedStyle(cell);
    probe.style.font = style.font;
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\\s+/).filter(w => w.length > 3)) {
      probe.textContent = word;
      if (probe.getBoundingClientRect().width > room + 1) wide.push(word);
    }
  }
  probe.remove();
  return wide;
}"""


def test_the_seed_depression_plan_from_baseline_to_its_second_version(
    live_server, personas, page: Page
):
    violations = _collect_csp_violations(page)
    alice = personas.alice
    client = clients.client_create(
        actor=alice,
        given_name="Rosa",
        family_name="Lindgren",
        date_of_birth=dt.date(1988, 6, 1),
        referral_reason="Low mood since a move.",
    )
    _sign_in(page, live_server.url, "alice@example.org")

    # Baseline: a PHQ-9 of 18 administered in the browser (keyboard radio groups).
    page.goto(f"{live_server.url}/clients/{client.public_id}/measures/phq9/new/")
    eight_weeks_ago = timezone.localdate() - dt.timedelta(weeks=8)
    page.get_by_label("Date completed").fill(eight_weeks_ago.isoformat())
    for number, value in enumerate(EIGHTEEN, start=1):
        page.locator(f"#id_item_{number}_{value}").check()
    page.get_by_role("button", name="Save PHQ-9").click()
    expect(page.get_by_role("status")).to_contain_text("PHQ-9 saved: 18")

    # The plan of part 1, built through the services (its browser test is test_plan_editor).
    factor = services.formulation_factor_add(
        actor=alice, client=client, kind="perpetuating", text="Low mood keeps her in bed"
    )
    plan = services.plan_create_draft(
        actor=alice, client=client, discharge_criteria="PHQ-9 under 10 twice", strengths="Runs"
    )
    services.diagnosis_add(actor=alice, plan=plan, code="F32.1")
    goal = services.goal_add(
        actor=alice,
        plan=plan,
        statement="Reduce PHQ-9 from 18 to 9 or below within 16 weeks",
        client_words="I want to enjoy things again",
        factors=[factor],
    )
    due = timezone.localdate() + dt.timedelta(weeks=16)
    services.target_set(
        actor=alice,
        owner=goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        due_date=due,
        confirmed=True,
    )
    objective = services.objective_add(
        actor=alice, goal=goal, statement="Increase activities from 1 to 5 per week within 4 weeks"
    )
    metric = services.metric_create(
        actor=alice, name="Activities", unit="activities", period="week"
    )
    services.target_set(
        actor=alice,
        owner=objective,
        metric=metric,
        baseline=1,
        comparator=">=",
        target_value=5,
        due_date=due,
        confirmed=True,
    )
    services.intervention_add(
        actor=alice,
        objective=objective,
        modality="Behavioural activation",
        frequency="weekly",
        session_minutes=50,
        responsible=alice,
    )

    # The clinician signs with her password.
    page.goto(f"{live_server.url}/clients/{client.public_id}/plan/")
    page.get_by_role("link", name="Sign version 1").click()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_role("alert").filter(has_text="That is not your password")).to_contain_text(
        "That is not your password"
    )
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_role("status")).to_contain_text("is signed and can no longer change")
    expect(page.get_by_role("link", name="Add a goal")).to_have_count(0)

    # The client reads it in session and endorses it by typing her name.
    page.get_by_role("link", name="Record the client's endorsement").click()
    expect(page.get_by_text("I want to enjoy things again")).to_be_visible()
    page.get_by_label("The client types their full name").fill("Rosa Lindgren")
    page.get_by_label("We read this plan through together").check()
    page.get_by_role("button", name="Endorse version 1").click()
    signatures = page.locator("#signatures")
    expect(signatures).to_contain_text("Client:")
    expect(signatures).to_contain_text("Rosa Lindgren")

    # Later scores arrive; the progress page says what they mean.
    for weeks_ago, answers in ((4, FOURTEEN), (0, ELEVEN)):
        measures.administration_submit(
            actor=alice,
            client=client,
            instrument_code="phq9",
            answers=answers,
            administered_at=timezone.now() - dt.timedelta(weeks=weeks_ago),
        )
    page.get_by_role("link", name="Progress").click()
    expect(page.locator("body")).to_contain_text("Reliable improvement")
    chart = page.locator("img[src$='chart.svg']").first
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    # The review: progress pre-filled from the data, a decision for the goal.
    page.goto(f"{live_server.url}/clients/{client.public_id}/plan/")
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.locator("body")).to_contain_text("Latest")
    # No column is squeezed until its words break letter by letter (issue 16: "Frequenc/y").
    page.set_viewport_size({"width": 700, "height": 900})
    assert page.locator("table.mp-review-table").evaluate(_WORDS_WIDER_THAN_THEIR_CELL) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Decision for goal 1").select_option("revise")
    page.get_by_label("Note on goal 1").fill("Going well; aim lower, to 7.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status")).to_contain_text("Draft version 2 carries the decisions")
    draft = TreatmentPlan.objects.get(client=client, version=2)
    assert draft.status == PlanStatus.DRAFT

    # Revise the goal in the new version and compare the two versions.
    page.locator("article.mp-goal").first.get_by_role(
        "link", name=re.compile("^Edit")
    ).first.click()
    page.get_by_role("textbox", name="SMART goal").fill(
        "Reduce PHQ-9 from 18 to 7 or below within 16 weeks"
    )
    page.get_by_role("button", name="Save goal").click()
    page.get_by_role("link", name="Compare with version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 → version 2")
    expect(page.locator("ins").first).to_contain_text("7 or below")
    assert TreatmentPlan.objects.get(client=client, version=1).status == PlanStatus.SIGNED
    assert violations == []
