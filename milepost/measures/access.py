"""The only functions that fetch measures and risk alerts for a user. Every fetch is audited.

Measures belong to a client, so the client rule applies (clients/access.py): fetch the
client through it first, then its measures here.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import client_get_for_portal, client_get_for_user, visible_clients
from milepost.clients.models import Client, ClientStatus
from milepost.lib.public_id import is_public_id
from milepost.measures.models import Administration, Assignment, RiskAlert


def administrations_for_client(
    user: User, client: Client, *, instrument_code: str | None = None
) -> list[Administration]:
    """Every administration of a client already fetched for `user`, oldest first."""
    items: QuerySet[Administration] = Administration.objects.filter(client=client)
    if instrument_code:
        items = items.filter(instrument_code=instrument_code)
    result = list(items.select_related("entered_by").order_by("administered_at", "id"))
    audit_record(
        action="administration.list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"instrument": instrument_code or "all", "count": len(result)},
    )
    return result


def open_alerts_for_client(user: User, client: Client) -> list[RiskAlert]:
    """The open risk alerts of a client already fetched for `user`."""
    alerts = list(
        RiskAlert.objects.filter(client=client, acknowledged_at__isnull=True).select_related(
            "administration", "client"
        )
    )
    if alerts:
        audit_record(
            action="risk_alert.list",
            actor=user,
            client=client,
            object_type="risk_alert",
            detail={"alerts": [a.public_id for a in alerts]},
        )
    return alerts


def open_alerts_for_user(user: User) -> list[RiskAlert]:
    """Open risk alerts across every client the user may see (the clinician's home)."""
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    alerts = list(
        RiskAlert.objects.filter(
            client__in=visible_clients(user), acknowledged_at__isnull=True
        ).select_related("client", "client__organization", "administration")
    )
    if alerts:
        audit_record(
            action="risk_alert.list",
            actor=user,
            organization=user.membership.organization,
            object_type="risk_alert",
            detail={"alerts": [a.public_id for a in alerts]},
        )
    return alerts


def alert_get_for_user(user: User, client_public_id: str, alert_public_id: str) -> RiskAlert:
    client = client_get_for_user(user, client_public_id)
    alert = None
    if is_public_id(alert_public_id):
        alert = (
            RiskAlert.objects.filter(client=client, public_id=alert_public_id)
            .select_related("administration", "acknowledged_by", "client")
            .first()
        )
    if alert is None:
        raise Http404
    audit_record(
        action="risk_alert.view",
        actor=user,
        client=client,
        object_type="risk_alert",
        object_id=alert.public_id,
    )
    return alert


def administration_get_for_user(
    user: User, client_public_id: str, administration_public_id: str
) -> Administration:
    client = client_get_for_user(user, client_public_id)
    administration = None
    if is_public_id(administration_public_id):
        administration = (
            Administration.objects.filter(client=client, public_id=administration_public_id)
            .select_related("client", "entered_by")
            .first()
        )
    if administration is None:
        raise Http404
    audit_record(
        action="administration.view",
        actor=user,
        client=client,
        object_type="administration",
        object_id=administration.public_id,
    )
    return administration


# --- portal assignments ---------------------------------------------------------------------


def assignments_for_client(user: User, client: Client) -> list[Assignment]:
    """Every portal assignment of a client already fetched for `user`, ended ones included."""
    result = list(Assignment.objects.filter(client=client).select_related("client", "assigned_by"))
    audit_record(
        action="assignment.list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"count": len(result)},
    )
    return result


def assignment_get_for_user(
    user: User, client_public_id: str, assignment_public_id: str, *, purpose: str = "view"
) -> Assignment:
    """One assignment of a client the clinician or supervisor may read; 404 otherwise."""
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    assignment = None
    if is_public_id(assignment_public_id):
        assignment = (
            Assignment.objects.filter(client=client, public_id=assignment_public_id)
            .select_related("client", "client__organization")
            .first()
        )
    if assignment is None:
        raise Http404
    audit_record(
        action=f"assignment.{purpose}",
        actor=user,
        client=client,
        object_type="assignment",
        object_id=assignment.public_id,
    )
    return assignment


def portal_assignments(user: User) -> tuple[Client, list[Assignment]]:
    """The portal user's own client record and its active assignments; nobody else's."""
    client = client_get_for_portal(user)
    result = list(
        Assignment.objects.filter(client=client, active=True).select_related(
            "client", "client__organization"
        )
    )
    audit_record(
        action="assignment.portal_list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"count": len(result)},
    )
    return client, result


def portal_assignment_get(user: User, assignment_public_id: str) -> Assignment:
    """One active assignment of the portal user's own record; 404 for any other id."""
    client = client_get_for_portal(user)
    assignment = None
    if is_public_id(assignment_public_id):
        assignment = (
            Assignment.objects.filter(client=client, active=True, public_id=assignment_public_id)
            .select_related("client", "client__organization")
            .first()
        )
    if assignment is None:
        raise Http404
    audit_record(
        action="assignment.portal_view",
        actor=user,
        client=client,
        object_type="assignment",
        object_id=assignment.public_id,
    )
    return assignment


def assignments_for_reminders() -> list[Assignment]:
    """For the reminder job (no user): the active assignments of active clients who have a
    portal login. Unaudited here: the job audits each reminder it sends, by client."""
    return list(
        Assignment.objects.filter(
            active=True,
            client__status=ClientStatus.ACTIVE,
            client__portal_user__isnull=False,
            client__portal_user__is_active=True,
        ).select_related("client", "client__organization", "client__portal_user")
    )
