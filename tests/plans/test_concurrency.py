"""Two people editing the same record: the second save is refused with both versions shown,
what the second person typed is kept, and saving again replaces the first knowingly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from milepost.clients import services as clients
from milepost.lib.concurrency import EditConflict, token
from milepost.plans import services as plans
from milepost.plans.models import Formulation, Goal, Intervention, Objective, TreatmentPlan
from tests.base import dana_plan

pytestmark = pytest.mark.django_db

_SEEN = re.compile(r'name="last_seen" value="([^"]+)"')


def _seen(html: str) -> str:
    match = _SEEN.search(html)
    assert match, "the form carries no last_seen token"
    return match.group(1)


def test_a_goal_saved_by_someone_else_meanwhile_is_not_overwritten(personas, login_as):
    parts = dana_plan(personas)
    goal = parts.goal
    url = reverse("plans:goal", args=[personas.dana_client.public_id, goal.public_id])
    alice = login_as(personas.alice)
    shown = _seen(alice.get(url).content.decode())  # Alice opens the goal...

    plans.goal_update(  # ...Bob saves a new wording first...
        actor=personas.bob, goal=goal, statement="Reduce PHQ-9 from 17 to 8 within 12 weeks"
    )
    mine = {
        "last_seen": shown,
        "statement": "Reduce PHQ-9 from 17 to 10 within 20 weeks",
        "client_words": "I want my old self back",
        "status": "active",
        "factors": [parts.factor.public_id],
    }
    response = alice.post(url, mine)  # ...then Alice saves hers.

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this goal" in html
    assert "Reduce PHQ-9 from 17 to 8 within 12 weeks" in html  # theirs, shown
    assert "Reduce PHQ-9 from 17 to 10 within 20 weeks" in html  # mine, kept in the form
    goal.refresh_from_db()
    assert goal.statement == "Reduce PHQ-9 from 17 to 8 within 12 weeks"  # nothing overwritten

    # Saving again, now knowing, replaces Bob's version.
    response = alice.post(url, {**mine, "last_seen": _seen(html)})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.statement == "Reduce PHQ-9 from 17 to 10 within 20 weeks"


def test_an_unchanged_record_saves_with_its_token(personas, login_as):
    parts = dana_plan(personas)
    url = reverse(
        "plans:objective", args=[personas.dana_client.public_id, parts.objective.public_id]
    )
    alice = login_as(personas.alice)
    shown = _seen(alice.get(url).content.decode())
    response = alice.post(url, {"last_seen": shown, "statement": "Do 6 activities a week"})
    assert response.status_code == 302
    assert Objective.objects.get(pk=parts.objective.pk).statement == "Do 6 activities a week"


@pytest.mark.parametrize("what", ["goal", "objective", "intervention", "plan", "formulation"])
def test_every_plan_record_refuses_a_stale_save(personas, what):
    parts = dana_plan(personas)
    client = personas.dana_client
    update, model, obj = {
        "goal": (
            lambda seen: plans.goal_update(
                actor=personas.alice, goal=parts.goal, statement="New wording", seen=seen
            ),
            Goal,
            parts.goal,
        ),
        "objective": (
            lambda seen: plans.objective_update(
                actor=personas.alice, objective=parts.objective, statement="New", seen=seen
            ),
            Objective,
            parts.objective,
        ),
        "intervention": (
            lambda seen: plans.intervention_update(
                actor=personas.alice, intervention=parts.intervention, frequency="x", seen=seen
            ),
            Intervention,
            parts.intervention,
        ),
        "plan": (
            lambda seen: plans.plan_update(
                actor=personas.alice, plan=parts.plan, strengths="New", seen=seen
            ),
            TreatmentPlan,
            parts.plan,
        ),
        "formulation": (
            lambda seen: plans.formulation_update(
                actor=personas.alice, client=client, situation="New", seen=seen
            ),
            Formulation,
            Formulation.objects.get(client=client),
        ),
    }[what]
    stale = "2000-01-01T00:00:00+00:00"
    before = token(model._default_manager.get(pk=obj.pk))
    with pytest.raises(EditConflict) as conflict:
        update(stale)
    assert conflict.value.token == before
    assert token(model._default_manager.get(pk=obj.pk)) == before  # nothing saved
    update(before)  # the current token saves
    assert token(model._default_manager.get(pk=obj.pk)) != before
    update(None)  # no token (an API call, a script): no check


def test_the_client_record_refuses_a_stale_save(personas, login_as):
    client = personas.dana_client
    url = reverse("clients:edit", args=[client.public_id])
    alice = login_as(personas.alice)
    html = alice.get(url).content.decode()
    shown = _seen(html)
    clients.client_update(actor=personas.bob, client=client, phone="555 0101")
    response = alice.post(
        url,
        {
            "last_seen": shown,
            "given_name": client.given_name,
            "family_name": client.family_name,
            "date_of_birth": client.date_of_birth.isoformat(),
            "status": client.status,
            "phone": "555 0202",
        },
    )
    assert response.status_code == 200
    assert "555 0101" in response.content.decode()
    client.refresh_from_db()
    assert client.phone == "555 0101"


def test_a_factor_saved_meanwhile_is_not_overwritten(personas, login_as):
    parts = dana_plan(personas)
    client = personas.dana_client
    alice = login_as(personas.alice)
    page = alice.get(reverse("plans:formulation", args=[client.public_id])).content.decode()
    token_shown = token(parts.factor)
    assert f'name="last_seen" value="{token_shown}"' in page  # the form carries it
    plans.formulation_factor_update(actor=personas.bob, factor=parts.factor, text="Bob's words")
    response = alice.post(
        reverse("plans:factor_edit", args=[client.public_id, parts.factor.public_id]),
        {"last_seen": token_shown, "kind": "perpetuating", "text": "Alice's words"},
    )
    assert response.status_code == 200
    assert "Someone else saved this factor" in response.content.decode()
    parts.factor.refresh_from_db()
    assert parts.factor.text == "Bob's words"


def test_a_target_form_that_showed_none_conflicts_with_one_bound_meanwhile(personas):
    import datetime as dt

    parts = dana_plan(personas)
    metric = plans.metric_create(actor=personas.alice, name="Walks", unit="walks", period="week")
    due = dt.date.today() + dt.timedelta(weeks=8)

    def bind(value, seen):
        return plans.target_set(
            actor=personas.alice,
            owner=parts.objective,
            metric=metric,
            target_value=value,
            comparator=">=",
            due_date=due,
            seen=seen,
        )

    first = bind(5, "new")  # Bob's form showed no target and he saved first...
    with pytest.raises(EditConflict):
        bind(6, "new")  # ...Alice's form also showed none.
    with pytest.raises(EditConflict):
        bind(6, "2000-01-01T00:00:00+00:00")  # a stale token
    assert bind(6, token(first)).target_value == 6  # the current token saves
