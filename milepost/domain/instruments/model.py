"""What an outcome instrument is, and what scoring one administration yields.

Everything here is a frozen dataclass built by :mod:`.loader` from a data file in
``data/``; nothing here knows about files, Django or the database. The attributes the
rest of Milepost codes against (``code``, ``short_name``, ``aliases``, ``total_min``,
``total_max``, ``higher_is_worse``, ``reliable_change``, ``caseness_cutoff``, ``loinc``,
``bands``, ``items``) are part of the domain's public API.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

Severity = Literal["urgent", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("urgent", "warning", "info")

Rounding = Literal["half-up", "half-even", "floor", "ceiling"]
ROUNDINGS: tuple[Rounding, ...] = ("half-up", "half-even", "floor", "ceiling")

MissingMethod = Literal["prorate", "none"]
MISSING_METHODS: tuple[MissingMethod, ...] = ("prorate", "none")


@dataclass(frozen=True)
class Option:
    """One answer a respondent can choose, and the value it scores."""

    value: int
    label: str
    loinc_answer: str | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``reverse`` items score ``(lowest + highest) - answer``."""

    number: int
    key: str
    text: str
    options: tuple[Option, ...]
    loinc: str | None = None
    reverse: bool = False

    @cached_property
    def values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    @cached_property
    def min_value(self) -> int:
        return min(self.values)

    @cached_property
    def max_value(self) -> int:
        return max(self.values)

    @cached_property
    def contiguous(self) -> bool:
        """True when every whole number from the lowest to the highest value is an answer."""
        return len(self.values) == self.max_value - self.min_value + 1

    def scored(self, answer: int) -> int:
        """The points an (already validated) answer adds to the total."""
        return self.min_value + self.max_value - answer if self.reverse else answer


@dataclass(frozen=True)
class Band:
    """A severity band; ``min`` and ``max`` are both inclusive."""

    code: str
    label: str
    min: int
    max: int

    def contains(self, total: float) -> bool:
        return self.min <= total <= self.max

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label}


@dataclass(frozen=True)
class Subscale:
    """A named group of items summed on its own (e.g. the PCL-5 DSM-5 clusters)."""

    code: str
    name: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class FlagRule:
    """Raise a flag from one item's answer, whatever the total or missing-item handling.

    The rule fires when the answer is at least ``at_least`` (compared with the answer as
    given, not reverse-scored) or, when ``when_missing`` is set, when the item is blank.
    """

    code: str
    severity: Severity
    message: str
    item: int
    at_least: int | None
    when_missing: bool
    source: str

    def fires(self, answer: int | None) -> bool:
        if answer is None:
            return self.when_missing
        return self.at_least is not None and answer >= self.at_least


@dataclass(frozen=True)
class Flag:
    """A raised flag on one administration."""

    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class MissingRule:
    """How blank items are handled.

    With ``method = "prorate"`` and at most ``max_missing`` blanks, each blank is replaced
    by the mean of the answered items (equivalently ``sum * n_items / n_answered``) and the
    result is rounded with ``rounding``. More blanks, or ``method = "none"`` with any blank,
    and the form cannot be scored. ``status`` says whether the rule is published for this
    instrument or is our design choice.
    """

    max_missing: int
    method: MissingMethod
    rounding: Rounding
    status: Literal["published", "design-choice"]
    source: str


@dataclass(frozen=True)
class Requirement:
    """At least ``at_least`` endorsed items among ``items`` (named by ``group``)."""

    group: str
    items: tuple[int, ...]
    at_least: int


@dataclass(frozen=True)
class CountRule:
    """A symptom-count rule: an item counts when its answer is at least ``endorsed_at``."""

    name: str
    endorsed_at: int
    requirements: tuple[Requirement, ...]
    source: str


@dataclass(frozen=True)
class ProvisionalDiagnosisRule:
    """Screening rules that suggest (never make) a diagnosis; either may be absent."""

    count_rule: CountRule | None
    cutoff: int | None
    cutoff_source: str | None
    note: str


@dataclass(frozen=True)
class ProvisionalDiagnosis:
    """The outcome of a :class:`ProvisionalDiagnosisRule`; ``None`` means "cannot tell"."""

    rule_name: str | None
    rule_met: bool | None
    cutoff_value: int | None
    cutoff_met: bool | None

    def as_dict(self) -> dict[str, bool | int | None]:
        out: dict[str, bool | int | None] = {}
        if self.rule_name is not None:
            out[self.rule_name] = self.rule_met
        if self.cutoff_value is not None:
            out["cutoff"] = self.cutoff_met
            out["cutoff_value"] = self.cutoff_value
        return out


