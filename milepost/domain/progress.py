"""Progress statistics: change, reliable and clinically significant change, recovery,
Goal Attainment Scaling and on-track projection.

Sources are in docs/instruments.md (and the project reference it cites). Direction always
follows the instrument's data: for a higher-is-worse scale (PHQ-9, GAD-7, PCL-5) a fall is
an improvement; for a higher-is-better scale a rise is.

Threshold conventions (docs/decisions/0102):
- a points threshold is met by a change of *that many or more* ("a reduction of 6 or more
  points", NHS Talking Therapies);
- the Jacobson-Truax index is reliable when ``|RC| > 1.96`` (strictly), as published.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Literal

from milepost.domain.errors import InvalidProgressInput, InvalidScore
from milepost.domain.instruments.model import Instrument

ReliableChange = Literal["improved", "deteriorated", "none"]
Comparator = Literal["<=", "<", ">=", ">"]

#: z for a two-tailed 95% criterion (Jacobson & Truax 1991).
Z_95 = 1.96


def _check_total(instrument: Instrument, name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidScore(f"{name}: {value!r} is not a number")
    if not instrument.total_min <= value <= instrument.total_max:
        raise InvalidScore(
            f"{name}: {value} is out of range {instrument.total_min}\u2013{instrument.total_max} "
            f"for {instrument.short_name}"
        )


def classify_change(
    before: float, after: float, *, threshold: float, higher_is_worse: bool
) -> ReliableChange:
    """Improved/deteriorated when the score moved ``threshold`` points or more."""
    if threshold <= 0:
        raise InvalidProgressInput(f"threshold must be positive, got {threshold}")
    gain = before - after if higher_is_worse else after - before
    if gain >= threshold:
        return "improved"
    if -gain >= threshold:
        return "deteriorated"
    return "none"


@dataclass(frozen=True)
class Change:
    """Change between two totals of one instrument (``milepost change``).

    ``reliable_change`` and ``threshold`` are ``None`` when the instrument has no
    reliable-change threshold. ``caseness_*`` are ``None`` when it has no cut-off.
    ``recovered`` ("a case before, not a case after") and ``reliable_recovery`` ("recovered
    and reliably improved") are ``None`` when the person was not a case before: recovery
    is not defined for them (NHS TT counts them as "not at caseness", not "not recovered").
    """

    instrument: str
    before: float
    after: float
    change: float
    reliable_change: ReliableChange | None
    threshold: float | None
    caseness_before: bool | None
    caseness_after: bool | None
    recovered: bool | None
    reliable_recovery: bool | None

    @property
    def improved(self) -> bool:
        return self.reliable_change == "improved"

    @property
    def deteriorated(self) -> bool:
        return self.reliable_change == "deteriorated"

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of ``milepost change --json`` (DESIGN.md, Stable interfaces)."""
        return {
            "instrument": self.instrument,
            "before": self.before,
            "after": self.after,
            "change": self.change,
            "reliable_change": self.reliable_change,
            "threshold": self.threshold,
            "caseness_before": self.caseness_before,
            "caseness_after": self.caseness_after,
            "recovered": self.recovered,
            "reliable_recovery": self.reliable_recovery,
        }


def change(
    instrument: Instrument, before: float, after: float, *, threshold: float | None = None
) -> Change:
    """Change from ``before`` to ``after`` on ``instrument``.

    ``threshold`` overrides the instrument's reliable-change threshold (points).
    """
    _check_total(instrument, "before", before)
    _check_total(instrument, "after", after)
    threshold = instrument.reliable_change if threshold is None else threshold
    reliable = (
        None
        if threshold is None
        else classify_change(
            before, after, threshold=threshold, higher_is_worse=instrument.higher_is_worse
        )
    )
    case_before = instrument.is_case(before)
    case_after = instrument.is_case(after)
    recovered = None if case_before is not True or case_after is None else not case_after
    reliable_recovery = (
        None if recovered is None or reliable is None else recovered and reliable == "improved"
    )
    return Change(
        instrument=instrument.code,
        before=before,
        after=after,
        change=after - before,
        reliable_change=reliable,
        threshold=threshold,
        caseness_before=case_before,
        caseness_after=case_after,
        recovered=recovered,
        reliable_recovery=reliable_recovery,
    )


# --- NHS Talking Therapies: a depression measure paired with an anxiety measure ----------


@dataclass(frozen=True)
class PairedOutcome:
    """NHS Talking Therapies outcome from the first and last scores on two paired measures.

    The combination rule is the NHS Digital / CORC shape (improved on at least one measure
    and deteriorated on none); the adult NHS TT wording is UNVERIFIED (reference §4.5).
    ``recovery`` and ``reliable_recovery`` are ``None`` when not at caseness at the start.
    """

    at_caseness_start: bool
    at_caseness_end: bool
    recovery: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None


def paired_outcome(depression: Change, anxiety: Change) -> PairedOutcome:
    """Combine two :func:`change` results (e.g. PHQ-9 and GAD-7) into one NHS TT outcome."""
    for measure in (depression, anxiety):
        if measure.caseness_before is None or measure.caseness_after is None:
            raise InvalidProgressInput(f"{measure.instrument} has no caseness cut-off")
        if measure.reliable_change is None:
            raise InvalidProgressInput(f"{measure.instrument} has no reliable-change threshold")
    start = bool(depression.caseness_before or anxiety.caseness_before)
    end = bool(depression.caseness_after or anxiety.caseness_after)
    deteriorated = depression.deteriorated or anxiety.deteriorated
    improved = (depression.improved or anxiety.improved) and not deteriorated
    recovery = (not end) if start else None
    return PairedOutcome(
        at_caseness_start=start,
        at_caseness_end=end,
        recovery=recovery,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=None if recovery is None else recovery and improved,
    )


# --- Jacobson & Truax (1991) --------------------------------------------------------------


@dataclass(frozen=True)
class ReliableChangeIndex:
    """Standard error of measurement, of the difference, and the reliable change in points."""

    se: float
    s_diff: float
    threshold: float


def jacobson_truax(*, sd: float, reliability: float, z: float = Z_95) -> ReliableChangeIndex:
    """``SE = sd·√(1 - r)``, ``S_diff = √2·SE``; reliable change in points = ``z·S_diff``."""
    if not sd > 0:
        raise InvalidProgressInput(f"sd must be positive, got {sd}")
    if not 0 < reliability < 1:
        raise InvalidProgressInput(f"reliability must be between 0 and 1, got {reliability}")
    se = sd * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * se**2)
    return ReliableChangeIndex(se=se, s_diff=s_diff, threshold=z * s_diff)


