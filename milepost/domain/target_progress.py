"""Progress toward one Target (of a goal or objective) from its dated values.

The values are an instrument's totals or a custom metric's observations. The verdicts
come from milepost.domain.progress: the on-track projection (least squares, decision
0104), the FHIR achievementStatus words, and for instruments the reliable change from
baseline to the latest value against the instrument's published threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from milepost.domain.instruments.model import Instrument
from milepost.domain.narrative import change_in_words
from milepost.domain.plans import Target
from milepost.domain.plurals import unit_for
from milepost.domain.progress import (
    AchievementStatus,
    Change,
    Comparator,
    Projection,
    achievement_status,
    change,
    project,
)

# FHIR Goal.achievementStatus codes in the words a clinician reads.
STATUS_WORDS: dict[str, str] = {
    "in-progress": "In progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No change",
    "achieved": "Achieved",
    "not-achieved": "Not achieved",
    "no-data": "No data yet",
}

_COMPARATOR_WORDS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "="}


@dataclass(frozen=True)
class TargetProgress:
    """Where a target stands today.

    ``fraction`` is the share of the way from baseline to target value that the latest
    value has come (0 at the baseline, 1 at the target; below 0 means further away, and
    None without a baseline or when baseline and target coincide).
    """

    points: int
    latest: float | None
    latest_on: dt.date | None
    baseline: float | None
    change: float | None
    fraction: float | None
    met: bool | None
    status: str
    projection: Projection | None
    instrument_change: Change | None

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def percent(self) -> int | None:
        """0–100; 100 only when the target is met (a strict "< 10" at 10 shows 99)."""
        if self.met:
            return 100
        if self.fraction is None:
            return None
        return min(99, round(max(0.0, self.fraction) * 100))


def target_words(target: Target, *, short_name: str | None = None) -> str:
    """The target as a phrase: "PHQ-9 ≤ 9 by 23 Mar 2027"."""
    measure = short_name or target.measure
    unit = "" if target.instrument else f" {unit_for(target.target_value, target.unit)}"
    period = f" per {target.period}" if target.period and not target.instrument else ""
    text = f"{measure} {_COMPARATOR_WORDS.get(target.comparator, target.comparator)} "
    text += f"{target.target_value:g}{unit}{period}"
    if target.due_date is not None:
        text += f" by {target.due_date.day} {target.due_date:%b %Y}"
    return text


def _meets(value: float, comparator: str, goal: float) -> bool:
    if comparator == "=":
        return value == goal
    return {
        "<=": value <= goal,
        "<": value < goal,
        ">=": value >= goal,
        ">": value > goal,
    }[comparator]


def _projection_comparator(target: Target) -> Comparator:
    # "Keep at 5" is tracked like "at least 5" when increasing, "at most" otherwise.
    if target.comparator in ("<=", "<", ">=", ">"):
        return target.comparator  # type: ignore[return-value]
    return ">=" if target.direction == "increase" else "<="


def target_verdict(
    target: Target, series: Sequence[tuple[dt.date, float]], *, today: dt.date
) -> tuple[bool | None, str, Projection | None]:
    """Whether the target is met, its status and its projection: those of
    `target_progress`, without the figures around them (for the caseload dashboard, which
    judges every target of a caseload and shows none of its figures)."""
    ordered = sorted(series, key=itemgetter(0))
    if not ordered:
        return None, "no-data", None
    return _verdict(target, ordered, today=today)


def _verdict(
    target: Target, ordered: Sequence[tuple[dt.date, float]], *, today: dt.date
) -> tuple[bool, str, Projection | None]:
    """Met, status and projection from values already in date order (at least one)."""
    met = _meets(ordered[-1][1], target.comparator, target.target_value)
    projection = None
    status: AchievementStatus | str
    if target.due_date is not None:
        comparator = _projection_comparator(target)
        projection = project(
            ordered, target=target.target_value, due=target.due_date, comparator=comparator
        )
        status = achievement_status(
            projection, comparator=comparator, due=target.due_date, today=today
        )
        if status == "achieved" and not met:  # "=" targets: the projection's ≥/≤ is looser
            status = "in-progress"
    else:
        status = "achieved" if met else "in-progress"
    return met, status, projection


def target_progress(
    target: Target,
    series: Sequence[tuple[dt.date, float]],
    *,
    today: dt.date,
    instrument: Instrument | None = None,
) -> TargetProgress:
    """Progress of `target` given its values (date, value), in any order."""
    ordered = sorted(series, key=itemgetter(0))
    if not ordered:
        return TargetProgress(
            points=0,
            latest=None,
            latest_on=None,
            baseline=target.baseline,
            change=None,
            fraction=None,
            met=None,
            status="no-data",
            projection=None,
            instrument_change=None,
        )
    latest_on, latest = ordered[-1]
    baseline = target.baseline
    delta = None if baseline is None else latest - baseline
    met, status, projection = _verdict(target, ordered, today=today)
    fraction = None
    # Only a baseline that does not yet meet the target has a way to go; for one that
    # already does (holding a gain), "share of the way" means nothing.
    if (
        baseline is not None
        and baseline != target.target_value
        and not _meets(baseline, target.comparator, target.target_value)
    ):
        fraction = (latest - baseline) / (target.target_value - baseline)
    instrument_change = None
    if instrument is not None and baseline is not None:
        instrument_change = change(instrument, baseline, latest)
    return TargetProgress(
        points=len(ordered),
        latest=latest,
        latest_on=latest_on,
        baseline=baseline,
        change=delta,
        fraction=fraction,
        met=met,
        status=status,
        projection=projection,
        instrument_change=instrument_change,
    )


def progress_in_words(progress: TargetProgress, target: Target) -> str:
    """One or two sentences a clinician reads at a glance."""
    if progress.latest is None:
        return "No values yet: record one to see progress."
    unit = "points" if target.instrument else target.unit
    text = f"Latest {progress.latest:g}"
    if progress.latest_on is not None:
        text += f" ({progress.latest_on.day} {progress.latest_on:%b %Y})"
    if progress.baseline is not None and progress.change is not None:
        if progress.change == 0:
            text += f", the same as the baseline of {progress.baseline:g}"
        else:
            way = "down" if progress.change < 0 else "up"
            text += f", {abs(progress.change):g} {unit} {way} from a baseline of "
            text += f"{progress.baseline:g}"
    if progress.percent is not None and not progress.met:
        text += f"; {progress.percent}% of the way to the target"
    text += "."
    if progress.met:
        text += " The target is met."
    if progress.instrument_change is not None:
        text += " " + change_in_words(progress.instrument_change)
    projection = progress.projection
    if projection is not None and not progress.met and projection.on_track is not None:
        if projection.on_track:
            text += " On track for the due date"
            if projection.expected_date is not None:
                day = projection.expected_date
                text += f" (expected by {day.day} {day:%b %Y})"
            text += "."
        else:
            text += " Not on track for the due date at the current rate."
    return text
