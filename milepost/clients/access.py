"""The only functions that fetch client data for a user. Every fetch is audited.

Rules (docs/security.md): the care team and a supervisor of a clinician on that team
may read a client, and so may a clinician of the practice who "broke the glass" (an
emergency access with a stated reason, for a few hours); a client reads only their own
record through the portal; practice admins and everyone outside the organization read
nothing. A record the user may not
see answers 404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.context import Origin
from milepost.audit.services import audit_read, audit_record
from milepost.clients.models import Client, ClientStatus, Coverage, EmergencyAccess, Programme
from milepost.lib.public_id import is_public_id


def visible_clients(user: User) -> QuerySet[Client]:
    """The clients a clinician or supervisor may see, unaudited: only for building other queries."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    on_team = Q(care_team__clinician=user)
    supervising = Q(
        care_team__clinician__supervisors__supervisor=user,
        care_team__clinician__supervisors__supervisor__membership__role=Role.SUPERVISOR,
    )
    # "Break the glass": a grant for a stated reason, until it expires or is ended.
    emergency = Q(
        emergency_accesses__clinician=user,
        emergency_accesses__ended_at__isnull=True,
        emergency_accesses__expires_at__gt=timezone.now(),
    )
    ids = (
        Client.objects.filter(organization=membership.organization)
        .filter(on_team | supervising | emergency)
        .values("id")
    )
    return Client.objects.filter(id__in=ids)


def require_client_in_reach(user: User, client: Client) -> None:
    """For services: refuse unless `user` may read `client` now (care team or supervisor).

    Unaudited: the service that calls it audits what it then does.
    """
    if not visible_clients(user).filter(pk=client.pk).exists():
        raise PermissionDenied


def filtered_clients(
    user: User, *, status: str | None = None, search: str = ""
) -> QuerySet[Client]:
    """The visible clients narrowed by status and by words of a name; unaudited, for the
    audited reads built on it (the caseload, the dashboard)."""
    clients = visible_clients(user)
    if status and status in ClientStatus.values:
        clients = clients.filter(status=status)
    if search:
        for word in search.split()[:5]:
            clients = clients.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
    return clients


def caseload_for_user(user: User, *, status: str | None = None, search: str = "") -> list[Client]:
    """The clients a clinician or supervisor may see, for the caseload page."""
    clients = filtered_clients(user, status=status, search=search)
    result = list(clients.select_related("organization").prefetch_related("care_team__clinician"))
    audit_record(
        action="client.list",
        actor=user,
        organization=user.membership.organization,
        object_type="client",
        detail={"clients": [c.public_id for c in result]},
    )
    return result


def client_get_for_user(user: User, public_id: str, *, purpose: str = "view") -> Client:
    """One client for a clinician or supervisor who may read it; 404 otherwise.

    `purpose` names the read in the audit trail ("view", "edit", …).
    """
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    client = None
    if is_public_id(public_id):
        client = (
            visible_clients(user).select_related("organization").filter(public_id=public_id).first()
        )
    if client is None:
        # Only a well-formed id is recorded: a typed name, or a NUL byte, never is.
        well_formed = is_public_id(public_id)
        probed = (
            Client.objects.filter(public_id=public_id)
            .exclude(organization=membership.organization)
            .select_related("organization")
            .first()
            if well_formed
            else None
        )
        detail: dict[str, object] = {} if well_formed else {"malformed_id": True}
        if probed is not None:
            token = secrets.token_hex(8)
            detail["probe"] = token
            _record_probe(probed, token)
        audit_record(
            action="client.access_denied",
            actor=user,
            organization=membership.organization,
            object_type="client",
            object_id=public_id if well_formed else "",
            detail=detail,
        )
        raise Http404
    audit_read(
        action=f"client.{purpose}",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
    )
    return client


def _record_probe(client: Client, probe: str) -> None:
    """A user of another practice asked for this client: the client's own practice sees it on
    its trail, without who asked or from where (decision 0016): no actor, no address, no user
    agent, only the time, the client and a token that matches the asking practice's
    `client.access_denied` event, for the installation's operator to link the two."""
    audit_record(
        action="client.probed",
        actor=None,
        organization=client.organization,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"by": "a user of another practice", "probe": probe},
        origin=Origin(),
    )


def client_get_for_portal(user: User) -> Client:
    """The client record of a portal user: their own, and only theirs."""
    require_membership(user, Role.CLIENT)
    client = Client.objects.filter(portal_user=user).select_related("organization").first()
    if client is None:
        raise Http404
    audit_record(
        action="client.portal_view",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
    )
    return client


def care_team_of(client: Client) -> list[User]:
    """The care team of a client already fetched through this module."""
    return [m.clinician for m in client.care_team.select_related("clinician").all()]


def programmes_of(user: User) -> QuerySet[Programme]:
    """The programmes of the user's practice (names, not client data), for any staff member."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)
    return Programme.objects.filter(organization=membership.organization)


def coverage_of(client: Client) -> Coverage | None:
    """The insurance coverage of a client already fetched (and audited) through this module."""
    return Coverage.objects.filter(client=client).first()


def emergency_client_lookup(
    user: User, *, family_name: str, date_of_birth: dt.date, given_name: str = ""
) -> list[Client]:
    """The practice's clients with exactly this family name and date of birth (and given
    name, when given), for an emergency access. Names never reach the audit trail: it records
    the number of matches."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    clients = Client.objects.filter(
        organization=membership.organization,
        family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
    )
    if given_name.strip():
        clients = clients.filter(
            Q(given_name__iexact=given_name.strip()) | Q(preferred_name__iexact=given_name.strip())
        )
    found = list(clients[:5])
    audit_record(
        action="client.emergency_lookup",
        actor=user,
        organization=membership.organization,
        object_type="client",
        detail={"matches": len(found)},
    )
    return found


def emergency_accesses_for_admin(user: User) -> list[EmergencyAccess]:
    """Every emergency access of the practice, newest first, for its admins."""
    membership = require_membership(user, Role.ADMIN)
    grants = list(
        EmergencyAccess.objects.filter(client__organization=membership.organization).select_related(
            "client", "clinician"
        )
    )
    audit_record(
        action="emergency_access.list",
        actor=user,
        organization=membership.organization,
        object_type="emergency_access",
        detail={"grants": len(grants)},
    )
    return grants


def emergency_accesses_for_clinician(user: User) -> list[EmergencyAccess]:
    """The user's own emergency accesses of the last 30 days, newest first."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    since = timezone.now() - dt.timedelta(days=30)
    grants = list(
        EmergencyAccess.objects.filter(
            clinician=user, client__organization=membership.organization, granted_at__gte=since
        ).select_related("client")
    )
    if grants:
        audit_record(
            action="emergency_access.list",
            actor=user,
            organization=membership.organization,
            object_type="emergency_access",
            detail={"clients": sorted({g.client.public_id for g in grants})},
        )
    return grants
