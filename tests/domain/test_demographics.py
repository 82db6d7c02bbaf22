"""Payer identifiers: the NPI's Luhn check digit over 80840, EIN, ZIP, phone and state."""

from __future__ import annotations

import pytest

from milepost.domain import demographics


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_valid_npis(npi):
    # 1234567893 is CMS's worked example; the others carry a valid check digit too.
    assert demographics.npi_problem(npi) is None


@pytest.mark.parametrize(
    ("npi", "why"),
    [
        ("1234567890", "does not match the check digit"),
        ("1234567894", "does not match the check digit"),
        ("123456789", "10 digits"),
        ("12345678a3", "10 digits"),
    ],
)
def test_invalid_npis(npi, why):
    problem = demographics.npi_problem(npi)
    assert problem is not None
    assert why in problem


def test_the_check_digit_is_luhn_over_the_80840_prefix():
    # CMS's example: 80840 + 123456789 → check digit 3.
    assert demographics.luhn_check_digit("80840123456789") == 3


@pytest.mark.parametrize(
    ("ein", "expected"), [("12-3456789", "12-3456789"), ("123456789", "12-3456789"), ("1234", None)]
)
def test_ein(ein, expected):
    assert demographics.normalise_ein(ein) == expected


def test_zip_phone_and_state():
    assert demographics.zip_ok("12207")
    assert demographics.zip_ok("12207-1234")
    assert not demographics.zip_ok("1220")
    assert demographics.phone_problem("+1 (212) 555-0143") is None
    assert demographics.phone_problem("12") is not None
    assert demographics.phone_problem("call me") is not None
    assert demographics.state_problem("NY") is None
    assert demographics.state_problem("XX") is not None
