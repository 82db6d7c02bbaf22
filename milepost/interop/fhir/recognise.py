"""Recognising another system's questionnaires, items and answers (no Django, no database).

What a sender may use, in the order tried (docs/fhir.md, decision 0900):

- a questionnaire: a Questionnaire of the same Bundle (or contained) that the response
  names, by that Questionnaire's LOINC ``code``/``identifier`` or its ``url``; else the
  canonical itself — Milepost's own, one listed in ``data/recognition.toml``, or one ending
  in the instrument's LOINC panel code or Milepost code;
- an item: its linkId (Milepost's key, number, LOINC item code, or an LHC-Forms path
  ending in one), or, through that Questionnaire, the item's LOINC ``code``;
- an answer: a scoring extension (ordinalValue, itemWeight, iso21090-CO-value) on the
  coding; its LOINC answer code, with or without ``system`` (the instrument's list, then
  the known variants in ``data/recognition.toml``); the scoring extension of the matching
  ``answerOption`` of that Questionnaire; a Milepost answer code; or the value itself
  (valueInteger, a whole valueDecimal, or the option's label as valueString).

Every table is data with its source: the instruments' data files and recognition.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.instruments import Instrument, Item
from milepost.interop.fhir import codes

# A Milepost answer code: the option's value, at most three digits (ASCII only: "²" is a
# digit to str.isdigit() and not to int()).
ANSWER_CODE = re.compile(r"-?[0-9]{1,3}")


class Unrecognised(Exception):
    """Something the sender sent that no rule recognises; ``field`` is its FHIR path."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Tables:
    """recognition.toml, read once."""

    canonicals: Mapping[str, str]
    # (instrument code, item number, answer code) -> value; system checked separately.
    variants: Mapping[tuple[str, int, str], tuple[str, int]]
    unscored: Mapping[str, frozenset[str]]
    scoring_extensions: tuple[str, ...]


@cache
def tables() -> Tables:
    text = resources.files("milepost.interop.fhir").joinpath("data/recognition.toml").read_text()
    data = tomllib.loads(text)
    canonicals = {}
    for row in data.get("questionnaires", []):
        instruments.get(row["instrument"])  # a typo fails loudly, at the first import
        if not row.get("source"):
            raise ValueError(f"recognition.toml: {row['canonical']} has no source")
        canonicals[_plain(row["canonical"])] = row["instrument"]
    variants = {}
    for row in data.get("answer_variants", []):
        instrument = instruments.get(row["instrument"])
        if not row.get("source"):
            raise ValueError(f"recognition.toml: {row['code']} has no source")
        item = next(i for i in instrument.items if i.number == row["item"])
        if row["value"] not in item.values:
            raise ValueError(f"recognition.toml: {row['code']} scores {row['value']}, no answer")
        variants[(instrument.code, item.number, row["code"])] = (row["system"], row["value"])
    unscored: dict[str, set[str]] = {}
    for row in data.get("unscored_items", []):
        unscored.setdefault(instruments.get(row["instrument"]).code, set()).add(row["loinc"])
    return Tables(
        canonicals=canonicals,
        variants=variants,
        unscored={code: frozenset(items) for code, items in unscored.items()},
        scoring_extensions=tuple(data["scoring_extensions"]["urls"]),
    )


def _plain(canonical: str) -> str:
    """A canonical without its |version and trailing slash."""
    return canonical.split("|", 1)[0].rstrip("/")


# ---------------------------------------------------------------- questionnaires


def instrument_for_canonical(canonical: str) -> Instrument | None:
    url = _plain(canonical)
    for instrument in instruments.all_instruments():
        if url == codes.questionnaire_url(instrument.code):
            return instrument
    known = tables().canonicals.get(url)
    if known:
        return instruments.get(known)
    last = url.rsplit("/", 1)[-1]
    for instrument in instruments.all_instruments():
        if instrument.loinc.panel and last == instrument.loinc.panel:
            return instrument
    try:
        return instruments.get(last)
    except UnknownInstrument:
        return None


def instrument_for_codings(codings: object) -> Instrument | None:
    """The instrument whose LOINC panel (or Milepost code) one of `codings` names."""
    for coding in _mappings(codings):
        system, code = coding.get("system"), coding.get("code")
        for instrument in instruments.all_instruments():
            if system == codes.LOINC and code and code == instrument.loinc.panel:
                return instrument
            if system == codes.INSTRUMENT and code == instrument.code:
                return instrument
    return None


def _mappings(values: object) -> Iterator[Mapping[str, Any]]:
    if isinstance(values, list):
        yield from (v for v in values if isinstance(v, Mapping))


@dataclass
class FormMap:
    """What one Questionnaire resource says about its items and answers."""

    instrument: Instrument | None
    # linkId -> the item's LOINC codes
    item_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (linkId, answer code) -> (system or None, scoring value or None)
    options: dict[tuple[str, str], list[tuple[str | None, float | None]]] = field(
        default_factory=dict
    )


