"""`make bench-scale` compares each outcome report with a hand-written SQL statement: that
statement must read the same rows and give the same figures, or the ratio means nothing."""

from __future__ import annotations

import pytest

from bench.scale import GROUPINGS, hand_written
from milepost.outcomes.models import GroupCount
from milepost.outcomes.report_sql import COLUMNS, group_sums
from milepost.outcomes.selectors import Filters
from milepost.outcomes.services import outcomes_refresh
from milepost.outcomes.synthetic import Size, generate

pytestmark = pytest.mark.django_db

_COLUMNS = ("n", "a", "b", "c", "d", "e", "x")


@pytest.fixture
def organization():
    made = generate(Size(clients=60, administrations=600, goals=150), seed=11)
    outcomes_refresh(organization=made.organization)
    return made.organization


def _expected(organization, filters: Filters) -> dict[tuple[str, str], dict[str, float]]:
    """What the report sums, per family and key: the report's own statement, whose groups
    hold every family's sums side by side (a family absent from a group sums to 0 there)."""
    sums = group_sums(
        organization.pk,
        filters.group_by,
        instrument=filters.instrument,
        since=filters.since,
        until=filters.until,
    )
    out: dict[tuple[str, str], dict[str, float]] = {}
    for group in sums.groups:
        for (family, column), value in zip(COLUMNS, group.sums, strict=True):
            out.setdefault((family, group.key), {})[column] = value
    return out


def _got(organization, filters: Filters) -> dict[tuple[str, str], dict[str, float]]:
    """The hand-written statement's sums per family and key, every column, 0 where absent."""
    rows = hand_written(organization.pk, filters)
    out: dict[tuple[str, str], dict[str, float]] = {}
    keys = {key for _family, key in rows}
    for family, column in COLUMNS:
        index = _COLUMNS.index(column)
        for key in keys:
            sums = rows.get((family, key))
            out.setdefault((family, key), {})[column] = (sums[index] or 0) if sums else 0
    return out


def _same(got: dict, expected: dict) -> None:
    assert expected
    assert got.keys() == expected.keys()
    for key, sums in expected.items():
        assert got[key] == pytest.approx(sums)


def test_the_hand_written_statement_gives_the_reports_figures(organization):
    for group_by in GROUPINGS:
        filters = Filters(group_by=group_by)  # type: ignore[arg-type]
        _same(_got(organization, filters), _expected(organization, filters))
    periods = sorted(
        GroupCount.objects.filter(organization=organization).values_list("period", flat=True)
    )
    filtered = Filters(group_by="diagnosis", instrument="phq9", since=periods[len(periods) // 2])
    expected = _expected(organization, filtered)
    _same(_got(organization, filtered), expected)
    assert expected != _expected(organization, Filters(group_by="diagnosis"))
