"""Plan versions: what a signature is bound to (the content hash), when a review comes due,
and what changed between two versions.

Pure Python over the dataclasses of milepost.domain.plans. Parts of a later version point
to the part of the earlier one they were copied from (`origin`), so a comparison follows
each goal, objective and intervention across versions instead of guessing by wording.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.plans import Goal, Intervention, Objective, Plan, Target


def review_due(start: dt.date, interval_days: int) -> dt.date:
    """The day a plan signed (or reviewed) on `start` comes due for review.

    Calendar days on local dates: a plan signed on 30 November with a 90-day interval is due
    on 28 February (1 March in a leap year); the time of day and the server's zone play no
    part once the signing moment has been turned into the practice's local date.
    """
    if interval_days < 1:
        raise ValueError("a review interval is at least one day")
    return start + dt.timedelta(days=interval_days)


# --------------------------------------------------------------------------- content


def _target(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "measure": target.measure,
        "instrument": target.instrument,
        "baseline": target.baseline,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "direction": target.direction,
        "unit": target.unit,
        "period": target.period,
        "due_date": target.due_date.isoformat() if target.due_date else None,
    }


def _intervention(i: Intervention) -> dict[str, Any]:
    return {
        "modality": i.modality,
        "type": i.type,
        "frequency": i.frequency,
        "session_minutes": i.session_minutes,
        "responsible": i.responsible_id,
    }


def content(plan: Plan) -> dict[str, Any]:
    """Everything a signature vouches for, in order; ids and bookkeeping left out.

    Fields added after plans were first signed appear only when they hold something, so a
    version signed before they existed keeps its fingerprint.
    """
    added_later = (
        {"functional_impairment": plan.functional_impairment} if plan.functional_impairment else {}
    )
    return {
        "version": plan.version,
        "review_interval_days": plan.review_interval_days,
        "strengths": plan.strengths,
        **added_later,
        "discharge_criteria": plan.discharge_criteria,
        "diagnoses": [[d.code, d.text] for d in plan.diagnoses],
        "goals": [
            {
                "client_words": g.client_words,
                "statement": g.statement,
                "status": g.status,
                "factors": [f.text for f in g.factors],
                "target": _target(g.target),
                "objectives": [
                    {
                        "statement": o.statement,
                        "target": _target(o.target),
                        "interventions": [_intervention(i) for i in o.interventions],
                    }
                    for o in g.objectives
                ],
            }
            for g in plan.goals
        ],
    }


def content_hash(plan: Plan) -> str:
    """SHA-256 of the canonical JSON of `content(plan)`: equal content, equal hash."""
    canonical = json.dumps(content(plan), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Change:
    """One difference between two versions, in words, with what it was and what it is."""

    kind: str  # added | removed | reworded | retargeted | status | changed
    what: str  # "Goal 1", "Objective 1.2", "Intervention 1.2.1", "Strengths", "Diagnosis F32.1"
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class PlanDiff:
    older: int
    newer: int
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)


_SYMBOLS = {"<=": "≤", ">=": "≥"}


def _target_words(target: Target | None) -> str:
    if target is None:
        return "no target"
    measure = target.measure
    if target.instrument:
        with contextlib.suppress(UnknownInstrument):  # a code no longer bundled stays a code
            measure = instruments.get(target.measure).short_name
    unit = "" if target.instrument else f" {target.unit}"
    due = f" by {target.due_date.isoformat()}" if target.due_date else ""
    comparator = _SYMBOLS.get(target.comparator, target.comparator)
    return f"{measure} {comparator} {target.target_value:g}{unit}{due}"


def _same_target(a: Target | None, b: Target | None) -> bool:
    return _target(a) == _target(b)


Ancestry = dict[str, str]  # item id -> id of the item it was copied from


def _ancestry(plans: Sequence[Plan]) -> Ancestry:
    parents: Ancestry = {}
    for plan in plans:
        for goal in plan.goals:
            parents[goal.id] = goal.origin
            for objective in goal.objectives:
                parents[objective.id] = objective.origin
                for intervention in objective.interventions:
                    parents[intervention.id] = intervention.origin
    return parents


def _ancestor(origin: str, known: set[str], parents: Ancestry) -> str | None:
    """The first of `known` up the chain of copies from `origin` (versions in between)."""
    seen: set[str] = set()
    while origin and origin not in seen:
        if origin in known:
            return origin
        seen.add(origin)
        origin = parents.get(origin, "")
    return None


def _match[T: (Goal, Objective, Intervention)](
    older: tuple[T, ...], newer: tuple[T, ...], parents: Ancestry
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """(pairs, removed, added): a newer item pairs with the older one it descends from."""
    by_id = {item.id: item for item in older}
    pairs: list[tuple[T, T]] = []
    added: list[T] = []
    taken: set[str] = set()
    for item in newer:
        found = _ancestor(item.origin, set(by_id), parents)
        if found is not None and found not in taken:
            pairs.append((by_id[found], item))
            taken.add(found)
        else:
            added.append(item)
    removed = [item for item in older if item.id not in taken]
    return pairs, removed, added


def _interventions(
    label: str,
    older: tuple[Intervention, ...],
    newer: tuple[Intervention, ...],
    parents: Ancestry,
) -> list[Change]:
    changes: list[Change] = []
    pairs, removed, added = _match(older, newer, parents)
    for item in removed:
        changes.append(Change("removed", f"Intervention of {label}", before=item.modality))
    for before, after in pairs:
        if _intervention(before) != _intervention(after):
            changes.append(
                Change(
                    "changed",
                    f"Intervention of {label}",
                    before=_intervention_words(before),
                    after=_intervention_words(after),
                )
            )
    for item in added:
        changes.append(Change("added", f"Intervention of {label}", after=item.modality))
    return changes


def _intervention_words(i: Intervention) -> str:
    minutes = f", {i.session_minutes} min" if i.session_minutes else ""
    who = f", {i.responsible}" if i.responsible else ""
    return f"{i.modality} ({i.type}, {i.frequency}{minutes}{who})"


def _objectives(goal_label: str, older: Goal, newer: Goal, parents: Ancestry) -> list[Change]:
    changes: list[Change] = []
    pairs, removed, added = _match(older.objectives, newer.objectives, parents)
    for item in removed:
        changes.append(Change("removed", f"Objective of {goal_label}", before=item.statement))
    for before, after in pairs:
        label = f"Objective {newer.order}.{after.order}"
        if before.statement != after.statement:
            changes.append(Change("reworded", label, before.statement, after.statement))
        if not _same_target(before.target, after.target):
            changes.append(
                Change(
                    "retargeted", label, _target_words(before.target), _target_words(after.target)
                )
            )
        changes.extend(_interventions(label, before.interventions, after.interventions, parents))
    for item in added:
        label = f"Objective {newer.order}.{item.order}"
        changes.append(Change("added", label, after=item.statement))
    return changes


def compare(older: Plan, newer: Plan, *, between: Sequence[Plan] = ()) -> PlanDiff:
    """What was added, removed, reworded and re-targeted from `older` to `newer`.

    `between` are the versions in between (any order): a part of version 3 copied from
    version 2's copy of a version 1 part is that part, not a new one.
    """
    parents = _ancestry([*between, newer])
    changes: list[Change] = []
    for name, label in (
        ("strengths", "Strengths"),
        ("functional_impairment", "Functional impairment"),
        ("discharge_criteria", "Discharge criteria"),
        ("review_interval_days", "Review interval (days)"),
    ):
        before, after = getattr(older, name), getattr(newer, name)
        if before != after:
            changes.append(Change("changed", label, str(before), str(after)))
    old_codes = {d.code: d for d in older.diagnoses}
    new_codes = {d.code: d for d in newer.diagnoses}
    for code in sorted(old_codes.keys() - new_codes.keys()):
        changes.append(Change("removed", f"Diagnosis {code}", before=old_codes[code].text))
    for code in sorted(old_codes.keys() & new_codes.keys()):
        if old_codes[code].text != new_codes[code].text:
            changes.append(
                Change("reworded", f"Diagnosis {code}", old_codes[code].text, new_codes[code].text)
            )
    for code in sorted(new_codes.keys() - old_codes.keys()):
        changes.append(Change("added", f"Diagnosis {code}", after=new_codes[code].text))
    pairs, removed, added = _match(older.goals, newer.goals, parents)
    for goal in removed:
        changes.append(Change("removed", f"Goal {goal.order} of v{older.version}", goal.statement))
    for before, after in pairs:
        label = f"Goal {after.order}"
        if before.statement != after.statement:
            changes.append(Change("reworded", label, before.statement, after.statement))
        if before.client_words != after.client_words:
            changes.append(
                Change(
                    "reworded", f"{label}, client's words", before.client_words, after.client_words
                )
            )
        if before.status != after.status:
            changes.append(Change("status", label, before.status, after.status))
        old_factors = "; ".join(f.text for f in before.factors)
        new_factors = "; ".join(f.text for f in after.factors)
        if old_factors != new_factors:
            changes.append(
                Change("changed", f"{label}, factors it targets", old_factors, new_factors)
            )
        if not _same_target(before.target, after.target):
            changes.append(
                Change(
                    "retargeted", label, _target_words(before.target), _target_words(after.target)
                )
            )
        changes.extend(_objectives(label, before, after, parents))
    for goal in added:
        changes.append(Change("added", f"Goal {goal.order}", after=goal.statement))
    return PlanDiff(older=older.version, newer=newer.version, changes=tuple(changes))
