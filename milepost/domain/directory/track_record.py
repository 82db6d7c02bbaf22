"""A clinician's measured track record on a problem area, for the practice's own intake.

A randomized trial (Constantino et al., JAMA Psychiatry 2021) found that matching patients
to therapists with a measured record on the patient's main problem beat usual assignment.
Milepost holds those measurements, so the practice's intake (never the public directory)
can rank its clinicians for a new referral by them as well as by the listing's fit.

The figures, per clinician and problem area (decision 1221):

- **The area's measure** is the first instrument its concept names in the SMART concept
  map that has a caseness cut-off and a reliable-change threshold (PHQ-9 for low mood,
  GAD-7 for worry, PCL-5 for trauma); an area without one has no figures.
- **Cases** are the clinician's finished courses (discharged clients) whose first score on
  that measure was at caseness: "clients with worry".
- **Recovery** and **reliable improvement** are NHS Talking Therapies' definitions
  (:data:`milepost.domain.outcomes.DEFINITIONS`, computed by ``case_outcome`` and the
  outcome facts built from the same rules); both are counted out of those cases.
- **Uncertainty**: each rate carries its Wilson score interval (:func:`wilson`).
- **Minimum**: below ``minimum.cases`` no rate is shown and none counts in the ranking.
- **Standing**: the recovery interval against the published recovery standard: above it
  when the whole interval is above, below when the whole interval is below, else within.

The method, its numbers and its sources are data (``data/track_record.toml``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

from milepost.domain import instruments
from milepost.domain.directory.matching import Reading
from milepost.domain.directory.ranking import Room
from milepost.domain.errors import DomainError, UnknownInstrument
from milepost.domain.instruments.model import Instrument
from milepost.domain.outcomes import outcome_rules
from milepost.domain.smart.concepts import concept_map

DATA = Path(__file__).with_name("data") / "track_record.toml"


class InvalidTrackRecord(DomainError, ValueError):
    """Counts or method data that cannot make a track record; the message names the field."""


# --------------------------------------------------------------------------- the method


@dataclass(frozen=True)
class Method:
    minimum_cases: int
    minimum_source: str
    confidence: float
    interval_source: str
    benchmark_recovery: float  # a percentage
    benchmark_source: str


def _source(table: dict[str, Any], name: str) -> str:
    source = str(table.get("source", "")).strip()
    if not source:
        raise InvalidTrackRecord(f"track_record.toml: [{name}] has no source")
    return source


def parse(text: str) -> Method:
    data = tomllib.loads(text)
    minimum = data.get("minimum", {})
    interval = data.get("interval", {})
    benchmark = data.get("benchmark", {})
    cases = minimum.get("cases")
    if not isinstance(cases, int) or isinstance(cases, bool) or cases < 1:
        raise InvalidTrackRecord("track_record.toml: [minimum] cases must be a whole number >= 1")
    if interval.get("method") != "wilson":
        raise InvalidTrackRecord('track_record.toml: [interval] method must be "wilson"')
    confidence = interval.get("confidence")
    if not isinstance(confidence, float) or not 0 < confidence < 1:
        raise InvalidTrackRecord("track_record.toml: [interval] confidence must be between 0 and 1")
    recovery = benchmark.get("recovery_percent")
    number = isinstance(recovery, int | float) and not isinstance(recovery, bool)
    if not number or not 0 < recovery < 100:
        raise InvalidTrackRecord(
            "track_record.toml: [benchmark] recovery_percent must be between 0 and 100"
        )
    return Method(
        minimum_cases=cases,
        minimum_source=_source(minimum, "minimum"),
        confidence=confidence,
        interval_source=_source(interval, "interval"),
        benchmark_recovery=float(recovery),
        benchmark_source=_source(benchmark, "benchmark"),
    )


@cache
def method() -> Method:
    return parse(DATA.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the arithmetic


@dataclass(frozen=True)
class Interval:
    """A confidence interval for a proportion, as proportions (0 to 1)."""

    low: float
    high: float


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidTrackRecord(f"{name} must be a whole number >= 0: {value!r}")
    return value


def wilson(successes: int, trials: int, *, confidence: float = 0.95) -> Interval:
    """Wilson's score interval for ``successes`` of ``trials`` (no continuity correction).

    Newcombe (1998) method 3: unlike the simple (Wald) interval it stays within 0 to 1 and
    does not collapse to a point at 0 or all successes. Raises :class:`InvalidTrackRecord`
    for no trials, a count out of range or a confidence outside (0, 1).
    """
    _count(successes, "successes")
    _count(trials, "trials")
    if trials == 0:
        raise InvalidTrackRecord("an interval needs at least one case")
    if successes > trials:
        raise InvalidTrackRecord(f"{successes} of {trials} is not a count of a count")
    if not 0 < confidence < 1:
        raise InvalidTrackRecord(f"confidence must be between 0 and 1: {confidence!r}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    spread = z * z / trials
    centre = (p + spread / 2) / (1 + spread)
    half = z * math.sqrt(p * (1 - p) / trials + spread / (4 * trials)) / (1 + spread)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(low, high)


def whole_percent(proportion: float) -> int:
    """A proportion as a whole percentage, halves rounded up (as decision 0101 rounds)."""
    return int(Decimal(repr(proportion * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Rate:
    count: int
    of: int
    interval: Interval
    confidence: float

    @property
    def percent(self) -> float:
        return 100 * self.count / self.of

    @property
    def text(self) -> str:
        """As "64%, 95% interval 39–84%"."""
        level = whole_percent(self.confidence)
        low, high = whole_percent(self.interval.low), whole_percent(self.interval.high)
        return f"{whole_percent(self.count / self.of)}%, {level}% interval {low}–{high}%"


def _rate(count: int, of: int, m: Method) -> Rate:
    return Rate(count, of, wilson(count, of, confidence=m.confidence), m.confidence)


# --------------------------------------------------------------------------- areas


@cache
def area_measures() -> dict[str, Instrument]:
    """Each problem area (SMART concept) with a measure: the first instrument the concept
    map names for it that has a caseness cut-off and a reliable-change threshold."""
    scored = {rule.instrument for rule in outcome_rules(instruments.all_instruments())}
    found: dict[str, Instrument] = {}
    for concept in concept_map().concepts:
        for name in concept.instruments:
            try:
                instrument = instruments.get(name)
            except UnknownInstrument:
                continue
            if instrument.code in scored:
                found[concept.name] = instrument
                break
    return found


def main_area(reading: Reading) -> str | None:
    """The first area the person's words named that has a measure, or None."""
    measures = area_measures()
    return next((need.focus for need in reading.needs if need.focus in measures), None)


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Counts:
    """A clinician's finished cases in one area that began at caseness, and how they ended."""

    cases: int
    recovered: int
    improved: int

    def __post_init__(self) -> None:
        _count(self.cases, "cases")
        for name in ("recovered", "improved"):
            if _count(getattr(self, name), name) > self.cases:
                raise InvalidTrackRecord(f"{name} cannot exceed cases ({self.cases})")


