"""A treatment plan as plain frozen dataclasses: what the plan linter, exports and the
assistant read. Pure Python: no Django, no models (the plans app converts into these).

A plan holds diagnoses (ICD-10-CM), strengths, discharge criteria, a review interval and
goals → objectives → interventions; goals and objectives may carry a Target bound to an
instrument or to a custom metric. Goals link to the formulation's maintaining factors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from milepost.domain.errors import DomainError

# A plan version moves draft → signed (immutable) → superseded → closed.
PLAN_STATUSES: tuple[str, ...] = ("draft", "signed", "superseded", "closed")
GOAL_STATUSES: tuple[str, ...] = ("active", "met", "partially_met", "revised", "discontinued")
FACTOR_KINDS: tuple[str, ...] = ("predisposing", "precipitating", "perpetuating", "protective")
# The maintaining (perpetuating) factors are what goals link to.
MAINTAINING = "perpetuating"
INTERVENTION_TYPES: tuple[str, ...] = ("individual", "group", "family")
COMPARATORS: tuple[str, ...] = ("<=", "<", ">=", ">", "=")
DIRECTIONS: tuple[str, ...] = ("decrease", "increase", "maintain")
METRIC_PERIODS: tuple[str, ...] = ("day", "week", "month", "session")

# ICD-10-CM: a letter, a digit, a digit or letter; then optionally a dot and 1–4 more
# characters (the 7th may be a letter; "X" is the placeholder), e.g. F32.1, F43.10, T74.11XA.
_ICD10CM = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


class InvalidDiagnosisCode(DomainError, ValueError):
    """A diagnosis code is not written as an ICD-10-CM code."""


def normalise_icd10cm(code: str) -> str:
    """The code in its usual spelling (upper case, with the dot), or InvalidDiagnosisCode.

    Only the format is checked: whether the code exists in this year's code set is not.
    >>> normalise_icd10cm(" f321 ")
    'F32.1'
    """
    compact = "".join(str(code).split()).upper()
    if "." not in compact and len(compact) > 3:
        compact = f"{compact[:3]}.{compact[3:]}"
    if not _ICD10CM.fullmatch(compact):
        raise InvalidDiagnosisCode(
            f"{code.strip()[:20]!r} is not an ICD-10-CM code (a letter, two characters, "
            "then optionally a dot and up to four more, e.g. F32.1)"
        )
    return compact


@dataclass(frozen=True)
class FormulationFactor:
    id: str
    kind: str
    text: str

    @property
    def is_maintaining(self) -> bool:
        return self.kind == MAINTAINING


@dataclass(frozen=True)
class Formulation:
    """Presenting problems, the 5 Ps as individual factors, and the CBT cycle."""

    presenting_problems: str = ""
    factors: tuple[FormulationFactor, ...] = ()
    situation: str = ""
    thoughts: str = ""
    emotions: str = ""
    behaviours: str = ""

    def factors_of(self, kind: str) -> tuple[FormulationFactor, ...]:
        return tuple(f for f in self.factors if f.kind == kind)


@dataclass(frozen=True)
class Diagnosis:
    code: str
    text: str
    order: int = 1


@dataclass(frozen=True)
class Target:
    """The structured form of a goal or objective.

    `measure` is an instrument code ("phq9") when `instrument` is true, else the name of a
    custom metric (with its unit and period).
    """

    measure: str
    instrument: bool
    target_value: float
    comparator: str
    direction: str
    baseline: float | None = None
    unit: str = ""
    period: str = ""
    due_date: dt.date | None = None
    confirmed: bool = False
    # The day the target was last set: a deadline in days ("within 12 weeks") may count
    # from it as well as from the plan's date (decision 0312). Bookkeeping, not content: two
    # targets that say the same are equal whenever they were set.
    set_on: dt.date | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Intervention:
    id: str
    modality: str
    type: str
    frequency: str
    session_minutes: int | None = None
    responsible: str = ""  # the clinician's name as it reads now (for people)
    # The clinician's stable id: what a signature vouches for (a name or credential may
    # change later without the signed content changing).
    responsible_id: str = ""
    origin: str = ""  # the id of the item of the previous version this was copied from


@dataclass(frozen=True)
class Objective:
    id: str
    order: int
    statement: str
    target: Target | None = None
    interventions: tuple[Intervention, ...] = ()
    origin: str = ""


@dataclass(frozen=True)
class Goal:
    id: str
    order: int
    statement: str
    client_words: str = ""
    status: str = "active"
    factors: tuple[FormulationFactor, ...] = ()
    target: Target | None = None
    objectives: tuple[Objective, ...] = ()
    origin: str = ""

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Plan:
    id: str
    version: int
    status: str
    created_on: dt.date
    review_interval_days: int = 90
    strengths: str = ""
    discharge_criteria: str = ""
    functional_impairment: str = ""
    diagnoses: tuple[Diagnosis, ...] = ()
    goals: tuple[Goal, ...] = ()
    formulation: Formulation | None = field(default=None)

    @property
    def active_goals(self) -> tuple[Goal, ...]:
        return tuple(g for g in self.goals if g.is_active)

    @property
    def review_due(self) -> dt.date:
        """The first review falls one interval after the plan was made."""
        return self.created_on + dt.timedelta(days=self.review_interval_days)

    @property
    def targets(self) -> tuple[Target, ...]:
        found: list[Target] = []
        for goal in self.goals:
            if goal.target is not None:
                found.append(goal.target)
            found.extend(o.target for o in goal.objectives if o.target is not None)
        return tuple(found)
