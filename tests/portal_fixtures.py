"""Samples for the portal's plan side, made on first use like tests/base.py's.

- dana_portal(p): a signed version of dana's plan, as her portal shows it: a goal in her
  words bound to the PHQ-9, with a step counted by a weekly custom metric she logs.
- dana_proposal, dana_log_entry, dana_journal_entry, dana_change_request: one of each.

The access matrix and the hostile-input test name these in URLs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.plans.models import Goal, Metric, Objective, PlanStatus, Target, TreatmentPlan
from milepost.portal.models import ChangeRequest, GoalProposal, JournalEntry, LogEntry
from tests.base import PASSWORD, Personas


@dataclass(frozen=True)
class DanaPortal:
    plan: TreatmentPlan
    goal: Goal
    objective: Objective
    metric: Metric
    goal_target: Target
    step_target: Target


def make_signed_plan(p: Personas, *, metric_name: str = "Pleasurable activities") -> DanaPortal:
    """Dana's draft (made now when she has none) with a goal and a logged step, signed."""
    from milepost.plans import services as plans
    from milepost.plans import versions

    draft = TreatmentPlan.objects.filter(client=p.dana_client, status=PlanStatus.DRAFT).first()
    if draft is None:
        draft = plans.plan_create_draft(
            actor=p.alice, client=p.dana_client, strengths="Loves cooking for friends"
        )
    goal = plans.goal_add(
        actor=p.alice,
        plan=draft,
        statement="Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
        client_words="I want to enjoy my days again",
    )
    due = timezone.localdate() + dt.timedelta(weeks=16)
    goal_target = plans.target_set(
        actor=p.alice,
        owner=goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        due_date=due,
        confirmed=True,
    )
    objective = plans.objective_add(
        actor=p.alice, goal=goal, statement="Do 5 pleasurable activities a week by week 8"
    )
    metric = Metric.objects.filter(organization=p.org, name=metric_name, period="week").first()
    if metric is None:
        metric = plans.metric_create(
            actor=p.alice, name=metric_name, unit="activities", period="week"
        )
    step_target = plans.target_set(
        actor=p.alice,
        owner=objective,
        metric=metric,
        baseline=1,
        comparator=">=",
        target_value=5,
        due_date=timezone.localdate() + dt.timedelta(weeks=8),
        confirmed=True,
    )
    versions.plan_sign(
        actor=p.alice, plan=draft, password=PASSWORD, override_reason="A sample for the tests."
    )
    return DanaPortal(
        plan=TreatmentPlan.objects.get(pk=draft.pk),
        goal=goal,
        objective=objective,
        metric=metric,
        goal_target=goal_target,
        step_target=step_target,
    )


def _cached[T](store: dict[int, tuple[Personas, T]], p: Personas, make: Callable[[], T]) -> T:
    cached = store.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    made = make()
    store[id(p)] = (p, made)
    return made


_PORTALS: dict[int, tuple[Personas, DanaPortal]] = {}
_PROPOSALS: dict[int, tuple[Personas, GoalProposal]] = {}
_LOG_ENTRIES: dict[int, tuple[Personas, LogEntry]] = {}
_JOURNAL: dict[int, tuple[Personas, JournalEntry]] = {}
_CHANGES: dict[int, tuple[Personas, ChangeRequest]] = {}


def dana_portal(p: Personas) -> DanaPortal:
    return _cached(_PORTALS, p, lambda: make_signed_plan(p))


def dana_proposal(p: Personas) -> GoalProposal:
    from milepost.portal import services

    return _cached(
        _PROPOSALS,
        p,
        lambda: services.goal_proposal_create(
            actor=p.dana,
            client=p.dana_client,
            text="I would cook dinner for my friends again",
            how_you_would_know="I would invite them over twice a month",
        ),
    )


def dana_log_entry(p: Personas) -> LogEntry:
    from milepost.portal import services

    return _cached(
        _LOG_ENTRIES,
        p,
        lambda: services.log_entry_add(
            actor=p.dana, client=p.dana_client, metric=dana_portal(p).metric, note="A walk"
        ),
    )


def dana_journal_entry(p: Personas) -> JournalEntry:
    from milepost.portal import services

    return _cached(
        _JOURNAL,
        p,
        lambda: services.journal_entry_add(
            actor=p.dana, client=p.dana_client, text="A quiet day; I made soup."
        ),
    )


def dana_change_request(p: Personas) -> ChangeRequest:
    from milepost.portal import services

    return _cached(
        _CHANGES,
        p,
        lambda: services.change_request_create(
            actor=p.dana, plan=dana_portal(p).plan, comment="Could we add something on sleep?"
        ),
    )


def other_portal_client(p: Personas) -> tuple[User, Client]:
    """Olive: another client of alice's with a portal login of her own."""
    from milepost.accounts import services as accounts
    from milepost.accounts.models import Role
    from milepost.clients import services as clients

    olive = accounts.user_create(
        actor=None,
        organization=p.org,
        email="olive@example.org",
        full_name="Olive Example",
        role=Role.CLIENT,
        password=PASSWORD,
    )
    client = clients.client_create(
        actor=p.alice, given_name="Olive", family_name="Marsh", date_of_birth=dt.date(1980, 2, 3)
    )
    clients.client_portal_link(actor=p.alice, client=client, portal_user=olive)
    return olive, client
