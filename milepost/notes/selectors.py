"""Unaudited queries shared by notes/services.py and notes/access.py.

The client must already have been fetched through clients/access.py; the callers audit
what they then do with the result.
"""

from __future__ import annotations

from milepost.clients.models import Client
from milepost.plans.models import Objective, PlanStatus, TreatmentPlan


def objective_number(objective: Objective) -> str:
    """The objective's number as the plan editor shows it: goal 2, objective 1 is "2.1"."""
    return f"{objective.goal.order}.{objective.order}"


def plan_in_force(client: Client) -> TreatmentPlan | None:
    """The plan version sessions work to: the newest signed version, else the draft.

    A signed version is what the client agreed to; while none exists the draft being
    written is the plan (early sessions work on it). Superseded and closed versions are
    never in force; a client without a plan has none.
    """
    plans = TreatmentPlan.objects.filter(client=client)
    signed = plans.filter(status=PlanStatus.SIGNED).order_by("-version").first()
    if signed is not None:
        return signed
    return plans.filter(status=PlanStatus.DRAFT).first()
