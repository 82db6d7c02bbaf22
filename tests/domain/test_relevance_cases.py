"""The published relevance set: well-formed files, verbatim text, enough pairs and sites.

The files are described in tests/domain/cases/relevance/README.md. No database is used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent / "cases" / "relevance"
KINDS = {"own-case", "cross-case", "near-miss"}
AREAS = {
    "depression", "anxiety", "panic", "ocd", "trauma", "grief", "sleep", "substance", "eating",
    "couples", "family", "child", "adhd", "psychosis", "anger", "self-harm", "health", "other",
}  # fmt: skip


def _read(name: str) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{name}:{number} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{name}:{number} is not an object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def cases() -> dict[str, dict[str, Any]]:
    rows = _read("cases.jsonl")
    ids = [row["case"] for row in rows]
    assert len(ids) == len(set(ids)), "case ids repeat"
    return {row["case"]: row for row in rows}


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, Any]]:
    return _read("pairs.jsonl")


def test_cases_are_well_formed(cases: dict[str, dict[str, Any]]) -> None:
    for case_id, case in cases.items():
        assert re.fullmatch(r"c\d{3}", case_id)
        assert set(case) == {"case", "url", "site", "title", "area", "factors", "goals"}
        assert case["url"].startswith(("http://", "https://")), case_id
        assert case["site"], case_id
        assert not case["site"].startswith("www."), case_id
        assert case["title"].strip(), case_id
        assert case["area"] in AREAS, case_id
        for field in ("factors", "goals"):
            texts = case[field]
            assert texts, f"{case_id} has no {field}"
            assert all(isinstance(text, str) and text.strip() for text in texts), case_id
            assert len(texts) == len(set(texts)), f"{case_id} repeats a {field[:-1]}"


def test_enough_cases_and_sites(cases: dict[str, dict[str, Any]]) -> None:
    assert len(cases) >= 40
    assert len({case["site"] for case in cases.values()}) >= 25


def test_pairs_are_well_formed(
    cases: dict[str, dict[str, Any]], pairs: list[dict[str, Any]]
) -> None:
    keys = {"id", "case", "factor_cases", "kind", "goal", "factors", "relevant", "why"}
    ids = [pair["id"] for pair in pairs]
    assert len(ids) == len(set(ids)), "pair ids repeat"
    for pair in pairs:
        name = pair["id"]
        assert set(pair) == keys, name
        assert re.fullmatch(r"r\d{4}", name)
        assert pair["kind"] in KINDS, name
        assert isinstance(pair["relevant"], bool), name
        assert pair["why"].strip(), name
        assert pair["case"] in cases, name
        assert pair["factor_cases"], name
        assert all(case_id in cases for case_id in pair["factor_cases"]), name
        assert 1 <= len(pair["factors"]) <= 3, name
        if pair["kind"] == "own-case":
            assert pair["factor_cases"] == [pair["case"]], name
        if pair["kind"] == "cross-case":
            assert pair["case"] not in pair["factor_cases"], name


def test_goals_and_factors_are_verbatim(
    cases: dict[str, dict[str, Any]], pairs: list[dict[str, Any]]
) -> None:
    for pair in pairs:
        assert pair["goal"] in cases[pair["case"]]["goals"], pair["id"]
        published = {
            factor for case_id in pair["factor_cases"] for factor in cases[case_id]["factors"]
        }
        for factor in pair["factors"]:
            assert factor in published, pair["id"]
        # every listed factor case contributes at least one factor
        for case_id in pair["factor_cases"]:
            assert set(pair["factors"]) & set(cases[case_id]["factors"]), pair["id"]


def test_enough_pairs_and_a_balanced_label(pairs: list[dict[str, Any]]) -> None:
    assert len(pairs) >= 240
    share = sum(pair["relevant"] for pair in pairs) / len(pairs)
    assert 0.45 <= share <= 0.55, share
    for kind in KINDS:
        assert any(pair["kind"] == kind for pair in pairs), kind
    goal_factor = [(pair["goal"], tuple(sorted(pair["factors"]))) for pair in pairs]
    assert len(goal_factor) == len(set(goal_factor)), "a goal-factors pair repeats"
