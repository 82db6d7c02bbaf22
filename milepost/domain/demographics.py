"""Payer-facing vocabularies and identifier checks: administrative sex, the subscriber's
relationship to the client, the NPI check digit, the EIN and US ZIP code formats, phone
numbers. Pure Python: no Django. Each table names its published source.
"""

from __future__ import annotations

import re

# FHIR R4 AdministrativeGender (http://hl7.org/fhir/administrative-gender): the sex payers
# and claims use, not the client's gender identity (recorded separately, in their words).
ADMINISTRATIVE_SEX: tuple[tuple[str, str], ...] = (
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Other"),
    ("unknown", "Unknown"),
)
ADMINISTRATIVE_SEX_SYSTEM = "http://hl7.org/fhir/administrative-gender"

# FHIR SubscriberRelationshipCodes
# (http://terminology.hl7.org/CodeSystem/subscriber-relationship), used by Coverage.relationship.
SUBSCRIBER_RELATIONSHIP: tuple[tuple[str, str], ...] = (
    ("self", "Self"),
    ("spouse", "Spouse"),
    ("common", "Common law spouse"),
    ("child", "Child"),
    ("parent", "Parent"),
    ("injured", "Injured party"),
    ("other", "Other"),
)
SUBSCRIBER_RELATIONSHIP_SYSTEM = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"

# NPI: 10 digits, the last a Luhn check digit computed over the constant prefix 80840 (the
# ISO 7812 issuer prefix for US health) and the first 9 digits. Source: CMS, "Requirements for
# Constructing the National Provider Identifier (NPI) Check Digit".
NPI_PREFIX = "80840"
_NPI = re.compile(r"[0-9]{10}")
# EIN: nine digits, written NN-NNNNNNN (IRS, "Employer ID Numbers").
_EIN = re.compile(r"([0-9]{2})-?([0-9]{7})")
# US ZIP code: five digits, optionally ZIP+4 (USPS Publication 28).
_ZIP = re.compile(r"[0-9]{5}(?:-[0-9]{4})?")
# A phone number: digits with the usual separators; 7-15 digits (ITU-T E.164 allows 15).
_PHONE = re.compile(r"\+?[0-9 ().-]+")
PHONE_DIGITS = (7, 15)


def luhn_check_digit(digits: str) -> int:
    """The Luhn (mod 10) check digit to append to `digits`."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: the digit next to the check digit, and every other
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_problem(npi: str) -> str | None:
    """Why `npi` is not a valid NPI, or None."""
    if not _NPI.fullmatch(npi):
        return "An NPI is 10 digits, e.g. 1234567893."
    if luhn_check_digit(NPI_PREFIX + npi[:9]) != int(npi[9]):
        return (
            f"{npi} is not a valid NPI: its last digit does not match the check digit. "
            "Copy it again from the NPI registry (NPPES)."
        )
    return None


def normalise_ein(ein: str) -> str | None:
    """The EIN as NN-NNNNNNN, or None when it is not nine digits."""
    match = _EIN.fullmatch(ein.strip())
    return f"{match[1]}-{match[2]}" if match else None


def zip_ok(postal_code: str) -> bool:
    return bool(_ZIP.fullmatch(postal_code))


def phone_problem(phone: str) -> str | None:
    if not _PHONE.fullmatch(phone):
        return "Enter a phone number with digits, spaces, brackets or dashes only."
    digits = sum(char.isdigit() for char in phone)
    low, high = PHONE_DIGITS
    if not low <= digits <= high:
        return f"A phone number has {low} to {high} digits; this one has {digits}."
    return None


# USPS two-letter codes of the states, the District of Columbia and the territories
# (USPS Publication 28, Appendix B).
US_STATES: frozenset[str] = frozenset(
    (
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    )
)
# Member and group ids as insurers print them: letters, digits and dashes.
_INSURANCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")


def state_problem(state: str) -> str | None:
    if state not in US_STATES:
        return "Enter the two-letter US state code, e.g. NY."
    return None


def insurance_id_problem(value: str) -> str | None:
    if not _INSURANCE_ID.fullmatch(value):
        return "Use the letters, digits and dashes printed on the insurance card."
    return None
