"""Use cases for questionnaires assigned to the portal: assign, end, answer, submit.

The care team assigns an instrument on a schedule (milepost.domain.schedules); the client
answers it one item at a time in the portal (a draft holds the answers so far, so they
can stop and come back) and submits it, which stores an administration through
`administration_submit` with `source=portal`. An urgent answer (PHQ-9 item 9) raises the care
team's alert as soon as it is saved, sent or not; sending attaches the administration to it.
Every write is audited; callers fetch assignments through measures/access.py first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import instruments, schedules
from milepost.domain.errors import UnknownInstrument
from milepost.domain.instruments import Instrument, Item
from milepost.domain.schedules import Occurrence, Schedule
from milepost.measures.models import (
    Administration,
    Assignment,
    PortalResponseDraft,
    Source,
)
from milepost.measures.services import administration_submit, risk_alert_raise_early
from milepost.plans.selectors import plan_in_force

# How far ahead a start or session date may be set: far enough for any real plan.
_FURTHEST_AHEAD = dt.timedelta(days=366)


def _require_care_team(actor: User, client: Client) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


def _require_own_portal(actor: User, assignment: Assignment) -> None:
    require_membership(actor, Role.CLIENT)
    if assignment.client.portal_user_id != actor.pk:
        raise PermissionDenied


# --- when is it due -------------------------------------------------------------------------


def completed_dates(assignment: Assignment) -> list[dt.date]:
    """The local dates of the administrations that completed this assignment and count."""
    stamps = Administration.objects.filter(
        assignment=assignment, entered_in_error_at__isnull=True
    ).values_list("administered_at", flat=True)
    return [timezone.localdate(stamp) for stamp in stamps]


def review_date(client: Client) -> dt.date | None:
    """The review date of the client's plan in force, for "at each review"."""
    plan = plan_in_force(client)
    return plan.review_due_on if plan is not None else None


def assignment_next_due(
    assignment: Assignment, *, today: dt.date | None = None
) -> Occurrence | None:
    """The occurrence of an (already fetched) assignment to complete next; None when none.

    Unaudited: callers have fetched the assignment through measures/access.py.
    """
    if not assignment.active:
        return None
    schedule = Schedule(assignment.schedule)
    return schedules.next_due(
        schedule,
        assignment.start_on,
        completed_dates(assignment),
        today or timezone.localdate(),
        next_session=assignment.next_session_on,
        review_on=review_date(assignment.client) if schedule is Schedule.AT_REVIEW else None,
    )


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


# --- the client, in the portal --------------------------------------------------------------


def item_field(number: int) -> str:
    """The form field (and error key) for an item: `item_3`."""
    return f"item_{number}"


def _item(instrument: Instrument, number: int) -> Item:
    for item in instrument.items:
        if item.number == number:
            return item
    raise ValidationError({"question": f"There is no question {number}."})


def _due_occurrence(assignment: Assignment) -> Occurrence:
    if not assignment.active:
        raise ValidationError({"assignment": "This questionnaire is no longer asked for."})
    occurrence = assignment_next_due(assignment)
    if not schedules.is_due(occurrence, timezone.localdate()):
        raise ValidationError({"assignment": "This questionnaire is not ready to complete yet."})
    assert occurrence is not None
    return occurrence


def draft_answers(assignment: Assignment) -> dict[int, int | None]:
    """The answers so far of the current occurrence (item number → answer, None = skipped).

    Unaudited: callers have fetched the assignment through measures/access.py.
    """
    draft = PortalResponseDraft.objects.filter(assignment=assignment).first()
    occurrence = assignment_next_due(assignment)
    if draft is None or occurrence is None or draft.occurrence != occurrence.key:
        return {}
    return {int(number): value for number, value in draft.answers.items()}


@dataclass(frozen=True)
class SavedAnswer:
    draft: PortalResponseDraft
    # True when this answer raises an urgent flag of the instrument (PHQ-9 item 9 > 0):
    # the client is shown the crisis resources next, before anything else.
    urgent: bool


@transaction.atomic
def portal_answer_save(
    *, actor: User, assignment: Assignment, question: int, answer: int | None, skip: bool = False
) -> SavedAnswer:
    """Save the client's answer to one item (or that they skipped it), and nothing else.

    A value that is not one of the item's answers is refused, naming the item (`item_3`).
    """
    _require_own_portal(actor, assignment)
    occurrence = _due_occurrence(assignment)
    instrument = assignment.instrument
    item = _item(instrument, question)
    if answer is None and not skip:
        raise ValidationError(
            {item_field(question): f"Question {question}: choose an answer, or skip it."}
        )
    if answer is not None and (isinstance(answer, bool) or answer not in item.values):
        raise ValidationError(
            {item_field(question): f"Question {question}: choose one of the answers shown."}
        )
    now = timezone.now()
    # get_or_create: two first answers at once (a double tap) make one draft, not an error.
    draft, _ = PortalResponseDraft.objects.select_for_update().get_or_create(
        assignment=assignment, defaults={"occurrence": occurrence.key, "answers": {}}
    )
    if draft.occurrence != occurrence.key:
        # A new occurrence: answers about an earlier fortnight no longer apply.
        draft.occurrence = occurrence.key
        draft.answers = {}
        draft.created_at = now
    draft.answers = {**draft.answers, str(question): None if skip else answer}
    draft.updated_at = now
    draft.save()
    audit_record(
        action="portal_response.save",
        actor=actor,
        client=assignment.client,
        object_type="assignment",
        object_id=assignment.public_id,
        detail={"question": question, "skipped": skip},
    )
    fired = [
        rule
        for rule in instrument.flags
        if answer is not None
        and rule.severity == "urgent"
        and rule.item == question
        and rule.fires(answer)
    ]
    for rule in fired:
        # The care team hears at once, whether or not the client ever presses Send.
        risk_alert_raise_early(
            actor=actor,
            assignment=assignment,
            code=rule.code,
            severity=rule.severity,
            message=rule.message,
        )
    return SavedAnswer(draft=draft, urgent=bool(fired))


@transaction.atomic
def portal_submit(*, actor: User, assignment: Assignment) -> Administration:
    """Submit the client's answers as an administration (source: portal).

    Every item must have been answered or skipped; the first one that was not is named.
    Urgent flags raise the care team's risk alerts (administration_submit).
    """
    _require_own_portal(actor, assignment)
    occurrence = _due_occurrence(assignment)
    draft = PortalResponseDraft.objects.select_for_update().filter(assignment=assignment).first()
    given = draft.answers if draft is not None and draft.occurrence == occurrence.key else {}
    instrument = assignment.instrument
    for item in instrument.items:
        if str(item.number) not in given:
            raise ValidationError(
                {item_field(item.number): f"Question {item.number} has no answer yet."}
            )
    answers = [given[str(item.number)] for item in instrument.items]
    administration = administration_submit(
        actor=actor,
        client=assignment.client,
        instrument_code=instrument.code,
        answers=answers,
        source=Source.PORTAL,
        assignment=assignment,
    )
    assert draft is not None
    # The answers now live in the administration; the working copy goes.
    draft.delete()
    return administration
