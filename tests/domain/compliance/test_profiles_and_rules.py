"""Payer profiles load and validate; the RULES table covers PL-01…PL-26 exactly; the docs list
every rule, check and profile; the package stays pure Python."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pytest

from milepost.domain import plan_checks
from milepost.domain.compliance import (
    CHECKS,
    DEFAULT_PROFILE,
    RULES,
    SOURCES,
    STATUSES,
    InvalidProfile,
    UnknownProfile,
    all_profiles,
    get_profile,
    profile_choices,
)
from milepost.domain.compliance.profiles import load_text
from milepost.domain.compliance.rules import ALL_CODES, NOT_SUPPORTED, pl_of
from milepost.domain.smart.model import SEVERITIES

DATA = resources.files("milepost.domain.compliance") / "data"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "compliance.md"
REQUIRED_PROFILES = {"default", "medicare-outpatient", "medicaid-90", "joint-commission-bh", "carf"}

GOOD = """
name = "Test payer"
description = "For tests."
sources = ["https://example.org/rule"]
review_interval_days = 90
"""


def test_every_profile_file_loads_with_its_file_name_as_key():
    names = sorted(e.name for e in DATA.iterdir() if e.name.endswith(".toml"))
    loaded = all_profiles()
    assert sorted(f"{key}.toml" for key in loaded) == names
    assert set(loaded) >= REQUIRED_PROFILES
    assert next(iter(loaded)) == DEFAULT_PROFILE
    for key, profile in loaded.items():
        assert profile.key == key
        assert profile.name, key
        assert profile.description, key
        assert profile.notes, key
        assert profile.sources
        assert all(s.startswith("http") for s in profile.sources)
        assert 1 <= profile.review_interval_days <= 365


def test_the_profiles_differ_where_their_sources_do():
    assert get_profile("medicare-outpatient").review_interval_days == 365
    assert get_profile("medicare-outpatient").plan_max_age_days == 365
    assert get_profile("medicaid-90").review_interval_days == 90
    assert get_profile("joint-commission-bh").discharge_discussed
    assert get_profile("joint-commission-bh").severity("no-standardised-measure", "x") == "error"
    assert not get_profile("medicare-outpatient").client_signature


def test_profile_sources_are_the_checklists_sources():
    known = set(SOURCES.values())
    for key, profile in all_profiles().items():
        assert set(profile.sources) <= known, key


def test_profile_choices_name_every_profile():
    assert [key for key, _ in profile_choices()] == list(all_profiles())


def test_an_unknown_profile_says_which_exist():
    with pytest.raises(UnknownProfile, match="medicaid-90"):
        get_profile("medicaid-30")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (GOOD.replace('name = "Test payer"\n', ""), "name"),
        (GOOD + "colour = 'blue'\n", "colour"),
        (
            GOOD.replace("review_interval_days = 90", "review_interval_days = 0"),
            "review_interval_days",
        ),
        (
            GOOD.replace("review_interval_days = 90", "review_interval_days = 400"),
            "review_interval_days",
        ),
        (
            GOOD.replace("review_interval_days = 90", 'review_interval_days = "90"'),
            "review_interval_days",
        ),
        (GOOD.replace("review_interval_days = 90\n", ""), "review_interval_days"),
        (GOOD.replace('["https://example.org/rule"]', '["example.org"]'), "sources"),
        (GOOD.replace('["https://example.org/rule"]', "[]"), "sources"),
        (GOOD + "[severity]\nno-diagnosis = 'fatal'\n", "severity.no-diagnosis"),
        (GOOD + "[severity]\nno-such-check = 'error'\n", "severity.no-such-check"),
        (GOOD + "[signatures]\nclient = 'yes'\n", "signatures.client"),
        (GOOD + "[signatures]\nwitness = true\n", "signatures.witness"),
        (GOOD + "initial_plan_days = -1\n", "initial_plan_days"),
        (GOOD + "discharge_discussed = 1\n", "discharge_discussed"),
        ("name = [", "(file)"),
    ],
)
def test_a_bad_profile_names_the_file_and_the_key(text, key):
    with pytest.raises(InvalidProfile) as caught:
        load_text(text, "acme.toml")
    assert str(caught.value).startswith(f"acme.toml: {key}: ")
    assert caught.value.key == key


def test_a_good_profile_takes_its_defaults():
    profile = load_text(GOOD, "acme.toml")
    assert (profile.key, profile.client_signature, profile.supervisor_cosign) == (
        "acme",
        True,
        False,
    )
    assert profile.initial_plan_days is None
    assert profile.no_improvement_reviews == 2


# --- the RULES table -------------------------------------------------------------------------


def test_rules_cover_pl_01_to_pl_26_exactly_once_in_order():
    assert [r.pl for r in RULES] == [f"PL-{n:02d}" for n in range(1, 27)]


def test_every_rule_has_a_status_a_one_sentence_reason_and_known_sources():
    for rule in RULES:
        assert rule.status in STATUSES, rule.pl
        assert rule.severity in SEVERITIES, rule.pl
        assert rule.why.endswith("."), rule.pl
        assert ". " not in rule.why, rule.pl
        assert rule.sources, rule.pl
        assert set(rule.sources) <= set(SOURCES), rule.pl
        assert bool(rule.codes) == (rule.status != NOT_SUPPORTED), rule.pl
        assert set(rule.codes) <= ALL_CODES, rule.pl


def test_each_code_belongs_to_one_rule_and_own_checks_name_theirs():
    listed = [code for rule in RULES for code in rule.codes]
    assert len(listed) == len(set(listed))
    for check in CHECKS:
        assert check.code in next(r for r in RULES if r.pl == check.pl).codes
        assert check.severity in SEVERITIES
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", check.code)
    assert not {c.code for c in CHECKS} & {c.code for c in plan_checks.CHECKS}


def test_plan_checks_codes_sit_under_the_rule_their_reference_names():
    for check in plan_checks.CHECKS:
        found = re.match(r"PL-\d\d", check.reference)
        assert pl_of(check.code) == (found.group(0) if found else ""), check.code


# --- docs and purity -------------------------------------------------------------------------


def test_the_docs_list_every_rule_with_its_status():
    docs = DOCS.read_text(encoding="utf-8")
    # Word for word, so a changed status or reason shows in the docs.
    rows = [f"| {r.pl} | {r.check} | {r.severity} | {r.status} | {r.why} |" for r in RULES]
    assert [row for row in rows if row not in docs] == []


def test_the_docs_name_every_check_and_profile():
    docs = DOCS.read_text(encoding="utf-8")
    assert [c.code for c in CHECKS if f"`{c.code}`" not in docs] == []
    assert [key for key in all_profiles() if f"`{key}`" not in docs] == []


def test_the_package_imports_only_the_standard_library_and_the_domain():
    allowed = {
        "__future__",
        "collections",
        "dataclasses",
        "datetime",
        "functools",
        "tomllib",
        "importlib",
        "typing",
    }
    package = Path(resources.files("milepost.domain.compliance"))  # type: ignore[arg-type]
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        outside = {
            m
            for m in imported
            if m and not m.startswith("milepost.domain") and m.split(".")[0] not in allowed
        }
        assert outside == set(), source.name
