"""The public search: the hard rules as indexed SQL, then the domain's ranking.

Hard rules (SQL): the practice and the clinician opted in, the account is active, the
listing was confirmed within `hidden_after_days`, and the clinician holds an unexpired
licence in the person's state (telehealth is only ever offered where licensed, because
every result must be licensed in the state the person is in). In person within a distance:
a bounding box on the indexed office point, then the exact distance. Each filter on a
controlled list is an EXISTS on the facet index.

Nothing here reads client records: the caseload is a count of active clients per clinician.
Nothing here writes, logs or caches the person's words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from milepost.clients.models import CareTeamMember, ClientStatus
from milepost.directory.models import Facet, FacetKind, Licence, Payer, Profile
from milepost.domain.directory import geo, matching, ranking
from milepost.domain.directory.rules import rules

PAGE_SIZE = 50


@dataclass(frozen=True)
class Search:
    state: str
    zip_code: str = ""
    miles: int | None = None
    fmt: str = ""  # "in-person", "telehealth" or ""
    insurance: str = ""
    focus: str = ""
    modality: str = ""
    language: str = ""
    age_group: str = ""
    fee: int | None = None  # the most the person can pay per session
    text: str = ""  # the person's own words: read, never kept


@dataclass(frozen=True)
class Result:
    match: ranking.Match
    profile: dict[str, Any]
    states: tuple[str, ...]
    confirmed_on: dt.date | None


def caseload() -> Subquery:
    """Active clients for whom the listing's clinician is the primary clinician."""
    return Subquery(
        CareTeamMember.objects.filter(
            clinician=OuterRef("clinician_id"), is_primary=True, client__status=ClientStatus.ACTIVE
        )
        .values("clinician")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def caseload_of(profile: Profile) -> int:
    return CareTeamMember.objects.filter(
        clinician_id=profile.clinician_id, is_primary=True, client__status=ClientStatus.ACTIVE
    ).count()


def visible(today: dt.date | None = None) -> QuerySet[Profile]:
    """Listings anyone may see, in any state."""
    today = today or timezone.localdate()
    oldest = timezone.now() - dt.timedelta(days=rules().hidden_after_days + 1)
    return Profile.objects.filter(
        listed=True,
        organization__directory__listed=True,
        clinician__is_active=True,
        confirmed_at__gte=oldest,
    )


def licensed_in(state: str, today: dt.date) -> Exists:
    return Exists(
        Licence.objects.filter(profile=OuterRef("pk"), state=state, expires_on__gte=today)
    )


def _facet(kind: str, value: str) -> Exists:
    return Exists(Facet.objects.filter(profile=OuterRef("pk"), kind=kind, value=value))


def _text_rank(qs: QuerySet[Profile], text: str) -> QuerySet[Profile]:
    words = text.strip()[: rules().text_max_chars]
    if connection.vendor == "postgresql" and words:
        # The stored, GIN-indexed tsvector of migration 0002 (PostgreSQL only).
        rank = RawSQL(
            "ts_rank(directory_profile.search_vector, websearch_to_tsquery('english', %s))",
            (words,),
            output_field=FloatField(),
        )
        return qs.annotate(text_rank=rank)
    # SQLite (the embedded default): the words are matched through the concept map and the
    # library (matching.read) alone; full-text rank is PostgreSQL's.
    return qs.annotate(text_rank=Value(0.0, output_field=FloatField()))


def search(params: Search, *, today: dt.date | None = None) -> list[Result]:
    today = today or timezone.localdate()
    qs = visible(today).filter(licensed_in(params.state, today))
    point = geo.place(params.zip_code) if params.zip_code else None
    near = Q()
    if point is not None and params.miles:
        lat0, lat1, lon0, lon1 = geo.bounding_box(point.lat, point.lon, params.miles)
        near = Q(
            in_person=True,
            office_lat__gte=lat0,
            office_lat__lte=lat1,
            office_lon__gte=lon0,
            office_lon__lte=lon1,
        )
    if params.fmt == "in-person":
        qs = qs.filter(Q(in_person=True) & near)
    elif params.fmt == "telehealth":
        qs = qs.filter(telehealth=True)
    elif point is not None and params.miles:
        qs = qs.filter(near | Q(telehealth=True))
    for kind, value in (
        (FacetKind.PAYER, params.insurance),
        (FacetKind.FOCUS, params.focus),
        (FacetKind.MODALITY, params.modality),
        (FacetKind.LANGUAGE, params.language),
        (FacetKind.AGE, params.age_group),
    ):
        if value:
            qs = qs.filter(_facet(kind, value))
    if params.fee is not None:
        qs = qs.filter(Q(fee_min__lte=params.fee) | Q(sliding_scale=True) | Q(fee_min=None))
    qs = _text_rank(qs.annotate(caseload=Coalesce(caseload(), 0)), params.text)
    reading = matching.read(params.text)
    rows = list(qs.order_by().values(*_CANDIDATE_FIELDS))
    # Only the focus areas and approaches the words or filters ask about matter to ranking.
    focus = reading.focus_areas | ({params.focus} if params.focus else set())
    approaches = reading.approaches | ({params.modality} if params.modality else set())
    query = ranking.Query(
        state=params.state,
        fmt=params.fmt,
        insurance=params.insurance,
        focus=params.focus,
        modality=params.modality,
    )
    candidates: list[ranking.Candidate] = []
    pks: dict[str, int] = {}
    zone = timezone.get_current_timezone()  # localdate() per row costs more than the query
    for r in rows:
        distance = None
        in_person = bool(r["in_person"])
        if point is not None and in_person and r["office_lat"] is not None:
            distance = geo.miles(point.lat, point.lon, r["office_lat"], r["office_lon"])
            if params.miles and distance > params.miles:
                if params.fmt == "in-person" or not r["telehealth"]:
                    continue
                # Too far to meet in person: for this person, a telehealth listing.
                distance, in_person = None, False
        confirmed = r["confirmed_at"].astimezone(zone).date() if r["confirmed_at"] else None
        candidates.append(
            ranking.Candidate(
                key=r["public_id"],
                name=r["display_name"],
                states=(),
                focus_areas=frozenset(v for v in focus if f"|focus:{v}|" in r["facet_keys"]),
                modalities=frozenset(v for v in approaches if f"|modality:{v}|" in r["facet_keys"]),
                payers=frozenset(),
                in_person=in_person,
                telehealth=r["telehealth"],
                confirmed_on=confirmed,
                capacity=r["capacity"],
                caseload=r["caseload"],
                next_opening=r["next_opening"],
                distance=distance,
                text_rank=float(r["text_rank"] or 0.0),
            )
        )
        pks[r["public_id"]] = r["pk"]
    matches = ranking.rank(candidates, query, reading, today=today, limit=PAGE_SIZE)
    shown = [pks[m.candidate.key] for m in matches]
    # The page's columns, for the results shown only.
    by_pk = {
        row["pk"]: row
        for row in Profile.objects.filter(pk__in=shown).values(
            *_PAGE_FIELDS,
            has_photo=ExpressionWrapper(Q(photo__isnull=False), output_field=BooleanField()),
        )
    }
    states = licence_states(shown, today)
    return [
        Result(
            m,
            by_pk[pks[m.candidate.key]],
            states.get(pks[m.candidate.key], ()),
            m.candidate.confirmed_on,
        )
        for m in matches
    ]


# What ranking needs of every candidate; the page's other columns are read for the shown.
_CANDIDATE_FIELDS = (
    "pk",
    "public_id",
    "display_name",
    "in_person",
    "telehealth",
    "office_lat",
    "office_lon",
    "capacity",
    "caseload",
    "next_opening",
    "confirmed_at",
    "facet_keys",
    "text_rank",
)
_PAGE_FIELDS = (
    "pk",
    "public_id",
    "display_name",
    "credentials",
    "pronouns",
    "statement",
    "in_person",
    "telehealth",
    "office_city",
    "office_state",
    "fee_min",
    "fee_max",
    "sliding_scale",
)


def licence_states(profile_ids: list[int], today: dt.date) -> dict[int, tuple[str, ...]]:
    """The states each listing holds an unexpired licence in."""
    found: dict[int, set[str]] = defaultdict(set)
    for pid, state in Licence.objects.filter(
        profile_id__in=profile_ids, expires_on__gte=today
    ).values_list("profile_id", "state"):
        found[pid].add(state)
    return {pid: tuple(sorted(states)) for pid, states in found.items()}


def offered_payers() -> list[str]:
    """The insurance filter's choices: the payers of the practices in the directory (a
    small table, so the search page does not scan every listing's facets)."""
    return sorted(
        set(
            Payer.objects.filter(organization__directory__listed=True).values_list(
                "name", flat=True
            )
        )
    )
