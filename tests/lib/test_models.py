"""apply_changes sets only what differs and says so, in the order it was asked, without
saving: the services save and audit the names it returns."""

from __future__ import annotations

import pytest

from milepost.accounts.models import User
from milepost.lib.models import apply_changes


def _ann() -> User:
    # Unsaved, and no database in these tests: a save would fail them.
    return User(email="ann@example.org", full_name="Ann Lee", credentials="LCSW", is_active=True)


@pytest.mark.parametrize(
    ("values", "changed"),
    [
        ({}, []),
        ({"full_name": "Ann Lee"}, []),
        ({"full_name": "Ann Lee", "credentials": "LCSW", "is_active": True}, []),
        ({"full_name": "Ann Mara Lee"}, ["full_name"]),
        ({"full_name": "Ann Lee", "credentials": "PhD"}, ["credentials"]),
        # The order given, not the model's field order.
        (
            {"is_active": False, "credentials": "", "full_name": "A. Lee"},
            ["is_active", "credentials", "full_name"],
        ),
        (
            {"credentials": "PhD", "full_name": "Ann Lee", "is_active": False},
            ["credentials", "is_active"],
        ),
    ],
)
def test_it_returns_the_fields_that_differ_in_the_order_given(values, changed):
    assert apply_changes(_ann(), values) == changed


def test_it_sets_the_fields_that_differ_and_leaves_the_others():
    ann = _ann()
    apply_changes(ann, {"full_name": "Ann Lee", "credentials": "PhD", "is_active": False})
    assert (ann.full_name, ann.credentials, ann.is_active) == ("Ann Lee", "PhD", False)
    assert ann.email == "ann@example.org"


def test_it_saves_nothing():
    ann = _ann()
    apply_changes(ann, {"credentials": "PhD"})
    assert ann.pk is None
