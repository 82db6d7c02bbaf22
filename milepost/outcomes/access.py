"""Who may read the practice's outcomes, and the audited reads (decision 1004); and the
clinicians' track records for the practice's intake (decision 1220, at the end).

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
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Membership, Role, User
from milepost.audit.services import audit_read, audit_record
from milepost.clients.access import visible_clients
from milepost.clients.models import Client
from milepost.directory import access as directory_access
from milepost.directory.intake import practice_clinicians
from milepost.directory.models import Referral
from milepost.domain.directory import matching
from milepost.domain.directory.matching import Reading
from milepost.domain.directory.track_record import NONE as NO_CASES
from milepost.domain.directory.track_record import (
    Clinician,
    Method,
    Suggestion,
    TrackRecord,
    area_measures,
    main_area,
    method,
    suggest,
    track_record,
)
from milepost.outcomes.models import Case, Refresh
from milepost.outcomes.selectors import (
    Filters,
    Report,
    TrackCounts,
    cases_in_group,
    own_track_counts,
    practice_report,
    track_counts,
)

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


# --------------------------------------------------------------------------- track records
# Matching by measured outcomes inside the practice (decision 1220): each clinician sees
# their own figures; a colleague's figures are seen, and used to rank, only by a supervisor
# and only when the practice has turned outcome matching on. Never on the public directory.


@dataclass(frozen=True)
class OwnTrack:
    records: list[TrackRecord]
    method: Method
    used_by_practice: bool
    refreshed: Refresh | None


def own_track_records(user: User) -> OwnTrack:
    """The user's own figures in every area with a measure; one audited read."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    organization = membership.organization
    counts = own_track_counts(organization, user.pk)
    records = [
        track_record(area, counts.get(measure.code, NO_CASES))
        for area, measure in area_measures().items()
    ]
    audit_record(
        action="outcomes.track_record",
        actor=user,
        organization=organization,
        object_type="user",
        object_id=user.public_id,
    )
    return OwnTrack(
        records,
        method(),
        directory_access.outcome_matching_used(organization),
        Refresh.objects.filter(organization=organization).first(),
    )


def colleague_figures(membership: Membership) -> bool:
    """May this reader see (and rank by) colleagues' figures? A supervisor, when the
    practice uses outcome matching."""
    return membership.role == Role.SUPERVISOR and directory_access.outcome_matching_used(
        membership.organization
    )


def intake_referrals(user: User) -> list[Referral]:
    """The new referrals the user takes in (their own; a supervisor's supervisees')."""
    return directory_access.intake_referrals_for_user(user)


@dataclass(frozen=True)
class IntakeMatch:
    referral: Referral
    reading: Reading
    area: str | None  # the main area the words named that has a measure
    measure: str  # its instrument's short name ("" without an area)
    suggestions: list[Suggestion]
    own_key: str  # the reader's own listing, if they have one
    figures: bool  # colleagues' figures shown and ranked by
    used_by_practice: bool
    method: Method
    refreshed: Refresh | None


def intake_match(user: User, referral_id: str) -> IntakeMatch:
    """The practice's clinicians ranked for one referral of the user's intake (404 for any
    other). The referral read and the match are audited; the match names no figures."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    organization = membership.organization
    referral = directory_access.intake_referral_get(user, referral_id)
    figures = colleague_figures(membership)
    reading = matching.read(referral.message)
    area = main_area(reading)
    people = practice_clinicians(organization, timezone.localdate())
    counts: dict[int, TrackCounts] = {}
    if area is not None:
        # Only the figures the reader may see are read at all.
        allowed = [p.clinician_id for p in people] if figures else [user.pk]
        counts = track_counts(organization, area_measures()[area].code, allowed)
    clinicians = [
        Clinician(
            key=p.key,
            name=p.name,
            focus_areas=p.focus_areas,
            modalities=p.modalities,
            room=p.room,
            track=(
                track_record(area, counts.get(p.clinician_id, NO_CASES))
                if area is not None and (figures or p.clinician_id == user.pk)
                else None
            ),
        )
        for p in people
    ]
    audit_record(
        action="outcomes.intake_match",
        actor=user,
        organization=organization,
        object_type="referral",
        object_id=referral.public_id,
        detail={"figures": figures, "clinicians": len(clinicians)},
    )
    return IntakeMatch(
        referral=referral,
        reading=reading,
        area=area,
        measure=area_measures()[area].short_name if area is not None else "",
        suggestions=suggest(clinicians, reading, use_outcomes=figures),
        own_key=next((p.key for p in people if p.clinician_id == user.pk), ""),
        figures=figures,
        used_by_practice=directory_access.outcome_matching_used(organization),
        method=method(),
        refreshed=Refresh.objects.filter(organization=organization).first(),
    )
