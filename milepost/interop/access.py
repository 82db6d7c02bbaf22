"""The reads the FHIR export and the practice archives need beyond the apps' own access.py.

Each fetch is audited like the others. A clinician's export reads one client already
fetched through clients/access.py. The clinical archive is the one read of clinical records
a practice admin can make, and only a records custodian (decision 0606): an admin granted
it by name, with an authenticator enrolled. Exporting the organization is then a granted
read of everything in it (decision 0520), recorded as one `organization.export` event
(`kind` clinical, naming every client) and, so that each client's own access history shows
it, one `client.export_archive` event per client; the session notes and the formulation are
read through their apps' access functions, which audit each client's read as they always do.

Any practice admin may export the non-clinical archive: the practice's settings, its staff
and supervisions, and counts; no client's name, no record, no clinical text. It is one
`organization.export` event (`kind` non_clinical) and no client's disclosure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from milepost.accounts import mfa
from milepost.accounts.access import require_membership
from milepost.accounts.models import Membership, Organization, Role, Supervision, User
from milepost.audit.services import audit_record
from milepost.clients.models import Client
from milepost.interop.models import ImportJob
from milepost.lib.public_id import is_public_id
from milepost.measures.models import Administration, RiskAlert
from milepost.notes.access import notes_for_client
from milepost.notes.models import SessionNote
from milepost.plans.access import formulation_for_client, plans_with_parts
from milepost.plans.models import (
    Formulation,
    Observation,
    Review,
    ReviewGoal,
    ReviewObjective,
    Signature,
    TreatmentPlan,
)
from milepost.portal.models import ChangeRequest, GoalProposal, JournalEntry, LogEntry


class _Operator(AnonymousUser):
    """The server's operator running `manage.py export_archive`: no account, so every
    read is audited with no actor; named as the printer of the archive's PDFs."""

    full_name = "the server's operator (export_archive)"
    display_name = full_name
    credentials = ""


# Typed as a User for the access functions and the PDFs, which only name it.
OPERATOR = cast(User, _Operator())


CLINICAL = "clinical"
NON_CLINICAL = "non_clinical"


def _plans_for_export() -> QuerySet[TreatmentPlan]:
    return plans_with_parts().prefetch_related(
        Prefetch("signatures", queryset=Signature.objects.select_related("signer", "witness"))
    )


def plan_versions_for_client(user: User, client: Client) -> list[TreatmentPlan]:
    """Every plan version of a client already fetched for `user`, oldest first, with its
    parts and signatures."""
    plans = list(_plans_for_export().filter(client=client).order_by("version"))
    audit_record(
        action="plan.list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"plans": [p.public_id for p in plans], "with_parts": True},
    )
    return plans


@dataclass
class ClientRecord:
    """Everything the export carries about one client, read already."""

    client: Client
    plans: list[TreatmentPlan] = field(default_factory=list)
    administrations: list[Administration] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    # The archive only (the FHIR Bundle carries none of these):
    notes: list[SessionNote] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    alerts: list[RiskAlert] = field(default_factory=list)
    formulation: Formulation | None = None
    # The portal: what the client wrote and logged (journal entries only once shared: an
    # unshared entry is the client's own, never the practice's record).
    proposals: list[GoalProposal] = field(default_factory=list)
    change_requests: list[ChangeRequest] = field(default_factory=list)
    log_entries: list[LogEntry] = field(default_factory=list)
    shared_journal: list[JournalEntry] = field(default_factory=list)


@dataclass(frozen=True)
class OrganizationRecords:
    organization: Organization
    clients: list[ClientRecord]


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related("plan", "next_plan", "created_by").prefetch_related(
        Prefetch("goals", queryset=ReviewGoal.objects.select_related("goal").order_by("id")),
        Prefetch(
            "objectives",
            queryset=ReviewObjective.objects.select_related("objective__goal").order_by("id"),
        ),
    )


def _organization_records(organization: Organization, actor: User) -> list[ClientRecord]:
    """Every client of one organization with everything Milepost holds about them.

    Plans, administrations, observations, reviews and risk alerts are read in bulk (a
    fixed number of queries whatever the number of clients); every row is grouped by the
    organization of its client, the one thing that decides whose record it is. Notes and
    the formulation are read per client through notes/access.py and plans/access.py.
    """
    clients = list(
        Client.objects.filter(organization=organization)
        .select_related("organization")
        .order_by("created_at", "id")
    )
    records = {c.pk: ClientRecord(client=c) for c in clients}
    mine = {"client__organization": organization}
    for plan in _plans_for_export().filter(**mine).order_by("version"):
        records[plan.client_id].plans.append(plan)
    for a in (
        Administration.objects.filter(**mine)
        .select_related("entered_by")
        .order_by("administered_at", "id")
    ):
        records[a.client_id].administrations.append(a)
    for o in (
        Observation.objects.filter(**mine)
        .select_related("metric", "entered_by")
        .order_by("period_start", "id")
    ):
        records[o.client_id].observations.append(o)
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in (
        _reviews().filter(plan__client__organization=organization).order_by("held_on", "id")
    ):
        reviews[review.plan.client_id].append(review)
    for alert in (
        RiskAlert.objects.filter(**mine)
        .select_related("administration", "acknowledged_by")
        .order_by("raised_at", "id")
    ):
        records[alert.client_id].alerts.append(alert)
    for proposal in (
        GoalProposal.objects.filter(**mine).select_related("goal").order_by("created_at", "id")
    ):
        records[proposal.client_id].proposals.append(proposal)
    for change in (
        ChangeRequest.objects.filter(**mine).select_related("plan").order_by("created_at", "id")
    ):
        records[change.client_id].change_requests.append(change)
    for entry in (
        LogEntry.objects.filter(**mine).select_related("metric").order_by("occurred_at", "id")
    ):
        records[entry.client_id].log_entries.append(entry)
    for journal in JournalEntry.objects.filter(**mine, shared_at__isnull=False).order_by(
        "created_at", "id"
    ):
        records[journal.client_id].shared_journal.append(journal)
    for record in records.values():
        # The bundle's Patient and plans name the client; they are this very row.
        for plan in record.plans:
            plan.client = record.client
        record.reviews = reviews.get(record.client.pk, [])
        record.notes = notes_for_client(actor, record.client)
        record.formulation = formulation_for_client(actor, record.client)
    return list(records.values())


