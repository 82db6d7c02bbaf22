"""The only functions that fetch the portal's records. Every fetch is audited.

A client reads only their own records, through the portal (clients.access.
client_get_for_portal). The care team and its supervisor read what reaches the clinician
through clients.access.client_get_for_user: goal proposals, change requests, and only the
journal entries the client chose to share. A record the user may not see answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import client_get_for_portal, client_get_for_user
from milepost.clients.models import Client
from milepost.lib.public_id import is_public_id
from milepost.measures.access import administrations_for_client
from milepost.plans.access import observations_for_client
from milepost.plans.models import (
    Goal,
    GoalStatus,
    Objective,
    Signature,
    SignatureRole,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import Series, series_by_measure, target_of
from milepost.portal.models import (
    ChangeRequest,
    ChangeRequestStatus,
    GoalProposal,
    JournalEntry,
    LogEntry,
    ProposalStatus,
    UnsentDraft,
)
from milepost.portal.selectors import (
    LoggedMeasure,
    hidden_goal_ids,
    loggable_measures,
    portal_plan_of,
    visible_goals,
)

RECENT_LOG_ENTRIES = 20


def _audit(
    user: User, client: Client, action: str, object_type: str, object_id: str = "", **detail: object
) -> None:
    audit_record(
        action=action,
        actor=user,
        client=client,
        object_type=object_type,
        object_id=object_id,
        detail=detail or None,
    )


# --------------------------------------------------------------------------- the client


def portal_client(user: User) -> Client:
    """The portal user's own client record (audited by clients.access)."""
    return client_get_for_portal(user)


@dataclass(frozen=True)
class PortalPlan:
    """The version the client sees, with what they may see of it."""

    plan: TreatmentPlan
    goals: list[Goal]  # the visible active goals, in order
    hidden: int  # active goals the clinician keeps out of the portal
    endorsement: Signature | None

    @property
    def needs_endorsement(self) -> bool:
        return self.endorsement is None


def portal_plan_for(user: User, client: Client) -> PortalPlan | None:
    """The newest signed version of the client's own plan, as the portal shows it."""
    plan = portal_plan_of(client)
    if plan is None:
        _audit(user, client, "plan.portal_view", "client", client.public_id, plan="none")
        return None
    hidden = hidden_goal_ids(client)
    goals = visible_goals(plan, hidden)
    active = sum(1 for g in plan.goals.all() if g.status == GoalStatus.ACTIVE)
    endorsement = plan.signatures.filter(role=SignatureRole.CLIENT).first()
    _audit(user, client, "plan.portal_view", "treatmentplan", plan.public_id)
    return PortalPlan(plan=plan, goals=goals, hidden=active - len(goals), endorsement=endorsement)


def portal_series(user: User, client: Client) -> tuple[dict[str, Series], dict[int, Series]]:
    """The client's own questionnaire totals and metric values that count (both audited)."""
    return series_by_measure(
        administrations_for_client(user, client), observations_for_client(user, client)
    )


def portal_target_get(user: User, client: Client, target_public_id: str) -> Target:
    """A target of a goal or objective the client sees in the portal; 404 otherwise."""
    shown = portal_plan_for(user, client)
    found = None
    if shown is not None and is_public_id(target_public_id):
        owners: list[Goal | Objective] = []
        for goal in shown.goals:
            owners.append(goal)
            owners.extend(goal.objectives.all())
        targets = [t for o in owners if (t := target_of(o)) is not None]
        found = next((t for t in targets if t.public_id == target_public_id), None)
    if found is None:
        raise Http404
    _audit(user, client, "target.portal_view", "target", found.public_id)
    return found


def log_measures_for(user: User, client: Client) -> list[LoggedMeasure]:
    """The custom metrics the client logs: those bound to objectives of goals they see."""
    plan = portal_plan_of(client)
    measures = loggable_measures(plan, hidden_goal_ids(client))
    _audit(
        user,
        client,
        "log.measures",
        "client",
        client.public_id,
        metrics=[m.metric.public_id for m in measures],
    )
    return measures


def log_entries_for_portal(
    user: User, client: Client, *, limit: int = RECENT_LOG_ENTRIES
) -> list[LogEntry]:
    """The client's own latest log entries (those marked entered in error too)."""
    entries = list(LogEntry.objects.filter(client=client).select_related("metric")[:limit])
    _audit(user, client, "log_entry.list", "client", client.public_id, count=len(entries))
    return entries


def log_entry_get_for_portal(user: User, client: Client, public_id: str) -> LogEntry:
    entry = None
    if is_public_id(public_id):
        entry = LogEntry.objects.filter(client=client, public_id=public_id).first()
    if entry is None:
        raise Http404
    _audit(user, client, "log_entry.view", "logentry", entry.public_id)
    return entry


