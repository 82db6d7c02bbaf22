from __future__ import annotations

import pytest

from milepost.domain.directory import geo


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("10025", None),
        ("10025-1234", None),
        (" 12210 ", None),
        ("00000", "There is no US ZIP code 00000."),
        ("99999", "There is no US ZIP code 99999."),
        ("1002", "Enter a 5-digit US ZIP code, e.g. 10025."),
        ("100250", "Enter a 5-digit US ZIP code, e.g. 10025."),
        ("abcde", "Enter a 5-digit US ZIP code, e.g. 10025."),
        ("", "Enter a 5-digit US ZIP code, e.g. 10025."),
    ],
)
def test_zip_codes_are_checked_against_the_offline_table(text, problem):
    assert geo.zip_problem(text) == problem


def test_a_zip_code_names_its_state():
    place = geo.place("12210")
    assert place is not None
    assert (place.state, place.city) == ("NY", "Albany")


def test_manhattan_to_albany_is_about_128_miles():
    a, b = geo.place("10025"), geo.place("12210")
    assert a is not None
    assert b is not None
    assert 125 < geo.miles(a.lat, a.lon, b.lat, b.lon) < 131
    assert geo.miles(a.lat, a.lon, a.lat, a.lon) == 0


def test_the_bounding_box_holds_every_point_within_the_radius():
    a = geo.place("10025")
    assert a
    lat0, lat1, lon0, lon1 = geo.bounding_box(a.lat, a.lon, 10)
    # The box's north edge is 10 miles away; its east edge at least 10 (the great circle
    # reaches further east than the parallel does).
    assert lat0 < a.lat < lat1
    assert geo.miles(a.lat, a.lon, lat1, a.lon) == pytest.approx(10, abs=0.01)
    assert geo.miles(a.lat, a.lon, a.lat, lon1) >= 10
    assert geo.miles(a.lat, a.lon, a.lat, lon0) >= 10
    # Near the pole every longitude is within reach.
    assert geo.bounding_box(89.99, 0, 50)[2:] == (-180.0, 180.0)
