"""Use cases for the care team's side of questionnaires assigned to the portal: assign one
on a schedule (milepost.domain.schedules), give the next session's date, end it.

When an assignment is next due, and the client's answering and sending it, are the
portal's (portal/questionnaires.py): "at each review" reads the review date of the plan in
force, and plans sit above measures. Every write is audited; callers fetch assignments
through measures/access.py first.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import instruments, schedules
from milepost.domain.errors import UnknownInstrument
from milepost.domain.instruments import Instrument
from milepost.domain.schedules import Schedule
from milepost.measures.models import Assignment

# How far ahead a start or session date may be set: far enough for any real plan.
_FURTHEST_AHEAD = dt.timedelta(days=366)


def _require_care_team(actor: User, client: Client) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


# --- the care team --------------------------------------------------------------------------


def _check_date(errors: dict[str, str], field: str, value: dt.date | None, label: str) -> None:
    today = timezone.localdate()
    if value is None:
        return
    if value < today:
        errors[field] = f"The {label} cannot be in the past."
    elif value > today + _FURTHEST_AHEAD:
        errors[field] = f"The {label} must be within a year from today."


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    client: Client,
    instrument_code: str,
    schedule: str,
    start_on: dt.date,
    next_session_on: dt.date | None = None,
) -> Assignment:
    """Ask the client to complete an instrument in the portal on a schedule.

    One active assignment per instrument and client; errors name the field.
    """
    _require_care_team(actor, client)
    errors: dict[str, str] = {}
    instrument: Instrument | None = None
    try:
        instrument = instruments.get(instrument_code)
    except UnknownInstrument:
        errors["instrument"] = "Choose one of the questionnaires listed."
    try:
        chosen = schedules.parse_schedule(schedule)
    except schedules.InvalidSchedule:
        errors["schedule"] = "Choose how often the client completes it."
        chosen = None
    _check_date(errors, "start_on", start_on, "start date")
    if chosen is Schedule.BEFORE_SESSION and next_session_on is None:
        errors["next_session_on"] = "Give the date of the next session."
    _check_date(errors, "next_session_on", next_session_on, "next session date")
    if (
        next_session_on is not None
        and "start_on" not in errors
        and "next_session_on" not in errors
        and next_session_on < start_on
    ):
        errors["next_session_on"] = "The next session cannot be before the start date."
    if (
        instrument is not None
        and Assignment.objects.filter(
            client=client, instrument_code=instrument.code, active=True
        ).exists()
    ):
        errors["instrument"] = (
            f"{instrument.short_name} is already assigned to the portal; end that one first."
        )
    if errors:
        raise ValidationError(errors)
    assert instrument is not None
    assert chosen is not None
    assignment = Assignment.objects.create(
        organization=client.organization,
        client=client,
        instrument_code=instrument.code,
        schedule=chosen.value,
        start_on=start_on,
        next_session_on=next_session_on if chosen is Schedule.BEFORE_SESSION else None,
        assigned_by=actor,
    )
    audit_record(
        action="assignment.create",
        actor=actor,
        client=client,
        object_type="assignment",
        object_id=assignment.public_id,
        detail={"instrument": instrument.code, "schedule": chosen.value},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment) -> Assignment:
    """Stop asking for an assignment. It is kept, with who ended it and when."""
    _require_care_team(actor, assignment.client)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not locked.active:
        raise ValidationError({"assignment": "This assignment has already ended."})
    locked.active = False
    locked.ended_at = timezone.now()
    locked.ended_by = actor
    locked.save(update_fields=["active", "ended_at", "ended_by"])
    audit_record(
        action="assignment.end",
        actor=actor,
        client=locked.client,
        object_type="assignment",
        object_id=locked.public_id,
    )
    return locked


@transaction.atomic
def assignment_next_session_set(
    *, actor: User, assignment: Assignment, next_session_on: dt.date
) -> Assignment:
    """Give the next session's date of a "before each session" assignment."""
    _require_care_team(actor, assignment.client)
    errors: dict[str, str] = {}
    if assignment.schedule != Schedule.BEFORE_SESSION:
        errors["next_session_on"] = "Only a “before each session” assignment has a session date."
    elif not assignment.active:
        errors["next_session_on"] = "This assignment has ended."
    else:
        _check_date(errors, "next_session_on", next_session_on, "next session date")
    if errors:
        raise ValidationError(errors)
    assignment.next_session_on = next_session_on
    assignment.save(update_fields=["next_session_on"])
    audit_record(
        action="assignment.next_session_set",
        actor=actor,
        client=assignment.client,
        object_type="assignment",
        object_id=assignment.public_id,
    )
    return assignment
