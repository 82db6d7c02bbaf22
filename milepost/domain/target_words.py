"""Do a statement's words and its bound target say the same thing?

The SMART engine reads a target from a goal's or an objective's words (measure, baseline,
target value, comparator, deadline); the clinician binds the goal or objective to a Target
that progress is computed against. When the wording is changed afterwards the two can drift
apart: `compare` says where, in words the clinician reads next to the statement and in the
plan checks (decision 0312).

Only what the words state is compared: a statement that names no number does not disagree
on numbers, one that names no instrument does not disagree on the measure.

Pure Python: reads `milepost.domain.smart.Structure` and `milepost.domain.plans.Target`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.plans import Target
from milepost.domain.smart.model import Structure

# A deadline in days ("within 12 weeks") counts from the plan's date, but a target is often
# bound a few days after the plan was made: a due date this close to the one the words give
# agrees (a week, or a tenth of the time frame when that is longer).
MIN_DUE_SLACK_DAYS = 7
# The words' "per week" and the metric's period must be the same for numbers to compare.
_PERIOD_WORDS = {
    "per day": "day",
    "per week": "week",
    "per month": "month",
    "per session": "session",
}
_SYMBOL = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "=": "="}


def comparator_sign(comparator: str | None) -> str:
    """The sign a clinician reads for the engine's comparator code ('<=' is '≤')."""
    return _SYMBOL.get(comparator or "", comparator or "")


_WAY = {"<=": "down", "<": "down", ">=": "up", ">": "up"}
_EPSILON = 1e-9


@dataclass(frozen=True)
class Disagreement:
    """Where the words and the bound target differ.

    `fields` names what differs ("measure", "baseline", "target", "comparator", "due date");
    `words` and `bound` are short readings of each ("PHQ-9 ≤ 9 by week 12").
    """

    fields: tuple[str, ...]
    words: str
    bound: str

    @property
    def message(self) -> str:
        return f"The words say {self.words}; the bound target is {self.bound}."


def _number(value: float) -> str:
    return f"{value:g}"


def instrument_code(name: str | None) -> str | None:
    """The instrument code a name stands for ("PHQ9", "phq-9" → "phq9"), or None."""
    if not name:
        return None
    try:
        return instruments.get(name).code
    except UnknownInstrument:
        return None


def _measure_name(target: Target) -> str:
    if target.instrument:
        try:
            return instruments.get(target.measure).short_name
        except UnknownInstrument:
            return target.measure
    return target.measure


def _deadline_words(structure: Structure) -> str:
    deadline = structure.deadline
    if deadline is None:
        return ""
    if deadline.date is not None:
        return f"by {deadline.date.isoformat()}"
    if deadline.days is None:
        return ""
    if deadline.days % 7 == 0:
        return f"by week {deadline.days // 7}"
    return f"within {deadline.days} days"


def _reading(
    measure: str, baseline: float | None, comparator: str | None, target: float | None, when: str
) -> str:
    parts = [measure] if measure else []
    if target is not None:
        parts.append(f"{comparator_sign(comparator)} {_number(target)}".strip())
    if baseline is not None:
        parts.append(f"(from {_number(baseline)})")
    if when:
        parts.append(when)
    return " ".join(parts) or "no target"


def _due_from_words(structure: Structure, start: dt.date) -> tuple[dt.date, int] | None:
    """The due date the words give, with how many days either side still agree."""
    deadline = structure.deadline
    if deadline is None:
        return None
    if deadline.date is not None:
        return deadline.date, 1
    if deadline.days is None:
        return None
    return start + dt.timedelta(days=deadline.days), max(MIN_DUE_SLACK_DAYS, deadline.days // 10)


def _numbers_comparable(structure: Structure, target: Target) -> bool:
    """Numbers compare unless they give a change ("by 50%") rather than a value, or the
    target counts per day, week, month or session and the words do not say the same one
    ("1 every two weeks" against a weekly count is not compared)."""
    unit = (structure.unit or "").strip().lower()
    if unit == "%" and target.unit != "%":
        return False
    if target.period:
        return _PERIOD_WORDS.get(unit) == target.period
    return True


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _EPSILON * max(1.0, abs(a), abs(b))


def compare(structure: Structure, target: Target, *, start: dt.date) -> Disagreement | None:
    """Where the words' `structure` and the bound `target` disagree, or None.

    `start` is the date a deadline in days counts from: the plan's date, or the day the
    target was set (`target.set_on`), whichever agrees.
    """
    fields: list[str] = []
    words_code = instrument_code(structure.measure)
    if words_code is not None:
        bound_code = instrument_code(target.measure) if target.instrument else None
        if bound_code != words_code:
            fields.append("measure")
    same_measure = "measure" not in fields
    if same_measure and _numbers_comparable(structure, target):
        if (
            structure.baseline is not None
            and target.baseline is not None
            and not _same(structure.baseline, target.baseline)
        ):
            fields.append("baseline")
        if structure.target is not None and not _same(structure.target, target.target_value):
            fields.append("target")
    words_way = _WAY.get(structure.comparator or "")
    bound_way = _WAY.get(target.comparator)
    if words_way and bound_way and words_way != bound_way:
        fields.append("comparator")
    if (
        target.due_date is not None
        and not any(
            abs((target.due_date - due[0]).days) <= due[1]
            for anchor in {start, target.set_on or start}
            if (due := _due_from_words(structure, anchor)) is not None
        )
        and _due_from_words(structure, start) is not None
    ):
        fields.append("due date")
    if not fields:
        return None
    words_measure = instruments.get(words_code).short_name if words_code is not None else ""
    bound_measure = _measure_name(target)
    words = _reading(
        words_measure,
        structure.baseline,
        structure.comparator,
        structure.target,
        _deadline_words(structure),
    )
    bound = _reading(
        bound_measure,
        target.baseline,
        target.comparator,
        target.target_value,
        f"by {target.due_date.isoformat()}" if target.due_date is not None else "",
    )
    return Disagreement(fields=tuple(fields), words=words, bound=bound)


def rebound(structure: Structure, target: Target, *, start: dt.date) -> Target:
    """The bound target with what the words state where the two disagree, the rest kept.

    Only the fields `compare` found different are taken from the words, so a number the
    words give in another period than the metric's is never copied over.
    """
    found = compare(structure, target, start=start)
    if found is None:
        return target
    changes: dict[str, object] = {}
    if "measure" in found.fields:
        code = instrument_code(structure.measure)
        if code is not None:
            changes.update(measure=code, instrument=True, unit="points", period="")
            # Numbers on another measure say nothing about this one.
            changes["baseline"] = structure.baseline
            if structure.target is not None:
                changes["target_value"] = structure.target
    if "baseline" in found.fields:
        changes["baseline"] = structure.baseline
    if "target" in found.fields and structure.target is not None:
        changes["target_value"] = structure.target
    if ("comparator" in found.fields or "measure" in found.fields) and structure.comparator:
        changes["comparator"] = structure.comparator
    if "due date" in found.fields:
        due = _due_from_words(structure, start)
        if due is not None:
            changes["due_date"] = due[0]
    return dataclasses.replace(target, **changes)  # type: ignore[arg-type]
