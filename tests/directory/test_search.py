from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from milepost.directory import selectors, services
from milepost.directory.models import Licence, Profile
from tests.directory.helpers import listed

pytestmark = pytest.mark.django_db


def names(results) -> list[str]:
    return [r.profile["display_name"] for r in results]


def search(**values) -> list[selectors.Result]:
    return selectors.search(selectors.Search(**values))


def test_licensed_in_the_state_is_a_hard_rule(personas):
    listed(personas)
    assert names(search(state="NY")) == ["Alice Example", "Bob Example"]
    assert names(search(state="NJ")) == ["Alice Example"]
    assert names(search(state="CA")) == []


def test_an_expired_licence_hides_the_listing_in_that_state_only(personas):
    made = listed(personas)
    Licence.objects.filter(pk=made.alice_ny.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert names(search(state="NY")) == ["Bob Example"]
    assert names(search(state="NJ")) == ["Alice Example"]


def test_a_licence_expiring_today_still_counts(personas):
    made = listed(personas)
    Licence.objects.filter(pk=made.alice_ny.pk).update(expires_on=timezone.localdate())
    assert "Alice Example" in names(search(state="NY"))


def test_in_person_within_a_distance_of_a_zip(personas):
    listed(personas)
    # 10027 is a mile or so from the office at 10025; Albany (12210) is ~128 miles away.
    near = search(state="NY", zip_code="10027", miles=5, fmt="in-person")
    assert names(near) == ["Alice Example"]
    assert any(reason.startswith("in person, ") for reason in near[0].match.reasons)
    assert names(search(state="NY", zip_code="12210", miles=25, fmt="in-person")) == []
    # Without a format: far away, telehealth still reaches the person.
    far = search(state="NY", zip_code="12210", miles=25)
    assert names(far) == ["Alice Example", "Bob Example"]
    assert "in person" not in " ".join(far[0].match.reasons)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"insurance": "Aetna"}, ["Alice Example"]),
        ({"insurance": "Cigna"}, ["Bob Example"]),
        ({"insurance": "Humana"}, []),
        ({"focus": "panic and agoraphobia"}, ["Alice Example"]),
        ({"modality": "psychodynamic"}, ["Bob Example"]),
        ({"language": "es"}, ["Alice Example"]),
        ({"age_group": "teens"}, []),
        ({"fee": 119}, ["Bob Example"]),  # alice's fee starts at 120; bob states none
        ({"fee": 120}, ["Alice Example", "Bob Example"]),
        ({"fmt": "telehealth"}, ["Alice Example", "Bob Example"]),
    ],
)
def test_filters(personas, filters, expected):
    listed(personas)
    assert names(search(state="NY", **filters)) == expected


def test_the_persons_words_rank_and_explain(personas):
    listed(personas)
    panic = search(state="NY", text="I have panic attacks on the subway", insurance="Aetna")
    assert panic[0].match.reasons[:2] == (
        "CBT for panic and agoraphobia",
        "Exposure therapy for panic and agoraphobia",
    )
    assert "in network with Aetna" in panic[0].match.reasons
    assert "licensed in NY" in panic[0].match.reasons
    early = search(
        state="NY",
        text="I want to understand how my early experiences shape the way I relate to others",
    )
    assert early[0].profile["display_name"] == "Bob Example"
    assert early[0].match.reasons[0] == "Psychodynamic therapy for communication and relationships"


def test_room_comes_from_the_real_caseload(personas):
    listed(personas)
    # dana is alice's one active client: a capacity of 1 leaves no room.
    services.availability_confirm(actor=personas.alice, capacity=1, next_opening=None)
    result = next(r for r in search(state="NY") if r.profile["display_name"] == "Alice Example")
    assert not result.match.room.open
    services.availability_confirm(actor=personas.alice, capacity=2, next_opening=None)
    result = next(r for r in search(state="NY") if r.profile["display_name"] == "Alice Example")
    assert result.match.room.label == "has room now"


def test_unconfirmed_listings_sink_and_stale_ones_vanish(personas):
    made = listed(personas)
    now = timezone.now()
    Profile.objects.filter(pk=made.alice.pk).update(confirmed_at=now - dt.timedelta(days=45))
    assert names(search(state="NY")) == ["Bob Example", "Alice Example"]
    Profile.objects.filter(pk=made.alice.pk).update(confirmed_at=now - dt.timedelta(days=92))
    assert names(search(state="NY")) == ["Bob Example"]


def test_nothing_is_listed_without_both_opt_ins(personas):
    listed(personas)
    services.profile_update(actor=personas.bob, listed=False, display_name="Bob", telehealth=True)
    assert names(search(state="NY")) == ["Alice Example"]
    services.practice_listing_set(actor=personas.erin, listed=False)
    assert names(search(state="NY")) == []


def test_results_show_the_states_each_is_licensed_in(personas):
    listed(personas)
    result = search(state="NY")[0]
    assert result.states == ("NJ", "NY")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text rank is PostgreSQL's")
def test_on_postgresql_the_words_also_rank_by_full_text(personas):
    listed(personas)
    # Bob's statement names both words; alice's neither.
    results = {
        r.profile["display_name"]: r.match.candidate.text_rank
        for r in search(state="NY", text="psychodynamic relationships")
    }
    assert results["Bob Example"] > 0
    assert results["Alice Example"] < 1e-6
