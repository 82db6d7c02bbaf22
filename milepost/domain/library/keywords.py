"""Offline keyword search over the library: no model, no index server, no dependency.

A query and every item are reduced to *terms*: lower-case words with a light stemmer
(plurals, -ing, -ed), minus stop words, plus the known phrases of :mod:`terms` ("say no",
"panic attack"). Each query term scores an item 1.0 when the item's own words (text,
client words, modality, measures) have the term, 0.75 when they have only a synonym, and
0.5 more when the term or a synonym is in the item's area label ("nightmares" ~ "PTSD and
trauma"), so a label match alone still finds the area. Items are ranked by score, then
file order, so the result is stable and explainable: every point comes from a word the
user typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from milepost.domain.library.model import Area, LibraryItem
from milepost.domain.library.terms import STOP_WORDS, SYNONYM_GROUPS

EXACT = 1.0
SYNONYM = 0.75
AREA_BOOST = 0.5

# Bounds that keep any input cheap: a search box never needs more.
MAX_QUERY_CHARS = 2000
MAX_QUERY_TERMS = 48
MAX_PHRASE_WORDS = 4

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc`")
# Doubled final consonants left after stripping a suffix ("stopping" -> "stopp" -> "stop");
# l, s, z and f stay doubled ("yelling" -> "yell", "stress").
_UNDOUBLE = frozenset("bdgkmnprt")
_SIBILANTS = ("s", "x", "z", "ch", "sh")


def stem(word: str) -> str:
    """A light suffix stripper: the same word in different forms gets the same stem.

    Not a linguistic stem (it need not be a word), only a consistent one:
    >>> [stem(w) for w in ("nightmares", "nightmare", "worried", "worries", "stopping")]
    ['nightmar', 'nightmar', 'worry', 'worry', 'stop']
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:  # worries, worried -> worry
        return word[:-3] + "y"
    base = word
    if base.endswith("es") and base[:-2].endswith(_SIBILANTS):  # buses, watches -> bus, watch
        base = base[:-2]
    elif base.endswith("s") and not base.endswith(("ss", "us", "is")):
        base = base[:-1]
    if base.endswith("ing") and len(base) >= 6:
        base = base[:-3]
    elif base.endswith("ed") and len(base) >= 5:
        base = base[:-2]
    if base.endswith("e") and len(base) >= 5:  # "smoke" -> "smok", but "care" stays
        base = base[:-1]
    if base != word and len(base) >= 4 and base[-1] == base[-2] and base[-1] in _UNDOUBLE:
        base = base[:-1]
    return base


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return _WORD.findall(folded)


@dataclass(frozen=True)
class _Vocabulary:
    phrases: frozenset[tuple[str, ...]]
    synonyms: dict[str, frozenset[str]]


def _key(words: Iterable[str]) -> str:
    return " ".join(stem(word) for word in words)


@cache
def _vocabulary() -> _Vocabulary:
    phrases: set[tuple[str, ...]] = set()
    synonyms: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        keys = set()
        for entry in group:
            words = _words(entry)
            if len(words) > 1:
                phrases.add(tuple(stem(word) for word in words))
            keys.add(_key(words))
        for key in keys:
            synonyms.setdefault(key, set()).update(keys)
    return _Vocabulary(
        phrases=frozenset(phrases),
        synonyms={key: frozenset(group) for key, group in synonyms.items()},
    )


def terms(text: str, *, phrase_words: bool = True) -> list[str]:
    """The searchable terms of a text, in order of first appearance, without repeats.

    Phrases are found on the full word sequence (so "say no" survives "no" being a stop
    word); single words drop stop words, lone letters and bare numbers. With
    ``phrase_words=False`` (how a query is read) the words of a found phrase do not also
    count alone: "public speaking" means public speaking, not anything public.
    """
    words = _words(text)
    stems = [stem(word) for word in words]
    vocabulary = _vocabulary()
    found: dict[str, None] = {}
    covered_until = 0
    for start in range(len(stems)):
        for length in range(MAX_PHRASE_WORDS, 1, -1):
            phrase = tuple(stems[start : start + length])
            if len(phrase) == length and phrase in vocabulary.phrases:
                found.setdefault(" ".join(phrase))
                covered_until = max(covered_until, start + length)
        word = words[start]
        if not phrase_words and start < covered_until:
            continue
        if len(word) > 1 and not word.isdigit() and word not in STOP_WORDS:
            found.setdefault(stems[start])
    return list(found)


def _item_terms(item: LibraryItem) -> frozenset[str]:
    fields = [item.text, item.client_words, item.modality]
    fields.extend(measure.label for measure in item.measures)
    return frozenset(term for field in fields for term in terms(field))


@dataclass(frozen=True)
class Index:
    """The items in file order with their terms, and each area's label terms."""

    items: tuple[LibraryItem, ...]
    item_terms: tuple[frozenset[str], ...]
    area_terms: dict[str, frozenset[str]]

    @classmethod
    def build(cls, items: tuple[LibraryItem, ...], areas: tuple[Area, ...]) -> Index:
        area_terms = {area.code: frozenset(terms(area.label)) for area in areas}
        return cls(
            items=items,
            item_terms=tuple(_item_terms(item) for item in items),
            area_terms=area_terms,
        )


def _score(query: list[str], item_terms: frozenset[str], area_terms: frozenset[str]) -> float:
    synonyms = _vocabulary().synonyms
    score = 0.0
    for term in query:
        # A term's group always contains the term itself.
        alternatives = synonyms.get(term, frozenset((term,)))
        if term in item_terms:
            score += EXACT
        elif not alternatives.isdisjoint(item_terms):
            score += SYNONYM
        if not alternatives.isdisjoint(area_terms):
            score += AREA_BOOST
    return score


def search(
    index: Index,
    query: str = "",
    *,
    kind: str | None = None,
    area: str | None = None,
    limit: int = 20,
) -> tuple[LibraryItem, ...]:
    """Items matching ``query``, best first; never raises on any query text.

    ``kind`` and ``area`` filter (None or "" means any; an unknown value matches nothing).
    A query with no searchable words (empty, only stop words, only emoji) lists the
    filtered items in file order, as a browse would.
    """
    if limit <= 0:
        return ()
    text = query[:MAX_QUERY_CHARS] if isinstance(query, str) else ""
    wanted = terms(text, phrase_words=False)[:MAX_QUERY_TERMS]
    ranked: list[tuple[float, int, LibraryItem]] = []
    for position, (item, item_terms) in enumerate(zip(index.items, index.item_terms, strict=True)):
        if (kind and item.kind != kind) or (area and item.area != area):
            continue
        if not wanted:
            ranked.append((0.0, position, item))
            continue
        score = _score(wanted, item_terms, index.area_terms.get(item.area, frozenset()))
        if score > 0:
            ranked.append((-score, position, item))
    ranked.sort(key=lambda row: (row[0], row[1]))
    return tuple(item for _, _, item in ranked[:limit])
