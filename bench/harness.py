"""Benchmark plumbing: every benchmark is measured beside its baseline in the same run.

A benchmark module is ``bench/bench_<topic>.py`` exposing ``run() -> list[Result]``.
Use :func:`throughput` to time an operation and its baseline over the same inputs;
ratios, not absolute seconds, are what we compare across machines.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    baseline_name: str
    baseline_value: float
    ratio: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _best_rate(fn: Callable[[Any], object], inputs: Sequence[Any], repeat: int) -> float:
    """Items per second over `inputs`, best of `repeat` passes (least disturbed by noise)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in inputs:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return len(inputs) / best if best > 0 else float("inf")


def throughput(
    *,
    name: str,
    fn: Callable[[Any], object],
    baseline_name: str,
    baseline_fn: Callable[[Any], object],
    inputs: Sequence[Any],
    unit: str = "items/s",
    repeat: int = 5,
) -> Result:
    """Measure `fn` and `baseline_fn` over the same inputs, interleaved, in this process.

    ``ratio`` is value / baseline_value: how many times slower (below 1) or faster
    (above 1) the operation is than its baseline.
    """
    value = _best_rate(fn, inputs, repeat)
    baseline_value = _best_rate(baseline_fn, inputs, repeat)
    return Result(
        name=name,
        value=round(value, 1),
        unit=unit,
        baseline_name=baseline_name,
        baseline_value=round(baseline_value, 1),
        ratio=round(value / baseline_value, 4) if baseline_value else 0.0,
    )


def elapsed_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def median_ms(
    *,
    name: str,
    fn: Callable[[], object],
    baseline_name: str,
    baseline_fn: Callable[[], object],
    repeat: int = 5,
) -> Result:
    """Median milliseconds of `fn` and `baseline_fn`, run interleaved after one warm-up each.

    For slow operations (a PDF, an export) where a rate rounds to nothing. ``ratio`` is
    value / baseline_value: how many baselines one operation costs.
    """
    fn()
    baseline_fn()
    timed: list[float] = []
    baseline: list[float] = []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        timed.append(elapsed_ms(fn))
        baseline.append(elapsed_ms(baseline_fn))
    value, base = statistics.median(timed), statistics.median(baseline)
    return Result(
        name=name,
        value=round(value, 1),
        unit="ms",
        baseline_name=baseline_name,
        baseline_value=round(base, 1),
        ratio=round(value / base, 2) if base else 0.0,
    )
