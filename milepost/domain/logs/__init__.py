"""What one self-monitoring entry may hold, by its metric's unit (decision 0822).

Read from ``data/units.toml``: durations (hours, minutes) and scales (a 0–10 rating, a
percentage) have their own range and step; any other unit is a count of whole things.
`rule_for(unit, name)` gives the rule, `parse_value(text, rule)` reads what a client typed:
plain decimals only (no "2.5e2", "inf" or "1_0", which Python's float would take), on the
rule's step, within its range. Loading refuses a rule without a label, a range or a step.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "units.toml"

# Digits, then optionally a decimal point (or comma) and digits: nothing else.
_PLAIN = re.compile(r"\d{1,7}(?:[.,]\d{1,4})?|[.,]\d{1,4}")


class InvalidUnits(ValueError):
    """units.toml breaks a rule; the message names the entry."""


@dataclass(frozen=True)
class LogRule:
    kind: str  # "count", "duration" or "scale"
    label: str  # the amount field's label
    low: float
    high: float
    step: float
    default_one: bool  # an entry without an amount counts one
    ask_strength: bool

    @property
    def whole(self) -> bool:
        return float(self.step).is_integer()

    @property
    def input_mode(self) -> str:
        """The phone keyboard: digits only for whole numbers, with a decimal point else."""
        return "numeric" if self.whole else "decimal"

    def hint(self, unit: str) -> str:
        span = f"from {self.low:g} to {self.high:g}"
        if self.kind == "count":
            return f"A whole number {span}; leave empty to count one."
        if self.whole:
            return f"A whole number {span}."
        return f"A number {span}, for example {self.step * 6:g} or {self.step:g}."


@dataclass(frozen=True)
class _Table:
    count: dict[str, Any]
    by_unit: dict[str, tuple[str, dict[str, Any]]]
    strength_words: tuple[str, ...]


def _checked(row: dict[str, Any], where: str) -> dict[str, Any]:
    for key in ("label", "low", "high", "step"):
        if key not in row:
            raise InvalidUnits(f"units.toml: {where}: has no {key}")
    if not row["low"] < row["high"] or row["step"] <= 0:
        raise InvalidUnits(f"units.toml: {where}: the range or step is wrong")
    return row


def parse(text: str) -> _Table:
    data = tomllib.loads(text)
    count = _checked(dict(data.get("count", {})), "count")
    by_unit: dict[str, tuple[str, dict[str, Any]]] = {}
    for kind, group in (("duration", "durations"), ("scale", "scales")):
        for i, row in enumerate(data.get(group, [])):
            checked = _checked(dict(row), f"{group}[{i}]")
            for unit in row.get("units", []):
                key = unit.strip().lower()
                if key in by_unit:
                    raise InvalidUnits(f"units.toml: {group}[{i}]: {unit!r} is listed twice")
                by_unit[key] = (kind, checked)
    words = tuple(data.get("strength", {}).get("words", []))
    if not words or any(w != w.lower() or not w.strip() for w in words):
        raise InvalidUnits("units.toml: strength: words must be lower case and not empty")
    return _Table(count=count, by_unit=by_unit, strength_words=words)


@cache
def _table() -> _Table:
    return parse(DATA.read_text(encoding="utf-8"))


def _asks_strength(words: tuple[str, ...], *texts: str) -> bool:
    for text in texts:
        for word in re.findall(r"[a-z]+", text.lower()):
            if any(word.startswith(start) for start in words):
                return True
    return False


def rule_for(unit: str, name: str = "") -> LogRule:
    """The rule for one entry of a metric with this unit (and name)."""
    table = _table()
    kind, row = table.by_unit.get(unit.strip().lower(), ("count", table.count))
    return LogRule(
        kind=kind,
        label=str(row["label"]),
        low=float(row["low"]),
        high=float(row["high"]),
        step=float(row["step"]),
        default_one=bool(row.get("default_one", False)),
        ask_strength=kind == "count" and _asks_strength(table.strength_words, name, unit),
    )


def parse_value(text: str, rule: LogRule, unit: str = "") -> tuple[float | None, str]:
    """What the client typed as an amount: (the value, "") or (None, the message)."""
    raw = text.strip().replace(" ", "")
    if not _PLAIN.fullmatch(raw):
        return None, "Enter a number with digits only, for example 2 or 1.5."
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern allows only decimals
        return None, "Enter a number with digits only, for example 2 or 1.5."
    what = f" ({unit})" if unit and rule.kind != "scale" else ""
    if not Decimal(str(rule.low)) <= number <= Decimal(str(rule.high)):
        return None, f"Enter a number from {rule.low:g} to {rule.high:g}{what}."
    if number % Decimal(str(rule.step)) != 0:
        if rule.whole:
            return None, "Enter a whole number, for example 1 or 2."
        return None, f"Enter {unit or 'the amount'} in steps of {rule.step:g}, for example 1.5."
    return float(number), ""
