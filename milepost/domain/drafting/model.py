"""What the drafting assistant reads (Intake) and writes (Draft): frozen dataclasses.

Every drafted item carries its sources: the intake phrase, the score or the library entry it
came from. What the intake does not say is a `ForClinician` note, never a drafted item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from milepost.domain.errors import DomainError


class InvalidIntake(DomainError, ValueError):
    """The intake cannot be drafted from; ``field`` names the field, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class IntakeScore:
    instrument: str  # the bundled instrument's code, e.g. "phq9"
    total: float
    date: dt.date | None = None


@dataclass(frozen=True)
class ExistingFactor:
    kind: str
    text: str


@dataclass(frozen=True)
class Intake:
    presenting_problem: str
    client_words: str = ""
    scores: tuple[IntakeScore, ...] = ()
    diagnoses: tuple[str, ...] = ()
    formulation: tuple[ExistingFactor, ...] = ()
    plan_date: dt.date | None = None
    review_interval_days: int = 90
    modality: str = ""  # the clinician's chosen modality, a code of the rules' modalities


@dataclass(frozen=True)
class Source:
    """Where an item came from.

    ``kind`` is "intake" (``ref`` names the intake field, ``quote`` the sentence), "score"
    (``ref`` the instrument), "diagnosis", "library" (``ref`` the library id), "rule" (``ref``
    the drafting rule) or "instrument" (a published fact of the instrument's data file).
    """

    kind: str
    ref: str
    quote: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref, "quote": self.quote}


@dataclass(frozen=True)
class ForClinician:
    """Something the intake does not say: left for the clinician, never drafted."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass(frozen=True)
class DraftFactor:
    id: str
    kind: str  # one of milepost.domain.plans.FACTOR_KINDS ("perpetuating" = maintaining)
    text: str
    sources: tuple[Source, ...]
    rule: str = ""


@dataclass(frozen=True)
class CycleItem:
    part: str  # situation, thoughts, emotions, behaviours
    text: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class DraftTarget:
    """A target in the SMART engine's structure, with the reasons for its numbers."""

    measure: str  # the instrument's short name, or the metric's name
    instrument: str  # the instrument code, or "" for a metric
    unit: str
    period: str
    baseline: float | None
    target: float | None
    comparator: str
    direction: str
    weeks: int
    due_date: dt.date
    reasons: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class DraftIntervention:
    id: str
    library_id: str
    modality: str
    description: str
    type: str
    frequency: str
    session_minutes: int | None
    factors: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class DraftObjective:
    id: str
    library_id: str
    statement: str
    target: DraftTarget | None
    interventions: tuple[DraftIntervention, ...]
    factors: tuple[str, ...]
    sources: tuple[Source, ...]
    for_clinician: tuple[ForClinician, ...] = ()
    analysis: dict[str, Any] = field(default_factory=dict, compare=False)
    findings: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class DraftGoal:
    id: str
    area: str
    library_id: str
    client_words: str
    statement: str
    target: DraftTarget | None
    factors: tuple[str, ...]
    objectives: tuple[DraftObjective, ...]
    sources: tuple[Source, ...]
    for_clinician: tuple[ForClinician, ...] = ()
    analysis: dict[str, Any] = field(default_factory=dict, compare=False)
    findings: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class Risk:
    """What the intake says about risk: only quotes, never a drafted statement."""

    mentioned: bool
    quotes: tuple[Source, ...]
    message: str


@dataclass(frozen=True)
class Draft:
    areas: tuple[str, ...]
    factors: tuple[DraftFactor, ...]
    cycle: tuple[CycleItem, ...]
    goals: tuple[DraftGoal, ...]
    risk: Risk
    for_clinician: tuple[ForClinician, ...]
    plan_findings: tuple[dict[str, str], ...]
    plan_date: dt.date
    review_due: dt.date

    def factor(self, factor_id: str) -> DraftFactor:
        return next(f for f in self.factors if f.id == factor_id)

    def item(self, item_id: str) -> DraftFactor | DraftGoal | DraftObjective | None:
        """The factor, goal or objective with this id (None when there is none)."""
        for f in self.factors:
            if f.id == item_id:
                return f
        for g in self.goals:
            if g.id == item_id:
                return g
            for o in g.objectives:
                if o.id == item_id:
                    return o
        return None
