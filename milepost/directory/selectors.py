"""The public search: the hard rules, the filters and the ranking in one SQL query over the
search rows (models.SearchRow), then the domain's reasons for the page shown.

Hard rules: the listing is shown (both opt-ins: it has search rows), the account is active,
its room was confirmed within `hidden_after_days`, and it holds an unexpired licence in the
person's state (telehealth is only ever offered where licensed, because every result must be
licensed in the state the person is in). The state's rows come from one index; every filter
and the score are read from the same rows. In person within a distance: a bounding box on
the office point, then the great-circle distance in SQL.

Order (domain.directory.ranking, computed by the database for every candidate, decision
1210): confirmed before unconfirmed, then the score (focus areas the words named, fitting
approaches, room, the share of the words the listing's text holds), then room, distance,
name. Only the page shown (PAGE_SIZE) leaves the database and is explained.

Nothing here reads client records: the caseload is a count of active clients per clinician.
Nothing here writes, logs or caches the person's words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from milepost.clients.models import CareTeamMember, ClientStatus
from milepost.directory.models import Licence, Payer, Profile
from milepost.domain.directory import geo, matching, ranking
from milepost.domain.directory.rules import rules

PAGE_SIZE = 20


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


@dataclass(frozen=True)
class ResultPage:
    results: list[Result]
    total: int  # results on every page
    number: int  # this page, from 1
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """The position of the first result shown, from 1 (0 when there are none)."""
        return (self.number - 1) * self.per_page + 1 if self.results else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.per_page + len(self.results)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def caseload() -> Subquery:
    """Active clients for whom the listing's clinician is the primary clinician (the intake's
    ranking annotates its listings with it)."""
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
    """Listings anyone may see, in any state (a prefilter: the exact day count is
    ranking.freshness)."""
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


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local day: whole local days since confirming, as in
    ranking.freshness, become a comparison of instants the index can serve."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


class _Sql:
    """The search's one query, written for the database at hand. Only constant SQL is
    joined here; every value the person chose is a parameter."""

    def __init__(self) -> None:
        self.postgresql = connection.vendor == "postgresql"
        self.params: dict[str, Any] = {}

    def p(self, value: Any) -> str:
        """A named parameter: the SQL is assembled in any order, the values follow."""
        name = f"p{len(self.params)}"
        if isinstance(value, dt.datetime):  # as the ORM would store it (SQLite: UTC text)
            value = connection.ops.adapt_datetimefield_value(value)
        elif isinstance(value, dt.date):
            value = connection.ops.adapt_datefield_value(value)
        self.params[name] = value
        return f"%({name})s"

    def has(self, key: str) -> str:
        """The row's facets include `key` ("|kind:value|"), case and all."""
        position = "STRPOS" if self.postgresql else "INSTR"
        return f"{position}(s.facet_keys, {self.p(key)}) > 0"

    def as_int(self, condition: str) -> str:
        return f"({condition})::int" if self.postgresql else f"({condition})"

    def text_share(self, terms: tuple[str, ...]) -> str:
        """The share of the person's terms (matching.terms) the row's own text contains:
        the stored tsvector on PostgreSQL, the FTS5 index on SQLite, each stemming both
        sides its own way (decision 1210)."""
        if not terms:
            return "0.0"
        if self.postgresql:
            any_ = " || ".join(f"plainto_tsquery('english', {self.p(t)})" for t in terms)
            found = " + ".join(
                self.as_int(f"s.search_vector @@ plainto_tsquery('english', {self.p(t)})")
                for t in terms
            )
            return (
                f"CASE WHEN s.search_vector @@ ({any_}) "
                f"THEN ({found})::float8 / {len(terms)} ELSE 0.0 END"
            )
        # Each term is a phrase of one word (letters and digits: nothing to escape).
        found = " + ".join(
            "(s.id IN (SELECT rowid FROM directory_searchrow_fts"  # noqa: S608  # nosec B608
            f" WHERE directory_searchrow_fts MATCH {self.p(chr(34) + t + chr(34))}))"
            for t in terms
        )
        return f"(({found}) * 1.0 / {len(terms)})"

    def miles(self, lat: float, lon: float) -> str:
        """Great-circle miles from (lat, lon) to the office, computed as geo.miles does."""
        p1 = math.radians(lat)
        least = "LEAST" if self.postgresql else "MIN"
        a = (
            f"POWER(SIN((RADIANS(s.office_lat) - {self.p(p1)}) / 2), 2)"
            f" + {self.p(math.cos(p1))} * COS(RADIANS(s.office_lat))"
            f" * POWER(SIN(RADIANS(s.office_lon - {self.p(lon)}) / 2), 2)"
        )
        return f"{self.p(2 * rules().earth_radius_miles)} * ASIN({least}(1.0, SQRT({a})))"

    def ordered(self, column: str) -> str:
        """Code-point order, as Python sorts (PostgreSQL's default collation may not be)."""
        return f'{column} COLLATE "C"' if self.postgresql else column


