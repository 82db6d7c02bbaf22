from __future__ import annotations

import pytest
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.models import Role
from milepost.plans import services
from milepost.plans.models import PlanStatus, TreatmentPlan
from tests.base import PASSWORD


@pytest.fixture
def sue(personas):
    """A supervisor of bob only. Bob is on dana's care team, so sue may read dana's plan;
    alice signs it, and sue does not supervise alice."""
    sue = accounts.user_create(
        actor=None,
        organization=personas.org,
        email="sue@example.org",
        full_name="Sue Example",
        role=Role.SUPERVISOR,
        password=PASSWORD,
        credentials="LMFT",
    )
    accounts.supervision_add(actor=None, supervisor=sue, clinician=personas.bob)
    return sue


@pytest.fixture
def factor(personas):
    return services.formulation_factor_add(
        actor=personas.alice,
        client=personas.dana_client,
        kind="perpetuating",
        text="Stays in bed when low, so fewer rewarding activities",
    )


@pytest.fixture
def draft(personas):
    return services.plan_create_draft(actor=personas.alice, client=personas.dana_client)


@pytest.fixture
def goal(personas, draft, factor):
    return services.goal_add(
        actor=personas.alice,
        plan=draft,
        statement="Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
        client_words="I want to feel like myself again",
        factors=[factor],
    )


@pytest.fixture
def objective(personas, goal):
    return services.objective_add(
        actor=personas.alice, goal=goal, statement="Do 5 pleasurable activities a week by week 8"
    )


@pytest.fixture
def intervention(personas, objective):
    return services.intervention_add(
        actor=personas.alice,
        objective=objective,
        modality="Behavioural activation",
        frequency="weekly",
        session_minutes=50,
        responsible=personas.alice,
    )


@pytest.fixture
def metric(personas):
    return services.metric_create(
        actor=personas.alice, name="Pleasurable activities", unit="activities", period="week"
    )


def sign(plan: TreatmentPlan) -> None:
    """A plan that is no longer a draft, made behind the services' back: for tests of what
    every route refuses on such a plan (signing itself is tested in test_signing.py)."""
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.SIGNED, signed_at=timezone.now(), content_hash="0" * 64
    )
