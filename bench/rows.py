"""Benchmark rows made straight into the tables (no services, no audit): for timing reads only."""

from __future__ import annotations

import datetime as dt
from typing import Any


def answers_for(instrument: Any, total: int) -> list[int]:
    """Item values summing to `total`, filled from the first item (last item 0: no alert)."""
    answers = [0] * len(instrument.items)
    left = total
    for i, item in enumerate(instrument.items[:-1]):
        answers[i] = min(max(item.values), left)
        left -= answers[i]
    return answers


def scored_administration(
    *, org: Any, client: Any, clinician: Any, instrument: Any, total: int, at: dt.datetime
) -> Any:
    """An unsaved Administration of `instrument` scoring `total`, scored by the domain."""
    from milepost.domain import instruments
    from milepost.measures.models import Administration

    answers = answers_for(instrument, total)
    score = instruments.score(instrument, answers)
    return Administration(
        organization=org,
        client=client,
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        answers=answers,
        total=score.total,
        exact_total=score.exact_total,
        band_code=score.band.code if score.band else "",
        band_label=score.band.label if score.band else "",
        answered=score.answered,
        administered_at=at,
        entered_by=clinician,
    )
