from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from milepost.directory import selectors, services
from milepost.directory.models import Profile
from tests.directory.helpers import listed

pytestmark = pytest.mark.django_db


def names(results) -> list[str]:
    return [r.profile["display_name"] for r in results]


def search(*, today: dt.date | None = None, **values) -> list[selectors.Result]:
    return selectors.search(selectors.Search(**values), today=today)


def test_licensed_in_the_state_is_a_hard_rule(personas):
    listed(personas)
    assert names(search(state="NY")) == ["Alice Example", "Bob Example"]
    assert names(search(state="NJ")) == ["Alice Example"]
    assert names(search(state="CA")) == []


def _alice_ny_expires_in(personas, days: int) -> dt.date:
    made = listed(personas)
    services.licence_remove(actor=personas.alice, licence=made.alice_ny)
    expires = timezone.localdate() + dt.timedelta(days=days)
    services.licence_add(
        actor=personas.alice, state="NY", kind="LCSW", number="087452", expires_on=expires
    )
    return expires


def test_an_expired_licence_hides_the_listing_in_that_state_only(personas):
    expires = _alice_ny_expires_in(personas, 5)
    day_after = expires + dt.timedelta(days=1)
    assert names(search(state="NY", today=day_after)) == ["Bob Example"]
    assert names(search(state="NJ", today=day_after)) == ["Alice Example"]


def test_a_licence_expiring_today_still_counts(personas):
    expires = _alice_ny_expires_in(personas, 5)
    assert "Alice Example" in names(search(state="NY", today=expires))


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
    # As if alice had last confirmed 45, then 92 days ago (a direct write: sync its rows).
    Profile.objects.filter(pk=made.alice.pk).update(confirmed_at=now - dt.timedelta(days=45))
    services.search_rows_sync(made.alice)
    assert names(search(state="NY")) == ["Bob Example", "Alice Example"]
    Profile.objects.filter(pk=made.alice.pk).update(confirmed_at=now - dt.timedelta(days=92))
    services.search_rows_sync(made.alice)
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


def shares(text: str) -> dict[str, float]:
    return {
        r.profile["display_name"]: r.match.candidate.text_rank
        for r in search(state="NY", text=text)
    }


def test_the_words_also_rank_by_the_listings_own_text(personas):
    """The share of the person's words found in the listing's own text: PostgreSQL's
    tsvector and SQLite's FTS5 give the same (CI runs this on both)."""
    listed(personas)
    # Bob's statement says "relationships" (stemmed alike); alice's text neither word.
    assert shares("a psychodynamic relationship") == {"Bob Example": 1.0, "Alice Example": 0.0}
    # One word each: alice's "exposure", bob's "relationships" ("or" is a stop word).
    assert shares("exposure or relationships") == {"Alice Example": 0.5, "Bob Example": 0.5}
    assert shares("") == {"Alice Example": 0.0, "Bob Example": 0.0}


def test_results_come_in_pages_with_the_total(personas):
    listed(personas)
    everyone = names(search(state="NY"))
    first = selectors.search_page(selectors.Search(state="NY"), per_page=1)
    assert (first.total, first.pages, first.number) == (2, 2, 1)
    assert (first.previous, first.next) == (None, 2)
    second = selectors.search_page(selectors.Search(state="NY"), page=2, per_page=1)
    assert (second.first, second.last, second.previous, second.next) == (2, 2, 1, None)
    assert names(first.results) + names(second.results) == everyone
    # Past the last page: the last page.
    past = selectors.search_page(selectors.Search(state="NY"), page=9, per_page=1)
    assert (past.number, names(past.results)) == (2, names(second.results))
    none = selectors.search_page(selectors.Search(state="CA"), page=3)
    assert (none.total, none.number, none.results, none.first) == (0, 1, [], 0)
