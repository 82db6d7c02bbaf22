"""Months of realistic questionnaire history for the demo clients.

Each series is a list of totals, one every two weeks ending this week; the answers are
spread evenly across the items so that scoring them gives back exactly the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.domain.instruments import Instrument
from milepost.measures import services as measures


@dataclass(frozen=True)
class Series:
    instrument: str
    totals: tuple[int, ...]
    # Item number -> fixed answer on the last administration (e.g. PHQ-9 item 9 = 1).
    last_pinned: Mapping[int, int] = field(default_factory=dict)


# Keyed by the demo client's given name.
HISTORY: dict[str, tuple[Series, ...]] = {
    # Depression, behavioural activation: a steady, reliable improvement to the mild range.
    "Dana": (
        Series("phq9", (18, 17, 15, 14, 12, 11, 9, 8)),
        Series("gad7", (12, 11, 11, 9, 8, 8, 7, 6)),
    ),
    # Panic with agoraphobia: flat so far — exposure work has just begun.
    "Marcus": (
        Series("gad7", (15, 15, 14, 16, 15, 14, 15)),
        Series("phq9", (9, 10, 9, 8, 9, 9, 10)),
    ),
    # PTSD: trauma-focused work, PCL-5 falling from 52.
    "Priya": (
        Series("pcl5", (52, 51, 47, 45, 41, 38, 36, 33)),
        Series("phq9", (14, 14, 13, 12, 12, 11, 10, 10)),
    ),
    # Social anxiety: deteriorating, and the latest PHQ-9 answers item 9 "several days".
    "Tom": (
        Series("gad7", (10, 11, 11, 13, 14, 16)),
        Series("phq9", (8, 9, 11, 12, 14, 16), last_pinned={9: 1}),
    ),
}


def answers_for(
    instrument: Instrument, total: int, pinned: Mapping[int, int] | None = None
) -> list[int]:
    """Answers that sum to `total`, spread evenly; `pinned` items keep their given value."""
    pinned = dict(pinned or {})
    if instrument.higher_is_worse is False or any(item.reverse for item in instrument.items):
        raise ValueError(f"demo history does not handle {instrument.code}'s scoring")
    free = [item for item in instrument.items if item.number not in pinned]
    remaining = total - sum(pinned.values())
    answers = dict(pinned)
    for index, item in enumerate(free):
        share = -(-remaining // (len(free) - index))  # ceiling division
        value = max(item.min_value, min(item.max_value, share))
        answers[item.number] = value
        remaining -= value
    if remaining:
        raise ValueError(f"{total} is out of reach for {instrument.code}")
    return [answers[item.number] for item in instrument.items]


def load_history(client: Client, clinician: User) -> int:
    """Enter the client's demo history unless they already have scores. Returns the count."""
    if client.administrations.exists():
        return 0
    today = timezone.localdate()
    count = 0
    for series in HISTORY.get(client.given_name, ()):
        instrument = instruments.get(series.instrument)
        last = len(series.totals) - 1
        for index, total in enumerate(series.totals):
            day = today - dt.timedelta(weeks=2 * (last - index))
            when = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
            pinned = series.last_pinned if index == last else {}
            if instrument.code == "phq9":
                pinned = {9: 0, **pinned}
            measures.administration_submit(
                actor=clinician,
                client=client,
                instrument_code=instrument.code,
                answers=answers_for(instrument, total, pinned),
                administered_at=min(when, timezone.now()),
            )
            count += 1
    return count
