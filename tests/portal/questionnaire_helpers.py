"""Dana's portal questionnaire, for the access matrix and the portal tests."""

from __future__ import annotations

from django.utils import timezone

from milepost.measures import assignments
from milepost.measures.models import Assignment
from tests.base import Personas

_ASSIGNMENTS: dict[int, tuple[Personas, Assignment]] = {}


def dana_assignment(p: Personas) -> Assignment:
    """A weekly PHQ-9 assigned to dana's portal from today (so due now), made on first use
    and cached per set of personas like tests.base.dana_plan (routes name it in URLs)."""
    cached = _ASSIGNMENTS.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    assignment = assignments.assignment_create(
        actor=p.alice,
        client=p.dana_client,
        instrument_code="phq9",
        schedule="weekly",
        start_on=timezone.localdate(),
    )
    _ASSIGNMENTS[id(p)] = (p, assignment)
    return assignment
