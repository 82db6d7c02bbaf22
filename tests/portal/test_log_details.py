"""Issue 16, the client portal's log: values checked by metric and unit, the right phone
keyboard, "How strong was it?" only where it makes sense, a goal's own weekly metric
loggable, and the details a client adds reaching the clinician."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from milepost.plans import services as plans
from milepost.plans import versions
from milepost.plans.models import Goal, Objective, Observation
from milepost.portal import services
from milepost.portal.models import LogEntry
from tests.base import PASSWORD
from tests.portal_fixtures import dana_portal, make_signed_plan

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _amend_with(personas, portal, *, name: str, unit: str, period: str, on_goal: bool):
    """A new version of dana's plan with a metric bound to a new goal (or a step)."""
    draft = versions.plan_amend(actor=personas.alice, plan=portal.plan, reason="Issue 16")
    metric = plans.metric_create(actor=personas.alice, name=name, unit=unit, period=period)
    goal = plans.goal_add(
        actor=personas.alice,
        plan=draft,
        statement=f"{name}: 1 or less a {period} within 8 weeks",
        client_words="I want my afternoons back",
    )
    owner: Goal | Objective = goal
    if not on_goal:
        owner = plans.objective_add(actor=personas.alice, goal=goal, statement=f"Log {name}")
    plans.target_set(
        actor=personas.alice,
        owner=owner,
        metric=metric,
        baseline=4,
        comparator="<=",
        target_value=1,
        due_date=timezone.localdate() + dt.timedelta(weeks=8),
        confirmed=True,
    )
    versions.plan_sign(
        actor=personas.alice, plan=draft, password=PASSWORD, override_reason="Test sample."
    )
    return metric


def test_a_goal_whose_progress_is_a_weekly_metric_is_logged_in_the_portal(personas, login_as):
    portal = dana_portal(personas)
    metric = _amend_with(personas, portal, name="Naps", unit="naps", period="week", on_goal=True)
    http = login_as(personas.dana)
    page = _text(http.get(reverse("portal:log")))
    assert f'id="log-{metric.public_id}"' in page
    assert "for your goal “I want my afternoons back”" in page
    response = http.post(reverse("portal:log"), {"metric": metric.public_id})
    assert response.status_code == 302
    assert Observation.objects.get(metric=metric, entered_in_error_at__isnull=True).value == 1


def test_hours_take_a_decimal_keyboard_quarter_hours_and_no_strength(personas, login_as):
    portal = dana_portal(personas)
    metric = _amend_with(
        personas,
        portal,
        name="Hours in bed during the day",
        unit="hours",
        period="day",
        on_goal=False,
    )
    http = login_as(personas.dana)
    page = _text(http.get(reverse("portal:log")))
    field = re.search(rf'<input[^>]*id="id_{metric.public_id}_value"[^>]*>', page)
    assert field is not None
    assert 'inputmode="decimal"' in field.group(0)
    assert f'id="id_{metric.public_id}_intensity"' not in page
    assert "How long, in hours" in page
    assert 'Log one now<span class="mp-visually-hidden">: Hours in bed' not in page
    empty = http.post(reverse("portal:log"), {"metric": metric.public_id})
    assert "How long, in hours: enter a number." in _text(empty)
    bad = http.post(reverse("portal:log"), {"metric": metric.public_id, "value": "0.001"})
    assert "in steps of 0.25" in _text(bad)
    assert not LogEntry.objects.filter(metric=metric).exists()
    ok = http.post(reverse("portal:log"), {"metric": metric.public_id, "value": "1,5"})
    assert ok.status_code == 302
    assert LogEntry.objects.get(metric=metric).value == 1.5


def test_counts_take_a_numeric_keyboard_and_no_strength(personas, login_as):
    portal = dana_portal(personas)
    page = _text(login_as(personas.dana).get(reverse("portal:log")))
    field = re.search(rf'<input[^>]*id="id_{portal.metric.public_id}_value"[^>]*>', page)
    assert field is not None
    assert 'inputmode="numeric"' in field.group(0)
    assert "How strong was it?" not in page
    assert "How many activities" in page


def test_panic_attacks_ask_how_strong_and_the_clinician_sees_it_with_the_note(personas, login_as):
    portal = make_signed_plan(personas, metric_name="Panic attacks")
    http = login_as(personas.dana)
    page = _text(http.get(reverse("portal:log")))
    assert f'id="id_{portal.metric.public_id}_intensity"' in page
    bad = http.post(reverse("portal:log"), {"metric": portal.metric.public_id, "intensity": "11"})
    assert f'href="#id_{portal.metric.public_id}_intensity"' in _text(bad)
    response = http.post(
        reverse("portal:log"),
        {"metric": portal.metric.public_id, "intensity": "7", "note": "On the bus home"},
    )
    assert response.status_code == 302
    client_id = personas.dana_client.public_id
    alice = login_as(personas.alice)
    inbox = _text(alice.get(reverse("portal_clinician:inbox", args=[client_id])))
    assert "What they logged lately" in inbox
    assert "Panic attacks" in inbox
    assert "7 of 10" in inbox
    assert "On the bus home" in inbox
    card = _text(alice.get(reverse("clients:detail", args=[client_id])))
    assert "1 recent log entry with a note or a strength" in card


def test_a_strength_for_a_log_that_does_not_ask_is_refused_by_the_service(personas):
    portal = dana_portal(personas)
    with pytest.raises(ValidationError) as raised:
        services.log_entry_add(
            actor=personas.dana, client=personas.dana_client, metric=portal.metric, intensity=5
        )
    assert "intensity" in raised.value.message_dict


def test_other_clinicians_do_not_see_the_log(personas, login_as):
    dana_portal(personas)
    services.log_entry_add(
        actor=personas.dana,
        client=personas.dana_client,
        metric=dana_portal(personas).metric,
        note="private walk",
    )
    url = reverse("portal_clinician:inbox", args=[personas.dana_client.public_id])
    assert login_as(personas.frank).get(url).status_code == 404
