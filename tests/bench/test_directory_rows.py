"""The synthetic directory (bench/directory_rows.py): listings the search can find, with
controlled values only, deterministic for a seed."""

from __future__ import annotations

import pytest

from bench.directory_rows import generate
from milepost.accounts.models import User
from milepost.directory import selectors
from milepost.directory.models import Facet, FacetKind, Licence, Profile
from milepost.domain.directory.rules import rules

pytestmark = pytest.mark.django_db


def test_it_makes_searchable_listings_from_controlled_lists():
    generate(300, seed=7)
    assert Profile.objects.count() == 300
    assert Licence.objects.values("state").distinct().count() > 30
    focus = set(Facet.objects.filter(kind=FacetKind.FOCUS).values_list("value", flat=True))
    assert focus <= set(rules().focus_areas)
    modalities = set(Facet.objects.filter(kind=FacetKind.MODALITY).values_list("value", flat=True))
    assert modalities <= set(rules().modalities)
    state = Licence.objects.values_list("state", flat=True).first()
    assert state is not None
    assert selectors.search(selectors.Search(state=state))


def test_the_same_seed_makes_the_same_directory():
    generate(50, seed=3)
    first = list(Licence.objects.order_by("id").values_list("state", "expires_on"))
    User.objects.filter(email__endswith="@directory.example").delete()  # and their listings
    generate(50, seed=3)
    second = list(Licence.objects.order_by("id").values_list("state", "expires_on"))
    assert first == second
