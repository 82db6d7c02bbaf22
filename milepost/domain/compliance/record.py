"""What the compliance linter reads beyond the plan: signatures, reviews, session notes,
administrations and the dates around them. Frozen dataclasses the reports app fills in
(milepost/reports/compliance.py); the tests build them by hand.

Only what the data model really holds is here. What it lacks — a functional level, other
treating providers, a documented reason the client could not sign, the technique used in a
session, a pre-licensed flag — is absent, and rules.RULES says which checks that leaves
partly or not supported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.domain.plans import Plan

STAFF_ROLES: tuple[str, ...] = ("clinician", "supervisor")
# A staff signature is authenticated when the signer re-entered their password.
AUTHENTICATED_METHODS: tuple[str, ...] = ("password",)
# Where a session took place; the telehealth ones name the method (PL-23).
SESSION_SETTINGS: tuple[str, ...] = ("in_person", "telehealth_video", "telehealth_phone")
# An objective counts as improving at a review with one of these progress statuses.
IMPROVING: tuple[str, ...] = ("improving", "achieved")
# The progress statuses that are evidence either way (FHIR achievementStatus codes); "no-data"
# and a blank status say only that nothing was measured (PL-15, PL-18).
EVIDENCE: tuple[str, ...] = (
    "improving",
    "worsening",
    "no-change",
    "achieved",
    "not-achieved",
    "in-progress",
)


@dataclass(frozen=True)
class SignatureRecord:
    role: str  # clinician | client | supervisor
    credentials: str
    signed_on: dt.date
    method: str  # password | in_session | portal
    # The signature's content hash equals the hash of the version's content now.
    hash_matches: bool = True


@dataclass(frozen=True)
class ReviewRecord:
    """One review, of this version (`of_this_version`) or of an earlier one."""

    held_on: dt.date
    participants: str
    of_this_version: bool = True
    # Objective ids (of the reviewed version) whose progress the review recorded: a status
    # from data or a note; a row that says only "no data" records nothing.
    objectives_recorded: frozenset[str] = frozenset()
    # Progress status per objective as recorded (FHIR achievementStatus words).
    objective_statuses: tuple[str, ...] = ()
    # Goal id -> decision (continue, revise, met, discontinue).
    goal_decisions: tuple[tuple[str, str], ...] = ()
    made_new_version: bool = False

    @property
    def decided_goals(self) -> frozenset[str]:
        return frozenset(goal for goal, _ in self.goal_decisions)

    @property
    def changed_plan(self) -> bool:
        """A new version, or any decision other than continue, is a change of plan."""
        return self.made_new_version or any(d != "continue" for _, d in self.goal_decisions)

    @property
    def any_improving(self) -> bool:
        return any(s in IMPROVING for s in self.objective_statuses)

    @property
    def has_evidence(self) -> bool:
        """Some objective had data at the review (a status other than "no-data")."""
        return any(s in EVIDENCE for s in self.objective_statuses)


@dataclass(frozen=True)
class Citation:
    objective_id: str
    progress: str  # progressing | maintained | no_change | regressed | met; "" when missing


@dataclass(frozen=True)
class NoteRecord:
    """A session note written under this version (notes entered in error are left out)."""

    held_on: dt.date
    citations: tuple[Citation, ...] = ()
    has_times: bool = True  # start and stop time
    session_type: str = "individual"  # individual | group | family
    setting: str = "in_person"  # one of SESSION_SETTINGS


@dataclass(frozen=True)
class AdministrationRecord:
    instrument: str  # instrument code, e.g. "phq9"
    administered_on: dt.date


@dataclass(frozen=True)
class ComplianceRecord:
    """A plan version and everything around it that payers ask about."""

    plan: Plan
    # The local day the version was signed (its established date); None for a draft.
    established_on: dt.date | None = None
    signatures: tuple[SignatureRecord, ...] = ()
    # The version's stored content hash equals the hash of its content now (None: a draft).
    hash_matches: bool | None = None
    # The practice asks a supervisor to co-sign every plan (Organization.cosign_required).
    practice_requires_cosign: bool = False
    # Newest first: reviews of this version and of the client's earlier versions.
    reviews: tuple[ReviewRecord, ...] = ()
    notes: tuple[NoteRecord, ...] = ()
    administrations: tuple[AdministrationRecord, ...] = ()
    # The earliest contact on record (the client record, a note, an administration).
    intake_on: dt.date | None = None
    # When the client's first version was signed, and the sessions held up to that day
    # (up to today while it is unsigned).
    initial_plan_signed_on: dt.date | None = None
    sessions_before_initial_plan: int = 0
    # The credentials of the clinician who would sign this draft ("" when their account has
    # none); None when nobody is about to sign (a signed version, or the signer is unknown).
    signer_credentials: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.plan.status == "draft"

    def signatures_of(self, role: str) -> tuple[SignatureRecord, ...]:
        return tuple(s for s in self.signatures if s.role == role)

    @property
    def client_endorsed(self) -> bool:
        return bool(self.signatures_of("client"))

    @property
    def reviews_of_this_version(self) -> tuple[ReviewRecord, ...]:
        return tuple(r for r in self.reviews if r.of_this_version)
