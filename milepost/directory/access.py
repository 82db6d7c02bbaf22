"""Who may read what in the directory.

Listings are public, but only while visible (selectors.visible): an unlisted, stale or
unlicensed listing answers 404 like one that never existed. Referrals are health
information: only the clinician they were sent to reads them (and, for the practice's
intake, that clinician's supervisor), and each read is audited.
Licences and payers are read only by their owner (the clinician; the practice admin).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Organization, Role, User
from milepost.audit.services import audit_read
from milepost.directory import selectors
from milepost.directory.models import (
    DirectoryPractice,
    FacetKind,
    Licence,
    Payer,
    Profile,
    Referral,
    ReferralStatus,
)
from milepost.domain.directory import ranking
from milepost.domain.directory.rules import rules
from milepost.lib.public_id import is_public_id


def listing_get(public_id: str, *, today: dt.date | None = None) -> Profile:
    """A visible listing (licensed somewhere today), or 404."""
    today = today or timezone.localdate()
    if not is_public_id(public_id):
        raise Http404
    profile = (
        selectors.visible(today)
        .filter(public_id=public_id, licences__expires_on__gte=today)
        .distinct()
        .first()
    )
    if profile is None or profile.confirmed_at is None:
        raise Http404
    # The search's own rule, by local days: day 90 is still shown, day 91 is not.
    if (
        ranking.freshness(timezone.localdate(profile.confirmed_at), today)
        is ranking.Freshness.HIDDEN
    ):
        raise Http404
    return profile


def own_profile(user: User) -> Profile | None:
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    return Profile.objects.filter(clinician=user).first()


def licence_get_for_user(user: User, public_id: str) -> Licence:
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    licence = (
        Licence.objects.select_related("profile")
        .filter(public_id=public_id, profile__clinician=user)
        .first()
        if is_public_id(public_id)
        else None
    )
    if licence is None:
        raise Http404
    return licence


def payer_get_for_admin(user: User, public_id: str) -> Payer:
    organization = require_membership(user, Role.ADMIN).organization
    payer = (
        Payer.objects.filter(public_id=public_id, organization=organization).first()
        if is_public_id(public_id)
        else None
    )
    if payer is None:
        raise Http404
    return payer


def practice_payers(user: User) -> QuerySet[Payer]:
    organization = require_membership(
        user, Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN
    ).organization
    return Payer.objects.filter(organization=organization)


def practice_listing(user: User) -> bool:
    organization = require_membership(
        user, Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN
    ).organization
    return DirectoryPractice.objects.filter(organization=organization, listed=True).exists()


def outcome_matching_used(organization: Organization) -> bool:
    """The practice's setting: does its intake use measured outcomes (decision 1220)?"""
    return DirectoryPractice.objects.filter(
        organization=organization, outcome_matching=True
    ).exists()


def practice_outcome_matching(user: User) -> bool:
    return outcome_matching_used(require_membership(user, Role.ADMIN).organization)


def _audit(user: User, referral: Referral) -> None:
    audit_read(
        action="referral.read",
        actor=user,
        organization=referral.organization,
        client=referral.client,
        object_type="referral",
        object_id=referral.public_id,
    )


def referrals_for_user(user: User) -> list[Referral]:
    """The referrals sent to the user's own listing, newest first; each read is audited."""
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    referrals = list(Referral.objects.filter(profile__clinician=user).select_related("client"))
    for referral in referrals:
        _audit(user, referral)
    return referrals


def referral_get_for_user(user: User, public_id: str) -> Referral:
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    referral = (
        Referral.objects.select_related("profile", "client")
        .filter(public_id=public_id, profile__clinician=user)
        .first()
        if is_public_id(public_id)
        else None
    )
    if referral is None:
        raise Http404
    _audit(user, referral)
    return referral


def _intake_scope(user: User) -> QuerySet[Referral]:
    """The referrals the user takes in: those sent to them, and, for a supervisor, those
    sent to the clinicians they supervise (the practice's intake, decision 1220)."""
    organization = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR).organization
    return (
        Referral.objects.filter(organization=organization)
        .filter(Q(profile__clinician=user) | Q(profile__clinician__supervisors__supervisor=user))
        .distinct()
    )


def intake_referrals_for_user(user: User) -> list[Referral]:
    """The new referrals of the user's intake, newest first; each read is audited."""
    referrals = list(
        _intake_scope(user)
        .filter(status=ReferralStatus.NEW)
        .select_related("profile", "client")
        .order_by("-created_at")
    )
    for referral in referrals:
        _audit(user, referral)
    return referrals


def intake_referral_get(user: User, public_id: str) -> Referral:
    """One referral of the user's intake (audited), or 404."""
    referral = (
        _intake_scope(user).select_related("profile", "client").filter(public_id=public_id).first()
        if is_public_id(public_id)
        else None
    )
    if referral is None:
        raise Http404
    _audit(user, referral)
    return referral


def listing_page(profile: Profile, *, today: dt.date | None = None) -> dict[str, object]:
    """What a listing's public page shows: the listing, its states, its lists by label, its
    room and when it was last confirmed."""
    today = today or timezone.localdate()
    r = rules()
    labels = {
        FacetKind.MODALITY: r.modalities,
        FacetKind.LANGUAGE: r.languages,
        FacetKind.AGE: r.age_groups,
        FacetKind.POPULATION: r.populations,
    }
    lists: dict[str, list[str]] = {kind: [] for kind in FacetKind.values}
    for facet in profile.facets.all() if profile.pk else ():
        lists[facet.kind].append(
            labels.get(FacetKind(facet.kind), {}).get(facet.value, facet.value)
        )
    count = selectors.caseload_of(profile)
    confirmed = timezone.localdate(profile.confirmed_at) if profile.confirmed_at else None
    return {
        "profile": profile,
        "states": selectors.licence_states([profile.pk], today).get(profile.pk, ())
        if profile.pk
        else (),
        "lists": {kind: sorted(values) for kind, values in lists.items()},
        "room": ranking.room(
            capacity=profile.capacity,
            caseload=count,
            next_opening=profile.next_opening,
            today=today,
        ),
        "confirmed_on": confirmed,
        "freshness": ranking.freshness(confirmed, today),
    }
