"""Use cases for session notes: write one, and mark a mistaken one entered in error.

Each checks the actor (a clinician or supervisor who may read the client now; the client
itself must have been fetched through clients/access.py), validates into
ValidationError({field: message}), saves inside one transaction and writes the audit
event. A saved note is never edited or deleted (docs/decisions/0501-session-notes.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.lib.validation import clean_text, raise_errors
from milepost.notes.models import NoteObjective, Progress, SessionNote, SessionSetting, SessionType
from milepost.plans.models import GoalStatus, Objective, TreatmentPlan
from milepost.plans.selectors import objective_number, plan_in_force

NARRATIVE_MAX = 20_000  # several pages; beyond it is a paste gone wrong
COMMENT_MAX = 500
REASON_MAX = 300
# Longer than any therapy session, intensive ones included: beyond it is a typing slip.
MAX_SESSION = dt.timedelta(hours=8)
# A form filled in on a device whose clock runs a little fast is still "today".
_CLOCK_SKEW = dt.timedelta(days=1)

CitationPart = Literal["objective", "progress", "comment"]


def citation_field(part: CitationPart, objective: Objective) -> str:
    """The field an error about one cited objective is reported under (and the form's
    field name): `objective_<id>`, `progress_<id>` or `comment_<id>`."""
    return f"{part}_{objective.public_id}"


def _clinical_actor(actor: User, client: Client) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


_raise = raise_errors


_text = clean_text


def _is_time(value: object) -> bool:
    # An aware time cannot be compared with a naive one; the form never sends one.
    return isinstance(value, dt.time) and value.tzinfo is None


def _check_day(errors: dict[str, str], client: Client, held_on: object) -> None:
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = "Enter the date of the session."
    elif held_on > timezone.localdate() + _CLOCK_SKEW:
        errors["held_on"] = "The session date cannot be in the future."
    elif held_on < client.date_of_birth:
        errors["held_on"] = "The session date is before the client's date of birth."


def _check_times(errors: dict[str, str], started_at: object, ended_at: object) -> None:
    if not _is_time(started_at):
        errors["started_at"] = "Enter the time the session started."
    if not _is_time(ended_at):
        errors["ended_at"] = "Enter the time the session ended."
        return
    if "started_at" in errors:
        return
    assert isinstance(started_at, dt.time)
    assert isinstance(ended_at, dt.time)
    length = dt.datetime.combine(dt.date.min, ended_at) - dt.datetime.combine(
        dt.date.min, started_at
    )
    if length <= dt.timedelta(0):
        errors["ended_at"] = (
            "The session must end after it starts (a session past midnight is two notes)."
        )
    elif length > MAX_SESSION:
        hours, rest = divmod(int(length.total_seconds()) // 60, 60)
        errors["ended_at"] = (
            f"A session lasts at most 8 hours; this one would last {hours} h {rest} min."
        )


def _citations(
    errors: dict[str, str],
    plan: TreatmentPlan | None,
    objectives: Sequence[tuple[Objective, str, str]],
) -> list[tuple[Objective, str, str]]:
    """The cited objectives, fetched afresh from the plan in force, with clean comments."""
    items = list(objectives)
    if not items:
        return []
    if not all(isinstance(item[0], Objective) for item in items):
        errors["objectives"] = "Choose objectives of the client's plan."
        return []
    if plan is None:
        errors["objectives"] = "The client has no treatment plan yet, so no objective can be cited."
        return []
    citable = {
        o.pk: o
        for o in Objective.objects.filter(
            pk__in=[item[0].pk for item in items],
            goal__plan=plan,
            goal__status=GoalStatus.ACTIVE,
        ).select_related("goal")
    }
    result: list[tuple[Objective, str, str]] = []
    seen: set[int] = set()
    for objective, progress, comment in items:
        fresh = citable.get(objective.pk)
        if fresh is None:
            errors[citation_field("objective", objective)] = (
                "This objective is not under an active goal of the plan in force "
                f"(version {plan.version}); choose one of that plan's objectives."
            )
            continue
        number = objective_number(fresh)
        if fresh.pk in seen:
            errors["objectives"] = f"Objective {number} is cited twice."
            continue
        seen.add(fresh.pk)
        if progress not in Progress.values:
            errors[citation_field("progress", fresh)] = (
                f"Choose how objective {number} went: progressing, maintained, no change, "
                "regressed or met."
            )
        clean = _text(errors, citation_field("comment", fresh), comment, max_length=COMMENT_MAX)
        result.append((fresh, progress, clean))
    return result


@transaction.atomic
def note_create(
    *,
    actor: User,
    client: Client,
    held_on: dt.date,
    started_at: dt.time,
    ended_at: dt.time,
    type: str,
    setting: str,
    narrative: str = "",
    objectives: Sequence[tuple[Objective, str, str]] = (),
) -> SessionNote:
    """Record a session: when, how, and which objectives of the plan in force it worked on.

    `objectives` holds (objective, progress word, comment) for each objective cited;
    only objectives under an active goal of the plan in force (plans/selectors.py) may be
    cited, each once. The note is tied to that plan version.
    """
    _clinical_actor(actor, client)
    errors: dict[str, str] = {}
    _check_day(errors, client, held_on)
    _check_times(errors, started_at, ended_at)
    if type not in SessionType.values:
        errors["type"] = "Choose individual, group or family."
    if setting not in SessionSetting.values:
        errors["setting"] = "Choose in person, telehealth (video) or telehealth (phone)."
    clean_narrative = _text(errors, "narrative", narrative, max_length=NARRATIVE_MAX)
    plan = plan_in_force(client)
    citations = _citations(errors, plan, objectives)
    _raise(errors)
    note = SessionNote.objects.create(
        organization=client.organization,
        client=client,
        plan=plan,
        clinician=actor,
        held_on=held_on,
        started_at=started_at,
        ended_at=ended_at,
        type=type,
        setting=setting,
        narrative=clean_narrative,
    )
    NoteObjective.objects.bulk_create(
        NoteObjective(
            note=note,
            objective=objective,
            statement=objective.statement,
            progress=progress,
            comment=comment,
        )
        for objective, progress, comment in citations
    )
    audit_record(
        action="session_note.create",
        actor=actor,
        client=client,
        object_type="sessionnote",
        object_id=note.public_id,
        detail={
            "plan": plan.public_id if plan is not None else "",
            "objectives": [objective.public_id for objective, _, _ in citations],
        },
    )
    return note


@transaction.atomic
def note_mark_entered_in_error(*, actor: User, note: SessionNote, reason: str) -> SessionNote:
    """Take a mistaken note out of the record's counts and the golden thread.

    It is never deleted or edited: it stays, struck through, with the reason.
    """
    _clinical_actor(actor, note.client)
    errors: dict[str, str] = {}
    clean = _text(errors, "reason", reason, required=True, max_length=REASON_MAX)
    if "reason" in errors and not clean:
        errors["reason"] = "Say why this note is a mistake."
    _raise(errors)
    locked = SessionNote.objects.select_for_update().get(pk=note.pk)
    if locked.entered_in_error_at is not None:
        raise ValidationError({"reason": "This note is already marked as entered in error."})
    locked.entered_in_error_at = timezone.now()
    locked.entered_in_error_reason = clean
    locked.save(update_fields=["entered_in_error_at", "entered_in_error_reason"])
    audit_record(
        action="session_note.entered_in_error",
        actor=actor,
        client=note.client,
        object_type="sessionnote",
        object_id=locked.public_id,
    )
    return locked
