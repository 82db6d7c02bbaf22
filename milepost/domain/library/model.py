"""What the goal library holds: areas and items (goals, objectives, interventions) as
frozen dataclasses, and the errors it raises.

An item is a *starting point* for a plan, never the plan itself: a clinician picks one,
then personalises its numbers and words with the client (see :func:`scripted_match`).
"""

from __future__ import annotations

from dataclasses import dataclass

from milepost.domain import instruments
from milepost.domain.errors import DomainError
from milepost.domain.plans import INTERVENTION_TYPES, METRIC_PERIODS

# The three levels of a plan, in the order a file lists them and search shows them.
KINDS: tuple[str, ...] = ("goal", "objective", "intervention")

# The family of technique an intervention belongs to, so a clinician can browse "all the
# exposure work" or see at a glance that a goal has a psychodynamic rather than a CBT route.
APPROACHES: tuple[str, ...] = (
    "behavioural",
    "cbt",
    "compassion-focused",
    "exposure",
    "interpersonal",
    "mindfulness",
    "motivational",
    "psychodynamic",
    "referral",
    "safety",
    "skills",
    "systemic",
    "trauma-focused",
)

# How often an intervention typically happens; short words that fit the plans app's field.
FREQUENCIES: tuple[str, ...] = ("daily", "twice weekly", "weekly", "fortnightly", "monthly", "once")

__all__ = [
    "APPROACHES",
    "FREQUENCIES",
    "INTERVENTION_TYPES",
    "KINDS",
    "METRIC_PERIODS",
    "Area",
    "InvalidLibraryData",
    "LibraryItem",
    "Measure",
    "Metric",
    "UnknownLibraryItem",
]


class UnknownLibraryItem(DomainError, LookupError):
    """No library item has this id."""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        # Ids come from URLs and forms: show a bounded, printable excerpt only.
        shown = "".join(ch for ch in str(item_id)[:80] if ch.isprintable())
        super().__init__(f"unknown library item {shown!r}")


class InvalidLibraryData(DomainError):
    """A library data file is malformed; the message names the file, the item and the field."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source = source
        self.where = where
        super().__init__(f"{source}: {where}: {problem}")


@dataclass(frozen=True)
class Metric:
    """A custom measure such as "Panic attacks" counted in "attacks" per "week"."""

    name: str
    unit: str
    period: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.unit} per {self.period})"


@dataclass(frozen=True)
class Measure:
    """What tracks a goal or objective: exactly one of an instrument code or a metric.

    ``instrument`` is a bundled instrument code ("phq9") or None; ``metric`` is the custom
    metric or None. The plans app binds a Target to one or the other (decision 0302).
    """

    instrument: str | None = None
    metric: Metric | None = None

    def __post_init__(self) -> None:
        if (self.instrument is None) == (self.metric is None):
            raise ValueError("a Measure is an instrument or a metric, not both or neither")

    @property
    def label(self) -> str:
        """The instrument's short name ("PHQ-9"), or "Panic attacks (attacks per week)"."""
        if self.metric is not None:
            return self.metric.label
        return instruments.get(self.instrument or "").short_name


@dataclass(frozen=True)
class Area:
    """A problem area: one data file, e.g. ``depression`` / "Depression"."""

    code: str
    label: str
    source: str


@dataclass(frozen=True)
class LibraryItem:
    """One goal, objective or intervention from the library.

    Goals carry ``client_words`` (an example of how a client might say it), measures, and
    the ids of typical objectives and interventions; objectives carry measures and
    intervention ids; interventions carry modality, type, frequency, session length and
    approach. Fields that do not apply to a kind are empty ("", (), None).
    """

    id: str
    kind: str
    area: str
    text: str
    client_words: str = ""
    measures: tuple[Measure, ...] = ()
    objective_ids: tuple[str, ...] = ()
    intervention_ids: tuple[str, ...] = ()
    modality: str = ""
    type: str = ""
    frequency: str = ""
    session_minutes: int | None = None
    approach: str = ""
    data_file: str = ""

    @property
    def instruments(self) -> tuple[str, ...]:
        """The instrument codes among the measures, in order."""
        return tuple(m.instrument for m in self.measures if m.instrument is not None)

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The custom metrics among the measures, in order."""
        return tuple(m.metric for m in self.measures if m.metric is not None)
