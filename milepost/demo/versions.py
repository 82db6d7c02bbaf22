"""Signed plans with a history for the demo: signatures, a completed review, a second version,
and one client overdue for review.

- Dana: version 1 signed twelve weeks ago and endorsed in session; reviewed two weeks ago
  (goal 1 continues, goal 2 is revised); version 2 signed a week ago supersedes it.
- Priya: signed ten weeks ago, endorsed, and co-signed by her clinician's supervisor.
- Tom: signed a hundred days ago and never reviewed: overdue.
- Marcus: left a draft, with the gaps the plan checks point out.

Everything is done through the services, then the moments are moved into the past: the
demo tells a story of months, but is loaded in seconds. (The audit trail keeps the real
moments of loading, as it must.) Idempotent: a client whose plan was signed once is left.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.domain.plan_versions import review_due
from milepost.plans import services, versions
from milepost.plans.models import PlanStatus, Review, Signature, TreatmentPlan

# Days ago each client's first version was signed.
SIGNED_DAYS_AGO = {"Dana": 84, "Priya": 70, "Tom": 100}


def backdate(plan: TreatmentPlan, days_ago: int) -> None:
    """Move a version's signing (and its signatures) `days_ago` days into the past."""
    moment = timezone.now() - dt.timedelta(days=days_ago)
    day = timezone.localdate(moment)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        created_at=moment - dt.timedelta(days=1),
        signed_at=moment,
        review_due_on=review_due(day, plan.review_interval_days),
    )
    Signature.objects.filter(plan=plan).update(signed_at=moment)


def _sign(plan: TreatmentPlan, clinician: User) -> TreatmentPlan:
    reason = ""
    if versions.plan_errors(plan):
        reason = "Agreed at intake as a short first plan; the rest follows at the first review."
    versions.plan_sign(
        actor=clinician, plan=plan, password=settings.DEMO_PASSWORD, override_reason=reason
    )
    return TreatmentPlan.objects.get(pk=plan.pk)


def _endorse(plan: TreatmentPlan, clinician: User) -> None:
    client = plan.client
    versions.plan_endorse_in_session(
        actor=clinician,
        plan=plan,
        typed_name=f"{client.given_name} {client.family_name}",
        read_together=True,
    )


def load_versions(client: Client, clinician: User, supervisor: User) -> None:
    days_ago = SIGNED_DAYS_AGO.get(client.given_name)
    if days_ago is None:
        return
    plans = TreatmentPlan.objects.filter(client=client)
    if plans.exclude(status=PlanStatus.DRAFT).exists():
        return
    draft = plans.filter(status=PlanStatus.DRAFT).first()
    if draft is None:
        return
    plan = _sign(draft, clinician)
    if client.given_name != "Tom":
        _endorse(plan, clinician)
    backdate(plan, days_ago)
    if client.given_name == "Priya":
        versions.plan_cosign(actor=supervisor, plan=plan, password=settings.DEMO_PASSWORD)
    if client.given_name == "Dana":
        _review_dana(plan, clinician)


def _review_dana(plan: TreatmentPlan, clinician: User) -> None:
    goals = list(plan.goals.order_by("order"))
    held = timezone.localdate() - dt.timedelta(days=14)
    review = versions.review_record(
        actor=clinician,
        plan=plan,
        held_on=held,
        participants="Dana Whitfield (client), Alice Moreno, LCSW",
        summary=(
            "PHQ-9 down from 18 to the mild range; activity scheduling is working. "
            "Dana wants the friends goal to start with one meet-up a fortnight."
        ),
        decisions={
            goals[0].public_id: ("continue", "Reliable improvement; keep the plan."),
            goals[1].public_id: ("revise", "Smaller first step, as Dana asked."),
        },
    )
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - dt.timedelta(days=14))
    draft = review.next_plan
    assert draft is not None
    revised = draft.goals.get(order=2)
    services.goal_update(
        actor=clinician,
        goal=revised,
        statement="Increase meet-ups with friends from 0 to at least 1 every two weeks "
        "within 12 weeks",
    )
    target = revised.target
    services.target_set(
        actor=clinician,
        owner=revised,
        metric=target.metric,
        baseline=target.baseline,
        comparator=target.comparator,
        target_value=0.5,  # one meet-up every two weeks
        due_date=target.due_date,
        confirmed=True,
    )
    second = _sign(draft, clinician)
    _endorse(second, clinician)
    backdate(second, 7)
