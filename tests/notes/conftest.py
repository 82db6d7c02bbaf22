from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from milepost.notes import services
from milepost.notes.models import SessionNote
from milepost.plans.models import Goal, Objective, PlanStatus, TreatmentPlan
from tests.base import DanaPlan, Personas


def write_note(
    p: Personas, *, days_ago: int = 1, objectives: Any = (), **changes: Any
) -> SessionNote:
    """A valid note of dana's by alice, `days_ago` days back; `changes` override fields."""
    values: dict[str, Any] = {
        "actor": p.alice,
        "client": p.dana_client,
        "held_on": timezone.localdate() - dt.timedelta(days=days_ago),
        "started_at": dt.time(10, 0),
        "ended_at": dt.time(10, 50),
        "type": "individual",
        "setting": "in_person",
        "narrative": "Planned activities for the week.",
        "objectives": objectives,
    }
    values.update(changes)
    return services.note_create(**values)


def amend_by_hand(p: Personas, dp: DanaPlan) -> tuple[TreatmentPlan, Objective, Objective]:
    """Version 2 of dana's plan, signed, made behind the services' back (amending is not
    this app's job): v1 superseded; goal and objective copied with `origin` set, plus a new
    objective. Returns (v2, the copy of v1's objective, the new objective)."""
    now = timezone.now()
    TreatmentPlan.objects.filter(pk=dp.plan.pk).update(
        status=PlanStatus.SUPERSEDED, signed_at=now, content_hash="0" * 64
    )
    v2 = TreatmentPlan.objects.create(
        organization=p.org,
        client=p.dana_client,
        version=2,
        status=PlanStatus.SIGNED,
        previous_version=dp.plan,
        created_by=p.alice,
        signed_at=now,
        content_hash="1" * 64,
    )
    goal = Goal.objects.create(
        plan=v2, origin=dp.goal, order=1, statement=dp.goal.statement, client_words="Myself"
    )
    copy = Objective.objects.create(
        goal=goal, origin=dp.objective, order=1, statement=dp.objective.statement
    )
    new = Objective.objects.create(goal=goal, order=2, statement="Sleep before midnight 5 nights")
    return v2, copy, new