def _audit_export(
    actor: User | None, organization: Organization, records: list[ClientRecord], via: str
) -> None:
    audit_record(
        action="organization.export",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={
            "via": via,
            "kind": CLINICAL,
            "client_count": len(records),
            "clients": [r.client.public_id for r in records],
            "plans": sum(len(r.plans) for r in records),
            "administrations": sum(len(r.administrations) for r in records),
            "observations": sum(len(r.observations) for r in records),
        },
    )
    # The audit service appends one event at a time (each linked to the one before), so
    # the per-client events are a loop: three queries per client.
    for record in records:
        audit_record(
            action="client.export_archive",
            actor=actor,
            client=record.client,
            object_type="client",
            object_id=record.client.public_id,
            detail={
                "via": via,
                "kind": CLINICAL,
                "plans": [p.public_id for p in record.plans],
                "administrations": len(record.administrations),
                "observations": len(record.observations),
                "session_notes": len(record.notes),
                "reviews": len(record.reviews),
                "risk_alerts": len(record.alerts),
                "formulation": record.formulation is not None,
                "portal_items": len(record.proposals)
                + len(record.change_requests)
                + len(record.log_entries)
                + len(record.shared_journal),
            },
        )


def organization_records_for_admin(user: User) -> OrganizationRecords:
    """The whole organization of a records custodian, for the clinical archive (one audited
    read). The view also checks that this session gave a second factor (interop/views.py)."""
    membership = require_membership(user, Role.ADMIN)
    if not membership.is_custodian or not mfa.is_enrolled(user):
        raise PermissionDenied
    organization = membership.organization
    records = _organization_records(organization, user)
    _audit_export(user, organization, records, via="web")
    return OrganizationRecords(organization=organization, clients=records)


def organization_records_for_operator(organization: Organization) -> OrganizationRecords:
    """The whole organization for the server's operator (`manage.py export_archive`):
    someone with shell access to the database, so no membership is checked; the read is
    audited with no actor."""
    records = _organization_records(organization, OPERATOR)
    _audit_export(None, organization, records, via="command")
    return OrganizationRecords(organization=organization, clients=records)


@dataclass(frozen=True)
class PracticeSummary:
    """What the non-clinical archive carries: no client's name, record or clinical text."""

    organization: Organization
    staff: list[User]  # clinicians, supervisors and admins, with their memberships
    enrolled: set[int]  # the staff with an authenticator
    supervisions: list[Supervision]
    counts: dict[str, int]


STAFF_ROLES = (Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)


def _counts(organization: Organization) -> dict[str, int]:
    mine = {"client__organization": organization}
    statuses = {
        row["status"]: row["n"]
        for row in Client.objects.filter(organization=organization)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    }
    counts = {"clients": sum(statuses.values())}
    counts.update({f"clients_{status}": n for status, n in sorted(statuses.items())})
    counts.update(
        {
            "client_portal_accounts": Membership.objects.filter(
                organization=organization, role=Role.CLIENT
            ).count(),
            "plan_versions": TreatmentPlan.objects.filter(**mine).count(),
            "administrations": Administration.objects.filter(**mine).count(),
            "observations": Observation.objects.filter(**mine).count(),
            "session_notes": SessionNote.objects.filter(**mine).count(),
            "risk_alerts": RiskAlert.objects.filter(**mine).count(),
        }
    )
    return counts


def practice_summary_for_admin(user: User) -> PracticeSummary:
    """The non-clinical archive's content, for any admin of the practice (one audited read:
    `organization.export`, kind non_clinical; counts only, so no client's disclosure)."""
    membership = require_membership(user, Role.ADMIN)
    organization = membership.organization
    staff = list(
        User.objects.filter(membership__organization=organization, membership__role__in=STAFF_ROLES)
        .select_related("membership", "membership__custodian_granted_by")
        .order_by("full_name", "id")
    )
    supervisions = list(
        Supervision.objects.filter(supervisor__membership__organization=organization)
        .select_related("supervisor", "clinician")
        .order_by("supervisor__full_name", "clinician__full_name", "id")
    )
    counts = _counts(organization)
    audit_record(
        action="organization.export",
        actor=user,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={
            "via": "web",
            "kind": NON_CLINICAL,
            "client_count": counts["clients"],
            "staff": len(staff),
        },
    )
    return PracticeSummary(
        organization=organization,
        staff=staff,
        enrolled=mfa.enrolled_user_ids(staff),
        supervisions=supervisions,
        counts=counts,
    )


def import_job_for_user(user: User, client: Client, job_public_id: str) -> ImportJob:
    """A background import of `client` (already fetched for `user`) that `user` started;
    404 otherwise. Its result names the client's administrations: an audited read."""
    job = None
    if is_public_id(str(job_public_id)):
        job = ImportJob.objects.filter(client=client, user=user, public_id=job_public_id).first()
    if job is None:
        raise Http404
    audit_record(
        action="client.import_fhir_view",
        actor=user,
        client=client,
        object_type="import_job",
        object_id=job.public_id,
        detail={"status": job.status},
    )
    return job
