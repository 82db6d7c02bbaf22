from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from milepost.domain.directory import matching, ranking
from milepost.domain.directory.ranking import Candidate, Freshness, Query

TODAY = dt.date(2026, 12, 7)


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (0, Freshness.CONFIRMED),
        (30, Freshness.CONFIRMED),  # day 30: still confirmed
        (31, Freshness.UNCONFIRMED),  # day 31: sinks
        (90, Freshness.UNCONFIRMED),  # day 90: still shown (the No Surprises Act's 90 days)
        (91, Freshness.HIDDEN),  # day 91: hidden
    ],
)
def test_freshness_edges(age, expected):
    assert ranking.freshness(days_ago(age), TODAY) is expected


def test_a_listing_never_confirmed_is_hidden():
    assert ranking.freshness(None, TODAY) is Freshness.HIDDEN


@pytest.mark.parametrize(
    ("capacity", "caseload", "opening", "is_open", "label"),
    [
        (20, 19, None, True, "has room now"),
        (20, 20, None, False, "no room at present"),  # full at capacity
        (20, 25, None, False, "no room at present"),
        (0, 0, None, False, "no room at present"),
        (20, 5, TODAY, True, "has room now"),
        (20, 5, TODAY + dt.timedelta(days=30), True, "has room this month"),  # 30 days: soon
        (20, 5, TODAY + dt.timedelta(days=31), True, "next opening Jan 7"),  # 31: a date
    ],
)
def test_room_from_caseload_capacity_and_next_opening(capacity, caseload, opening, is_open, label):
    room = ranking.room(capacity=capacity, caseload=caseload, next_opening=opening, today=TODAY)
    assert (room.open, room.label) == (is_open, label)


def candidate(key: str, **values) -> Candidate:
    base: dict[str, Any] = {
        "key": key,
        "name": key.capitalize(),
        "states": ("NY",),
        "focus_areas": frozenset(),
        "modalities": frozenset(),
        "payers": frozenset(),
        "in_person": False,
        "telehealth": True,
        "confirmed_on": days_ago(1),
        "capacity": 10,
        "caseload": 0,
        "next_opening": None,
    }
    base.update(values)
    return Candidate(**base)


def test_each_result_says_why_it_matches():
    reading = matching.read("panic attacks on the train")
    match = ranking.explain(
        candidate("ana", modalities=frozenset({"cbt"}), next_opening=TODAY + dt.timedelta(days=9)),
        Query(state="NY", insurance="Aetna", fmt="telehealth"),
        reading,
        today=TODAY,
    )
    assert match.reasons == (
        "CBT for panic and agoraphobia",
        "in network with Aetna",
        "licensed in NY",
        "telehealth",
        "has room this month",
    )


def test_a_better_match_ranks_first_and_an_unconfirmed_listing_sinks():
    reading = matching.read("panic attacks")
    fits = candidate(
        "fits", focus_areas=frozenset({"panic and agoraphobia"}), modalities=frozenset({"cbt"})
    )
    plain = candidate("plain")
    stale_fit = candidate(
        "stale", focus_areas=fits.focus_areas, modalities=fits.modalities, confirmed_on=days_ago(40)
    )
    gone = candidate("gone", confirmed_on=days_ago(91))
    order = [
        m.candidate.key
        for m in ranking.rank([stale_fit, plain, gone, fits], Query("NY"), reading, today=TODAY)
    ]
    assert order == ["fits", "plain", "stale"]


def test_room_breaks_a_tie_and_names_keep_the_order_stable():
    full = candidate("aaron", caseload=10)
    open_ = candidate("zoe")
    other = candidate("mia")
    order = [m.candidate.key for m in ranking.rank([full, other, open_], Query("NY"), today=TODAY)]
    assert order == ["mia", "zoe", "aaron"]


def test_in_person_distance_is_a_reason():
    match = ranking.explain(
        candidate("ana", in_person=True, telehealth=False, distance=3.4),
        Query("NY", fmt="in-person"),
        today=TODAY,
    )
    assert "in person, 3 mi" in match.reasons
