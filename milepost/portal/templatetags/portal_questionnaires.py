"""`{% portal_assignments client as assignments %}`: the questionnaires assigned to a
client's portal, each with when it is next due, for the measures page's "In the portal" card.

The measures page's view belongs to the measures app, which sits below plans; when an
assignment is next due is the portal's to say (portal/questionnaires.py), because "at each
review" reads the plan in force. The assignments are read through measures/access.py
(audited), as the signed-in clinician, for a client that view already fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from milepost.clients.models import Client
from milepost.domain.schedules import Occurrence
from milepost.measures.access import assignments_for_client
from milepost.measures.models import Assignment
from milepost.portal.questionnaires import assignment_next_due

register = template.Library()


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    next_due: Occurrence | None
    status: str


@register.simple_tag(takes_context=True)
def portal_assignments(context: template.Context, client: Client) -> list[AssignmentRow]:
    today = timezone.localdate()
    rows = []
    for assignment in assignments_for_client(context["request"].user, client):
        occurrence = assignment_next_due(assignment, today=today)
        rows.append(
            AssignmentRow(
                assignment,
                occurrence,
                occurrence.status(today).value if occurrence is not None else "",
            )
        )
    # Active first, each group in the order assigned.
    return sorted(rows, key=lambda row: not row.assignment.active)
