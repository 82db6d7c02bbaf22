"""The payer compliance linter on real plans: building each version's ComplianceRecord,
the findings under the practice's payer profile, and the caseload report.

Three ways in, each reading as the rules ask:
- `compliance_for(plan, user=…)`: one plan fetched through plans/access.py; the notes and
  administrations are read through notes/access.py and measures/access.py (audited there).
- `compliance_errors(plan)`: for the signing service, which audits the signing itself.
- `caseload_compliance(user)`: every current version a supervisor (their teams) or a
  practice admin (the organisation) oversees, read in a fixed number of queries (the audit
  events aside) and audited as one `compliance.report` event for the report plus one
  `compliance.report_client` event per client whose plans it read, so each client's access
  history shows it.

The would-be signer of a draft (the user reading it, or the signing actor) is passed as
`signer`: a draft whose signer has no credentials cannot be signed without a reason.

A record reads session notes and administrations as well as the plan, so this lives in
reports, above notes (docs/decisions/0013-layers-and-read-models.md). The plan editor and the
signing service still reach the first two through the plans/compliance.py shim.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Organization, Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import visible_clients
from milepost.clients.models import Client
from milepost.domain import compliance, library, plan_versions, smart
from milepost.domain.compliance import (
    EVIDENCE,
    AdministrationRecord,
    Citation,
    ComplianceRecord,
    Finding,
    NoteRecord,
    Profile,
    ReviewRecord,
    SignatureRecord,
)
from milepost.measures.access import administrations_for_client
from milepost.measures.models import Administration, Source
from milepost.notes.access import notes_for_client
from milepost.notes.models import NoteObjective, SessionNote
from milepost.plans.access import formulation_for_client, plans_with_parts
from milepost.plans.models import (
    Formulation,
    FormulationFactor,
    PlanStatus,
    Review,
    ReviewGoal,
    ReviewObjective,
    Signature,
    TreatmentPlan,
)
from milepost.plans.selectors import plan_to_domain

# The versions a report looks at: the one in force and the one being written.
CURRENT = (PlanStatus.SIGNED, PlanStatus.DRAFT)


def profile_of(organization: Organization) -> Profile:
    """The practice's payer profile; a profile file since removed falls back to the default
    (the editor's heading then names the default, so nobody is misled)."""
    try:
        return compliance.get_profile(organization.payer_profile)
    except compliance.UnknownProfile:
        return compliance.get_profile(compliance.DEFAULT_PROFILE)


def _scripted_id(text: str) -> str | None:
    item = library.scripted_match(text)
    return item.id if item is not None else None


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


@dataclass(frozen=True)
class Inputs:
    """What a record is built from, for one client: already fetched, by whichever route."""

    formulation: Formulation | None
    notes: Sequence[SessionNote]
    administrations: Sequence[Administration]
    reviews: Sequence[Review]  # of any of the client's versions
    first_version: TreatmentPlan | None


def _recorded(row: ReviewObjective) -> bool:
    """A review recorded an objective's progress: a status from data, or (with no status at
    all) a note. The snapshot writes a row for every objective, and its automatic words for
    "no-data" are no note."""
    if row.status:
        return row.status in EVIDENCE
    return bool(row.words.strip())


def record_for(
    plan: TreatmentPlan, inputs: Inputs, *, signer: User | None = None
) -> ComplianceRecord:
    """The ComplianceRecord of one version (with its parts and signatures prefetched).

    `signer` is who would sign a draft (their credentials are checked); ignored once signed.
    """
    domain_plan = plan_to_domain(plan, formulation=inputs.formulation)
    signed = plan.status != PlanStatus.DRAFT
    # The content hash leaves the formulation out: the same domain plan serves both.
    current_hash = plan_versions.content_hash(domain_plan) if signed else ""
    signatures = tuple(
        SignatureRecord(
            role=s.role,
            credentials=s.credentials,
            signed_on=timezone.localdate(s.signed_at),
            method=s.method,
            hash_matches=s.content_hash == current_hash,
        )
        for s in plan.signatures.all()
    )
    counting = [n for n in inputs.notes if n.counts]
    notes = tuple(
        NoteRecord(
            held_on=n.held_on,
            citations=tuple(
                Citation(c.objective.public_id, c.progress) for c in n.objectives.all()
            ),
            has_times=n.started_at is not None and n.ended_at is not None,
            session_type=n.type,
            setting=n.setting,
        )
        for n in counting
        if n.plan_id == plan.pk
    )
    administrations = tuple(
        AdministrationRecord(a.instrument_code, timezone.localdate(a.administered_at))
        for a in inputs.administrations
        if a.counts
    )
    reviews = tuple(
        ReviewRecord(
            held_on=r.held_on,
            participants=r.participants,
            of_this_version=r.plan_id == plan.pk,
            objectives_recorded=frozenset(
                o.objective.public_id for o in r.objectives.all() if _recorded(o)
            ),
            objective_statuses=tuple(o.status for o in r.objectives.all() if o.status in EVIDENCE),
            goal_decisions=tuple((g.goal.public_id, g.decision) for g in r.goals.all()),
            made_new_version=r.next_plan_id is not None,
        )
        for r in sorted(inputs.reviews, key=lambda r: (r.held_on, r.pk), reverse=True)
    )
    # Imported administrations (a FHIR import of another system's history) are no contact
    # with this practice: they would date "intake" before the client ever came.
    contacts = [
        timezone.localdate(plan.client.created_at),
        *(n.held_on for n in counting),
        *(
            timezone.localdate(a.administered_at)
            for a in inputs.administrations
            if a.counts and a.source != Source.IMPORT
        ),
    ]
    first = inputs.first_version
    first_signed = _local(first.signed_at) if first is not None else None
    sessions = sum(1 for n in counting if first_signed is None or n.held_on <= first_signed)
    return ComplianceRecord(
        plan=domain_plan,
        established_on=_local(plan.signed_at) if signed else None,
        signatures=signatures,
        hash_matches=(current_hash == plan.content_hash) if signed else None,
        practice_requires_cosign=plan.organization.cosign_required,
        reviews=reviews,
        notes=notes,
        administrations=administrations,
        intake_on=min(contacts),
        initial_plan_signed_on=first_signed,
        sessions_before_initial_plan=sessions,
        signer_credentials=signer.credentials if signer is not None and not signed else None,
    )


def lint_plan(
    plan: TreatmentPlan,
    inputs: Inputs,
    *,
    today: dt.date | None = None,
    signer: User | None = None,
    profile: Profile | None = None,
) -> tuple[Profile, list[Finding]]:
    profile = profile or profile_of(plan.organization)
    findings = compliance.lint(
        record_for(plan, inputs, signer=signer),
        profile,
        today or timezone.localdate(),
        scripted=_scripted_id,
        read_words=_read_words,
    )
    return profile, findings


def _read_words(text: str) -> smart.Structure:
    """The target a statement's words state, for the words-against-target check."""
    return smart.analyse(text).structure


# --------------------------------------------------------------------------- one plan


def _reviews_of(clients: Iterable[Client] | QuerySet[Client]) -> QuerySet[Review]:
    chosen = clients if isinstance(clients, QuerySet) else list(clients)
    return Review.objects.filter(plan__client__in=chosen).prefetch_related(
        Prefetch("objectives", queryset=ReviewObjective.objects.select_related("objective")),
        Prefetch("goals", queryset=ReviewGoal.objects.select_related("goal")),
    )


# compliance_for's caller has not read the formulation (None means the client has none).
_UNREAD = object()


def _first_version(client: Client) -> TreatmentPlan | None:
    return TreatmentPlan.objects.filter(client=client, version=1).first()


def compliance_for(
    plan: TreatmentPlan,
    *,
    user: User,
    formulation: Formulation | object | None = _UNREAD,
    administrations: Sequence[Administration] | None = None,
) -> tuple[Profile, list[Finding]]:
    """The findings of a plan fetched for `user` through plans/access.py, under the practice's
    profile. Notes and administrations are read through their access functions (audited);
    pass the formulation and administrations when the caller has read them already. `user`
    is the one who would sign a draft (the editor's and the sign page's reader)."""
    client = plan.client
    if formulation is _UNREAD:
        formulation = formulation_for_client(user, client)
    assert formulation is None or isinstance(formulation, Formulation)
    if administrations is None:
        administrations = administrations_for_client(user, client)
    inputs = Inputs(
        formulation=formulation,
        notes=notes_for_client(user, client),
        administrations=administrations,
        reviews=list(_reviews_of([client])),
        first_version=_first_version(client),
    )
    return lint_plan(plan, inputs, signer=user)


def compliance_errors(plan: TreatmentPlan, *, signer: User | None = None) -> list[Finding]:
    """The errors that block signing (for plans/versions.py; the signing service audits).

    Read directly, as the service reads the plan itself: the caller has checked access.
    `signer` is the clinician about to sign: a draft is checked for their credentials only
    when they are named.
    """
    client = plan.client
    formulation = (
        Formulation.objects.filter(client=client)
        .prefetch_related(
            Prefetch("factors", queryset=FormulationFactor.objects.order_by("kind", "order", "id"))
        )
        .first()
    )
    inputs = Inputs(
        formulation=formulation,
        notes=list(_notes().filter(client=client)),
        administrations=list(_administrations().filter(client=client)),
        reviews=list(_reviews_of([client])),
        first_version=_first_version(client),
    )
    return compliance.errors(lint_plan(plan, inputs, signer=signer)[1])


def _notes() -> QuerySet[SessionNote]:
    return SessionNote.objects.prefetch_related(
        Prefetch("objectives", queryset=NoteObjective.objects.select_related("objective"))
    )


# --------------------------------------------------------------------------- the caseload


@dataclass(frozen=True)
class ReportRow:
    """One current plan version and its findings, as the caseload report lists it."""

    client: Client
    plan: TreatmentPlan
    clinician: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


@dataclass(frozen=True)
class Report:
    profile: Profile
    rows: list[ReportRow]
    # An admin's report: codes, checklist items and generic messages only.
    generic_only: bool


def _clients_overseen(user: User) -> tuple[QuerySet[Client], bool]:
    membership = require_membership(user, Role.SUPERVISOR, Role.ADMIN)
    if membership.role == Role.ADMIN:
        return Client.objects.filter(organization=membership.organization), True
    return visible_clients(user), False


def _administrations() -> QuerySet[Administration]:
    """Administrations with only what a record reads: never the answers or the scores."""
    return Administration.objects.only(
        "id", "client_id", "instrument_code", "administered_at", "source", "entered_in_error_at"
    )


def _note_rows() -> QuerySet[SessionNote]:
    """Notes with only what a record reads: never the narrative."""
    return _notes().only(
        "id",
        "client_id",
        "plan_id",
        "held_on",
        "started_at",
        "ended_at",
        "type",
        "setting",
        "entered_in_error_at",
    )


def caseload_compliance(
    user: User,
    *,
    severity: str = "",
    pl: str = "",
    purpose: str = "html",
    today: dt.date | None = None,
) -> Report:
    """The findings of every current version a supervisor (their teams' clients) or a practice
    admin (the whole organisation) oversees, narrowed to one severity and one checklist item
    when given.

    A fixed number of queries reads the report, whatever the caseload: each kind of row is one
    query over the clients overseen (a subquery, not a list of ids). The audit then writes one
    event per client whose plans were read, for supervisors and admins alike (docs/compliance.md,
    "The caseload report"), and one for the report as a whole.
    """
    clients_qs, generic_only = _clients_overseen(user)
    # Read afresh: the profile may have changed since the membership was cached.
    organization = Organization.objects.get(pk=user.membership.organization_id)
    profile = profile_of(organization)
    clients_qs = clients_qs.filter(organization=organization)
    plans = list(
        plans_with_parts()
        .select_related("organization", "client__organization")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.order_by("id")))
        .filter(client__in=clients_qs, organization=organization, status__in=CURRENT)
        .order_by("client__public_id", "-version")
    )
    # The clients with a current version, as a subquery for every further read.
    reported = clients_qs.filter(
        pk__in=TreatmentPlan.objects.filter(organization=organization, status__in=CURRENT).values(
            "client_id"
        )
    )
    formulations: dict[int, Formulation] = {}
    notes: dict[int, list[SessionNote]] = defaultdict(list)
    administrations: dict[int, list[Administration]] = defaultdict(list)
    reviews: dict[int, list[Review]] = defaultdict(list)
    firsts: dict[int, TreatmentPlan] = {}
    if plans:
        for f in Formulation.objects.filter(client__in=reported).prefetch_related(
            Prefetch("factors", queryset=FormulationFactor.objects.order_by("kind", "order", "id"))
        ):
            formulations.setdefault(f.client_id, f)
        for n in _note_rows().filter(client__in=reported):
            notes[n.client_id].append(n)
        for a in _administrations().filter(client__in=reported):
            administrations[a.client_id].append(a)
        for r in _reviews_of(reported).annotate(client_ref=F("plan__client_id")):
            reviews[r.client_ref].append(r)
        for first in TreatmentPlan.objects.filter(client__in=reported, version=1).only(
            "id", "client_id", "signed_at"
        ):
            firsts.setdefault(first.client_id, first)
    rows = []
    for plan in plans:
        cid = plan.client_id
        inputs = Inputs(
            formulation=formulations.get(cid),
            notes=notes[cid],
            administrations=administrations[cid],
            reviews=reviews[cid],
            first_version=firsts.get(cid),
        )
        # The draft's author stands in for its signer: the reader of the report signs nothing.
        _, findings = lint_plan(plan, inputs, today=today, signer=plan.created_by, profile=profile)
        shown = tuple(
            f
            for f in findings
            if (not severity or f.severity == severity) and (not pl or f.pl == pl)
        )
        rows.append(
            ReportRow(
                client=plan.client,
                plan=plan,
                clinician=plan.created_by.display_name,
                findings=shown,
            )
        )
    _audit_report(user, organization, profile, plans, purpose, severity, pl, generic_only)
    return Report(profile=profile, rows=rows, generic_only=generic_only)