NONE = Counts(0, 0, 0)


class Standing(StrEnum):
    ABOVE = "above"  # the whole recovery interval is above the standard
    WITHIN = "within"  # the interval includes the standard
    BELOW = "below"  # the whole interval is below the standard
    TOO_FEW = "too few"  # under the minimum number of cases: no rate


@dataclass(frozen=True)
class TrackRecord:
    area: str
    measure: str  # the instrument's short name
    cutoff: int  # its caseness cut-off
    counts: Counts
    minimum: int
    recovery: Rate | None  # None under the minimum
    improvement: Rate | None
    standing: Standing
    benchmark: float

    @property
    def enough(self) -> bool:
        return self.recovery is not None

    @property
    def reasons(self) -> tuple[str, ...]:
        """What the intake shows, e.g. "recovered 9 of 14 clients with panic (64%, 95%
        interval 39–84%)", or "too few cases to show" under the minimum."""
        n = self.counts.cases
        if self.recovery is None or self.improvement is None:
            return (f"too few cases to show for {self.area} ({n}; {self.minimum} needed)",)
        reasons = [
            f"recovered {self.recovery.count} of {n} clients with {self.area} "
            f"({self.recovery.text})",
            f"reliably improved {self.improvement.count} of {n} ({self.improvement.text})",
        ]
        bench = f"{self.benchmark:g}%"
        if self.standing is Standing.ABOVE:
            reasons.append(f"recovery above the {bench} standard")
        elif self.standing is Standing.BELOW:
            reasons.append(f"recovery below the {bench} standard")
        else:
            reasons.append(f"recovery not distinguishable from the {bench} standard")
        return tuple(reasons)


