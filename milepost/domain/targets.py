"""The rules a target's values follow: numbers in the measure's range, a due date not in the
past, and a direction that agrees with the comparator (decision 0308).

Pure Python: the plans service finds the measure (an instrument, or a custom metric's unit)
and, when no baseline is given, the client's latest value; `check_target` then judges what
the form holds and says which way the value should go. The messages are the ones the
clinician reads next to each field.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from milepost.domain.instruments.model import Instrument
from milepost.domain.plans import COMPARATORS, DIRECTIONS

# No self-monitored count, duration or rating comes near this; beyond it is a typing slip
# (and sums of squares in the projection would overflow).
MAX_METRIC_VALUE = 1_000_000
# A form filled in on a device whose clock runs a little fast is still "today", so a due
# date of what is still yesterday here is accepted.
CLOCK_SKEW = dt.timedelta(days=1)

# "≤ 9" means the value should come down to 9, "≥ 5" that it should go up to 5, whatever
# the baseline. "=" says neither: its direction is read from baseline and target.
IMPLIED_DIRECTION: dict[str, str] = {
    "<=": "decrease",
    "<": "decrease",
    ">=": "increase",
    ">": "increase",
}


@dataclass(frozen=True)
class TargetCheck:
    """What `check_target` found.

    ``errors`` maps a field name to its message (empty when the target may be saved).
    ``baseline`` is the one given, else the latest value passed in; ``direction`` the one
    chosen, else the one the comparator (or, for "=", baseline and target) implies.
    """

    errors: dict[str, str]
    target_value: float | None
    baseline: float | None
    direction: str


def is_blank(value: object) -> bool:
    """No value given: a form's empty field. (Zero is a value.)"""
    return value is None or value == ""


def implied_direction(comparator: str) -> str | None:
    """The direction a comparator implies: decrease for ≤ and <, increase for ≥ and >."""
    return IMPLIED_DIRECTION.get(comparator)


def _number(errors: dict[str, str], name: str, value: object) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        errors[name] = "Enter a number."
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors[name] = "Enter a number."
        return None
    if not math.isfinite(number):
        errors[name] = "Enter a number."
        return None
    return number


def _way(start: float | None, value: float | None) -> str:
    """The way from baseline to target ("=" says no more); "" when either is unknown."""
    if start is None or value is None:
        return ""
    if start == value:
        return "maintain"
    return "decrease" if value < start else "increase"


def check_target(
    *,
    target_value: object,
    baseline: object,
    comparator: object,
    direction: object,
    due_date: object,
    today: dt.date,
    instrument: Instrument | None = None,
    metric_unit: str | None = None,
    latest: float | None = None,
) -> TargetCheck:
    """Judge a target as a form holds it.

    `instrument` (its totals' range) or `metric_unit` (a custom metric's values are counts,
    never negative) says what the values are measured in; with neither, only the measure
    itself was refused and the values are judged without a range. `latest` is the client's
    latest value of the measure, the baseline when none is given. Messages are recorded in
    the order the fields are read, a later rule replacing an earlier message of its field.
    """
    errors: dict[str, str] = {}
    value = _number(errors, "target_value", target_value)
    if value is None and "target_value" not in errors:
        errors["target_value"] = "Enter the value to reach."
    start = _number(errors, "baseline", baseline)
    if comparator not in COMPARATORS:
        errors["comparator"] = "Choose how the value compares with the target (≤, <, ≥, >, =)."
    if direction and direction not in DIRECTIONS:
        errors["direction"] = "Choose decrease, increase or maintain."
    if not isinstance(due_date, dt.date) or isinstance(due_date, dt.datetime):
        errors["due_date"] = "Enter the date the target is due."
    elif due_date < today - CLOCK_SKEW:
        errors["due_date"] = "The due date cannot be in the past."

    if instrument is not None:
        low, high = instrument.total_min, instrument.total_max
        for name, number in (("target_value", value), ("baseline", start)):
            if number is not None and not low <= number <= high:
                errors[name] = (
                    f"{instrument.short_name} totals run from {low} to {high}; "
                    f"{number:g} is outside that range."
                )
    elif metric_unit is not None:
        for name, number in (("target_value", value), ("baseline", start)):
            if number is not None and number < 0:
                errors[name] = f"A count of {metric_unit} cannot be negative."
            elif number is not None and number > MAX_METRIC_VALUE:
                errors[name] = f"Enter a value up to {MAX_METRIC_VALUE:,}."
    if start is None and "baseline" not in errors:
        start = latest

    # The comparator says which way the value should go ("≤ 9" is a decrease), even when
    # the baseline already meets the target; only "=" is read from baseline and target.
    # A direction the clinician chose must agree with baseline and target.
    chosen = direction if isinstance(direction, str) else ""
    implied = implied_direction(str(comparator)) if "comparator" not in errors else None
    if chosen and implied and chosen in DIRECTIONS and chosen != implied:
        errors["direction"] = (
            f"“{comparator}” means the value should {implied}; "
            f"choose {implied.capitalize()} or change how it compares."
        )
    resolved = chosen
    if not direction and "comparator" not in errors:
        resolved = implied or _way(start, value)
        if not resolved:
            errors["direction"] = "Say whether the value should decrease, increase or stay."
    if (
        chosen
        and start is not None
        and value is not None
        and not errors.get("target_value")
        and chosen in ("decrease", "increase")
    ):
        if chosen == "decrease" and value > start:
            errors["target_value"] = (
                f"To decrease from a baseline of {start:g}, the target must be lower."
            )
        if chosen == "increase" and value < start:
            errors["target_value"] = (
                f"To increase from a baseline of {start:g}, the target must be higher."
            )
    return TargetCheck(errors=errors, target_value=value, baseline=start, direction=resolved)
