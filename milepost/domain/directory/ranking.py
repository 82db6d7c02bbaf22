"""Which listings a search shows, in what order, and why.

Pure rules over plain values: the app reads candidates from the database (already filtered by
the hard rules: listed, licensed in the person's state, within the distance) and this module
decides freshness, room, order and the reasons each result shows.

Order: listings confirmed within `confirm_every_days` come first; an unconfirmed one sinks
below every confirmed one, and one unconfirmed for `hidden_after_days` is not shown at all.
Within each group: how well it matches (focus areas the words named, fitting approaches,
filters asked for), then room, then distance, then name, so equal results never shuffle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from milepost.domain.directory.matching import NOTHING, Reading
from milepost.domain.directory.rules import rules

# What a result earns toward its order (decision 1210): each focus area the words named, each
# fitting approach, room, and the share of the words its own text contains. The database
# computes the same sum for every candidate (directory.selectors); these are its weights.
FOCUS_POINTS = 3.0
APPROACH_POINTS = 2.0
ROOM_POINTS = 1.0
TEXT_POINTS = 1.0


class Freshness(StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"  # shown, below the confirmed ones
    HIDDEN = "hidden"


def freshness(confirmed_on: dt.date | None, today: dt.date) -> Freshness:
    """Day 30 after confirming is still confirmed, day 31 is not; day 90 is still shown, day
    91 is hidden (the No Surprises Act's 90 days, counted in whole days)."""
    if confirmed_on is None:
        return Freshness.HIDDEN
    age = (today - confirmed_on).days
    if age > rules().hidden_after_days:
        return Freshness.HIDDEN
    if age > rules().confirm_every_days:
        return Freshness.UNCONFIRMED
    return Freshness.CONFIRMED


@dataclass(frozen=True)
class Room:
    open: bool  # the caseload is under the stated capacity
    label: str


def room(*, capacity: int, caseload: int, next_opening: dt.date | None, today: dt.date) -> Room:
    """Room from the real caseload against the stated capacity, and the stated next opening."""
    if caseload >= capacity:
        return Room(False, "no room at present")
    if next_opening is None or next_opening <= today:
        return Room(True, "has room now")
    if (next_opening - today).days <= rules().soon_days:
        return Room(True, "has room this month")
    return Room(True, f"next opening {next_opening:%b} {next_opening.day}")


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    states: tuple[str, ...]  # states of its unexpired licences
    focus_areas: frozenset[str]
    modalities: frozenset[str]
    payers: frozenset[str]
    in_person: bool
    telehealth: bool
    confirmed_on: dt.date | None
    capacity: int
    caseload: int
    next_opening: dt.date | None
    distance: float | None = None  # miles from the person's ZIP to the office
    text_rank: float = 0.0  # share of the words' terms (matching.terms) its text contains


@dataclass(frozen=True)
class Query:
    state: str
    fmt: str = ""  # "in-person", "telehealth" or "" (either)
    insurance: str = ""
    focus: str = ""
    modality: str = ""


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    freshness: Freshness
    room: Room
    score: float
    reasons: tuple[str, ...]


def _format_reason(c: Candidate, query: Query) -> str | None:
    in_person = c.in_person and query.fmt != "telehealth"
    if in_person and c.distance is not None:
        where = f"in person, {c.distance:.0f} mi" if c.distance >= 1 else "in person, < 1 mi"
    else:
        where = "in person" if in_person else ""
    tele = "telehealth" if c.telehealth and query.fmt != "in-person" else ""
    return " and ".join(p for p in (where, tele) if p) or None


def _score(c: Candidate, query: Query, reading: Reading, *, room_open: bool) -> float:
    """Focus areas the words named 3 each, fitting approaches 2 each, room 1, the share of
    the words its text contains up to 1."""
    score = FOCUS_POINTS * sum(1 for n in reading.needs if n.focus in c.focus_areas)
    score += APPROACH_POINTS * sum(1 for f in reading.fits if f.approach in c.modalities)
    if room_open:
        score += ROOM_POINTS
    return score + TEXT_POINTS * min(c.text_rank, 1.0)


def explain(c: Candidate, query: Query, reading: Reading = NOTHING, *, today: dt.date) -> Match:
    fresh = freshness(c.confirmed_on, today)
    has = room(capacity=c.capacity, caseload=c.caseload, next_opening=c.next_opening, today=today)
    reasons: list[str] = []
    fits = [f for f in reading.fits if f.approach in c.modalities]
    reasons += [f.reason for f in fits]
    needs = [n for n in reading.needs if n.focus in c.focus_areas]
    if needs and not fits:
        reasons.append("works with " + ", ".join(n.focus for n in needs))
    if query.focus and query.focus in c.focus_areas and query.focus not in reading.focus_areas:
        reasons.append(f"works with {query.focus}")
    if query.modality and query.modality in c.modalities:
        label = rules().modalities.get(query.modality, query.modality)
        if not any(f.approach == query.modality for f in fits):
            reasons.append(f"offers {label}")
    if query.insurance:
        reasons.append(f"in network with {query.insurance}")
    reasons.append(f"licensed in {query.state}")
    if (where := _format_reason(c, query)) is not None:
        reasons.append(where)
    reasons.append(has.label)
    score = _score(c, query, reading, room_open=has.open)
    return Match(c, fresh, has, score, tuple(reasons))


def rank(
    candidates: list[Candidate],
    query: Query,
    reading: Reading = NOTHING,
    *,
    today: dt.date,
    limit: int | None = None,
) -> list[Match]:
    """The candidates to show, best first (the first `limit`); hidden (stale) ones are left
    out. Every candidate is scored; only those shown are explained."""
    keyed = []
    for c in candidates:
        fresh = freshness(c.confirmed_on, today)
        if fresh is Freshness.HIDDEN:
            continue
        room_open = c.caseload < c.capacity
        key = (
            fresh is Freshness.UNCONFIRMED,
            -_score(c, query, reading, room_open=room_open),
            not room_open,
            c.distance if c.distance is not None else 0.0,
            c.name,
            c.key,
        )
        keyed.append((key, c))
    keyed.sort(key=lambda row: row[0])
    shown = keyed if limit is None else keyed[:limit]
    return [explain(c, query, reading, today=today) for _, c in shown]
