"""The concept map: which clinical concepts a goal or a formulation factor is about.

Read from ``data/concepts/concept-map.toml``: each concept has the terms that name it (word
starts; three letters or fewer as whole words; phrases as written), the instruments that
measure it, and the published source of the grouping. Relevance (criteria.relevant) asks
whether a goal and a linked factor name a concept in common, so "PHQ-9 below 10" is relevant
to "withdrawal from friends" though they share no word. Loading refuses a concept without a
name, a source or terms, a term listed twice in one concept, and upper-case terms; the test
suite checks that every instrument named is one the SMART engine reads.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from milepost.domain.smart.measures import gazetteer

DATA = Path(__file__).with_name("data") / "concepts" / "concept-map.toml"


class InvalidConceptMap(ValueError):
    """concept-map.toml breaks a rule; the message names the concept and the problem."""


@dataclass(frozen=True)
class Concept:
    name: str
    terms: tuple[str, ...]
    instruments: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Mention:
    """A concept named in a text: the concept and the words that named it."""

    concept: str
    words: str


def _key(name: str) -> str:
    return re.sub(r"[\s\-\u2010\u2011]", "", name).lower()


def parse(text: str) -> tuple[Concept, ...]:
    data = tomllib.loads(text)
    found: list[Concept] = []
    names: set[str] = set()
    for i, row in enumerate(data.get("concepts", [])):
        name = str(row.get("name", "")).strip()
        where = f"concepts[{i}]" + (f" ({name})" if name else "")
        if not name:
            raise InvalidConceptMap(f"concept-map.toml: {where}: has no name")
        if name in names:
            raise InvalidConceptMap(f"concept-map.toml: {where}: the name is used twice")
        names.add(name)
        if not str(row.get("source", "")).strip():
            raise InvalidConceptMap(f"concept-map.toml: {where}: has no source")
        terms = tuple(row.get("terms", ()))
        if not terms:
            raise InvalidConceptMap(f"concept-map.toml: {where}: has no terms")
        seen: set[str] = set()
        for term in terms:
            if not isinstance(term, str) or not term.strip() or term != term.strip():
                raise InvalidConceptMap(f"concept-map.toml: {where}: {term!r} is not a term")
            if term != term.lower():
                raise InvalidConceptMap(f"concept-map.toml: {where}: {term!r} is not lower case")
            if term in seen:
                raise InvalidConceptMap(f"concept-map.toml: {where}: {term!r} is listed twice")
            seen.add(term)
        found.append(
            Concept(name, terms, tuple(row.get("instruments", ())), str(row["source"]).strip())
        )
    if not found:
        raise InvalidConceptMap("concept-map.toml: no concepts")
    return tuple(found)


def _inside(term: str, longer: str) -> bool:
    """Does ``term`` match inside ``longer`` by the map's rules (at a word start; three
    letters or fewer only as a whole word)?"""
    for start in [0, *(m.end() for m in re.finditer(r"[^a-z0-9]", longer))]:
        if longer.startswith(term, start):
            end = start + len(term)
            if len(term) > 3 or end == len(longer) or not longer[end].isalnum():
                return True
    return False


@dataclass(frozen=True)
class _Map:
    concepts: tuple[Concept, ...]
    pattern: re.Pattern[str]
    by_term: dict[str, tuple[str, ...]]
    by_instrument: dict[str, tuple[str, ...]]


@cache
def concept_map() -> _Map:
    concepts = parse(DATA.read_text(encoding="utf-8"))
    by_term: dict[str, list[str]] = {}
    by_instrument: dict[str, list[str]] = {}
    for c in concepts:
        for term in c.terms:
            by_term.setdefault(term, []).append(c.name)
        for name in c.instruments:
            by_instrument.setdefault(_key(name), []).append(c.name)
    # The pattern takes the longest term at a place; a shorter term found inside it names
    # its concepts too ("withdrawal": substance withdrawal, and "withdraw": low mood; "in
    # bed": low mood, and "bed": sleep).
    inner = {
        term: [other for other in by_term if other != term and _inside(other, term)]
        for term in by_term
    }
    for term, others in inner.items():
        for other in others:
            by_term[term] += [c for c in by_term[other] if c not in by_term[term]]
    alternatives = [
        re.escape(t) + (r"(?![a-z0-9])" if len(t) <= 3 else "")
        for t in sorted(by_term, key=len, reverse=True)
    ]
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + ")")
    return _Map(
        concepts,
        pattern,
        {t: tuple(v) for t, v in by_term.items()},
        {k: tuple(v) for k, v in by_instrument.items()},
    )


def known_instrument(name: str) -> bool:
    """Is this a measure name the SMART engine reads (a defined instrument or other scale)?"""
    names = gazetteer()
    return any(
        scale is not None and _key(scale.short_name) == _key(name) for scale in names.by_group
    )


def mentions(text: str) -> tuple[Mention, ...]:
    """Each concept the text names, once, with the first words that named it: instruments
    first (a goal anchored to a questionnaire is about what it measures), then terms."""
    m = concept_map()
    out: dict[str, str] = {}
    for match in gazetteer().pattern.finditer(text):
        scale = gazetteer().by_group[(match.lastindex or 1) - 1]
        if scale is None:
            continue
        for concept in m.by_instrument.get(_key(scale.short_name), ()):
            out.setdefault(concept, match.group(0))
    lowered = text.lower()
    for match in m.pattern.finditer(lowered):
        end = match.end()
        while end < len(lowered) and (lowered[end].isalnum() or lowered[end] == "-"):
            end += 1
        words = text[match.start() : end]
        for concept in m.by_term[match.group(0)]:
            out.setdefault(concept, words)
    return tuple(Mention(concept, words) for concept, words in out.items())


def shared(goal: str, other: str) -> tuple[Mention, Mention] | None:
    """The first concept both texts name, as (the goal's mention, the other's), or None."""
    theirs = {mention.concept: mention for mention in mentions(other)}
    for mine in mentions(goal):
        if mine.concept in theirs:
            return mine, theirs[mine.concept]
    return None