def _audit_report(
    user: User,
    organization: Organization,
    profile: Profile,
    plans: Sequence[TreatmentPlan],
    purpose: str,
    severity: str,
    pl: str,
    generic_only: bool,
) -> None:
    """One event for the report, and one per client naming the plans of theirs it read, so a
    client's access history (reports/audit_trail.py filters by client) shows every report that
    listed them: a supervisor's shows clinical text, an admin's the client's public id and
    findings (what checks their record fails), which is the client's business too."""
    filters = {"format": purpose, "profile": profile.key, "severity": severity, "pl": pl}
    audit_record(
        action="compliance.report",
        actor=user,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={**filters, "plans": [p.public_id for p in plans]},
    )
    by_client: dict[int, list[TreatmentPlan]] = defaultdict(list)
    for plan in plans:
        by_client[plan.client_id].append(plan)
    # audit/services.py has no bulk writer: each event links to the chain on its own.
    for client_plans in by_client.values():
        client = client_plans[0].client
        audit_record(
            action="compliance.report_client",
            actor=user,
            organization=organization,
            client=client,
            object_type="client",
            object_id=client.public_id,
            detail={
                **filters,
                "plans": [p.public_id for p in client_plans],
                "generic_only": generic_only,
            },
        )


# --------------------------------------------------------------------------- settings
