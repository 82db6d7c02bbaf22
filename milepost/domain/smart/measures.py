"""The scales the engine recognises by name, read from `milepost.domain.instruments`.

Names, ranges and reliable-change thresholds of defined instruments come only from the
instrument registry, so nothing is duplicated here. Scales not yet defined as instruments
(lexicon.OTHER_SCALES) are recognised by name only: their digits are never read as numbers
and they are reported as the measure, but they carry no range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from milepost.domain import instruments as registry
from milepost.domain.smart import lexicon


@dataclass(frozen=True)
class Scale:
    """A measure the goal text can name."""

    code: str | None
    short_name: str
    total_min: float | None = None
    total_max: float | None = None
    higher_is_worse: bool | None = None
    reliable_change: float | None = None


@dataclass(frozen=True)
class Gazetteer:
    pattern: re.Pattern[str]
    by_group: tuple[Scale | None, ...]  # group index - 1 -> scale (None = generic acronym)
    by_code: dict[str, Scale]


def _name_pattern(name: str) -> str:
    """'PHQ-9' -> PHQ[\\s-]?9 ; letters and digits may be joined by a space, hyphen or nothing."""
    parts = re.findall(r"[A-Za-z]+|\d+", name)
    return r"[\s\-\u2010\u2011]?".join(re.escape(p) for p in parts)


def _scales_from_registry() -> list[tuple[Scale, tuple[str, ...]]]:
    found: list[tuple[Scale, tuple[str, ...]]] = []
    for inst in registry.all_instruments():
        rc = inst.reliable_change
        scale = Scale(
            code=inst.code,
            short_name=inst.short_name,
            total_min=float(inst.total_min),
            total_max=float(inst.total_max),
            higher_is_worse=bool(inst.higher_is_worse),
            reliable_change=float(rc) if rc is not None else None,
        )
        names = (inst.short_name, inst.name, *tuple(inst.aliases))
        found.append((scale, names))
    return found


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """One pattern over every known name; the matching group says which scale it is."""
    alternatives: list[tuple[str, str, Scale | None]] = []
    by_code: dict[str, Scale] = {}
    known: set[str] = set()
    for scale, names in _scales_from_registry():
        if scale.code:
            by_code[scale.code] = scale
        for name in names:
            key = re.sub(r"[\s\-]", "", name).lower()
            if not key or key in known:
                continue
            known.add(key)
            alternatives.append((name, f"(?i:{_name_pattern(name)})", scale))
    for name in lexicon.OTHER_SCALES:
        key = re.sub(r"[\s\-]", "", name).lower()
        if key in known:
            continue
        known.add(key)
        scale = Scale(code=None, short_name=name)
        # Acronyms match as written (so 'spin' or 'audit' the words are not scales).
        body = _name_pattern(name) if name.isupper() else f"(?i:{_name_pattern(name)})"
        alternatives.append((name, body, scale))
    # Bucket by first letter so each position tries only the names that can start there;
    # longest first within a bucket (so 'PHQ-15' beats 'PHQ').
    alternatives.sort(key=lambda a: (a[0][0].lower(), -len(a[0])))
    buckets: dict[str, list[str]] = {}
    for name, body, _ in alternatives:
        buckets.setdefault(name[0].lower(), []).append(f"({body})")
    parts = [
        f"(?=[{first}{first.upper()}])(?:" + "|".join(bodies) + ")"
        for first, bodies in buckets.items()
    ]
    # Any other upper-case acronym joined to a number by a hyphen ("SCL-90") is a scale too.
    parts.append(r"([A-Z]{2,6}(?:-[A-Z]{1,3})?-\d{1,3})")
    pattern = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z])(?:" + "|".join(parts) + r")(?![A-Za-z0-9])")
    return Gazetteer(
        pattern=pattern,
        by_group=(*(scale for _, _, scale in alternatives), None),
        by_code=by_code,
    )


def scale_for_code(code: str) -> Scale | None:
    return gazetteer().by_code.get(code)