def jacobson_truax_for(instrument: Instrument) -> ReliableChangeIndex | None:
    """The index from the instrument's data, or ``None`` when reliability/SD are not given."""
    rules = instrument.change
    if rules.sd is None or rules.reliability is None:
        return None
    return jacobson_truax(sd=rules.sd, reliability=rules.reliability)


def reliable_change_index(before: float, after: float, *, sd: float, reliability: float) -> float:
    """``RC = (after - before) / S_diff``; reliable when ``abs(RC) > 1.96``."""
    return (after - before) / jacobson_truax(sd=sd, reliability=reliability).s_diff


def is_reliable(rc: float, z: float = Z_95) -> bool:
    return abs(rc) > z


@dataclass(frozen=True)
class ClinicalCutoffs:
    """Jacobson-Truax cut-offs a, b and c (c is recommended when distributions overlap)."""

    a: float
    b: float
    c: float


def clinical_cutoffs(
    *,
    clinical_mean: float,
    clinical_sd: float,
    functional_mean: float,
    functional_sd: float,
    higher_is_better: bool,
) -> ClinicalCutoffs:
    """a = M_clin + d·2·SD_clin; b = M_func - d·2·SD_func; c = weighted midpoint (d = ±1)."""
    if not clinical_sd > 0 or not functional_sd > 0:
        raise InvalidProgressInput("standard deviations must be positive")
    direction = 1 if higher_is_better else -1
    return ClinicalCutoffs(
        a=clinical_mean + direction * 2 * clinical_sd,
        b=functional_mean - direction * 2 * functional_sd,
        c=(clinical_sd * functional_mean + functional_sd * clinical_mean)
        / (clinical_sd + functional_sd),
    )


ClinicalSignificance = Literal["recovered", "improved", "unchanged", "deteriorated"]


def clinically_significant_change(
    before: float,
    after: float,
    *,
    cutoff: float,
    threshold: float,
    higher_is_worse: bool,
) -> ClinicalSignificance:
    """Jacobson-Truax category of one person's change.

    ``recovered``: reliably improved AND moved from the dysfunctional side of ``cutoff``
    (``before >= cutoff`` when higher is worse) to the functional side (``after < cutoff``).
    Someone who starts on the functional side can show only reliable change.
    """
    reliable = classify_change(before, after, threshold=threshold, higher_is_worse=higher_is_worse)
    if reliable == "deteriorated":
        return "deteriorated"
    if reliable == "none":
        return "unchanged"
    crossed = before >= cutoff > after if higher_is_worse else before <= cutoff < after
    return "recovered" if crossed else "improved"


# --- Goal Attainment Scaling (Kiresuk & Sherman 1968) ------------------------------------

GAS_LEVELS = (-2, -1, 0, 1, 2)
GAS_RHO = 0.3


