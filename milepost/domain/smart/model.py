"""What the SMART engine reads (GoalContext) and answers (Analysis): frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Severity of a Finding, most serious first.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

# `measure` values other than an instrument's short name (DESIGN.md).
GENERIC_MEASURES: tuple[str, ...] = ("count", "duration", "percent", "self-rating", "log")


@dataclass(frozen=True)
class Criterion:
    """One SMART criterion: met (None = cannot judge) and a one-line reason quoting the text."""

    met: bool | None
    why: str


@dataclass(frozen=True)
class Criteria:
    specific: Criterion
    measurable: Criterion
    achievable: Criterion
    relevant: Criterion
    time_bound: Criterion


@dataclass(frozen=True)
class Positive:
    """Approach (positive) wording; a reframe when the goal only removes something."""

    met: bool
    why: str
    reframe: str | None = None


@dataclass(frozen=True)
class Deadline:
    text: str
    days: int | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Structure:
    """The Target a goal describes, as extracted from its words."""

    measure: str | None = None
    baseline: float | None = None
    target: float | None = None
    comparator: str | None = None
    direction: str | None = None
    unit: str | None = None
    deadline: Deadline | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    fix: str


@dataclass(frozen=True)
class GoalContext:
    """What the clinician knows beyond the goal's words; every field is optional.

    Achievable and Relevant are judged from these when the text alone cannot settle them.
    `formulation_factors` are the formulation factors linked to the goal (None = unknown,
    an empty tuple = linked to none). `instrument` is an instrument code ("phq9") for the
    baseline when the text names none.
    """

    baseline: float | None = None
    instrument: str | None = None
    time_frame_days: int | None = None
    formulation_factors: tuple[str, ...] | None = None
    client_words: str | None = None
    endorsed: bool | None = None
    active_goals: int | None = None
    review_due: dt.date | None = None

    def is_empty(self) -> bool:
        return self == GoalContext()


@dataclass(frozen=True)
class Analysis:
    text: str
    criteria: Criteria
    positive: Positive
    structure: Structure
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    rewrite: str = ""
