"""The audit trail, read back: reports for a practice's admins (its privacy officers).

An admin sees the events of their own practice only, filtered by who acted, which client
the event concerns (by the client's public id), a date range and an action prefix.
Opening or exporting a report is itself an audit event, with the filters it used.

It reads people and clients as well as events, so it sits here in reports, above accounts
and clients, and the audit app below them keeps only the chain itself
(docs/decisions/0013-layers-and-read-models.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_record


@dataclass(frozen=True)
class AuditFilters:
    actor_id: str = ""  # a user's public id
    client_id: str = ""  # a client's public id
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    action: str = ""  # a prefix: "plan." or "auth.login_failed"

    def as_detail(self) -> dict[str, str]:
        return {
            key: value.isoformat() if isinstance(value, dt.date) else str(value)
            for key, value in vars(self).items()
            if value
        }


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events_for_admin(
    user: User, filters: AuditFilters, *, purpose: str = "report"
) -> QuerySet[AuditEvent]:
    """The practice's events matching `filters`, newest first; the read is audited."""
    membership = require_membership(user, Role.ADMIN)
    events = AuditEvent.objects.filter(organization=membership.organization)
    if filters.actor_id:
        events = events.filter(actor__public_id=filters.actor_id)
    if filters.client_id:
        events = events.filter(client__public_id=filters.client_id)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    audit_record(
        action=f"audit.{purpose}",
        actor=user,
        organization=membership.organization,
        detail=filters.as_detail(),
    )
    return events.select_related("actor", "actor__membership", "client", "repeats").order_by(
        "-occurred_at", "-pk"
    )
