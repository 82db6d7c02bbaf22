"""The database orders results exactly as the domain ranks them (decision 1210).

The search computes the hard rules, filters and score in one SQL statement over the search
rows. Here the same listings are read the plain way (profiles, licences, facets, the
caseload), ranked by `ranking.rank`, and compared result by result, reasons included, on a
synthetic directory with stale, sinking, expired, near and far listings. CI runs it on
PostgreSQL and on SQLite.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from bench.directory_rows import PAYERS, generate, zips_by_state
from milepost.directory import selectors
from milepost.directory.models import Facet, Licence, Profile
from milepost.domain.directory import geo, matching, ranking

pytestmark = pytest.mark.django_db

WORDS = ("", "I get panic attacks on the subway", "my partner and I argue all the time")


def _shares(state: str, text: str) -> dict[int, float]:
    """Each listing's share of the words, as the database finds them (its own test is
    test_search.test_the_words_also_rank_by_the_listings_own_text)."""
    sql = selectors._Sql()
    share = sql.text_share(matching.terms(text))
    state_param = sql.p(state)
    with connection.cursor() as cursor:
        where = f"WHERE s.state = {state_param}"
        cursor.execute(
            f"SELECT s.profile_id, {share} FROM directory_searchrow s {where}", sql.params
        )
        return {pid: float(value) for pid, value in cursor.fetchall()}


def _plain(params: selectors.Search, today: dt.date) -> list[ranking.Match]:
    """The listings a search shows, read without the search rows, in the domain's order."""
    reading = matching.read(params.text)
    shares = _shares(params.state, params.text)
    point = geo.place(params.zip_code) if params.zip_code else None
    query = ranking.Query(
        state=params.state,
        fmt=params.fmt,
        insurance=params.insurance,
        focus=params.focus,
        modality=params.modality,
    )
    candidates = []
    licensed = Licence.objects.filter(state=params.state, expires_on__gte=today)
    for profile in selectors.visible(today).filter(pk__in=licensed.values("profile_id")):
        facets = set(Facet.objects.filter(profile=profile).values_list("kind", "value"))
        wanted = [
            ("payer", params.insurance),
            ("focus", params.focus),
            ("modality", params.modality),
        ]
        if any(value and (kind, value) not in facets for kind, value in wanted):
            continue
        in_person, distance = profile.in_person, None
        if params.fmt == "telehealth" and not profile.telehealth:
            continue
        lat, lon = profile.office_lat, profile.office_lon
        if point is not None and in_person and lat is not None and lon is not None:
            distance = geo.miles(point.lat, point.lon, lat, lon)
            if params.miles and distance > params.miles:
                if params.fmt == "in-person" or not profile.telehealth:
                    continue
                distance, in_person = None, False
        if params.fmt == "in-person" and not in_person:
            continue
        candidates.append(
            ranking.Candidate(
                key=profile.public_id,
                name=profile.display_name,
                states=(),
                focus_areas=frozenset(v for k, v in facets if k == "focus"),
                modalities=frozenset(v for k, v in facets if k == "modality"),
                payers=frozenset(),
                in_person=in_person,
                telehealth=profile.telehealth,
                confirmed_on=timezone.localdate(profile.confirmed_at),
                capacity=profile.capacity,
                caseload=selectors.caseload_of(profile),
                next_opening=profile.next_opening,
                distance=distance,
                text_rank=shares.get(profile.pk, 0.0),
            )
        )
    return ranking.rank(candidates, query, reading, today=today)


def _searches(rng: random.Random) -> list[selectors.Search]:
    per_state = Counter(
        Licence.objects.filter(expires_on__gte=timezone.localdate()).values_list("state", flat=True)
    )
    zips = zips_by_state()
    searches = []
    for state, _ in per_state.most_common(3):
        searches.append(selectors.Search(state=state))
        for text in WORDS[1:]:
            searches.append(selectors.Search(state=state, text=text))
        # Near a ZIP code of the state's own offices, in person and either way.
        office = Profile.objects.filter(office_state=state).values_list("office_zip", flat=True)
        zip_code = next(iter(office), rng.choice(zips[state]))
        for fmt in ("", "in-person"):
            searches.append(
                selectors.Search(
                    state=state, zip_code=zip_code, miles=rng.choice((10, 60)), fmt=fmt
                )
            )
        searches.append(selectors.Search(state=state, fmt="telehealth", text=rng.choice(WORDS)))
        searches.append(selectors.Search(state=state, insurance=rng.choice(PAYERS)))
    return searches


def test_the_database_orders_as_the_domain_ranks():
    generate(400, seed=11)
    today = timezone.localdate()
    compared = 0
    for params in _searches(random.Random(3)):
        expected = _plain(params, today)
        page = selectors.search_page(params, per_page=500)
        assert page.total == len(expected), params
        got = [(r.match.candidate.key, r.match.reasons, r.match.freshness) for r in page.results]
        assert got == [(m.candidate.key, m.reasons, m.freshness) for m in expected], params
        compared += len(expected)
        # Paging walks the same order.
        pages = [
            r.match.candidate.key
            for n in range(1, min(3, math.ceil(len(expected) / 3)) + 1)
            for r in selectors.search_page(params, page=n, per_page=3).results
        ]
        assert pages == [m.candidate.key for m in expected[:9]], params
    assert compared > 100  # enough listings to mean something
