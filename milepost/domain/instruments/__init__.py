"""Outcome instruments as data, and one engine that scores them all.

Public API (other parts of Milepost code against exactly this)::

    from milepost.domain import instruments
    phq9 = instruments.get("phq9")  # also "PHQ-9", "PHQ 9", "Patient Health Questionnaire-9"
    result = instruments.score(phq9, [2, 1, None, 0, 1, 2, 1, 0, 1])
    result.total, result.band, result.flags, result.as_dict()
    instruments.all_instruments()             # every bundled instrument, sorted by code

Each instrument is one file in ``data/``; see docs/instruments.md for sources and licences.
"""

from __future__ import annotations

from functools import cache

from milepost.domain.errors import UnknownInstrument
from milepost.domain.instruments.loader import load_bundled, normalise_name
from milepost.domain.instruments.model import (
    Band,
    Caseness,
    ChangeRules,
    Flag,
    FlagRule,
    Instrument,
    Item,
    Licence,
    Loinc,
    MissingRule,
    Option,
    ProvisionalDiagnosis,
    Score,
    Subscale,
)
from milepost.domain.instruments.scoring import score, validate_answers

__all__ = [
    "Band",
    "Caseness",
    "ChangeRules",
    "Flag",
    "FlagRule",
    "Instrument",
    "Item",
    "Licence",
    "Loinc",
    "MissingRule",
    "Option",
    "ProvisionalDiagnosis",
    "Score",
    "Subscale",
    "UnknownInstrument",
    "all_instruments",
    "codes",
    "get",
    "score",
    "validate_answers",
]


@cache
def _bundled() -> tuple[Instrument, ...]:
    return tuple(load_bundled())


@cache
def _index() -> dict[str, Instrument]:
    index: dict[str, Instrument] = {}
    for instrument in _bundled():
        for name in (instrument.code, instrument.short_name, instrument.name, *instrument.aliases):
            index[normalise_name(name)] = instrument
    return index


def all_instruments() -> list[Instrument]:
    """Every bundled instrument, sorted by code (loaded and validated once per process)."""
    return list(_bundled())


def codes() -> tuple[str, ...]:
    return tuple(instrument.code for instrument in _bundled())


def get(code: str) -> Instrument:
    """The instrument with this code, short name or alias (case, spaces and hyphens ignored).

    Raises :class:`UnknownInstrument` for anything else.
    """
    instrument = _index().get(normalise_name(code))
    if instrument is None:
        raise UnknownInstrument(code, codes())
    return instrument
