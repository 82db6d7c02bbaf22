"""`{% unworked_objectives plan as unworked %}`: the objectives of a plan that the client's
last sessions did not work on, for the plan editor (plans sits below notes, so its view does
not import notes; the template asks).

Read through notes/access.py (audited), as the signed-in clinician, for a plan the page's view
already fetched through plans/access.py. A superseded version has nothing to work on.
"""

from __future__ import annotations

from django import template

from milepost.notes.access import UnworkedObjective, unworked_objectives_for_plan
from milepost.plans.models import PlanStatus, TreatmentPlan

register = template.Library()


@register.simple_tag(takes_context=True)
def unworked_objectives(context: template.Context, plan: TreatmentPlan) -> list[UnworkedObjective]:
    if plan.status == PlanStatus.SUPERSEDED:
        return []
    return unworked_objectives_for_plan(context["request"].user, plan)
