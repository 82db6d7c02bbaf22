"""Load and validate the goal library's data files (``data/*.toml``, one per problem area).

Every problem is reported as ``<file>: <item id>: <field>: <problem>``
(:class:`InvalidLibraryData`), and unknown keys are rejected, so a typo such as
``interventons`` cannot silently drop a link. Checks go beyond types: ids are
``<area>.<kind>.<slug>`` and unique across all files, every linked objective and
intervention exists and is of the right kind, every instrument code is a bundled
instrument, metric periods are ones the plans app accepts, and no two items have texts
that :func:`scripted_key` cannot tell apart (the "scripted" finding would be ambiguous).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.library.model import (
    APPROACHES,
    FREQUENCIES,
    INTERVENTION_TYPES,
    KINDS,
    METRIC_PERIODS,
    Area,
    InvalidLibraryData,
    LibraryItem,
    Measure,
    Metric,
)

# The array each kind is written under in a file: [[goals]], [[objectives]], [[interventions]].
SECTIONS: dict[str, str] = {
    "goal": "goals",
    "objective": "objectives",
    "intervention": "interventions",
}

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Longest texts we accept. The plans app stores modality in 200 characters and frequency
# in 100; a library text longer than a paragraph is a formulation, not a goal.
MAX_TEXT = 400
MAX_MODALITY = 200
MAX_SESSION_MINUTES = 480


@dataclass(frozen=True)
class Library:
    """Every area and item of one directory of data files, in file order."""

    areas: tuple[Area, ...]
    items: tuple[LibraryItem, ...]


def scripted_key(text: str) -> str:
    """The form two texts share when only case, spacing, punctuation or typography differ.

    NFKC folds compatibility characters (full-width digits, ligatures); keeping only
    letters and digits drops every quote, dash, bullet and space, typographic or not.
    >>> scripted_key("Reduce PHQ‑9 from 18 to 9 — within 16 weeks.")
    'reducephq9from18to9within16weeks'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


