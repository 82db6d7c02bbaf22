"""Records kept past the practice's retention period, for its review (nothing is deleted).

A discharged client's last activity is the latest of the record's own change, a
questionnaire and a session note. System-level read: the
command line's operator, never a web page; it lists public ids only, and is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from milepost.audit.services import audit_record
from milepost.clients.models import Client, ClientStatus


@dataclass(frozen=True)
class RetainedClient:
    organization: str
    client_id: str
    last_activity: str


@dataclass(frozen=True)
class RetentionReport:
    years: int
    before: str
    clients: list[RetainedClient]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def past_retention(today: dt.date | None = None) -> RetentionReport:
    years = int(settings.RETENTION_YEARS)
    before = _years_before(today or timezone.localdate(), years)
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    rows = (
        Client.objects.filter(status=ClientStatus.DISCHARGED)
        .annotate(
            last_score=Max("administrations__administered_at"),
            last_note=Max("session_notes__created_at"),
        )
        .select_related("organization")
        .order_by("organization__name", "updated_at")
    )
    found = []
    for client in rows:
        moments = [client.updated_at, client.last_score, client.last_note]
        last = max(m for m in moments if m is not None)
        if last < cutoff:
            found.append(
                RetainedClient(
                    organization=client.organization.public_id,
                    client_id=client.public_id,
                    last_activity=timezone.localtime(last).date().isoformat(),
                )
            )
    audit_record(
        action="retention.report",
        actor=None,
        detail={"years": years, "clients": [c.client_id for c in found]},
    )
    return RetentionReport(years=years, before=before.isoformat(), clients=found)
