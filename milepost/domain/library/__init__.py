"""The goal library: goals, objectives and interventions written by Milepost, as data.

Public API (the plans views code against exactly this)::

    from milepost.domain import library
    library.all_items()                      # every item, in file order (loaded once)
    library.get("depression.goal.phq9-to-mild")
    library.areas()                          # Area(code, label, source), one per data file
    library.search("I can't say no", kind="goal", area=None, limit=20)
    library.scripted_match(goal_text)        # the item this text still is, or None

Each problem area is one file in ``data/``; see docs/library.md for the format and how
to add an item. Library text is a starting point: a plan goal whose statement is still a
library item word for word is "scripted" (the plan linter's anti-boilerplate check), and
``scripted_match`` is how it is recognised. Pure Python: no Django, no network.
"""

from __future__ import annotations

from functools import cache

from milepost.domain.library.keywords import Index
from milepost.domain.library.keywords import search as _search
from milepost.domain.library.loader import Library, load_bundled, load_directory, scripted_key
from milepost.domain.library.model import (
    APPROACHES,
    FREQUENCIES,
    KINDS,
    Area,
    InvalidLibraryData,
    LibraryItem,
    Measure,
    Metric,
    UnknownLibraryItem,
)

__all__ = [
    "APPROACHES",
    "FREQUENCIES",
    "KINDS",
    "Area",
    "InvalidLibraryData",
    "Library",
    "LibraryItem",
    "Measure",
    "Metric",
    "UnknownLibraryItem",
    "all_items",
    "areas",
    "get",
    "load_directory",
    "scripted_match",
    "search",
]


@cache
def _bundled() -> Library:
    return load_bundled()


@cache
def _by_id() -> dict[str, LibraryItem]:
    return {item.id: item for item in _bundled().items}


@cache
def _by_scripted_key() -> dict[str, LibraryItem]:
    # The loader refuses two items with the same key, so this mapping loses nothing.
    return {scripted_key(item.text): item for item in _bundled().items}


@cache
def _index() -> Index:
    library = _bundled()
    return Index.build(library.items, library.areas)


def all_items() -> tuple[LibraryItem, ...]:
    """Every bundled item in file order: goals, then objectives, then interventions per file."""
    return _bundled().items


def areas() -> tuple[Area, ...]:
    """Every problem area, in file-name order."""
    return _bundled().areas


def get(item_id: str) -> LibraryItem:
    """The item with this id; :class:`UnknownLibraryItem` for anything else."""
    item = _by_id().get(item_id) if isinstance(item_id, str) else None
    if item is None:
        raise UnknownLibraryItem(str(item_id))
    return item


def search(
    query: str = "",
    *,
    kind: str | None = None,
    area: str | None = None,
    limit: int = 20,
) -> tuple[LibraryItem, ...]:
    """Items matching ``query`` best first, optionally of one ``kind`` and ``area``.

    Never raises on any query text; an empty query lists items in file order.
    """
    return _search(_index(), query, kind=kind, area=area, limit=limit)


def scripted_match(text: str) -> LibraryItem | None:
    """The library item whose text ``text`` still is, or None once it is personalised.

    Case, spacing, punctuation and typographic quotes or dashes are ignored, because
    re-typing a goal is not personalising it; a changed number or an added word is.
    """
    if not isinstance(text, str):
        return None
    key = scripted_key(text)
    return _by_scripted_key().get(key) if key else None
