"""Dana's record with one of everything the export carries.

Two plan versions (v1 signed, endorsed by dana and superseded; v2 signed), targets on a
goal (PHQ-9), on an objective (GAD-7) and on a second objective (a weekly metric), weekly
PHQ-9 and GAD-7 administrations over eight weeks (one entered in error), and four
observations of the metric.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from milepost.measures import services as measures
from milepost.measures.models import Administration
from milepost.plans import services, versions
from milepost.plans.models import Metric, TreatmentPlan
from tests.base import PASSWORD, Personas, dana_plan

WEEKS = 8


@dataclass(frozen=True)
class DanaRecord:
    p: Personas
    v1: TreatmentPlan
    v2: TreatmentPlan
    metric: Metric
    administrations: list[Administration]


def answers_for(n_items: int, total: int, top: int) -> list[int]:
    """Item values summing to `total`, last item 0 (no self-harm flag)."""
    answers = [0] * n_items
    left = total
    for i in range(n_items - 1):
        answers[i] = min(top, left)
        left -= answers[i]
    return answers


def build_record(p: Personas) -> DanaRecord:
    # The plan checks refuse a signer without credentials (reports/compliance.py).
    p.alice.credentials = "LCSW"
    p.alice.save(update_fields=["credentials"])
    dp = dana_plan(p)
    due = timezone.localdate() + dt.timedelta(weeks=16)
    services.plan_update(
        actor=p.alice, plan=dp.plan, discharge_criteria="PHQ-9 under 10 twice", strengths="Sister"
    )
    metric = services.metric_create(
        actor=p.alice, name="Pleasurable activities", unit="activities", period="week"
    )
    start = timezone.now() - dt.timedelta(weeks=WEEKS + 1)
    made = []
    for week in range(WEEKS):
        when = start + dt.timedelta(weeks=week)
        made.append(
            measures.administration_submit(
                actor=p.alice,
                client=p.dana_client,
                instrument_code="phq9",
                answers=answers_for(9, 18 - week, 3),
                administered_at=when,
            )
        )
        made.append(
            measures.administration_submit(
                actor=p.alice,
                client=p.dana_client,
                instrument_code="gad7",
                answers=answers_for(7, 14 - week, 3),
                administered_at=when + dt.timedelta(hours=1),
            )
        )
    measures.administration_mark_entered_in_error(
        actor=p.alice, administration=made[3], reason="Wrong client's paper form"
    )
    for week in range(4):
        services.observation_add(
            actor=p.alice,
            client=p.dana_client,
            metric=metric,
            value=week + 1,
            period_start=timezone.localdate() - dt.timedelta(weeks=4 - week),
        )
    services.target_set(
        actor=p.alice,
        owner=dp.goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        baseline=18,
        due_date=due,
        confirmed=True,
    )
    services.target_set(
        actor=p.alice,
        owner=dp.objective,
        instrument_code="gad7",
        comparator="<",
        target_value=8,
        baseline=14,
        due_date=due,
        confirmed=True,
    )
    second = services.objective_add(
        actor=p.alice, goal=dp.goal, statement="Do 5 pleasurable activities a week by week 8"
    )
    services.intervention_add(
        actor=p.alice,
        objective=second,
        modality="Activity scheduling",
        frequency="weekly",
        session_minutes=50,
        responsible=p.alice,
    )
    services.target_set(
        actor=p.alice,
        owner=second,
        metric=metric,
        comparator=">=",
        target_value=5,
        baseline=1,
        due_date=due,
        confirmed=True,
    )
    versions.plan_sign(actor=p.alice, plan=dp.plan, password=PASSWORD)
    v1 = TreatmentPlan.objects.get(pk=dp.plan.pk)
    versions.plan_endorse_in_session(
        actor=p.alice, plan=v1, typed_name="Dana Quillfeather", read_together=True
    )
    v2 = versions.plan_amend(actor=p.alice, plan=v1, reason="Add a sleep goal")
    versions.plan_sign(actor=p.alice, plan=v2, password=PASSWORD, override_reason="")
    return DanaRecord(
        p=p,
        v1=TreatmentPlan.objects.get(pk=v1.pk),
        v2=TreatmentPlan.objects.get(pk=v2.pk),
        metric=metric,
        administrations=made,
    )


@pytest.fixture
def record(personas) -> DanaRecord:
    return build_record(personas)


def make_custodian(p: Personas) -> None:
    """Erin holds the records-custodian grant (given by the system) and has an
    authenticator: what the clinical archive asks of the person (decision 0606)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from milepost.accounts.custodian import custodian_grant

    custodian_grant(actor=None, user=p.erin)
    TOTPDevice.objects.get_or_create(user=p.erin, confirmed=True, defaults={"name": "App"})