@dataclass(frozen=True)
class Caseness:
    """The clinical/non-clinical boundary.

    ``cutoff`` is the first score that counts as a case in the worse direction: a case is
    ``total >= cutoff`` when higher is worse and ``total <= cutoff`` when higher is better.
    ``variants`` hold published alternatives (e.g. AUDIT-C for women) for callers that know
    they apply; the default is ``cutoff``.
    """

    cutoff: int
    source: str
    variants: tuple[tuple[str, int], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ChangeRules:
    """Thresholds for change, in points, with their sources.

    ``reliable_change`` is the default reliable-change threshold ("N or more points");
    ``mid`` the minimal important difference, which is NOT a reliable-change threshold.
    ``reliability`` and ``sd`` feed the Jacobson-Truax index when both are given.
    """

    reliable_change: float | None
    reliable_change_source: str
    mid: float | None = None
    mid_source: str = ""
    reliability: float | None = None
    sd: float | None = None
    jacobson_truax_source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Loinc:
    panel: str | None
    total: str | None
    source: str = ""


@dataclass(frozen=True)
class Licence:
    status: str
    bundle_ok: bool
    attribution: str
    source: str


@dataclass(frozen=True)
class Instrument:
    """One questionnaire as data: items, scoring, interpretation, codes and provenance."""

    code: str
    short_name: str
    name: str
    aliases: tuple[str, ...]
    version: str
    recall_period: str
    stem: str
    items: tuple[Item, ...]
    higher_is_worse: bool
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    bands_source: str
    caseness: Caseness | None
    change: ChangeRules
    flags: tuple[FlagRule, ...]
    subscales: tuple[Subscale, ...]
    missing: MissingRule
    provisional_diagnosis: ProvisionalDiagnosisRule | None
    loinc: Loinc
    snomed_total: str | None
    licence: Licence
    scoring_source: str
    references: tuple[str, ...]
    notes: tuple[str, ...]
    data_file: str

    @property
    def reliable_change(self) -> float | None:
        """Default reliable-change threshold in points ("this many or more")."""
        return self.change.reliable_change

    @property
    def mid(self) -> float | None:
        return self.change.mid

    @property
    def caseness_cutoff(self) -> int | None:
        """First score that counts as a case (see :class:`Caseness`)."""
        return self.caseness.cutoff if self.caseness else None

    @property
    def higher_is_better(self) -> bool:
        return not self.higher_is_worse

    def band_for(self, total: float) -> Band | None:
        for band in self.bands:
            if band.contains(total):
                return band
        return None

    def is_case(self, total: float) -> bool | None:
        """Whether ``total`` is in the clinical range; ``None`` when no cut-off is known."""
        cutoff = self.caseness_cutoff
        if cutoff is None:
            return None
        return total >= cutoff if self.higher_is_worse else total <= cutoff

    def __str__(self) -> str:
        return self.short_name


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration.

    ``total`` is ``None`` when the form cannot be scored (``reason`` says why); flags are
    raised even then. ``exact_total`` is the unrounded prorated total. ``subscales`` keeps
    data-file order; a subscale is ``None`` when it cannot be scored.
    """

    instrument: str
    total: int | None
    exact_total: float | None
    band: Band | None
    answered: int
    prorated: bool
    flags: tuple[Flag, ...]
    subscales: tuple[tuple[str, int | None], ...]
    provisional_diagnosis: ProvisionalDiagnosis | None
    reason: str | None = None

    @property
    def scorable(self) -> bool:
        return self.total is not None

    def subscale(self, code: str) -> int | None:
        return dict(self.subscales)[code]

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of ``milepost score --json`` (docs: DESIGN.md, Stable interfaces)."""
        out: dict[str, object] = {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band.as_dict() if self.band else None,
            "answered": self.answered,
            "prorated": self.prorated,
            "flags": [flag.as_dict() for flag in self.flags],
            "subscales": dict(self.subscales),
            "provisional_diagnosis": (
                self.provisional_diagnosis.as_dict() if self.provisional_diagnosis else None
            ),
        }
        if self.total is None:
            out["reason"] = self.reason
        return out
