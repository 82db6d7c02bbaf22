"""Outcomes of a course of treatment, as NHS Talking Therapies reports them per service.

One *case* is one person's first and last score on one instrument. From the two scores and
the instrument's published caseness cut-off and reliable-change threshold (its data file in
``instruments/data``), :func:`case_outcome` gives the four NHS Talking Therapies flags:

- **recovery**: a case at the start and not a case at the end;
- **reliable improvement**: the score moved the good way by the threshold or more;
- **reliable deterioration**: the score moved the bad way by the threshold or more;
- **reliable recovery**: recovery *and* reliable improvement.

The wording and sources of each definition are :data:`DEFINITIONS` (data, not code). The
arithmetic is :func:`milepost.domain.progress.change`, reused rather than repeated, and
:func:`outcome_rules` hands the same thresholds to the SQL that aggregates a practice.
Recovery and reliable recovery are ``None`` when the person was not a case at the start
(decision 0105): NHS TT leaves them out of the recovery denominator.

Small cells: :func:`suppressed` and :func:`rate` hide any cell counted over fewer people than a
configurable minimum (5 by default, decision 1003), so no individual can be recognised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from milepost.domain.errors import InvalidProgressInput
from milepost.domain.instruments.model import Instrument
from milepost.domain.progress import change

#: The smallest count a practice report shows (decision 1003).
DEFAULT_MINIMUM_CELL = 5

_NHS_DIGITAL_OUTCOMES = (
    "NHS Digital, Psychological Therapies: reports on the use of IAPT services, June 2020 "
    "final, Outcomes. https://digital.nhs.uk/data-and-information/publications/statistical/"
    "psychological-therapies-report-on-the-use-of-iapt-services/june-2020-final-including-"
    "reports-on-the-iapt-pilots-and-quarter-1-data-2020-21/outcomes"
)
_NHS_DIGITAL_RECOVERY_RATE = (
    "NHS Digital, Psychological Therapies, December 2020 final, Outcomes (recovery rate "
    "formula). https://digital.nhs.uk/data-and-information/publications/statistical/"
    "psychological-therapies-report-on-the-use-of-iapt-services/december-2020-final-including-"
    "a-report-on-the-iapt-employment-advisers-pilot-and-quarter-3-2020-21-data/outcomes"
)
_THRESHOLDS = (
    "NHS Talking Therapies Manual thresholds as tabulated in "
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC8411661/table/tbl0001 (PHQ-9 caseness 10, "
    "reliable change 6; GAD-7 caseness 8, reliable change 4); other instruments use their "
    "own data file's cut-off and threshold."
)


@dataclass(frozen=True)
class Definition:
    """One outcome: its name, the published wording, who counts, and where it comes from."""

    code: str
    label: str
    wording: str
    denominator: str
    source: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        code="recovery",
        label="Recovery",
        wording=(
            "A referral has moved to recovery if they were defined as a clinical case at the "
            "start of their treatment ('at caseness') and not as a clinical case at the end."
        ),
        denominator="cases at caseness at the start",
        source=f"{_NHS_DIGITAL_OUTCOMES} ; {_NHS_DIGITAL_RECOVERY_RATE} ; {_THRESHOLDS}",
    ),
    Definition(
        code="reliable_improvement",
        label="Reliable improvement",
        wording=(
            "A significant improvement following a course of treatment, measured by the "
            "difference between the first and last scores: a fall of the reliable-change "
            "threshold or more (higher-is-worse scales)."
        ),
        denominator="every case with a first and a last score",
        source=f"{_NHS_DIGITAL_OUTCOMES} ; {_THRESHOLDS}",
    ),
    Definition(
        code="reliable_recovery",
        label="Reliable recovery",
        wording=(
            "A referral has reliably recovered if they meet the criteria for both the "
            "recovery and reliable improvement."
        ),
        denominator="cases at caseness at the start",
        source=_NHS_DIGITAL_OUTCOMES,
    ),
    Definition(
        code="reliable_deterioration",
        label="Reliable deterioration",
        wording=(
            "The score moved the bad way by the reliable-change threshold or more between "
            "the first and last scores."
        ),
        denominator="every case with a first and a last score",
        source=(
            "NHS England, NHS Talking Therapies service standards "
            "(http://www.england.nhs.uk/mental-health/adults/iapt/service-standards/); "
            "Clark et al. 2018, Lancet, Table 2 "
            "(https://pmc.ncbi.nlm.nih.gov/articles/PMC5942544/table/T2) ; " + _THRESHOLDS
        ),
    ),
)


@dataclass(frozen=True)
class CaseOutcome:
    """The NHS TT flags for one case (first and last score on one instrument)."""

    instrument: str
    first: float
    last: float
    at_caseness_start: bool
    at_caseness_end: bool
    recovery: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None


def case_outcome(instrument: Instrument, first: float, last: float) -> CaseOutcome:
    """The four NHS TT outcomes of one case; see :data:`DEFINITIONS`.

    Raises :class:`InvalidProgressInput` when the instrument lacks a caseness cut-off or a
    reliable-change threshold (its outcomes are not defined), and ``InvalidScore`` when a
    score is out of the instrument's range.
    """
    if instrument.caseness_cutoff is None:
        raise InvalidProgressInput(f"{instrument.short_name} has no caseness cut-off")
    if instrument.reliable_change is None:
        raise InvalidProgressInput(f"{instrument.short_name} has no reliable-change threshold")
    moved = change(instrument, first, last)
    return CaseOutcome(
        instrument=instrument.code,
        first=first,
        last=last,
        at_caseness_start=bool(moved.caseness_before),
        at_caseness_end=bool(moved.caseness_after),
        recovery=moved.recovered,
        reliable_improvement=moved.improved,
        reliable_deterioration=moved.deteriorated,
        reliable_recovery=moved.reliable_recovery,
    )


@dataclass(frozen=True)
class OutcomeRule:
    """What SQL needs to classify a case on one instrument, straight from its data file."""

    instrument: str
    cutoff: int
    reliable_change: float
    higher_is_worse: bool


def outcome_rules(instruments: Iterable[Instrument]) -> tuple[OutcomeRule, ...]:
    """The rules of every instrument with both a cut-off and a reliable-change threshold."""
    rules = []
    for instrument in instruments:
        cutoff, threshold = instrument.caseness_cutoff, instrument.reliable_change
        if cutoff is not None and threshold is not None:
            rules.append(
                OutcomeRule(
                    instrument=instrument.code,
                    cutoff=cutoff,
                    reliable_change=threshold,
                    higher_is_worse=instrument.higher_is_worse,
                )
            )
    return tuple(rules)


def _check_minimum(minimum: int) -> None:
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise InvalidProgressInput(f"minimum cell size must be a whole number >= 1: {minimum!r}")


def suppressed(count: int, *, minimum: int = DEFAULT_MINIMUM_CELL) -> bool:
    """Whether a cell counted over ``count`` people is hidden: fewer than ``minimum``."""
    _check_minimum(minimum)
    return count < minimum


def rate(numerator: int, denominator: int, *, minimum: int = DEFAULT_MINIMUM_CELL) -> float | None:
    """``numerator / denominator`` as a percentage, or ``None`` for a suppressed cell.

    Suppressed when the denominator is below ``minimum`` (no one is recognisable from a rate
    over at least ``minimum`` people) or zero.
    """
    if not 0 <= numerator <= denominator:
        raise InvalidProgressInput(f"{numerator} of {denominator} is not a count of a count")
    if denominator == 0 or suppressed(denominator, minimum=minimum):
        return None
    return 100 * numerator / denominator
