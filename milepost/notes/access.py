"""The only functions that fetch session notes for a user. Every fetch is audited.

Notes belong to a client, so the client rule applies (clients/access.py): the care team
and a supervisor of that team read them; practice admins, other clinicians and other
organizations read nothing; a note the user may not see answers 404.

Functions taking a client or a plan expect it already fetched for `user` through
clients/access.py or plans/access.py (which checked the user may read it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from milepost.accounts.models import User
from milepost.audit.services import audit_record
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.lib.public_id import is_public_id
from milepost.notes import thread
from milepost.notes.models import NoteObjective, SessionNote
from milepost.plans.models import Goal, GoalStatus, Objective, TreatmentPlan
from milepost.plans.selectors import objective_number, plan_in_force

# Newest first: by day, then by the time the session started.
NEWEST_FIRST = ("-held_on", "-started_at", "-id")


@dataclass(frozen=True)
class UnworkedObjective:
    """An objective of the plan no recent session has cited."""

    objective: Objective
    # Notes since it was last cited (counting its earlier versions); every note when never.
    sessions_since: int
    last_cited_on: dt.date | None

    @property
    def number(self) -> str:
        return objective_number(self.objective)


@dataclass(frozen=True)
class PlanInForce:
    """The plan version sessions work to, and what a note may cite from it."""

    plan: TreatmentPlan
    # Its active goals in order, each with its objectives prefetched in order.
    goals: list[Goal]


def _notes_with_citations() -> QuerySet[SessionNote]:
    citations = NoteObjective.objects.select_related("objective__goal").order_by(
        "objective__goal__order", "objective__order", "id"
    )
    return SessionNote.objects.select_related(
        "client__organization", "clinician", "plan"
    ).prefetch_related(Prefetch("objectives", queryset=citations))


def notes_for_client(user: User, client: Client) -> list[SessionNote]:
    """Every session note of a client, newest first, with the objectives each cites
    (entered-in-error notes too: they stay on the record, struck through)."""
    notes = list(_notes_with_citations().filter(client=client).order_by(*NEWEST_FIRST))
    audit_record(
        action="session_note.list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"count": len(notes)},
    )
    return notes


def note_get_for_user(
    user: User, client_public_id: str, note_public_id: str, *, purpose: str = "view"
) -> SessionNote:
    """One note of a client the user may read, with its citations; 404 otherwise
    (another client's note, even on the user's own caseload, is not found here)."""
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    note = None
    if is_public_id(note_public_id):
        note = _notes_with_citations().filter(client=client, public_id=note_public_id).first()
    if note is None:
        raise Http404
    audit_record(
        action=f"session_note.{purpose}",
        actor=user,
        client=client,
        object_type="sessionnote",
        object_id=note.public_id,
    )
    return note


def plan_in_force_for_client(user: User, client: Client) -> PlanInForce | None:
    """The plan version sessions work to (plans/selectors.py), with its active goals and
    their objectives; None when the client has no plan yet."""
    plan = plan_in_force(client)
    goals: list[Goal] = []
    if plan is not None:
        goals = list(
            Goal.objects.filter(plan=plan, status=GoalStatus.ACTIVE)
            .order_by("order", "id")
            .prefetch_related(
                Prefetch("objectives", queryset=Objective.objects.order_by("order", "id"))
            )
        )
    audit_record(
        action="plan.view",
        actor=user,
        client=client,
        object_type="treatmentplan",
        object_id=plan.public_id if plan is not None else "",
        detail={"in_force": True},
    )
    return PlanInForce(plan=plan, goals=goals) if plan is not None else None


def unworked_objectives_for_plan(
    user: User, plan: TreatmentPlan, *, sessions: int = 3
) -> list[UnworkedObjective]:
    """The objectives of the plan's active goals that none of the client's last `sessions`
    notes cited, in plan order.

    Work on an objective's earlier versions (its `origin` chain) and on its copies in later
    versions counts as work on it. Notes entered in error do not count. A client with fewer
    than `sessions` notes has nothing unworked yet: there is not enough to judge. Four
    reads and the audit event, whatever the number of notes or versions.
    """
    if sessions < 1:
        raise ValueError("sessions must be at least 1")
    client_id = plan.client_id
    objectives = list(
        Objective.objects.filter(goal__plan=plan, goal__status=GoalStatus.ACTIVE)
        .select_related("goal")
        .order_by("goal__order", "goal__id", "order", "id")
    )
    result: list[UnworkedObjective] = []
    if objectives:
        origins: dict[int, int | None] = dict(
            Objective.objects.filter(goal__plan__client_id=client_id).values_list("id", "origin_id")
        )
        lineages = thread.lineages([o.pk for o in objectives], origins)
        counted = list(
            SessionNote.objects.filter(client_id=client_id, entered_in_error_at__isnull=True)
            .order_by(*NEWEST_FIRST)
            .values_list("id", "held_on")
        )
        members = set().union(*lineages.values())
        citations = NoteObjective.objects.filter(
            note__client_id=client_id,
            note__entered_in_error_at__isnull=True,
            objective_id__in=members,
        ).values_list("note_id", "objective_id")
        newest = thread.newest_citations([note_id for note_id, _ in counted], citations)
        for objective in objectives:
            since = thread.sessions_since(lineages[objective.pk], newest)
            count = len(counted) if since is None else since
            if count >= sessions:
                result.append(
                    UnworkedObjective(
                        objective=objective,
                        sessions_since=count,
                        last_cited_on=None if since is None else counted[since][1],
                    )
                )
    audit_record(
        action="plan.unworked_objectives",
        actor=user,
        client=plan.client,
        object_type="treatmentplan",
        object_id=plan.public_id,
        detail={"sessions": sessions, "unworked": [u.objective.public_id for u in result]},
    )
    return result
