"""A listed practice for the directory tests: alice in NY (office near 10025) and NJ by
telehealth, in network with Aetna; bob in NY by telehealth only, with no room."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from milepost.directory import services
from milepost.directory.models import Licence, Payer, Profile, Referral
from tests.base import Personas


@dataclass(frozen=True)
class Listed:
    alice: Profile
    bob: Profile
    alice_ny: Licence


def in_a_year() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


def list_practice(p: Personas) -> Listed:
    services.practice_listing_set(actor=p.erin, listed=True)
    for name in ("Aetna", "Cigna"):
        services.payer_add(actor=p.erin, name=name)
    alice = services.profile_ensure(actor=p.alice)
    services.profile_update(
        actor=p.alice,
        listed=True,
        display_name="Alice Example",
        credentials="LCSW",
        statement="I help adults with panic and worry, using CBT and exposure.",
        fee_min=120,
        fee_max=160,
        in_person=True,
        telehealth=True,
        office_line="2700 Broadway",
        office_city="New York",
        office_zip="10025",
        focus_areas=["panic and agoraphobia", "worry and generalised anxiety"],
        modalities=["cbt", "exposure"],
        languages=["en", "es"],
        age_groups=["adults"],
        populations=["individuals"],
        payers=["Aetna"],
    )
    alice_ny = services.licence_add(
        actor=p.alice,
        state="NY",
        kind="LCSW",
        number="087452",
        expires_on=in_a_year(),
    )
    services.licence_add(
        actor=p.alice,
        state="NJ",
        kind="LCSW",
        number="44SL0001",
        expires_on=in_a_year(),
    )
    services.availability_confirm(actor=p.alice, capacity=20, next_opening=None)
    bob = services.profile_ensure(actor=p.bob)
    services.profile_update(
        actor=p.bob,
        listed=True,
        display_name="Bob Example",
        credentials="PhD",
        statement="Psychodynamic therapy: understanding early experiences and relationships.",
        telehealth=True,
        focus_areas=["couple and family relationships"],
        modalities=["psychodynamic"],
        languages=["en"],
        age_groups=["adults"],
        payers=["Cigna"],
    )
    services.licence_add(
        actor=p.bob,
        state="NY",
        kind="Psychologist",
        number="019876",
        expires_on=in_a_year(),
    )
    # dana is alice's active client; bob is primary for nobody, and carries room for none.
    services.availability_confirm(actor=p.bob, capacity=0, next_opening=None)
    return Listed(alice, bob, alice_ny)


_LISTED: dict[int, tuple[Personas, Listed]] = {}


def listed(p: Personas) -> Listed:
    cached = _LISTED.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    made = list_practice(p)
    _LISTED[id(p)] = (p, made)
    return made


def referral(p: Personas, **overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "name": "Robin Fairweather",
        "contact": "robin@example.net",
        "message": "I want to take the train to work again without a panic attack.",
        "consent": True,
        "sender": "test-sender",
    }
    values.update(overrides)
    return services.referral_create(profile=listed(p).alice, **values)


_REFERRALS: dict[int, tuple[Personas, Referral]] = {}


def alice_referral(p: Personas) -> Referral:
    cached = _REFERRALS.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    made = referral(p)
    _REFERRALS[id(p)] = (p, made)
    return made


def sample(make: Callable[[Personas], Any]) -> Callable[[Personas], str]:
    return lambda p: make(p).public_id


def aetna(p: Personas) -> Payer:
    """The practice's Aetna payer (added again if a test removed it)."""
    organization = listed(p).alice.organization
    found = organization.payers.filter(name="Aetna").first()
    return found or services.payer_add(actor=p.erin, name="Aetna")