def form_map(questionnaire: Mapping[str, Any]) -> FormMap:
    """Read a Questionnaire resource (a dict of R4 JSON)."""
    instrument = instrument_for_codings(questionnaire.get("code"))
    if instrument is None:
        identifiers = [
            {"system": i.get("system"), "code": i.get("value")}
            for i in _mappings(questionnaire.get("identifier"))
        ]
        instrument = instrument_for_codings(identifiers)
    url = questionnaire.get("url")
    if instrument is None and isinstance(url, str) and url:
        instrument = instrument_for_canonical(url)
    found = FormMap(instrument=instrument)
    for item in _form_items(questionnaire.get("item"), depth=1):
        link_id = str(item.get("linkId", ""))
        found.item_codes[link_id] = tuple(
            str(c.get("code"))
            for c in _mappings(item.get("code"))
            if c.get("system") in (codes.LOINC, None) and c.get("code")
        )
        for option in _mappings(item.get("answerOption")):
            coding = option.get("valueCoding")
            if not isinstance(coding, Mapping) or not coding.get("code"):
                continue
            score = scoring_value(option.get("extension"))
            if score is None:
                score = scoring_value(coding.get("extension"))
            system = coding.get("system")
            found.options.setdefault((link_id, str(coding["code"])), []).append(
                (system if isinstance(system, str) else None, score)
            )
    return found


MAX_FORM_DEPTH = 10


def _form_items(items: object, depth: int) -> Iterator[Mapping[str, Any]]:
    if depth > MAX_FORM_DEPTH:
        return
    for item in _mappings(items):
        yield item
        yield from _form_items(item.get("item"), depth + 1)


# ---------------------------------------------------------------- items


def item_names(instrument: Instrument) -> dict[str, Item]:
    names: dict[str, Item] = {}
    for item in instrument.items:
        for name in (item.key, str(item.number), f"{instrument.code}-{item.number}"):
            names[name.lower()] = item
        if item.loinc:
            names[item.loinc.lower()] = item
    return names


def item_for(
    instrument: Instrument, names: Mapping[str, Item], link_id: str, form: FormMap | None = None
) -> Item | None:
    link = link_id.strip().lower()
    if link in names:
        return names[link]
    # LHC-Forms style paths: "/44249-1/44250-9".
    last = link.rsplit("/", 1)[-1]
    if last in names:
        return names[last]
    if form is not None:
        for code in form.item_codes.get(link_id, ()):
            if code.lower() in names:
                return names[code.lower()]
    return None


def is_total(instrument: Instrument, link_id: str, form: FormMap | None = None) -> bool:
    total = instrument.loinc.total
    if not total:
        return False
    candidates = {link_id.strip().rsplit("/", 1)[-1]}
    if form is not None:
        candidates.update(form.item_codes.get(link_id, ()))
    return total in candidates


def is_unscored(instrument: Instrument, link_id: str, form: FormMap | None = None) -> bool:
    known = tables().unscored.get(instrument.code, frozenset())
    candidates = {link_id.strip().rsplit("/", 1)[-1]}
    if form is not None:
        candidates.update(form.item_codes.get(link_id, ()))
    return bool(known & candidates)


# ---------------------------------------------------------------- answers


def whole(value: object) -> int | None:
    """A JSON number that is a whole number, as an int; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def scoring_value(extensions: object) -> float | None:
    """The value a scoring extension (ordinalValue and the like) among `extensions` gives."""
    for extension in _mappings(extensions):
        if extension.get("url") in tables().scoring_extensions:
            value = extension.get("valueDecimal", extension.get("valueInteger"))
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    return None


def coding_value(
    instrument: Instrument,
    item: Item,
    coding: Mapping[str, Any],
    *,
    link_id: str = "",
    form: FormMap | None = None,
) -> int | None:
    """The option value a Coding stands for; None when no rule recognises it."""
    score = scoring_value(coding.get("extension"))
    if score is not None:
        return whole(score)
    code = str(coding.get("code", ""))
    system = coding.get("system")
    if system in (codes.LOINC, None):
        for option in item.options:
            if option.loinc_answer == code:
                return option.value
        variant = tables().variants.get((instrument.code, item.number, code))
        if variant is not None and system in (variant[0], None):
            return variant[1]
    if form is not None:
        for sent_system, value in form.options.get((link_id, code), []):
            if value is not None and (system is None or sent_system in (None, system)):
                return whole(value)
    if system in (None, codes.answer_system(instrument.code)) and ANSWER_CODE.fullmatch(code):
        return int(code)
    return None


def label_value(item: Item, text: str) -> int | None:
    """The option whose label is `text` (case and surrounding spaces aside)."""
    wanted = text.strip().casefold()
    for option in item.options:
        if option.label.casefold() == wanted:
            return option.value
    return None


def number(value: object) -> float | None:
    """A total as sent: a JSON number, or a string of one (US Core's valueString "12")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,6}(\.[0-9]{1,6})?\s*", value):
        return float(value)
    return None


def loinc_codes(codeable: object) -> list[str]:
    if not isinstance(codeable, Mapping):
        return []
    return [
        str(c.get("code"))
        for c in _mappings(codeable.get("coding"))
        if c.get("system") == codes.LOINC and c.get("code")
    ]


def observation_role(codeable: object) -> tuple[str, Instrument | None, Item | None]:
    """What an Observation's code makes it: ("panel" | "total" | "item" | "unscored" | "",
    its instrument, its item)."""
    sent = loinc_codes(codeable)
    milepost = [
        str(c.get("code"))
        for c in _mappings(codeable.get("coding") if isinstance(codeable, Mapping) else None)
        if c.get("system") == codes.INSTRUMENT
    ]
    for instrument in instruments.all_instruments():
        if instrument.code in milepost or (instrument.loinc.total in sent):
            return "total", instrument, None
        if instrument.loinc.panel and instrument.loinc.panel in sent:
            return "panel", instrument, None
    for instrument in instruments.all_instruments():
        for item in instrument.items:
            if item.loinc and item.loinc in sent:
                return "item", instrument, item
        if tables().unscored.get(instrument.code, frozenset()) & set(sent):
            return "unscored", instrument, None
    return "", None, None


def first(values: Iterable[Any]) -> Any:
    return next(iter(values), None)
