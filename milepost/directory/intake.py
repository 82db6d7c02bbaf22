"""The practice's clinicians as its own intake sees them for a referral (decision 1220).

Every active clinician or supervisor of the practice who has written a directory listing,
listed publicly or not: the listing is where they state their focus areas, approaches and
capacity. Room is computed as on the public listing (the active caseload against the stated
capacity). An unaudited building block: outcomes/access.py checks who asks, reads the
referral through access.py and adds the outcome figures the reader may see.

Nothing here reads a client record: the caseload is a count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models.functions import Coalesce

from milepost.accounts.models import CLINICAL_ROLES, Organization
from milepost.directory.models import Facet, FacetKind, Profile
from milepost.directory.selectors import caseload
from milepost.domain.directory import ranking


@dataclass(frozen=True)
class PracticeClinician:
    clinician_id: int
    key: str  # the listing's public id
    name: str
    focus_areas: frozenset[str]
    modalities: frozenset[str]
    room: ranking.Room


def practice_clinicians(organization: Organization, today: dt.date) -> list[PracticeClinician]:
    rows = list(
        Profile.objects.filter(
            organization=organization,
            clinician__is_active=True,
            clinician__membership__organization=organization,
            clinician__membership__role__in=CLINICAL_ROLES,
        )
        .annotate(caseload=Coalesce(caseload(), 0))
        .order_by("display_name", "pk")
        .values(
            "pk",
            "public_id",
            "clinician_id",
            "display_name",
            "capacity",
            "next_opening",
            "caseload",
        )
    )
    facets: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for profile_id, kind, value in Facet.objects.filter(
        profile_id__in=[r["pk"] for r in rows], kind__in=[FacetKind.FOCUS, FacetKind.MODALITY]
    ).values_list("profile_id", "kind", "value"):
        facets[profile_id][kind].add(value)
    return [
        PracticeClinician(
            clinician_id=r["clinician_id"],
            key=r["public_id"],
            name=r["display_name"],
            focus_areas=frozenset(facets[r["pk"]][FacetKind.FOCUS]),
            modalities=frozenset(facets[r["pk"]][FacetKind.MODALITY]),
            room=ranking.room(
                capacity=r["capacity"],
                caseload=r["caseload"],
                next_opening=r["next_opening"],
                today=today,
            ),
        )
        for r in rows
    ]