def track_record(area: str, counts: Counts, *, m: Method | None = None) -> TrackRecord:
    """The figures for ``counts`` in ``area``; under the minimum, no rate and no standing."""
    m = m or method()
    measure = area_measures().get(area)
    if measure is None:
        raise InvalidTrackRecord(f"{area!r} has no measure with outcome thresholds")
    assert measure.caseness_cutoff is not None  # area_measures keeps only those with one
    recovery = improvement = None
    standing = Standing.TOO_FEW
    if counts.cases >= m.minimum_cases:
        recovery = _rate(counts.recovered, counts.cases, m)
        improvement = _rate(counts.improved, counts.cases, m)
        standard = m.benchmark_recovery / 100
        if recovery.interval.low > standard:
            standing = Standing.ABOVE
        elif recovery.interval.high < standard:
            standing = Standing.BELOW
        else:
            standing = Standing.WITHIN
    return TrackRecord(
        area=area,
        measure=measure.short_name,
        cutoff=measure.caseness_cutoff,
        counts=counts,
        minimum=m.minimum_cases,
        recovery=recovery,
        improvement=improvement,
        standing=standing,
        benchmark=m.benchmark_recovery,
    )


# --------------------------------------------------------------------------- the intake


@dataclass(frozen=True)
class Clinician:
    """One of the practice's clinicians as the intake sees them for a referral."""

    key: str
    name: str
    focus_areas: frozenset[str]
    modalities: frozenset[str]
    room: Room
    track: TrackRecord | None = None  # given only when the reader may see it


@dataclass(frozen=True)
class Suggestion:
    clinician: Clinician
    fit: int
    reasons: tuple[str, ...]


# Order of standings when outcomes are used: no figures (too few, or not shown) count as
# no evidence either way, beside "within".
_STANDING_ORDER = {Standing.ABOVE: 0, Standing.WITHIN: 1, Standing.TOO_FEW: 1, Standing.BELOW: 2}


def _fit(c: Clinician, reading: Reading) -> int:
    """The listing's fit, by the public ranking's weights: each focus area the words named
    3, each fitting approach 2."""
    focus = sum(1 for need in reading.needs if need.focus in c.focus_areas)
    return 3 * focus + 2 * sum(1 for fit in reading.fits if fit.approach in c.modalities)


def suggest(
    clinicians: Iterable[Clinician], reading: Reading, *, use_outcomes: bool
) -> list[Suggestion]:
    """The practice's clinicians for a referral, best first, each with its reasons.

    With ``use_outcomes`` (the practice's setting, and a reader allowed to see the figures)
    the recovery standing in the referral's main area orders first: above the standard,
    then within it or without enough cases, then below. Then the listing's fit, room, name.
    A track record given without ``use_outcomes`` (a clinician's own) is shown, not ranked.
    """
    keyed = []
    for c in clinicians:
        fit = _fit(c, reading)
        standing = c.track.standing if (use_outcomes and c.track) else Standing.TOO_FEW
        key = (_STANDING_ORDER[standing], -fit, not c.room.open, c.name, c.key)
        reasons = [f.reason for f in reading.fits if f.approach in c.modalities]
        needs = [n.focus for n in reading.needs if n.focus in c.focus_areas]
        if needs:
            reasons.append("works with " + ", ".join(needs))
        reasons.append(c.room.label)
        if c.track is not None:
            reasons += c.track.reasons
        keyed.append((key, Suggestion(c, fit, tuple(reasons))))
    keyed.sort(key=lambda row: row[0])
    return [suggestion for _, suggestion in keyed]
