"""Questionnaires assigned to the portal, on the client's side: when each is next due, and
answering and sending it.

The client answers one item at a time (a draft holds the answers so far, so they can stop
and come back) and sends it, which stores an administration through `administration_submit`
with `source=portal`. An urgent answer (PHQ-9 item 9) raises the care team's alert as soon
as it is saved, sent or not; sending attaches the administration to it. The care team's
side (assign, end, the next session's date) is measures/assignments.py.

This sits in the portal, not in measures, because "at each review" is due on the review
date of the plan in force (plans.selectors), and plans sit above measures
(docs/decisions/0013-layers-and-read-models.md). Every write is audited; callers fetch
assignments through measures/access.py first.
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
from milepost.clients.models import Client
from milepost.domain import schedules
from milepost.domain.instruments import Instrument, Item
from milepost.domain.schedules import Occurrence, Schedule
from milepost.measures.models import Administration, Assignment, PortalResponseDraft, Source
from milepost.measures.services import (
    administration_submit,
    risk_alert_raise_early,
    risk_alert_unsent_answer_changed,
)
from milepost.plans.selectors import plan_in_force


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
    answered_before = str(question) in draft.answers
    previous = draft.answers.get(str(question))
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
    new = None if skip else answer
    for rule in instrument.flags:
        # An urgent answer changed before sending: the alert it raised (if any) says what
        # the answer is now, and stays open.
        if (
            rule.severity == "urgent"
            and rule.item == question
            and answered_before
            and previous != new
        ):
            risk_alert_unsent_answer_changed(
                actor=actor, assignment=assignment, code=rule.code, answer=new
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
