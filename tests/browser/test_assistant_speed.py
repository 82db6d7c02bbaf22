"""The seed depression plan built twice in Chromium, by hand and with the drafting assistant,
counting the clinician's actions (keystrokes and clicks) and the seconds.

The same plan both times: three maintaining factors, the PHQ-9 goal 18 → ≤ 9 in 16 weeks
linked to them, the activities and time-in-bed objectives each bound to its metric, and four
interventions. The intake notes and the PHQ-9 of 18 are on the record before either run, as
after an intake session. `make bench` runs this test and reports its counts
(bench/bench_assistant.py); set ASSISTANT_BENCH_OUT to a file to receive them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Locator, Page, expect

from milepost.drafting.models import DraftedItem
from milepost.measures import services as measures
from milepost.plans import services
from milepost.plans.models import Goal, Intervention, Objective, Target
from tests.browser.test_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTAKE = (
    "Low mood for six months since being made redundant in March. Has stopped seeing friends "
    "and stays in bed about 4 hours during the day. Does only 1 pleasurable activity a week. "
    "Thinks she is useless and a burden. Her sister is supportive."
)
CLIENT_WORDS = "I just want to get out of bed and enjoy things again."
FACTORS = (
    "Withdrawal from activities and people",
    "Time in bed during the day",
    "Negative automatic thoughts",
)
GOAL = "Reduce PHQ-9 from 18 to 9 or below within 16 weeks"
OBJECTIVES = (
    (
        "Increase scheduled pleasurable or mastery activities from 1 to at least 5 per week "
        "within 4 weeks",
        ("Pleasurable or mastery activities", "activities", "1", ">=", "5"),
        ("Behavioural activation", "Activity scheduling"),
    ),
    (
        "Reduce time spent in bed during the day from 4 hours to 1 hour or less within 6 weeks",
        ("Time in bed during the day", "hours", "4", "<=", "1"),
        ("Sleep hygiene and stimulus control", "Activity scheduling"),
    ),
)


@dataclass
class Actions:
    """What the clinician does: each character typed is a keystroke, each click, check or
    choice from a list is a click."""

    keystrokes: int = 0
    clicks: int = 0
    started: float = field(default_factory=time.perf_counter)

    def type(self, target: Locator, text: str) -> None:
        target.click()
        target.fill(text)
        self.clicks += 1
        self.keystrokes += len(text)

    def click(self, target: Locator) -> None:
        target.click()
        self.clicks += 1

    def choose(self, target: Locator, value: str) -> None:
        target.select_option(value)
        self.clicks += 2  # open the list, pick the option

    @property
    def total(self) -> int:
        return self.keystrokes + self.clicks

    def result(self) -> dict[str, float]:
        return {
            "keystrokes": self.keystrokes,
            "clicks": self.clicks,
            "actions": self.total,
            "seconds": round(time.perf_counter() - self.started, 2),
        }


def _record(personas):
    alice, client = personas.alice, personas.dana_client
    services.formulation_update(actor=alice, client=client, presenting_problems=INTAKE)
    measures.administration_submit(
        actor=alice, client=client, instrument_code="phq9", answers=[2] * 9
    )
    return services.plan_create_draft(actor=alice, client=client)


def _by_hand(page: Page, base: str, client_id: str, plan) -> dict[str, float]:
    act = Actions()
    act.click(page.get_by_role("link", name="Formulation", exact=True))
    for text in FACTORS:
        # The new factor's kind is "maintaining" unless changed: no action needed.
        act.type(page.locator("#factors form").last.get_by_label("Factor"), text)
        act.click(page.get_by_role("button", name="Add factor"))
        expect(page.locator("#factors")).to_contain_text(text)
    act.click(page.get_by_role("link", name="Treatment plan", exact=True))
    act.click(page.get_by_role("link", name="Add a goal"))
    act.type(page.get_by_label("In the client's own words"), CLIENT_WORDS)
    act.type(page.get_by_role("textbox", name="SMART goal"), GOAL)
    for text in FACTORS:
        act.click(page.get_by_label(text))
    act.click(page.get_by_role("button", name="Add goal"))
    expect(page.get_by_label("Target value")).to_have_value("9")
    act.click(page.get_by_role("button", name="Bind goal 1 to this target"))
    expect(page.locator("article.mp-goal").first).to_contain_text("PHQ-9 ≤ 9 by")
    due = (dt.date.today() + dt.timedelta(weeks=6)).isoformat()
    for n, (text, (metric, unit, baseline, comparator, value), modalities) in enumerate(
        OBJECTIVES, start=1
    ):
        goal_card = page.locator("article.mp-goal").first
        act.click(goal_card.get_by_text("Add an objective"))
        act.type(goal_card.get_by_role("textbox", name="Objective"), text)
        act.click(page.get_by_role("button", name="Add objective").first)
        objective = page.locator("li.mp-objective").filter(has_text=text)
        for modality in modalities:
            act.click(objective.get_by_text("Add an intervention"))
            act.type(objective.get_by_label("Modality or technique"), modality)
            act.click(objective.get_by_role("button", name="Add intervention"))
            expect(page.locator("li.mp-objective").filter(has_text=text)).to_contain_text(modality)
        act.click(page.get_by_role("link", name=f"Bind objective 1.{n} to a measure"))
        act.choose(page.get_by_label("Measured by"), "new")
        act.click(page.locator("details.mp-new-metric summary"))  # unfold the metric fields
        act.type(page.get_by_label("New metric name"), metric)
        act.type(page.get_by_label("Unit"), unit)
        act.choose(page.get_by_label("Counted"), "week")
        act.type(page.get_by_label("Baseline"), baseline)
        act.choose(page.get_by_label("Target is"), comparator)
        act.type(page.get_by_label("Target value"), value)
        act.type(page.get_by_label("Due date"), due)
        act.click(page.get_by_role("button", name=f"Bind objective 1.{n} to this target"))
        if "/objectives/" in page.url:  # refused: the form is shown again
            raise AssertionError(page.locator(".mp-error-summary, .errorlist").all_inner_texts())
        expect(page.locator("li.mp-objective").filter(has_text=text)).to_contain_text(metric)
    return act.result()


def _with_assistant(page: Page) -> dict[str, float]:
    act = Actions()
    act.click(page.get_by_role("link", name="Draft with the assistant"))
    act.type(page.get_by_label("The client's own words"), CLIENT_WORDS)
    act.click(page.get_by_role("button", name="Draft"))
    for item in ("f1", "f2", "f3", "g1", "g1.o1", "g1.o2", "g1.o1.i1", "g1.o1.i2"):
        act.click(page.get_by_role("button", name=f"Accept {item}", exact=True))
        expect(page.locator(f'[data-item="{item}"] [data-state="accepted"]').first).to_be_visible()
    for item in ("g1.o2.i1", "g1.o2.i2"):
        act.click(page.get_by_role("button", name=f"Accept {item}", exact=True))
        expect(page.locator(f'[data-item="{item}"] [data-state="accepted"]').first).to_be_visible()
    return act.result()


def _shape(plan) -> tuple[int, int, int, int]:
    goals = Goal.objects.filter(plan=plan)
    return (
        goals.count(),
        Objective.objects.filter(goal__plan=plan).count(),
        Intervention.objects.filter(objective__goal__plan=plan).count(),
        Target.objects.filter(goal__plan=plan).count()
        + Target.objects.filter(objective__goal__plan=plan).count(),
    )


def test_the_assistant_needs_at_least_three_times_fewer_actions(live_server, personas, page: Page):
    plan = _record(personas)
    client_id = personas.dana_client.public_id
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client_id}/plans/{plan.public_id}/")
    by_hand = _by_hand(page, live_server.url, client_id, plan)
    assert _shape(plan) == (1, 2, 4, 3)

    # The same plan again on a fresh draft, with the assistant.
    services.goal_remove(actor=personas.alice, goal=Goal.objects.get(plan=plan))
    page.goto(f"{live_server.url}/clients/{client_id}/plans/{plan.public_id}/")
    assisted = _with_assistant(page)
    assert _shape(plan) == (1, 2, 4, 3)
    assert DraftedItem.objects.filter(plan=plan).count() == 10
    goal = Goal.objects.get(plan=plan)
    target = Target.objects.get(goal=goal)
    assert (target.instrument_code, target.baseline, target.target_value) == ("phq9", 18, 9)
    assert goal.factors.count() == 3

    ratio = by_hand["actions"] / assisted["actions"]
    out = os.environ.get("ASSISTANT_BENCH_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({"by_hand": by_hand, "assistant": assisted, "ratio": ratio}, handle)
    assert ratio >= 3, (by_hand, assisted)
