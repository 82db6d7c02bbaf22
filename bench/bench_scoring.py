"""Scoring throughput: administrations scored per second, beside a plain ``sum()``.

The baseline sums the same answer lists with no validation, banding, flags, prorating or
subscales, so the ratio shows what the generic, data-driven engine costs per form.
"""

from __future__ import annotations

import functools
import random

from bench.harness import Result, throughput
from milepost.domain import instruments

N_ADMINISTRATIONS = 20_000


def _answers(instrument: instruments.Instrument, rng: random.Random) -> list[int | None]:
    return [rng.choice(sorted(item.values)) for item in instrument.items]


def _plain_sum(answers: list[int | None]) -> int:
    return sum(a for a in answers if a is not None)


def run() -> list[Result]:
    rng = random.Random(20260522)
    results = []
    for code in ("phq9", "pcl5"):
        instrument = instruments.get(code)
        forms = [_answers(instrument, rng) for _ in range(N_ADMINISTRATIONS)]
        results.append(
            throughput(
                name=f"score {instrument.short_name}",
                fn=functools.partial(instruments.score, instrument),
                baseline_name=f"sum() of {instrument.short_name} answers",
                baseline_fn=_plain_sum,
                inputs=forms,
                unit="administrations/s",
            )
        )
    # A realistic mix: one blank item in 1 form in 10, so prorating is exercised too.
    phq9 = instruments.get("phq9")
    mixed = [_answers(phq9, rng) for _ in range(N_ADMINISTRATIONS)]
    for answers in mixed[::10]:
        answers[rng.randrange(len(answers))] = None
    results.append(
        throughput(
            name="score PHQ-9 (10% with a blank)",
            fn=lambda answers: instruments.score(phq9, answers),
            baseline_name="sum() of PHQ-9 answers",
            baseline_fn=_plain_sum,
            inputs=mixed,
            unit="administrations/s",
        )
    )
    return results


if __name__ == "__main__":  # pragma: no cover
    for result in run():
        print(result)
