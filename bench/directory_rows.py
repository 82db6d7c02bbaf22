"""A synthetic public directory for the benchmark: N listings across every state.

Benchmark data, never clinical data and never loaded by `make run` or the demo: organizations,
clinician accounts (no password), listings, facets and licences are bulk-created straight
into the tables, outside the services (no validation, no audit events), which is fine for
timing reads and never a way to make real records. Deterministic for a seed.

Shape: one practice per 50 listings, every practice opted in. Each listing has a home
state (every state, DC and territory with ZIP codes, alike) and a second licence in 30% of
cases; one licence in 20 has expired. 70% see clients in person at an office in a real ZIP
code of the home state, 80% offer telehealth; 2-5 focus areas, 1-3 approaches, English plus
Spanish for one in five, 1-3 age groups, 0-4 of twelve payers; capacity 0-30; last confirmed
0-100 days ago (so about a tenth are hidden and a fifth sink).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from functools import cache

PAYERS = (
    "Aetna", "Anthem", "BCBS", "Cigna", "Humana", "Kaiser", "Magellan", "Medicaid",
    "Medicare", "Optum", "Tricare", "UnitedHealthcare",
)  # fmt: skip
PER_PRACTICE = 50
BATCH = 5000
STATEMENTS = (
    "I help adults with anxiety, panic and worry using CBT and exposure.",
    "Psychodynamic therapy for relationships, early experiences and self-understanding.",
    "Trauma-focused work after accidents, assaults and loss.",
    "Couples and families: communication, conflict and repair.",
    "Depression, low mood and getting going again with behavioural activation.",
    "Teens and parents: school stress, mood and sleep.",
)


@cache
def zips_by_state() -> dict[str, list[str]]:
    from milepost.domain.directory import geo

    found: dict[str, list[str]] = defaultdict(list)
    for code, place in geo._table().items():
        found[place.state].append(code)
    return found


def generate(n: int, *, seed: int = 20261207) -> None:
    from django.db import transaction
    from django.utils import timezone

    from milepost.accounts.models import Organization, User
    from milepost.directory.models import DirectoryPractice, Facet, Licence, Profile
    from milepost.directory.services import search_rows_rebuild
    from milepost.domain.demographics import US_STATES
    from milepost.domain.directory import geo
    from milepost.domain.directory.rules import rules

    rng = random.Random(seed)
    r = rules()
    zips = zips_by_state()
    states = sorted(s for s in US_STATES if zips.get(s))
    now = timezone.now()
    today = timezone.localdate()
    focus, modalities = list(r.focus_areas), list(r.modalities)
    ages, populations = list(r.age_groups), list(r.populations)
    with transaction.atomic():
        orgs = Organization.objects.bulk_create(
            Organization(name=f"Synthetic Practice {i}")
            for i in range((n + PER_PRACTICE - 1) // PER_PRACTICE)
        )
        DirectoryPractice.objects.bulk_create(
            DirectoryPractice(organization=o, listed=True) for o in orgs
        )
        for start in range(0, n, BATCH):
            count = min(BATCH, n - start)
            users = User.objects.bulk_create(
                User(
                    email=f"synthetic-{start + i}@directory.example",
                    full_name=f"Synthetic Clinician {start + i}",
                    password="!",  # noqa: S106 (Django's mark of an unusable password)
                )
                for i in range(count)
            )
            profiles: list[Profile] = []
            homes: list[str] = []
            chosens: list[dict[str, list[str]]] = []
            for i, user in enumerate(users):
                home = rng.choice(states)
                homes.append(home)
                chosen = {
                    "focus": rng.sample(focus, rng.randint(2, 5)),
                    "modality": rng.sample(modalities, rng.randint(1, 3)),
                    "language": ["en", "es"] if rng.random() < 0.2 else ["en"],
                    "age": rng.sample(ages, rng.randint(1, 3)),
                    "population": rng.sample(populations, rng.randint(1, 2)),
                    "payer": rng.sample(PAYERS, rng.randint(0, 4)),
                }
                chosens.append(chosen)
                in_person = rng.random() < 0.7
                place = geo.place(rng.choice(zips[home])) if in_person else None
                fee = rng.choice((None, 80, 100, 120, 150, 180, 220))
                profiles.append(
                    Profile(
                        organization=orgs[(start + i) // PER_PRACTICE],
                        clinician=user,
                        listed=True,
                        display_name=user.full_name,
                        credentials=rng.choice(("LCSW", "LMHC", "PhD", "PsyD", "LMFT", "LPC")),
                        statement=rng.choice(STATEMENTS),
                        search_text=user.full_name + "\n" + rng.choice(STATEMENTS),
                        fee_min=fee,
                        fee_max=fee,
                        sliding_scale=rng.random() < 0.25,
                        in_person=place is not None,
                        telehealth=place is None or rng.random() < 0.7,
                        office_city=place.city if place else "",
                        office_state=place.state if place else "",
                        office_zip=place.zip_code if place else "",
                        office_lat=place.lat if place else None,
                        office_lon=place.lon if place else None,
                        capacity=rng.randint(0, 30),
                        next_opening=None
                        if rng.random() < 0.7
                        else today + dt.timedelta(days=rng.randint(1, 60)),
                        confirmed_at=now - dt.timedelta(days=rng.uniform(0, 100)),
                        facet_keys="".join(
                            f"|{kind}:{value}|"
                            for kind, values in chosen.items()
                            for value in values
                        ),
                    )
                )
            Profile.objects.bulk_create(profiles)
            facets: list[Facet] = []
            licences: list[Licence] = []
            for profile, home, chosen in zip(profiles, homes, chosens, strict=True):
                facets += [
                    Facet(profile=profile, kind=kind, value=value)
                    for kind, values in chosen.items()
                    for value in values
                ]
                held = [home] + ([rng.choice(states)] if rng.random() < 0.3 else [])
                for state in dict.fromkeys(held):
                    expired = rng.random() < 0.05
                    licences.append(
                        Licence(
                            profile=profile,
                            state=state,
                            kind=profile.credentials,
                            number=str(rng.randint(10_000, 999_999)),
                            expires_on=today + dt.timedelta(days=-30 if expired else 400),
                        )
                    )
            Facet.objects.bulk_create(facets, batch_size=BATCH)
            Licence.objects.bulk_create(licences, batch_size=BATCH)
    # The search's rows, as the services would have written them one listing at a time.
    search_rows_rebuild()