def gas_t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, *, rho: float = GAS_RHO
) -> float:
    """Kiresuk-Sherman T = 50 + 10·Σwx / √((1 - rho)·Σw² + rho·(Σw)²).

    T is 50 when every goal is at the expected level (0); weights default to 1.
    """
    if not levels:
        raise InvalidProgressInput("GAS needs at least one goal")
    for index, level in enumerate(levels, start=1):
        if isinstance(level, bool) or level not in GAS_LEVELS:
            raise InvalidProgressInput(f"goal {index}: GAS level {level!r} is not one of -2…2")
    weights = [1.0] * len(levels) if weights is None else list(weights)
    if len(weights) != len(levels):
        raise InvalidProgressInput(f"{len(levels)} goals but {len(weights)} weights")
    for index, weight in enumerate(weights, start=1):
        if not weight > 0:
            raise InvalidProgressInput(f"goal {index}: weight must be positive, got {weight}")
    if not 0 <= rho < 1:
        raise InvalidProgressInput(f"rho must be in [0, 1), got {rho}")
    weighted = sum(w * x for w, x in zip(weights, levels, strict=True))
    spread = (1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2
    return 50 + 10 * weighted / math.sqrt(spread)


# --- On-track projection -------------------------------------------------------------------


def meets(value: float, comparator: Comparator, target: float) -> bool:
    if comparator == "<=":
        return value <= target
    if comparator == "<":
        return value < target
    if comparator == ">=":
        return value >= target
    return value > target


#: Beyond this many days from the first value an expected date is reported as never.
HORIZON_DAYS = 3653


@dataclass(frozen=True)
class Projection:
    """Where an ordinary least-squares line through the dated values will be on the due date.

    ``slope_per_week`` is in units per 7 days. ``on_track`` is ``None`` (with ``reason``)
    when fewer than two distinct dates are given. ``expected_date`` is when the line meets
    the target, or ``None`` when it never does (flat, moving away, or over ten years).
    ``achieved`` says whether the latest value already meets the target.
    """

    points: int
    latest: float
    achieved: bool
    slope_per_week: float | None
    projected: float | None
    on_track: bool | None
    expected_date: date | None
    reason: str | None = None


def project(
    series: Sequence[tuple[date, float]],
    *,
    target: float,
    due: date,
    comparator: Comparator,
) -> Projection:
    """Project ``series`` (date, value) to ``due`` with a least-squares line.

    Least squares over every value (not the first and last only) so one unusual week does
    not swing the verdict; see docs/decisions/0104.
    """
    if not series:
        raise InvalidProgressInput("a projection needs at least one dated value")
    ordered = sorted(series, key=itemgetter(0))
    latest = ordered[-1][1]
    achieved = meets(latest, comparator, target)
    origin = ordered[0][0]
    xs = [(day - origin).days for day, _ in ordered]
    ys = [value for _, value in ordered]
    if len(set(xs)) < 2:
        return Projection(
            points=len(ordered),
            latest=latest,
            achieved=achieved,
            slope_per_week=None,
            projected=None,
            on_track=None,
            expected_date=None,
            reason="needs values on at least two different dates",
        )
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    # Lists, not generators: the same sums in the same order, without a generator's cost
    # for each of the caseload dashboard's targets.
    dxs = [x - mean_x for x in xs]
    sxx = sum([dx**2 for dx in dxs])
    sxy = sum([dx * (y - mean_y) for dx, y in zip(dxs, ys, strict=True)])
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    projected = intercept + slope * (due - origin).days
    improving = slope < 0 if comparator in ("<=", "<") else slope > 0
    expected = None
    if improving:
        crossing = (target - intercept) / slope
        if abs(crossing) <= HORIZON_DAYS:  # a near-flat line "meets" it centuries away: never
            expected = origin + timedelta(days=math.ceil(crossing))
    return Projection(
        points=n,
        latest=latest,
        achieved=achieved,
        slope_per_week=slope * 7,
        projected=projected,
        on_track=meets(projected, comparator, target),
        expected_date=expected,
    )


AchievementStatus = Literal[
    "achieved", "not-achieved", "improving", "worsening", "no-change", "in-progress"
]


def achievement_status(
    projection: Projection, *, comparator: Comparator, due: date, today: date
) -> AchievementStatus:
    """A FHIR Goal.achievementStatus code for a target from its projection."""
    if projection.achieved:
        return "achieved"
    if today > due:
        return "not-achieved"
    if projection.slope_per_week is None:
        return "in-progress"
    if projection.slope_per_week == 0:
        return "no-change"
    falling = projection.slope_per_week < 0
    return "improving" if falling == (comparator in ("<=", "<")) else "worsening"
