"""The ICD-10-CM code set: real codes are found with their CMS description, made-up ones are
not, and categories are told apart from billable leaves."""

from __future__ import annotations

import pytest

from milepost.domain import icd10cm


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("F32.1", ("F32.1", "Major depressive disorder, single episode, moderate", True)),
        (" f411 ", ("F41.1", "Generalized anxiety disorder", True)),
        ("T74.11XA", ("T74.11XA", "Adult physical abuse, confirmed, initial encounter", True)),
        ("F32.A", ("F32.A", "Depression, unspecified", True)),
        ("F32", ("F32", "Depressive episode", False)),
        ("F43.1", ("F43.1", "Post-traumatic stress disorder (PTSD)", False)),
    ],
)
def test_codes_of_the_set(code, expected):
    info = icd10cm.lookup(code)
    assert info is not None
    assert (info.code, info.description, info.billable) == expected


@pytest.mark.parametrize("code", ["F32.19", "F99.9", "F32.19 Made-up code", "F30-F39", "", "5"])
def test_codes_not_in_the_set(code):
    assert icd10cm.lookup(code) is None


def test_a_category_suggests_the_codes_below_it():
    assert icd10cm.more_specific("F43.1") == ["F43.10", "F43.11", "F43.12"]
    assert icd10cm.more_specific("F43.10") == []
    assert icd10cm.more_specific("F32.19") == []
