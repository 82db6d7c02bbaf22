"""One generic engine that scores every instrument from its data.

``score(instrument, answers)`` validates the answers (one per item, in item order, ``None``
for a blank), applies reverse scoring, sums, handles blanks by the instrument's missing-item
rule, bands the total, scores subscales, raises flags and applies any provisional-diagnosis
rule. Flags never depend on the total: a PHQ-9 with too many blanks to score still raises
``self-harm`` when item 9 is answered above 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from milepost.domain.errors import InvalidAnswers
from milepost.domain.instruments.model import (
    Flag,
    Instrument,
    Item,
    ProvisionalDiagnosis,
    Rounding,
    Score,
)

Answers = Sequence[int | None]


def round_total(value: Fraction, rounding: Rounding) -> int:
    """Round a prorated total to a whole score (see docs/decisions/0101)."""
    if rounding == "half-up":
        return math.floor(value + Fraction(1, 2))
    if rounding == "half-even":
        return round(value)
    if rounding == "floor":
        return math.floor(value)
    return math.ceil(value)


def _check_value(item: Item, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswers(f"{value!r} is not a whole number", item=item.number)
    if value not in item.values:
        if item.contiguous:
            problem = f"{value} is out of range {item.min_value}\u2013{item.max_value}"
        else:
            allowed = ", ".join(str(v) for v in sorted(item.values))
            problem = f"{value} is not one of {allowed}"
        raise InvalidAnswers(problem, item=item.number)
    return value


def validate_answers(instrument: Instrument, answers: Answers) -> tuple[int | None, ...]:
    """Return the answers as a tuple, or raise :class:`InvalidAnswers` naming the item."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise InvalidAnswers(
            f"answers must be a list of item values, one per item, not {type(answers).__name__}"
        )
    n_items = len(instrument.items)
    if len(answers) < n_items:
        raise InvalidAnswers(
            f"no answer given; {instrument.short_name} has {n_items} items and {len(answers)} "
            "answers were given (leave a value empty to mark an item unanswered)",
            item=len(answers) + 1,
        )
    if len(answers) > n_items:
        raise InvalidAnswers(
            f"{instrument.short_name} has only {n_items} items; {len(answers)} answers were given",
            item=n_items + 1,
        )
    return tuple(
        _check_value(item, value) for item, value in zip(instrument.items, answers, strict=True)
    )


def _flags(instrument: Instrument, answers: tuple[int | None, ...]) -> tuple[Flag, ...]:
    return tuple(
        Flag(code=rule.code, severity=rule.severity, message=rule.message)
        for rule in instrument.flags
        if rule.fires(answers[rule.item - 1])
    )


def _prorate(points: Sequence[int | None], instrument: Instrument) -> tuple[int, Fraction]:
    answered = [p for p in points if p is not None]
    exact = Fraction(sum(answered) * len(points), len(answered))
    return round_total(exact, instrument.missing.rounding), exact


def _subscales(
    instrument: Instrument, points: tuple[int | None, ...], total_scorable: bool
) -> tuple[tuple[str, int | None], ...]:
    out: list[tuple[str, int | None]] = []
    for subscale in instrument.subscales:
        values = [points[n - 1] for n in subscale.items]
        if None not in values:
            out.append((subscale.code, sum(v for v in values if v is not None)))
        elif total_scorable and any(v is not None for v in values):
            # Blanks take the mean of this subscale's own answered items (docs/decisions/0103).
            out.append((subscale.code, _prorate(values, instrument)[0]))
        else:
            out.append((subscale.code, None))
    return tuple(out)


def _provisional(
    instrument: Instrument, points: tuple[int | None, ...], total: int | None
) -> ProvisionalDiagnosis | None:
    rule = instrument.provisional_diagnosis
    if rule is None:
        return None
    rule_met: bool | None = None
    if rule.count_rule is not None:
        # Three-valued: blanks can neither be counted as endorsed nor as not endorsed.
        verdicts: list[bool | None] = []
        for requirement in rule.count_rule.requirements:
            values = [points[n - 1] for n in requirement.items]
            endorsed = sum(1 for v in values if v is not None and v >= rule.count_rule.endorsed_at)
            blanks = values.count(None)
            if endorsed >= requirement.at_least:
                verdicts.append(True)
            elif endorsed + blanks < requirement.at_least:
                verdicts.append(False)
            else:
                verdicts.append(None)
        if False in verdicts:
            rule_met = False
        elif None in verdicts:
            rule_met = None
        else:
            rule_met = True
    cutoff_met: bool | None = None
    if rule.cutoff is not None and total is not None:
        cutoff_met = total >= rule.cutoff if instrument.higher_is_worse else total <= rule.cutoff
    return ProvisionalDiagnosis(
        rule_name=rule.count_rule.name if rule.count_rule else None,
        rule_met=rule_met,
        cutoff_value=rule.cutoff,
        cutoff_met=cutoff_met,
    )


def score(instrument: Instrument, answers: Answers) -> Score:
    """Score one administration of ``instrument``.

    Raises :class:`InvalidAnswers` (one line naming the item) for a wrong number of answers,
    a value that is not a whole number, or a value that is not an allowed answer.
    """
    values = validate_answers(instrument, answers)
    points = tuple(
        None if value is None else item.scored(value)
        for item, value in zip(instrument.items, values, strict=True)
    )
    n_items = len(points)
    missing = points.count(None)
    answered = n_items - missing
    rule = instrument.missing
    total: int | None
    exact: float | None
    reason = None
    if missing == 0:
        total = sum(p for p in points if p is not None)
        exact = float(total)
    elif rule.method == "prorate" and missing <= rule.max_missing:
        total, fraction = _prorate(points, instrument)
        exact = float(fraction)
    else:
        total = exact = None
        allowed = (
            f"with at most {rule.max_missing} blank"
            if rule.method == "prorate"
            else "only with every item answered"
        )
        reason = (
            f"{missing} of {n_items} items unanswered; "
            f"{instrument.short_name} can be scored {allowed}"
        )
    return Score(
        instrument=instrument.code,
        total=total,
        exact_total=exact,
        band=instrument.band_for(total) if total is not None else None,
        answered=answered,
        prorated=missing > 0 and total is not None,
        flags=_flags(instrument, values),
        subscales=_subscales(instrument, points, total is not None),
        provisional_diagnosis=_provisional(instrument, points, total),
        reason=reason,
    )
