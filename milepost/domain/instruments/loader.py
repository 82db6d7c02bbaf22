"""Load and validate instrument data files (``data/*.toml``).

Every problem is reported as ``<file>: <field>: <problem>`` (:class:`InvalidInstrumentData`),
and a file with any unknown key is rejected, so a typo such as ``sorce`` cannot silently
drop a fact. Checks go beyond types: items are numbered 1..n, answer values are unique,
bands tile the whole score range without gaps or overlaps, every item a rule names
exists, totals match what the items allow, and only instruments whose licence allows
bundling load at all.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

from milepost.domain.errors import InvalidInstrumentData
from milepost.domain.instruments.model import (
    MISSING_METHODS,
    ROUNDINGS,
    SEVERITIES,
    Band,
    Caseness,
    ChangeRules,
    CountRule,
    FlagRule,
    Instrument,
    Item,
    Licence,
    Loinc,
    MissingRule,
    Option,
    ProvisionalDiagnosisRule,
    Requirement,
    Subscale,
)

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number"}


class _Table:
    """A TOML table with typed getters that name the file and field in every error."""

    def __init__(self, source: str, data: Mapping[str, Any], path: str = "") -> None:
        self.source = source
        self.data = data
        self.path = path
        self.seen: set[str] = set()

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, problem: str) -> InvalidInstrumentData:
        return InvalidInstrumentData(self.source, self.field(key), problem)

    def _get(self, key: str, kind: type, required: bool) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is required")
            return None
        value = self.data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok:
            raise self.error(key, f"expected {_TYPE_NAMES[kind]}, got {value!r}")
        return value

    def text(self, key: str) -> str:
        value = cast(str, self._get(key, str, True))
        if not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def opt_text(self, key: str, default: str | None = None) -> str | None:
        value = cast(str | None, self._get(key, str, False))
        return default if value is None else value

    def integer(self, key: str) -> int:
        return cast(int, self._get(key, int, True))

    def opt_integer(self, key: str) -> int | None:
        return cast(int | None, self._get(key, int, False))

    def number(self, key: str) -> float:
        return cast(float, self._get(key, float, True))

    def opt_number(self, key: str) -> float | None:
        return cast(float | None, self._get(key, float, False))

    def boolean(self, key: str) -> bool:
        return cast(bool, self._get(key, bool, True))

    def opt_boolean(self, key: str, default: bool) -> bool:
        value = cast(bool | None, self._get(key, bool, False))
        return default if value is None else value

    def texts(self, key: str) -> tuple[str, ...]:
        values = cast(list[Any] | None, self._get(key, list, False)) or []
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.error(f"{key}[{index}]", f"expected a non-empty string, got {value!r}")
        return tuple(values)

    def integers(self, key: str) -> tuple[int, ...]:
        values = cast(list[Any], self._get(key, list, True))
        for index, value in enumerate(values):
            if not isinstance(value, int) or isinstance(value, bool):
                raise self.error(f"{key}[{index}]", f"expected an integer, got {value!r}")
        return tuple(values)

    def table(self, key: str) -> _Table:
        return _Table(
            self.source, cast(dict[str, Any], self._get(key, dict, True)), self.field(key)
        )

    def opt_table(self, key: str) -> _Table | None:
        value = cast(dict[str, Any] | None, self._get(key, dict, False))
        return None if value is None else _Table(self.source, value, self.field(key))

    def tables(self, key: str, required: bool = False) -> Iterator[_Table]:
        values = cast(list[Any] | None, self._get(key, list, required)) or []
        for index, value in enumerate(values):
            where = f"{self.field(key)}[{index}]"
            if not isinstance(value, dict):
                raise InvalidInstrumentData(self.source, where, f"expected a table, got {value!r}")
            yield _Table(self.source, value, where)

    def done(self) -> None:
        """Reject keys nobody read: they are typos or facts the engine would ignore."""
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown field")


def _options(table: _Table, key: str) -> tuple[Option, ...]:
    options = []
    for row in table.tables(key):
        options.append(
            Option(
                value=row.integer("value"),
                label=row.text("label"),
                loinc_answer=row.opt_text("loinc_answer"),
            )
        )
        row.done()
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        raise table.error(key, f"answer values must be unique, got {values}")
    return tuple(options)


def _items(doc: _Table) -> tuple[Item, ...]:
    default_options = _options(doc, "options")
    items = []
    for index, row in enumerate(doc.tables("items", required=True), start=1):
        number = row.integer("number")
        if number != index:
            raise row.error(
                "number", f"items must be numbered 1, 2, 3 … in order; expected {index}"
            )
        own = _options(row, "options")
        options = own or default_options
        if not options:
            raise row.error(
                "options", "no answer options (none on the item, none at the top level)"
            )
        items.append(
            Item(
                number=number,
                key=row.text("key"),
                text=row.text("text"),
                options=options,
                loinc=row.opt_text("loinc"),
                reverse=row.opt_boolean("reverse", False),
            )
        )
        row.done()
    if not items:
        raise doc.error("items", "at least one item is required")
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise doc.error("items", f"item keys must be unique, got {keys}")
    return tuple(items)


def _check_item(table: _Table, key: str, number: int, n_items: int) -> None:
    if not 1 <= number <= n_items:
        raise table.error(key, f"item {number} does not exist (items are 1\u2013{n_items})")


def _bands(doc: _Table, total_min: int, total_max: int) -> tuple[tuple[Band, ...], str]:
    section = doc.opt_table("bands")
    if section is None:
        return (), ""
    source = section.text("source")
    bands = []
    expected = total_min
    for row in section.tables("levels", required=True):
        band = Band(
            code=row.text("code"),
            label=row.text("label"),
            min=row.integer("min"),
            max=row.integer("max"),
        )
        row.done()
        if band.min != expected:
            raise row.error(
                "min",
                f"bands must start at {total_min} and leave no gap or overlap; "
                f"expected {expected}, got {band.min}",
            )
        if band.max < band.min:
            raise row.error("max", f"{band.max} is below min {band.min}")
        bands.append(band)
        expected = band.max + 1
    if expected != total_max + 1:
        raise section.error("levels", f"the last band must end at total_max {total_max}")
    section.done()
    return tuple(bands), source


def _caseness(doc: _Table, total_min: int, total_max: int) -> Caseness | None:
    section = doc.opt_table("caseness")
    if section is None:
        return None
    cutoff = section.integer("cutoff")
    if not total_min <= cutoff <= total_max:
        raise section.error(
            "cutoff", f"{cutoff} is outside the score range {total_min}\u2013{total_max}"
        )
    variants_table = section.opt_table("variants")
    variants: list[tuple[str, int]] = []
    if variants_table is not None:
        for name in list(variants_table.data):
            variants.append((name, variants_table.integer(name)))
        variants_table.done()
    caseness = Caseness(
        cutoff=cutoff,
        source=section.text("source"),
        variants=tuple(variants),
        note=section.opt_text("note", "") or "",
    )
    section.done()
    return caseness


def _change(doc: _Table) -> ChangeRules:
    section = doc.table("change")
    reliable = section.opt_number("reliable_change")
    mid = section.opt_number("mid")
    reliability = section.opt_number("reliability")
    sd = section.opt_number("sd")
    rules = ChangeRules(
        reliable_change=reliable,
        reliable_change_source=section.text("reliable_change_source")
        if reliable is not None
        else "",
        mid=mid,
        mid_source=section.text("mid_source") if mid is not None else "",
        reliability=reliability,
        sd=sd,
        jacobson_truax_source=(
            section.text("jacobson_truax_source")
            if reliability is not None or sd is not None
            else ""
        ),
        note=section.opt_text("note", "") or "",
    )
    for key, value in (("reliable_change", reliable), ("mid", mid), ("sd", sd)):
        if value is not None and value <= 0:
            raise section.error(key, f"must be positive, got {value}")
    if reliability is not None and not 0 < reliability < 1:
        raise section.error("reliability", f"must be between 0 and 1, got {reliability}")
    if (reliability is None) != (sd is None):
        raise section.error(
            "sd" if sd is None else "reliability",
            "reliability and sd go together (both or neither)",
        )
    section.done()
    return rules


def _flags(doc: _Table, n_items: int) -> tuple[FlagRule, ...]:
    flags = []
    for row in doc.tables("flags"):
        severity = row.text("severity")
        if severity not in SEVERITIES:
            raise row.error("severity", f"must be one of {', '.join(SEVERITIES)}, got {severity!r}")
        item = row.integer("item")
        _check_item(row, "item", item, n_items)
        at_least = row.opt_integer("at_least")
        when_missing = row.opt_boolean("when_missing", False)
        if at_least is None and not when_missing:
            raise row.error("at_least", "a flag needs at_least, when_missing = true, or both")
        flags.append(
            FlagRule(
                code=row.text("code"),
                severity=severity,
                message=row.text("message"),
                item=item,
                at_least=at_least,
                when_missing=when_missing,
                source=row.text("source"),
            )
        )
        row.done()
    return tuple(flags)


def _subscales(doc: _Table, n_items: int) -> tuple[Subscale, ...]:
    subscales = []
    for row in doc.tables("subscales"):
        items = row.integers("items")
        if not items:
            raise row.error("items", "a subscale needs at least one item")
        for number in items:
            _check_item(row, "items", number, n_items)
        subscales.append(Subscale(code=row.text("code"), name=row.text("name"), items=items))
        row.done()
    codes = [subscale.code for subscale in subscales]
    if len(set(codes)) != len(codes):
        raise doc.error("subscales", f"subscale codes must be unique, got {codes}")
    return tuple(subscales)


def _missing(doc: _Table, n_items: int) -> MissingRule:
    section = doc.table("missing")
    method = section.text("method")
    if method not in MISSING_METHODS:
        raise section.error(
            "method", f"must be one of {', '.join(MISSING_METHODS)}, got {method!r}"
        )
    rounding = section.text("rounding")
    if rounding not in ROUNDINGS:
        raise section.error("rounding", f"must be one of {', '.join(ROUNDINGS)}, got {rounding!r}")
    status = section.text("status")
    if status not in ("published", "design-choice"):
        raise section.error("status", f"must be 'published' or 'design-choice', got {status!r}")
    max_missing = section.integer("max_missing")
    if not 0 <= max_missing < n_items:
        raise section.error("max_missing", f"must be 0\u2013{n_items - 1}, got {max_missing}")
    if method == "none" and max_missing:
        raise section.error("max_missing", "must be 0 when method is 'none'")
    rule = MissingRule(
        max_missing=max_missing,
        method=method,
        rounding=rounding,
        status=status,  # type: ignore[arg-type]
        source=section.text("source"),
    )
    section.done()
    return rule


def _provisional_diagnosis(
    doc: _Table, subscales: tuple[Subscale, ...], n_items: int, total_min: int, total_max: int
) -> ProvisionalDiagnosisRule | None:
    section = doc.opt_table("provisional_diagnosis")
    if section is None:
        return None
    by_code = {subscale.code: subscale.items for subscale in subscales}
    count_rule = None
    rule_table = section.opt_table("count_rule")
    if rule_table is not None:
        requirements = []
        for row in rule_table.tables("require", required=True):
            group = row.text("group")
            if group == "all":
                items = tuple(range(1, n_items + 1))
            elif group in by_code:
                items = by_code[group]
            else:
                raise row.error(
                    "group",
                    f"{group!r} is neither 'all' nor a subscale code "
                    f"({', '.join(by_code) or 'none defined'})",
                )
            at_least = row.integer("at_least")
            if not 1 <= at_least <= len(items):
                raise row.error("at_least", f"must be 1\u2013{len(items)}, got {at_least}")
            requirements.append(Requirement(group=group, items=items, at_least=at_least))
            row.done()
        count_rule = CountRule(
            name=rule_table.text("name"),
            endorsed_at=rule_table.integer("endorsed_at"),
            requirements=tuple(requirements),
            source=rule_table.text("source"),
        )
        rule_table.done()
    cutoff = section.opt_integer("cutoff")
    if cutoff is not None and not total_min <= cutoff <= total_max:
        raise section.error(
            "cutoff", f"{cutoff} is outside the score range {total_min}\u2013{total_max}"
        )
    rule = ProvisionalDiagnosisRule(
        count_rule=count_rule,
        cutoff=cutoff,
        cutoff_source=section.text("cutoff_source") if cutoff is not None else None,
        note=section.text("note"),
    )
    if count_rule is None and cutoff is None:
        raise section.error("count_rule", "give a count_rule, a cutoff, or both")
    section.done()
    return rule


def _loinc(doc: _Table) -> Loinc:
    section = doc.opt_table("loinc")
    if section is None:
        return Loinc(panel=None, total=None)
    loinc = Loinc(
        panel=section.opt_text("panel"),
        total=section.opt_text("total"),
        source=section.text("source"),
    )
    section.done()
    return loinc


def _licence(doc: _Table) -> Licence:
    section = doc.table("licence")
    licence = Licence(
        status=section.text("status"),
        bundle_ok=section.boolean("bundle_ok"),
        attribution=section.text("attribution"),
        source=section.text("source"),
    )
    if not licence.bundle_ok:
        raise section.error("bundle_ok", "only instruments whose licence allows bundling may ship")
    section.done()
    return licence


def parse(data: Mapping[str, Any], source: str) -> Instrument:
    """Build an :class:`Instrument` from parsed TOML, validating every field."""
    doc = _Table(source, data)
    items = _items(doc)
    n_items = len(items)
    total_min = doc.integer("total_min")
    total_max = doc.integer("total_max")
    lowest = sum(item.min_value for item in items)
    highest = sum(item.max_value for item in items)
    if (total_min, total_max) != (lowest, highest):
        raise doc.error(
            "total_min",
            f"the items allow {lowest}\u2013{highest}, "
            f"but the file says {total_min}\u2013{total_max}",
        )
    code = doc.text("code")
    if code != code.lower() or not code.isalnum():
        raise doc.error("code", f"must be lower-case letters and digits, got {code!r}")
    scoring = doc.table("scoring")
    if scoring.text("method") != "sum":
        raise scoring.error("method", "only 'sum' is supported")
    scoring_source = scoring.text("source")
    scoring.done()
    bands, bands_source = _bands(doc, total_min, total_max)
    subscales = _subscales(doc, n_items)
    snomed = doc.opt_table("snomed")
    snomed_total = None
    if snomed is not None:
        snomed_total = snomed.text("total")
        snomed.text("source")
        snomed.done()
    instrument = Instrument(
        code=code,
        short_name=doc.text("short_name"),
        name=doc.text("name"),
        aliases=doc.texts("aliases"),
        version=doc.text("version"),
        recall_period=doc.text("recall_period"),
        stem=doc.text("stem"),
        items=items,
        higher_is_worse=doc.boolean("higher_is_worse"),
        total_min=total_min,
        total_max=total_max,
        bands=bands,
        bands_source=bands_source,
        caseness=_caseness(doc, total_min, total_max),
        change=_change(doc),
        flags=_flags(doc, n_items),
        subscales=subscales,
        missing=_missing(doc, n_items),
        provisional_diagnosis=_provisional_diagnosis(doc, subscales, n_items, total_min, total_max),
        loinc=_loinc(doc),
        snomed_total=snomed_total,
        licence=_licence(doc),
        scoring_source=scoring_source,
        references=doc.texts("references"),
        notes=doc.texts("notes"),
        data_file=source,
    )
    doc.done()
    return instrument


def load_text(text: str, source: str) -> Instrument:
    """Parse one instrument from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInstrumentData(source, "(file)", f"not valid TOML: {exc}") from exc
    return parse(data, source)


