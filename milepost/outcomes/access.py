"""Who may read the practice's outcomes, and the audited reads (decision 1004).

The dashboard is for supervisors and practice admins who also hold the
``outcomes.view_practice_outcomes`` permission. It shows aggregates only: counts and rates per
group, small cells hidden, never clinical text and never a client. The drill-down into one
group lists clients, and only those the reader may see through clients/access.py (a
supervisor's teams); a practice admin, who never reads records, reaches none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from milepost.accounts.access import require_membership
from milepost.accounts.models import Membership, Role, User
from milepost.audit.services import audit_read, audit_record
from milepost.clients.access import visible_clients
from milepost.clients.models import Client
from milepost.outcomes.models import Case
from milepost.outcomes.selectors import Filters, Report, cases_in_group, practice_report

PERMISSION = "outcomes.view_practice_outcomes"


def may_view_outcomes(user: User) -> bool:
    """For the navigation: a supervisor or admin with the permission."""
    try:
        require_outcomes_viewer(user)
    except PermissionDenied:
        return False
    return True


def require_outcomes_viewer(user: User) -> Membership:
    membership = require_membership(user, Role.SUPERVISOR, Role.ADMIN)
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    return membership


def practice_outcomes(user: User, filters: Filters, *, purpose: str = "page") -> Report:
    """The practice's outcome report; one audit event naming the filters and the format."""
    membership = require_outcomes_viewer(user)
    organization = membership.organization
    report = practice_report(organization, filters)
    audit_record(
        action="outcomes.report",
        actor=user,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={"format": purpose, **filters.as_dict(), "minimum": report.minimum},
    )
    return report


@dataclass(frozen=True)
class CaseRow:
    client: Client
    case: Case


def group_cases(user: User, filters: Filters, key: str) -> list[CaseRow]:
    """The cases of one group whose client ``user`` may see; 404 for a group that is not.

    Each client listed is an audited read (``client.outcomes``), as on their own pages.
    """
    membership = require_outcomes_viewer(user)
    organization = membership.organization
    cases = cases_in_group(organization, filters, key)
    if cases is None:
        raise Http404
    rows: list[CaseRow] = []
    if membership.role != Role.ADMIN:
        within = cases.filter(client__in=visible_clients(user)).select_related("client")
        rows = [CaseRow(case.client, case) for case in within.order_by("client_id", "id")]
    audit_record(
        action="outcomes.drilldown",
        actor=user,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={**filters.as_dict(), "key": key, "clients": len({r.client.pk for r in rows})},
    )
    for client in {r.client.pk: r.client for r in rows}.values():
        audit_read(
            action="client.outcomes",
            actor=user,
            client=client,
            object_type="client",
            object_id=client.public_id,
        )
    return rows