class _Fields:
    """One TOML table with typed getters; every error names the file, item and field."""

    def __init__(self, source: str, item: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.item = item
        self.data = data
        self.seen: set[str] = set()

    def error(self, field: str, problem: str) -> InvalidLibraryData:
        return InvalidLibraryData(self.source, f"{self.item}: {field}", problem)

    def _get(self, key: str, kind: type, required: bool) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is required")
            return None
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"expected {_describe(kind)}, got {value!r}")
        return value

    def text(self, key: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
        value: str | None = self._get(key, str, required)
        if value is None:
            return ""
        if not value.strip():
            raise self.error(key, "must not be empty")
        if value != value.strip() or "\n" in value:
            raise self.error(key, "must be one line without leading or trailing spaces")
        if len(value) > max_length:
            raise self.error(key, f"is {len(value)} characters; at most {max_length}")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def integer(self, key: str, low: int, high: int) -> int | None:
        value: int | None = self._get(key, int, False)
        if value is not None and not low <= value <= high:
            raise self.error(key, f"must be {low}\u2013{high}, got {value}")
        return value

    def ids(self, key: str) -> tuple[str, ...]:
        values: list[Any] = self._get(key, list, True)
        if not values:
            raise self.error(key, "must list at least one id")
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value:
                raise self.error(f"{key}[{index}]", f"expected an id, got {value!r}")
        if len(set(values)) != len(values):
            twice = next(v for v in values if values.count(v) > 1)
            raise self.error(key, f"lists {twice!r} twice")
        return tuple(values)

    def done(self) -> None:
        """Reject keys nobody read: they are typos, or facts no screen would show."""
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown field")


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _describe(kind: type) -> str:
    names = {str: "a string", int: "an integer", list: "a list", dict: "a table"}
    return names.get(kind, kind.__name__)


def _measure(fields: _Fields, index: int, value: Any) -> Measure:
    where = f"measures[{index}]"
    if isinstance(value, str):
        if value in instruments.codes():
            return Measure(instrument=value)
        try:
            hint = f"; write its code {instruments.get(value).code!r}"
        except UnknownInstrument:
            hint = f"; bundled instruments are {', '.join(instruments.codes())}"
        raise fields.error(where, f"{value!r} is not an instrument code{hint}")
    if isinstance(value, dict):
        metric = _Fields(fields.source, f"{fields.item}: {where}", value)
        result = Measure(
            metric=Metric(
                name=metric.text("name", max_length=100),
                unit=metric.text("unit", max_length=50),
                period=metric.choice("period", METRIC_PERIODS),
            )
        )
        metric.done()
        return result
    raise fields.error(
        where,
        f"expected an instrument code or a table {{name, unit, period}}, got {value!r}",
    )


def _measures(fields: _Fields) -> tuple[Measure, ...]:
    values: list[Any] = fields._get("measures", list, True)
    if not values:
        raise fields.error("measures", "must list at least one instrument or metric")
    measures = tuple(_measure(fields, index, value) for index, value in enumerate(values))
    if len(set(measures)) != len(measures):
        raise fields.error("measures", "lists the same measure twice")
    return measures


def _item_id(source: str, where: str, value: Any, area: str, kind: str) -> str:
    """Ids read ``<area>.<kind>.<slug>`` so that a link tells a reader what it points at."""
    if value is None:
        raise InvalidLibraryData(source, where, "id: is required")
    if not isinstance(value, str):
        raise InvalidLibraryData(source, where, f"id: expected a string, got {value!r}")
    prefix = f"{area}.{kind}."
    if not value.startswith(prefix) or not _SLUG.fullmatch(value[len(prefix) :]):
        raise InvalidLibraryData(
            source,
            where,
            f"id: {value!r} must read {prefix}<slug>, the slug in lower-case words "
            "joined by hyphens",
        )
    return value


def _items(doc: _Fields, area: str, kind: str) -> Iterator[LibraryItem]:
    section = SECTIONS[kind]
    rows: list[Any] = doc._get(section, list, False) or []
    for index, row in enumerate(rows):
        where = f"{section}[{index}]"
        if not isinstance(row, dict):
            raise InvalidLibraryData(doc.source, where, f"expected a table, got {row!r}")
        item_id = _item_id(doc.source, where, row.get("id"), area, kind)
        fields = _Fields(doc.source, item_id, row)
        fields.seen.add("id")
        text = fields.text("text")
        if kind == "intervention":
            item = LibraryItem(
                id=item_id,
                kind=kind,
                area=area,
                text=text,
                modality=fields.text("modality", max_length=MAX_MODALITY),
                type=fields.choice("type", INTERVENTION_TYPES),
                frequency=fields.choice("frequency", FREQUENCIES),
                session_minutes=fields.integer("session_minutes", 1, MAX_SESSION_MINUTES),
                approach=fields.choice("approach", APPROACHES),
                data_file=doc.source,
            )
        else:
            item = LibraryItem(
                id=item_id,
                kind=kind,
                area=area,
                text=text,
                client_words=fields.text("client_words", required=False) if kind == "goal" else "",
                measures=_measures(fields),
                objective_ids=fields.ids("objectives") if kind == "goal" else (),
                intervention_ids=fields.ids("interventions"),
                data_file=doc.source,
            )
        fields.done()
        yield item


def parse(data: Mapping[str, Any], source: str) -> tuple[Area, tuple[LibraryItem, ...]]:
    """One file's area and items, checked on their own (links are checked by the directory).

    ``source`` names the file in errors.
    """
    doc = _Fields(source, "(file)", data)
    header: Any = doc._get("area", dict, True)
    fields = _Fields(source, "area", header)
    code = fields.text("code", max_length=50)
    if not _SLUG.fullmatch(code):
        raise fields.error("code", f"{code!r} must be lower-case words joined by hyphens")
    area = Area(
        code=code,
        label=fields.text("label", max_length=100),
        source=fields.text("source", max_length=1000),
    )
    fields.done()
    items = tuple(item for kind in KINDS for item in _items(doc, code, kind))
    doc.done()
    return area, items


def load_text(text: str, source: str) -> tuple[Area, tuple[LibraryItem, ...]]:
    """Parse one data file from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidLibraryData(source, "(file)", f"not valid TOML: {exc}") from exc
    return parse(data, source)


def check(library: Library) -> None:
    """The checks that need every file: unique ids, links that resolve, distinct texts."""
    by_id: dict[str, LibraryItem] = {}
    for item in library.items:
        if item.id in by_id:
            raise InvalidLibraryData(
                item.data_file, item.id, f"id is already used in {by_id[item.id].data_file}"
            )
        by_id[item.id] = item
    for item in library.items:
        for field, kind, ids in (
            ("objectives", "objective", item.objective_ids),
            ("interventions", "intervention", item.intervention_ids),
        ):
            for index, linked in enumerate(ids):
                target = by_id.get(linked)
                if target is None:
                    problem = f"{linked!r} is not in the library"
                elif target.kind != kind:
                    problem = f"{linked!r} is {_a(target.kind)}, not {_a(kind)}"
                else:
                    continue
                raise InvalidLibraryData(item.data_file, f"{item.id}: {field}[{index}]", problem)
    texts: dict[str, LibraryItem] = {}
    for item in library.items:
        key = scripted_key(item.text)
        if key in texts:
            raise InvalidLibraryData(
                item.data_file,
                f"{item.id}: text",
                f"reads the same as {texts[key].id}; a scripted match could not tell them apart",
            )
        texts[key] = item


def load_directory(directory: Path | Traversable) -> Library:
    """Load and check every ``*.toml`` file in ``directory``, in file-name order.

    Each file's area code must match its name (``depression.toml`` holds ``depression``),
    so a reader can find an item's file from its id.
    """
    entries = sorted(
        (e for e in directory.iterdir() if e.name.endswith(".toml") and e.is_file()),
        key=lambda e: e.name,
    )
    if not entries:
        raise InvalidLibraryData(directory.name or str(directory), "(directory)", "no .toml files")
    areas: list[Area] = []
    items: list[LibraryItem] = []
    for entry in entries:
        try:
            text = entry.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidLibraryData(entry.name, "(file)", f"not UTF-8: {exc}") from exc
        area, file_items = load_text(text, entry.name)
        if entry.name != f"{area.code}.toml":
            raise InvalidLibraryData(
                entry.name, "area: code", f"{area.code!r} does not match the file name"
            )
        areas.append(area)
        items.extend(file_items)
    library = Library(areas=tuple(areas), items=tuple(items))
    check(library)
    return library


def load_bundled() -> Library:
    """The library shipped with Milepost (``milepost/domain/library/data``)."""
    return load_directory(resources.files("milepost.domain.library") / "data")