def load_file(path: Path) -> Instrument:
    """Load one instrument data file from disk."""
    return load_text(path.read_text(encoding="utf-8"), path.name)


def load_bundled() -> list[Instrument]:
    """Load every ``data/*.toml`` shipped with the package, sorted by code.

    Codes must match file names and codes/short names/aliases must not collide.
    """
    data_dir = resources.files("milepost.domain.instruments") / "data"
    instruments = []
    for entry in sorted(data_dir.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        instrument = load_text(entry.read_text(encoding="utf-8"), entry.name)
        if entry.name != f"{instrument.code}.toml":
            raise InvalidInstrumentData(
                entry.name, "code", f"{instrument.code!r} does not match the file name"
            )
        instruments.append(instrument)
    check_unique_names(instruments)
    return sorted(instruments, key=lambda i: i.code)


def normalise_name(name: str) -> str:
    """The lookup key for a code, short name or alias: lower case, letters and digits only."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def check_unique_names(instruments: list[Instrument]) -> None:
    owners: dict[str, str] = {}
    for instrument in instruments:
        names = {
            normalise_name(n)
            for n in (instrument.code, instrument.short_name, instrument.name, *instrument.aliases)
        }
        for key in names:
            if key in owners and owners[key] != instrument.code:
                raise InvalidInstrumentData(
                    instrument.data_file, "aliases", f"{key!r} is already a name of {owners[key]}"
                )
            owners[key] = instrument.code
