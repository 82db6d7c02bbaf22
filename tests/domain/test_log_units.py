"""What one portal log entry may hold, by unit (milepost/domain/logs, decision 0822)."""

from __future__ import annotations

import pytest

from milepost.domain.logs import InvalidUnits, parse, parse_value, rule_for


@pytest.mark.parametrize(
    ("unit", "text", "value", "message"),
    [
        ("activities", "3", 3.0, ""),
        ("activities", "2.5e2", None, "digits only"),
        ("activities", "1_0", None, "digits only"),
        ("activities", "inf", None, "digits only"),
        ("activities", "0.001", None, "whole number"),
        ("activities", "250", None, "from 0 to 100"),
        ("hours", "1,5", 1.5, ""),
        ("hours", ".25", 0.25, ""),
        ("hours", "0.1", None, "steps of 0.25"),
        ("hours", "25", None, "from 0 to 24 (hours)"),
        ("minutes", "90", 90.0, ""),
        ("rating (0–10)", "11", None, "from 0 to 10."),
    ],
)
def test_values_are_read_by_unit(unit, text, value, message):
    got, said = parse_value(text, rule_for(unit), unit)
    assert got == value
    assert message in said


@pytest.mark.parametrize(
    ("name", "unit", "asks", "mode"),
    [
        ("Panic attacks", "attacks", True, "numeric"),
        ("Nightmares", "nightmares", True, "numeric"),
        ("Urges to drink", "urges", True, "numeric"),
        ("Pleasurable activities", "activities", False, "numeric"),
        ("Hours in bed during the day", "hours", False, "decimal"),
        ("Cigarettes", "cigarettes", False, "numeric"),
    ],
)
def test_strength_is_asked_only_of_what_is_felt(name, unit, asks, mode):
    rule = rule_for(unit, name)
    assert rule.ask_strength is asks
    assert rule.input_mode == mode


def test_the_table_refuses_a_rule_without_a_range():
    with pytest.raises(InvalidUnits, match="has no high"):
        parse('[count]\nlabel = "x"\nlow = 0\nstep = 1\n[strength]\nwords = ["a"]\n')