def proposals_for_portal(user: User, client: Client) -> list[GoalProposal]:
    proposals = list(GoalProposal.objects.filter(client=client))
    _audit(user, client, "goal_proposal.list", "client", client.public_id, count=len(proposals))
    return proposals


def proposal_get_for_portal(user: User, client: Client, public_id: str) -> GoalProposal:
    proposal = None
    if is_public_id(public_id):
        proposal = GoalProposal.objects.filter(client=client, public_id=public_id).first()
    if proposal is None:
        raise Http404
    _audit(user, client, "goal_proposal.view", "goalproposal", proposal.public_id)
    return proposal


def change_requests_for_portal(user: User, client: Client) -> list[ChangeRequest]:
    requests = list(ChangeRequest.objects.filter(client=client).select_related("plan"))
    _audit(user, client, "change_request.list", "client", client.public_id, count=len(requests))
    return requests


def journal_for_portal(user: User, client: Client) -> list[JournalEntry]:
    entries = list(JournalEntry.objects.filter(client=client))
    _audit(user, client, "journal_entry.list", "client", client.public_id, count=len(entries))
    return entries


def unsent_draft_for_portal(user: User, client: Client, kind: str) -> str:
    """The client's own text kept when the idle timeout came near ("" when none)."""
    draft = UnsentDraft.objects.filter(client=client, kind=kind).first()
    if draft is None:
        return ""
    _audit(user, client, "unsent_draft.view", "client", client.public_id, kind=kind)
    return draft.text


def journal_entry_get_for_portal(user: User, client: Client, public_id: str) -> JournalEntry:
    entry = None
    if is_public_id(public_id):
        entry = JournalEntry.objects.filter(client=client, public_id=public_id).first()
    if entry is None:
        raise Http404
    _audit(user, client, "journal_entry.view", "journalentry", entry.public_id)
    return entry


# --------------------------------------------------------------------------- the clinician


def _clinical(user: User) -> None:
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)


def proposals_for_client(
    user: User, client: Client, *, only_new: bool = False
) -> list[GoalProposal]:
    """The goal proposals of a client already fetched for `user`, newest first."""
    _clinical(user)
    items: QuerySet[GoalProposal] = GoalProposal.objects.filter(client=client)
    if only_new:
        items = items.filter(status=ProposalStatus.NEW)
    proposals = list(items.select_related("decided_by", "goal"))
    _audit(user, client, "goal_proposal.list", "client", client.public_id, count=len(proposals))
    return proposals


def proposal_get_for_user(
    user: User, client_public_id: str, proposal_public_id: str, *, purpose: str = "view"
) -> GoalProposal:
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    proposal = None
    if is_public_id(proposal_public_id):
        proposal = (
            GoalProposal.objects.filter(client=client, public_id=proposal_public_id)
            .select_related("client")
            .first()
        )
    if proposal is None:
        raise Http404
    _audit(user, client, "goal_proposal.view", "goalproposal", proposal.public_id)
    return proposal


def change_requests_for_client(
    user: User, client: Client, *, only_open: bool = False
) -> list[ChangeRequest]:
    _clinical(user)
    items: QuerySet[ChangeRequest] = ChangeRequest.objects.filter(client=client)
    if only_open:
        items = items.filter(status=ChangeRequestStatus.OPEN)
    requests = list(items.select_related("plan", "answered_by"))
    _audit(user, client, "change_request.list", "client", client.public_id, count=len(requests))
    return requests


def change_request_get_for_user(
    user: User, client_public_id: str, request_public_id: str, *, purpose: str = "view"
) -> ChangeRequest:
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    found = None
    if is_public_id(request_public_id):
        found = (
            ChangeRequest.objects.filter(client=client, public_id=request_public_id)
            .select_related("client", "plan")
            .first()
        )
    if found is None:
        raise Http404
    _audit(user, client, "change_request.view", "changerequest", found.public_id)
    return found


def shared_journal_for_client(user: User, client: Client) -> list[JournalEntry]:
    """The journal entries the client shared with the care team; never the private ones."""
    _clinical(user)
    entries = list(
        JournalEntry.objects.filter(client=client, shared_at__isnull=False).order_by(
            "-shared_at", "-id"
        )
    )
    _audit(
        user, client, "journal_entry.list_shared", "client", client.public_id, count=len(entries)
    )
    return entries


def log_entries_for_client(
    user: User, client: Client, *, limit: int = RECENT_LOG_ENTRIES
) -> list[LogEntry]:
    """The client's latest log entries, with the note and strength they added, for the care
    team (entries taken back too, marked so)."""
    _clinical(user)
    entries = list(LogEntry.objects.filter(client=client).select_related("metric")[:limit])
    _audit(user, client, "log_entry.list", "client", client.public_id, count=len(entries))
    return entries


def hidden_goals_for_client(user: User, client: Client) -> set[int]:
    """Ids of the client's goals kept out of the portal (for the plan editor's labels)."""
    _clinical(user)
    return hidden_goal_ids(client)