_CASELOAD = (
    "(SELECT COUNT(*) FROM clients_careteammember t"
    " JOIN clients_client k ON k.id = t.client_id"
    " WHERE t.clinician_id = {row}.clinician_id AND t.is_primary AND k.status = {status})"
)
_ORDER = (
    "{t}unconfirmed, {t}score DESC, {t}room_open DESC, COALESCE({t}near_miles, 0.0),"
    " {name}, {public_id}"
)


def _query(
    params: Search, today: dt.date, reading: matching.Reading, *, limit: int, offset: int
) -> tuple[str, dict[str, Any]]:
    """One statement: the state's rows, the hard rules and filters, the distance, the score
    of every candidate, their number, and the page's rows in order with its columns."""
    r = rules()
    q = _Sql()
    # The score's parts the words ask about (their weights are ranking's).
    points = [
        f"CASE WHEN {q.has(f'|focus:{focus}|')} THEN {ranking.FOCUS_POINTS * n} ELSE 0 END"
        for focus, n in sorted(Counter(need.focus for need in reading.needs).items())
    ] + [
        f"CASE WHEN {q.has(f'|modality:{code}|')} THEN {ranking.APPROACH_POINTS * n} ELSE 0 END"
        for code, n in sorted(Counter(fit.approach for fit in reading.fits).items())
    ]
    text_share = q.text_share(matching.terms(params.text))
    point = geo.place(params.zip_code) if params.zip_code else None
    distance = "CAST(NULL AS DOUBLE PRECISION)"
    if point is not None:
        distance = (
            "CASE WHEN s.in_person AND s.office_lat IS NOT NULL"
            f" THEN {q.miles(point.lat, point.lon)} END"
        )
    caseload = _CASELOAD.format(row="s", status=q.p(ClientStatus.ACTIVE))
    fresh_from = _day_start(today - dt.timedelta(days=r.confirm_every_days))
    columns = (
        f"SELECT s.id, s.profile_id, s.clinician_id, s.public_id, s.display_name, s.in_person,"
        f" s.telehealth, s.office_lat, s.capacity, s.next_opening, s.confirmed_at,"
        f" s.facet_keys,"
        f" CASE WHEN s.confirmed_at < {q.p(fresh_from)}"
        f" THEN 1 ELSE 0 END AS unconfirmed,"
        f" CASE WHEN COALESCE({caseload}, 0) < s.capacity THEN 1 ELSE 0 END AS room_open,"
        f" {' + '.join(points) or '0'} AS match_points,"
        f" {text_share} AS text_share,"
        f" {distance} AS miles"
    )
    where = [
        f"s.state = {q.p(params.state)}",
        f"s.expires_on >= {q.p(today)}",
        f"s.confirmed_at >= {q.p(_day_start(today - dt.timedelta(days=r.hidden_after_days)))}",
        # Per row by the primary key, never a scan of every account.
        "(SELECT u.is_active FROM accounts_user u WHERE u.id = s.clinician_id)",
    ]
    box = ""
    if point is not None and params.miles:
        lat0, lat1, lon0, lon1 = geo.bounding_box(point.lat, point.lon, params.miles)
        box = (
            f"s.in_person AND s.office_lat BETWEEN {q.p(lat0)} AND {q.p(lat1)}"
            f" AND s.office_lon BETWEEN {q.p(lon0)} AND {q.p(lon1)}"
        )
    if params.fmt == "in-person":
        where.append(f"({box})" if box else "s.in_person")
    elif params.fmt == "telehealth":
        where.append("s.telehealth")
    elif box:
        where.append(f"(({box}) OR s.telehealth)")
    for kind, value in (
        ("payer", params.insurance),
        ("focus", params.focus),
        ("modality", params.modality),
        ("language", params.language),
        ("age", params.age_group),
    ):
        if value:
            where.append(q.has(f"|{kind}:{value}|"))
    if params.fee is not None:
        where.append(f"(s.fee_min <= {q.p(params.fee)} OR s.sliding_scale OR s.fee_min IS NULL)")
    # Too far to meet in person: a telehealth listing for this person, or none.
    near, keep = "c.miles", "TRUE"
    if point is not None and params.miles:
        within = q.p(float(params.miles))
        near = f"CASE WHEN c.miles <= {within} THEN c.miles END"
        keep = f"(c.miles IS NULL OR c.miles <= {within}"
        keep += ")" if params.fmt == "in-person" else " OR c.telehealth)"
    order = _ORDER.format(t="", name=q.ordered("display_name"), public_id=q.ordered("public_id"))
    page_order = _ORDER.format(
        t="page.", name=q.ordered("page.display_name"), public_id=q.ordered("page.public_id")
    )
    page_caseload = _CASELOAD.format(row="page", status=q.p(ClientStatus.ACTIVE))
    states = (
        "string_agg(DISTINCT l.state, ',')" if q.postgresql else "group_concat(DISTINCT l.state)"
    )
    sql = f"""
WITH c AS MATERIALIZED (
  {columns}
  FROM directory_searchrow s
  WHERE {" AND ".join(where)}
), ranked AS (
  SELECT c.*, {near} AS near_miles,
         match_points + {ranking.ROOM_POINTS} * room_open + {ranking.TEXT_POINTS} * text_share
           AS score,
         COUNT(*) OVER () AS total
  FROM c WHERE {keep}
), page AS (
  SELECT * FROM ranked ORDER BY {order} LIMIT {q.p(limit)} OFFSET {q.p(offset)}
)
SELECT page.*, {page_caseload} AS caseload,
       (SELECT {states}
          FROM directory_licence l
          WHERE l.profile_id = page.profile_id AND l.expires_on >= {q.p(today)}) AS states,
       {", ".join(f"p.{f} AS page_{f}" for f in _PAGE_FIELDS)},
       p.photo IS NOT NULL AS page_has_photo
FROM page JOIN directory_profile p ON p.id = page.profile_id
ORDER BY {page_order}
"""  # noqa: S608  # nosec B608: constant SQL only; every value is a parameter
    return sql, q.params


