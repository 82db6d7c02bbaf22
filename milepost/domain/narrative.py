"""Change said in words, for clinicians: the statistic first, then what it means.

"Reliable improvement: −9 points (threshold 6); no longer in the clinical range."
"""

from __future__ import annotations

from milepost.domain.progress import Change

MINUS = "\u2212"


def _points(value: float) -> str:
    magnitude = f"{abs(value):g}"
    unit = "point" if abs(value) == 1 else "points"
    if value == 0:
        return "no change in points"
    return f"{MINUS if value < 0 else '+'}{magnitude} {unit}"


def _headline(change: Change) -> str:
    match change.reliable_change:
        case "improved":
            return "Reliable improvement"
        case "deteriorated":
            return "Reliable deterioration"
        case "none":
            return "No reliable change"
        case _:
            return "Change"


def _caseness(change: Change) -> str | None:
    before, after = change.caseness_before, change.caseness_after
    if before is None or after is None:
        return None
    if before and not after:
        return "no longer in the clinical range"
    if not before and after:
        return "now in the clinical range"
    if before and after:
        return "still in the clinical range"
    return "below the clinical cut-off at both points"


def change_in_words(change: Change) -> str:
    """One sentence: reliable-change verdict, signed points, threshold, and clinical range."""
    text = f"{_headline(change)}: {_points(change.change)}"
    if change.threshold is not None:
        text += f" (threshold {change.threshold:g})"
    clinical = _caseness(change)
    if clinical:
        text += f"; {clinical}"
    if change.reliable_recovery:
        text += " — reliable recovery"
    return text + "."
