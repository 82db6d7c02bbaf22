"""The directory's controlled lists and freshness rules, read from ``data/directory.toml``.

Focus areas are the SMART engine's concepts and modalities are the goal library's approaches,
so the directory, the plan checks and the library speak one vocabulary. Loading refuses a
modality that is not a library approach, and a missing or non-positive interval.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from milepost.domain.errors import DomainError
from milepost.domain.library import APPROACHES
from milepost.domain.smart.concepts import concept_map

DATA = Path(__file__).with_name("data") / "directory.toml"


class InvalidDirectoryData(DomainError):
    """directory.toml breaks a rule; the message names the key."""


@dataclass(frozen=True)
class Rules:
    confirm_every_days: int
    hidden_after_days: int
    soon_days: int
    text_max_chars: int
    max_miles: int
    earth_radius_miles: float
    modalities: dict[str, str]
    age_groups: dict[str, str]
    populations: dict[str, str]
    languages: dict[str, str]
    focus_areas: tuple[str, ...]
    stop_words: frozenset[str]
    max_terms: int


def _positive(table: dict[str, Any], key: str, where: str) -> Any:
    value = table.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise InvalidDirectoryData(f"directory.toml: [{where}] {key} must be a positive number")
    return value


def _labels(data: dict[str, Any], key: str) -> dict[str, str]:
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        raise InvalidDirectoryData(f"directory.toml: [{key}] is missing")
    for code, label in table.items():
        if not isinstance(label, str) or not label.strip():
            raise InvalidDirectoryData(f"directory.toml: [{key}] {code} has no label")
    return dict(table)


def parse(text: str) -> Rules:
    data = tomllib.loads(text)
    fresh = data.get("freshness", {})
    room = data.get("room", {})
    limits = data.get("limits", {})
    words = data.get("text", {})
    for name, table in (("freshness", fresh), ("room", room), ("limits", limits), ("text", words)):
        if not str(table.get("source", "")).strip():
            raise InvalidDirectoryData(f"directory.toml: [{name}] has no source")
    confirm = _positive(fresh, "confirm_every_days", "freshness")
    hidden = _positive(fresh, "hidden_after_days", "freshness")
    if confirm >= hidden:
        raise InvalidDirectoryData(
            "directory.toml: [freshness] confirm_every_days must be shorter than hidden_after_days"
        )
    modalities = _labels(data, "modalities")
    unknown = sorted(set(modalities) - set(APPROACHES))
    if unknown:
        raise InvalidDirectoryData(
            f"directory.toml: [modalities] {', '.join(unknown)} is not a goal-library approach"
        )
    ages = data.get("age_groups", [])
    if not ages:
        raise InvalidDirectoryData("directory.toml: [[age_groups]] is missing")
    stop_words = words.get("stop_words")
    if not isinstance(stop_words, str) or not stop_words.split():
        raise InvalidDirectoryData("directory.toml: [text] stop_words is missing")
    return Rules(
        confirm_every_days=int(confirm),
        hidden_after_days=int(hidden),
        soon_days=int(_positive(room, "soon_days", "room")),
        text_max_chars=int(_positive(limits, "text_max_chars", "limits")),
        max_miles=int(_positive(limits, "max_miles", "limits")),
        earth_radius_miles=float(_positive(limits, "earth_radius_miles", "limits")),
        modalities=modalities,
        age_groups={str(row["code"]): str(row["label"]) for row in ages},
        populations=_labels(data, "populations"),
        languages=_labels(data, "languages"),
        focus_areas=tuple(c.name for c in concept_map().concepts),
        stop_words=frozenset(stop_words.split()),
        max_terms=int(_positive(words, "max_terms", "text")),
    )


@cache
def rules() -> Rules:
    return parse(DATA.read_text(encoding="utf-8"))
