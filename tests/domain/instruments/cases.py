"""Shared helpers for the instrument tests: case tables and answer builders."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from milepost.domain.instruments import Instrument
from milepost.domain.instruments.loader import load_file

CASES = Path(__file__).resolve().parent.parent / "cases" / "instruments"


def table(name: str) -> dict[str, Any]:
    with (CASES / name).open("rb") as fh:
        return tomllib.load(fh)


def blanks_to_none(values: list[Any]) -> list[int | None]:
    """TOML has no null: an empty string in a case table is a blank item."""
    return [None if value == "" else value for value in values]


def synthetic() -> Instrument:
    """The made-up higher-is-better test instrument (reverse item, gappy options)."""
    return load_file(CASES / "synthetic_wellbeing.toml")


def answers_for_total(instrument: Instrument, total: int) -> list[int | None]:
    """A complete set of answers whose total is exactly ``total``.

    Fills items in order with the answer worth the most points that still fits (for a
    reversed item that is its lowest answer); the tests check the resulting total, so a
    wrong builder fails rather than hides a bug.
    """
    answers: list[int | None] = []
    remaining = total - instrument.total_min
    for item in instrument.items:
        lowest = min(item.scored(v) for v in item.values)
        fitting = [v for v in item.values if item.scored(v) - lowest <= remaining]
        value = max(fitting, key=item.scored)
        answers.append(value)
        remaining -= item.scored(value) - lowest
    assert remaining == 0, f"cannot build a total of {total}"
    return answers
