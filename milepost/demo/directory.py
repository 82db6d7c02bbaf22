"""The demo practice in the public directory (/find/).

Three listings across four states, each as a clinician would write it:

- Alice Moreno: in person at the Albany office and by telehealth; licensed in NY and NJ; CBT
  and exposure for panic and worry; in network with Aetna and Empire BCBS; room now.
- Bob Lindqvist: telehealth only; licensed in NY and MA; psychodynamic and interpersonal
  work on relationships; Cigna and Aetna; sliding scale; next opening in three weeks.
- Sam Okonkwo: in person in Albany; licensed in NY and VT; trauma-focused therapy; his room
  was last confirmed 40 days ago, so his listing sinks below the others until he confirms.

One person has contacted Alice through her listing: the referral waits on Referrals.
Room is computed from each clinician's real demo caseload against the capacity set here.

Erin has turned on outcome matching at intake, so Sam (who supervises Alice and Bob) sees
the referral's clinicians ranked by their past clients' outcomes in worry: Alice's 16 past
clients give her figures, Bob's 5 are too few (demo/outcomes.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from milepost.accounts.models import Organization, User
from milepost.directory import services
from milepost.directory.models import Payer, Profile, Referral

PAYERS = ("Aetna", "Cigna", "Empire BCBS", "UnitedHealthcare")
EXPIRES = dt.date(2028, 6, 30)

LISTINGS: dict[str, dict[str, Any]] = {
    "alice": {
        "statement": "I work with adults whose panic or worry has started to shrink their "
        "lives: we map what keeps it going, then take back the train, the shop and the "
        "meeting, a step at a time.",
        "fee_min": 140,
        "fee_max": 180,
        "in_person": True,
        "telehealth": True,
        "office_line": "200 Lark Street, Suite 3",
        "office_city": "Albany",
        "office_zip": "12210",
        "focus_areas": ["panic and agoraphobia", "worry and generalised anxiety", "sleep"],
        "modalities": ["cbt", "exposure", "mindfulness"],
        "languages": ["en", "es"],
        "age_groups": ["adults", "older-adults"],
        "populations": ["individuals"],
        "payers": ["Aetna", "Empire BCBS"],
        "pronouns": "she/her",
        "licences": [("NY", "LCSW", "087452"), ("NJ", "LCSW", "44SL07731")],
        "room": (30, None),
    },
    "bob": {
        "statement": "Psychodynamic and interpersonal therapy for people who keep meeting "
        "the same pattern in their relationships and want to understand where it comes from.",
        "fee_min": 90,
        "fee_max": 160,
        "sliding_scale": True,
        "telehealth": True,
        "focus_areas": ["couple and family relationships", "low mood and inactivity"],
        "modalities": ["psychodynamic", "interpersonal", "systemic"],
        "languages": ["en"],
        "age_groups": ["adults"],
        "populations": ["individuals", "couples"],
        "payers": ["Cigna", "Aetna"],
        "pronouns": "he/him",
        "licences": [("NY", "LMHC", "004213"), ("MA", "LMHC", "10442")],
        "room": (25, 21),
    },
    "sam": {
        "statement": "Trauma-focused therapy for adults and teens after accidents, assaults "
        "and losses.",
        "fee_min": 175,
        "fee_max": 175,
        "in_person": True,
        "office_line": "200 Lark Street, Suite 3",
        "office_city": "Albany",
        "office_zip": "12210",
        "focus_areas": ["trauma and post-traumatic stress", "grief and loss"],
        "modalities": ["trauma-focused", "cbt"],
        "languages": ["en", "fr"],
        "age_groups": ["teens", "adults"],
        "populations": ["individuals", "families"],
        "payers": ["UnitedHealthcare"],
        "licences": [("NY", "Psychologist", "019876"), ("VT", "Psychologist", "048.0134")],
        "room": (12, None),
        "confirmed_days_ago": 40,
    },
}


def load_directory(organization: Organization, staff: dict[str, User]) -> None:
    services.practice_listing_set(actor=staff["erin"], listed=True)
    services.practice_outcome_matching_set(actor=staff["erin"], use=True)
    for name in PAYERS:
        if not Payer.objects.filter(organization=organization, name=name).exists():
            services.payer_add(actor=staff["erin"], name=name)
    today = timezone.localdate()
    for key, spec in LISTINGS.items():
        user = staff[key]
        if Profile.objects.filter(clinician=user, listed=True).exists():
            continue
        values = {
            k: v for k, v in spec.items() if k not in ("licences", "room", "confirmed_days_ago")
        }
        services.profile_update(
            actor=user,
            listed=True,
            display_name=user.full_name,
            credentials=user.credentials,
            **values,
        )
        for state, kind, number in spec["licences"]:
            services.licence_add(
                actor=user, state=state, kind=kind, number=number, expires_on=EXPIRES
            )
        capacity, opening_in = spec["room"]
        opening = None if opening_in is None else today + dt.timedelta(days=opening_in)
        profile = services.availability_confirm(actor=user, capacity=capacity, next_opening=opening)
        if days := spec.get("confirmed_days_ago"):
            # Demo history: this confirmation was made weeks ago.
            Profile.objects.filter(pk=profile.pk).update(
                confirmed_at=timezone.now() - dt.timedelta(days=days)
            )
            services.search_rows_sync(profile)
    alice = Profile.objects.get(clinician=staff["alice"])
    if not Referral.objects.filter(profile=alice).exists():
        services.referral_create(
            profile=alice,
            name="Jordan Ellery",
            contact="jordan.ellery@demo.milepost.test",
            message="I have panic attacks on the bus most weeks and I want to get to work "
            "without dreading it.",
            consent=True,
            sender="demo",
        )
