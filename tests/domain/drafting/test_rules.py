"""The drafting rules file is checked when it loads."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from milepost.domain import library, smart
from milepost.domain.drafting import InvalidDraftingRules, bundled
from milepost.domain.drafting.rules import parse


def _raw() -> dict[str, Any]:
    text = resources.files("milepost.domain.drafting").joinpath("data", "rules.toml").read_text()
    return tomllib.loads(text)


def test_the_bundled_rules_load() -> None:
    rules = bundled()
    assert {a.code for a in rules.areas} >= {"depression", "gad", "panic", "ptsd", "substance-use"}
    assert all(r.source for r in rules.maintaining)


def test_an_unknown_library_id_is_refused() -> None:
    raw = copy.deepcopy(_raw())
    raw["maintaining"][0]["responses"][0]["objective"] = "depression.objective.nope"
    with pytest.raises(InvalidDraftingRules, match="unknown library item"):
        parse(raw)


def test_an_unknown_key_is_refused() -> None:
    raw = copy.deepcopy(_raw())
    raw["maintaining"][0]["cue"] = ["x"]
    with pytest.raises(InvalidDraftingRules, match="unknown key cue"):
        parse(raw)


def test_a_baseline_pattern_needs_a_group_n() -> None:
    raw = copy.deepcopy(_raw())
    raw["objectives"][0]["baseline"] = r"(\d+) things"
    with pytest.raises(InvalidDraftingRules, match="group named n"):
        parse(raw)


def test_objectives_used_as_the_library_words_them_state_no_baseline() -> None:
    # Otherwise the library's example baseline would be drafted as the client's.
    rules = bundled()
    used = {r.objective for m in rules.maintaining for r in m.responses}
    for item_id in used - set(rules.objectives):
        structure = smart.analyse(library.get(item_id).text).structure
        assert structure.baseline is None, item_id
