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
from milepost.clients.access import client_get_for_user, visible_clients
from milepost.clients.models import Client
from milepost.lib.public_id import is_public_id
from milepost.measures.models import Administration, RiskAlert


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
        ).select_related("client", "administration")
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