def search_page(
    params: Search,
    *,
    page: int = 1,
    per_page: int | None = None,
    today: dt.date | None = None,
) -> ResultPage:
    """One page of results, best first, with how many there are in all."""
    per_page = per_page or PAGE_SIZE
    today = today or timezone.localdate()
    reading = matching.read(params.text)
    number = max(1, page)
    rows = _rows(params, today, reading, number, per_page)
    if not rows and number > 1:  # past the last page: the last page
        first = _rows(params, today, reading, 1, 1)
        number = max(1, math.ceil((first[0]["total"] if first else 0) / per_page))
        rows = _rows(params, today, reading, number, per_page)
    total = int(rows[0]["total"]) if rows else 0
    return ResultPage(_explain(rows, params, reading, today), total, number, per_page)


def _rows(
    params: Search, today: dt.date, reading: matching.Reading, number: int, per_page: int
) -> list[dict[str, Any]]:
    sql, values = _query(params, today, reading, limit=per_page, offset=(number - 1) * per_page)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def search(params: Search, *, today: dt.date | None = None) -> list[Result]:
    """The first page of results."""
    return search_page(params, today=today).results


def _explain(
    rows: list[dict[str, Any]], params: Search, reading: matching.Reading, today: dt.date
) -> list[Result]:
    """The reasons, room and page columns of the rows shown."""
    if not rows:
        return []
    focus = reading.focus_areas | ({params.focus} if params.focus else set())
    approaches = reading.approaches | ({params.modality} if params.modality else set())
    query = ranking.Query(
        state=params.state,
        fmt=params.fmt,
        insurance=params.insurance,
        focus=params.focus,
        modality=params.modality,
    )
    zone = timezone.get_current_timezone()
    results = []
    for r in rows:
        in_person = bool(r["in_person"])
        if params.miles and point_given(params) and in_person and r["office_lat"] is not None:
            in_person = r["near_miles"] is not None  # too far to meet: telehealth for them
        confirmed_at = r["confirmed_at"]
        if isinstance(confirmed_at, str):  # SQLite's raw rows
            confirmed_at = dt.datetime.fromisoformat(confirmed_at)
        if timezone.is_naive(confirmed_at):
            confirmed_at = timezone.make_aware(confirmed_at, dt.UTC)
        next_opening = r["next_opening"]
        if isinstance(next_opening, str):
            next_opening = dt.date.fromisoformat(next_opening)
        states = tuple(sorted((r["states"] or "").split(",") if r["states"] else ()))
        candidate = ranking.Candidate(
            key=r["public_id"],
            name=r["display_name"],
            states=states,
            focus_areas=frozenset(v for v in focus if f"|focus:{v}|" in r["facet_keys"]),
            modalities=frozenset(v for v in approaches if f"|modality:{v}|" in r["facet_keys"]),
            payers=frozenset(),
            in_person=in_person,
            telehealth=bool(r["telehealth"]),
            confirmed_on=confirmed_at.astimezone(zone).date(),
            capacity=r["capacity"],
            caseload=r["caseload"],
            next_opening=next_opening,
            distance=r["near_miles"],
            text_rank=float(r["text_share"] or 0.0),
        )
        match = ranking.explain(candidate, query, reading, today=today)
        page = {f: r[f"page_{f}"] for f in (*_PAGE_FIELDS, "has_photo")}
        for flag in ("in_person", "telehealth", "sliding_scale", "has_photo"):
            page[flag] = bool(page[flag])  # SQLite answers 0 or 1
        page["pk"] = r["profile_id"]
        results.append(Result(match, page, states, candidate.confirmed_on))
    return results


def point_given(params: Search) -> bool:
    return bool(params.zip_code) and geo.place(params.zip_code) is not None


# The page's columns read from the listing, for the rows shown only.
_PAGE_FIELDS = (
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
