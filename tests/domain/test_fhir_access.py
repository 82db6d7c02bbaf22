"""SMART scopes (v1 and v2) and FHIR search values, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import fhir_access as fa


@pytest.mark.parametrize(
    ("scopes", "resource_type", "interaction", "allowed"),
    [
        (["patient/*.read"], "Observation", "read", True),
        (["patient/*.read"], "Observation", "search", True),
        (["patient/*.read"], "QuestionnaireResponse", "create", False),
        (["user/Observation.read"], "Observation", "search", True),
        (["user/Observation.read"], "Condition", "read", False),
        (["user/Observation.rs"], "Observation", "read", True),
        (["user/Observation.r"], "Observation", "search", False),
        (["user/Observation.s"], "Observation", "read", False),
        (["system/*.rs"], "Goal", "search", True),
        (["patient/QuestionnaireResponse.c"], "QuestionnaireResponse", "create", True),
        (["patient/QuestionnaireResponse.write"], "QuestionnaireResponse", "create", True),
        (["patient/QuestionnaireResponse.write"], "QuestionnaireResponse", "read", False),
        (["patient/*.*"], "CarePlan", "create", True),
        (["launch/patient", "openid"], "Patient", "read", False),
    ],
)
def test_a_scope_allows_what_smart_says(scopes, resource_type, interaction, allowed):
    assert fa.allows(scopes, resource_type, interaction) is allowed


@pytest.mark.parametrize(
    "scope",
    [
        "patient/*.sr",
        "patient/*.rr",
        "patient/*.x",
        "patient/*.",
        "admin/*.read",
        "user/Obs-1.rs",
        "read",
    ],
)
def test_malformed_scopes_are_not_scopes(scope):
    assert not fa.is_scope(scope)
    with pytest.raises(fa.ScopeError):
        fa.parse_scope(scope)


def test_context_scopes_grant_nothing_but_are_scopes():
    for scope in ("launch", "launch/patient", "offline_access", "fhirUser"):
        assert fa.is_scope(scope)
        assert fa.parse_scope(scope) is None
    assert fa.contexts(["launch", "user/*.rs", "patient/Goal.r"]) == {"user", "patient"}


UTC = dt.UTC


def when(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2026", when(2026, 1, 1), when(2027, 1, 1)),
        ("2026-12", when(2026, 12, 1), when(2027, 1, 1)),
        ("2026-02", when(2026, 2, 1), when(2026, 3, 1)),
        ("2026-03-01", when(2026, 3, 1), when(2026, 3, 2)),
        ("2026-03-01T10:15:00Z", when(2026, 3, 1, 10, 15), when(2026, 3, 1, 10, 15, 1)),
        ("2026-03-01T10:15+01:00", when(2026, 3, 1, 9, 15), when(2026, 3, 1, 9, 16)),
    ],
)
def test_a_date_covers_the_range_of_its_precision(value, start, end):
    assert fa.date_range(value) == fa.DateRange(start, end)


DAY = fa.date_range("2026-03-01")  # a resource dated that day


@pytest.mark.parametrize(
    ("param", "matches"),
    [
        ("2026-03-01", True),
        ("eq2026-03", True),
        ("2026-03-02", False),
        ("ne2026-03-02", True),
        ("ge2026-03-01", True),
        ("ge2026-03-02", False),  # the edge: the day after
        ("gt2026-02-28", True),
        ("gt2026-03-01", False),
        ("le2026-03-01", True),
        ("le2026-02-28", False),
        ("lt2026-03-02", True),
        ("lt2026-03-01", False),
        ("sa2026-02-28", True),
        ("sa2026-03-01", False),
        ("eb2026-03-02", True),
        ("eb2026-03-01", False),
    ],
)
def test_date_prefixes_compare_ranges(param, matches):
    assert fa.date_param(param).matches(DAY) is matches


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-02-30", "xx2026", "26-03-01", ""])
def test_bad_dates_are_refused_with_a_reason(bad):
    with pytest.raises(fa.SearchValueError):
        fa.date_param(bad)


def test_tokens_match_with_or_without_a_system():
    codings = [
        ("http://loinc.org", "44261-6"),
        ("https://milepost.org/fhir/CodeSystem/instrument", "phq9"),
    ]
    assert fa.token_params("44261-6")[0].matches(codings)
    assert fa.token_params("http://loinc.org|44261-6")[0].matches(codings)
    assert not fa.token_params("http://snomed.info/sct|44261-6")[0].matches(codings)
    assert not fa.token_params("|44261-6")[0].matches(codings)
    either = fa.token_params("70274-6,phq9")
    assert any(t.matches(codings) for t in either)
    for bad in ("", "a,,b", "http://loinc.org|"):
        with pytest.raises(fa.SearchValueError):
            fa.token_params(bad)
