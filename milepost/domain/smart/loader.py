"""Load and check the SMART lexicon's data files (``data/*.toml``).

Each top-level table of a file is one word list, named as the constant ``lexicon`` exposes
in lower case (``behaviour_verbs`` is ``BEHAVIOUR_VERBS``). A list says where it comes from
(``source``: a published rubric or guide) or why it exists and how it was chosen
(``reason``), and holds its entries under one key, fixed per list by :data:`SHAPES`:

- ``words``: words or phrases, or ``[word, value, …]`` rows for a list that maps a word to
  something ("twelve" to 12, "at least" to ">=");
- ``rules``: tables of ``keys`` and what they lead to (a reframe, an instrument).

The concept map that relevance reads (``data/concepts/concept-map.toml``) has a shape of its
own and is loaded by ``concepts.py``.

Loading refuses, naming the file, the list and the word: a list with neither source nor
reason, an unknown list or field, a word listed twice in one list, and a word in two lists
the engine reads as opposite answers to one question (:data:`CONFLICTS`). Errors read
``<file>: <list>: <problem>`` (:class:`InvalidLexiconData`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from milepost.domain.errors import DomainError


class InvalidLexiconData(DomainError):
    """A lexicon data file is malformed; the message names the file, the list and the word."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source = source
        self.where = where
        super().__init__(f"{source}: {where}: {problem}")


@dataclass(frozen=True)
class Shape:
    """What one list holds, and the Python value ``lexicon`` exposes for it.

    ``row`` is empty for plain words; otherwise the type of what follows the word in each
    ``[word, value]`` row (``float`` also takes an integer; ``date`` is a month and a day,
    ``[word, month, day]``).
    ``container`` is ``tuple``, ``frozenset``, ``dict`` (word -> value, or -> (month, day)
    for dates) or ``pairs`` (a tuple of (word, value) in file order).
    """

    key: str = "words"  # "words" | "rules"
    row: str = ""  # "int" | "float" | "str" | "date"
    container: str = "tuple"
    choices: tuple[str, ...] = ()  # allowed values of a one-string row
    rule_value: str = ""  # the field beside ``keys`` in each rule
    cased: bool = False  # names kept as written; compared ignoring case, spaces and hyphens


_WORDS = Shape()
_WORD_SET = Shape(container="frozenset")
_COMPARATOR = Shape(row="str", container="pairs", choices=(">=", "<=", ">", "<", "="))

# Every list the engine reads. A file may hold any of them, but each exactly once.
SHAPES: dict[str, Shape] = {
    # numbers.toml
    "number_words": Shape(row="int", container="dict"),
    "number_phrases": Shape(row="str", container="dict"),
    "count_words": Shape(row="int", container="dict"),
    "zero_phrases": _WORDS,
    "zero_verb_cues": _WORDS,
    "zero_events": _WORDS,
    # time.toml
    "days_per_unit": Shape(row="float", container="dict"),
    "months": Shape(row="int", container="dict"),
    "review_points": _WORDS,
    "frequency_words": _WORDS,
    "named_days": Shape(row="date", container="dict"),
    "seasons": _WORDS,
    "same_day": _WORDS,
    "hold_nouns": _WORDS,
    "event_periods": _WORDS,
    "placeholder_words": _WORDS,
    "weekdays": _WORDS,
    "bare_event_periods": _WORDS,
    "school_periods": _WORDS,
    "record_participles": _WORDS,
    "occasion_spans": _WORDS,
    "one_off_occasions": _WORDS,
    # comparators.toml
    "comparators_before": _COMPARATOR,
    "comparators_after": _COMPARATOR,
    # direction.toml
    "decrease_verbs": _WORDS,
    "increase_verbs": _WORDS,
    # measures.toml
    "duration_units": Shape(row="str", container="dict"),
    "period_units": Shape(row="str", container="dict"),
    "log_words": _WORDS,
    "record_logs": _WORDS,
    "self_rating_words": _WORDS,
    "severity_bands": _WORDS,
    "band_nouns": _WORDS,
    "other_scales": Shape(cased=True),
    "trial_nouns": _WORDS,
    "observation_words": _WORDS,
    "observers": _WORDS,
    "screen_words": _WORDS,
    "weight_words": _WORDS,
    "not_frequency_after": _WORDS,
    "not_frequency_before": _WORDS,
    "dose_units": _WORDS,
    "numbered_names": _WORDS,
    "numbered_labels": _WORDS,
    "increase_comparatives": _WORDS,
    "weak_increase_verbs": _WORDS,
    # specific.toml
    "behaviour_verbs": _WORDS,
    "countable_events": _WORDS,
    "vague_outcomes": _WORDS,
    "vague_objects": _WORDS,
    "verb_position_before": _WORD_SET,
    "saying_verbs": _WORDS,
    "named_techniques": _WORDS,
    "observable_states": _WORDS,
    "behaviour_adjectives": _WORDS,
    "count_frames": _WORDS,
    "condition_openers": _WORDS,
    "relative_openers": _WORDS,
    "showing_verbs": _WORDS,
    "showing_objects": _WORDS,
    # wording.toml
    "approach_verbs": _WORDS,
    "avoidance_cues": _WORDS,
    "not_avoidance": _WORDS,
    "empty_verbs": _WORDS,
    "subject_prefixes": _WORDS,
    "clause_breaks": _WORDS,
    "elimination_cues": _WORDS,
    "state_verbs": _WORDS,
    "state_cues": _WORD_SET,
    "reduction_hedges": _WORDS,
    "replacements": Shape(key="rules", rule_value="replacement"),
    # relevance.toml
    "suggested_instruments": Shape(key="rules", rule_value="instrument"),
    "stopwords": _WORD_SET,
}

# Lists no word may sit in both sides of: the engine reads them as opposite answers to one
# question, so a word in both would answer it by whichever check happens to run first.
# Overlaps between lists that answer different questions are fine: "grow" is both an
# increase verb (direction) and a vague outcome (specific); "have" is an empty verb only in
# front of an avoidance cue ("have no panic attacks") and an approach verb otherwise.
CONFLICTS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        (
            "behaviour_verbs",
            "countable_events",
            "saying_verbs",
            "named_techniques",
            "observable_states",
            "behaviour_adjectives",
        ),
        ("vague_outcomes", "vague_objects"),
        "a word cannot make a goal both specific and vague",
    ),
    (
        ("decrease_verbs",),
        ("increase_verbs",),
        "a verb cannot set the direction both to decrease and to increase",
    ),
    (
        ("avoidance_cues",),
        ("not_avoidance", "approach_verbs", "behaviour_verbs", "decrease_verbs", "increase_verbs"),
        "a word cannot both only remove something and say what the client will do",
    ),
    (
        # Elimination words are decrease verbs too (the rubric's direction), so not those.
        ("elimination_cues", "reduction_hedges"),
        ("not_avoidance", "approach_verbs", "behaviour_verbs", "saying_verbs", "increase_verbs"),
        "a word cannot both only remove something and say what the client will do",
    ),
    (
        ("frequency_words",),
        (
            "review_points",
            "seasons",
            "named_days",
            "months",
            "same_day",
            "event_periods",
            "bare_event_periods",
            "school_periods",
        ),
        "a frequency is never a deadline",
    ),
)


@dataclass(frozen=True)
class WordList:
    """One list as loaded: where it is, why it exists, its words and the value to expose."""

    name: str
    file: str
    source: str | None
    reason: str | None
    words: tuple[str, ...]  # every word or phrase, in file order (rules and groups flattened)
    value: Any  # what ``lexicon`` exposes: a tuple, frozenset or dict (see Shape.container)


class _List:
    """One list's table while it is read; every error names the file and the list."""

    def __init__(self, source: str, name: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.name = name
        self.data = data
        self.seen: set[str] = set()

    def error(self, problem: str) -> InvalidLexiconData:
        return InvalidLexiconData(self.source, self.name, problem)

    def get(self, key: str, kind: type, *, required: bool = True) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                raise self.error(f"{key} is required")
            return None
        value = self.data[key]
        if not isinstance(value, kind):
            raise self.error(f"{key}: expected {_describe(kind)}, got {value!r}")
        return value

    def text(self, key: str) -> str | None:
        value: str | None = self.get(key, str, required=False)
        if value is not None and not value.strip():
            raise self.error(f"{key} must not be empty")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(f"{unknown[0]}: unknown field")


_TYPE_NAMES: dict[type, str] = {str: "a string", list: "a list", dict: "a table"}


def _describe(kind: type) -> str:
    return _TYPE_NAMES.get(kind, kind.__name__)


def _word(table: _List, value: Any, shape: Shape, where: str) -> str:
    if not isinstance(value, str):
        raise table.error(f"{where}: expected a word or phrase, got {value!r}")
    if not value or " ".join(value.split()) != value:
        raise table.error(f"{where}: {value!r} must be words separated by single spaces")
    if not shape.cased and value != value.lower():
        raise table.error(f"{where}: {value!r} must be lower case")
    return value


def _row_value(table: _List, kind: str, values: list[Any], word: str) -> Any:
    """The value after ``word`` in one row, checked against its declared type."""
    if kind == "date":
        if len(values) != 2 or not all(type(v) is int for v in values):
            raise table.error(f"{word!r}: expected a month and a day, got {values!r}")
        try:
            dt.date(2000, values[0], values[1])  # a leap year, so 29 February is a day
        except ValueError:
            raise table.error(f"{word!r}: {values!r} is not a month and a day") from None
        return (values[0], values[1])
    if len(values) != 1:
        raise table.error(f"{word!r}: expected one value after the word, got {values!r}")
    value = values[0]
    if kind == "int" and type(value) is int:
        return value
    if kind == "float" and type(value) in (int, float):
        return float(value)
    if kind == "str" and isinstance(value, str) and value.strip():
        return value
    expected = {"int": "an integer", "float": "a number", "str": "a string"}[kind]
    raise table.error(f"{word!r}: expected {expected}, got {value!r}")


def _key(word: str, shape: Shape) -> str:
    """Two words are the same when the engine could not tell them apart."""
    if shape.cased:  # scale names: the gazetteer ignores case, spaces and hyphens
        return re.sub(r"[\s-]", "", word).casefold()
    return word


def _no_twice(table: _List, words: Iterable[str], shape: Shape, where: str = "") -> None:
    seen: dict[str, str] = {}
    for word in words:
        key = _key(word, shape)
        if key in seen:
            as_written = "" if seen[key] == word else f" (as {seen[key]!r})"
            raise table.error(f"{where}{word!r} is listed twice{as_written}")
        seen[key] = word


def _words(table: _List, shape: Shape) -> tuple[tuple[str, ...], Any]:
    rows: list[Any] = table.get("words", list)
    if not rows:
        raise table.error("words must list at least one word")
    if not shape.row:
        words = tuple(_word(table, w, shape, f"words[{i}]") for i, w in enumerate(rows))
        _no_twice(table, words, shape)
        return words, frozenset(words) if shape.container == "frozenset" else words
    pairs: list[tuple[str, Any]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, list) or not row:
            raise table.error(f"words[{index}]: expected [word, value], got {row!r}")
        word = _word(table, row[0], shape, f"words[{index}]")
        value = _row_value(table, shape.row, row[1:], word)
        if shape.choices and value not in shape.choices:
            raise table.error(f"{word!r}: {value!r} is not one of {', '.join(shape.choices)}")
        pairs.append((word, value))
    words = tuple(word for word, _ in pairs)
    _no_twice(table, words, shape)
    return words, tuple(pairs) if shape.container == "pairs" else dict(pairs)


def _rules(table: _List, shape: Shape) -> tuple[tuple[str, ...], Any]:
    rows: list[Any] = table.get("rules", list)
    if not rows:
        raise table.error("rules must list at least one rule")
    rules: list[tuple[tuple[str, ...], str]] = []
    for index, row in enumerate(rows):
        where = f"rules[{index}]"
        if not isinstance(row, dict):
            raise table.error(f"{where}: expected a table, got {row!r}")
        rule = _List(table.source, f"{table.name}: {where}", row)
        keys: list[Any] = rule.get("keys", list)
        if not keys:
            raise rule.error("keys must list at least one word")
        words = tuple(_word(rule, k, shape, f"keys[{i}]") for i, k in enumerate(keys))
        value = rule.text(shape.rule_value)
        if value is None:
            raise rule.error(f"{shape.rule_value} is required")
        rule.done()
        rules.append((words, value))
    # A key in two rules: the first rule always wins, so the second never applies.
    everything = tuple(word for words, _ in rules for word in words)
    _no_twice(table, everything, shape)
    return everything, tuple(rules)


def parse(data: Mapping[str, Any], source: str) -> tuple[WordList, ...]:
    """One file's lists, each checked on its own; ``source`` names the file in errors."""
    lists: list[WordList] = []
    for name, body in data.items():
        shape = SHAPES.get(name)
        if shape is None:
            raise InvalidLexiconData(
                source, name, "unknown list; the engine reads " + ", ".join(sorted(SHAPES))
            )
        if not isinstance(body, dict):
            raise InvalidLexiconData(source, name, f"expected a table, got {body!r}")
        table = _List(source, name, body)
        origin, reason = table.text("source"), table.text("reason")
        if origin is None and reason is None:
            raise table.error(
                "needs a source (where the words come from) or a reason (why the list "
                "exists and how it was chosen)"
            )
        read = {"words": _words, "rules": _rules}[shape.key]
        words, value = read(table, shape)
        table.done()
        lists.append(WordList(name, source, origin, reason, words, value))
    return tuple(lists)


def load_text(text: str, source: str) -> tuple[WordList, ...]:
    """Parse one data file from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidLexiconData(source, "(file)", f"not valid TOML: {exc}") from exc
    return parse(data, source)


def check(lists: Iterable[WordList]) -> dict[str, WordList]:
    """The checks across files: each list defined once, no word in two conflicting lists."""
    by_name: dict[str, WordList] = {}
    for word_list in lists:
        if word_list.name in by_name:
            raise InvalidLexiconData(
                word_list.file,
                word_list.name,
                f"is already defined in {by_name[word_list.name].file}",
            )
        by_name[word_list.name] = word_list
    for side_a, side_b, why in CONFLICTS:
        for a in (by_name[n] for n in side_a if n in by_name):
            words = set(a.words)
            for b in (by_name[n] for n in side_b if n in by_name):
                for word in b.words:
                    if word in words:
                        raise InvalidLexiconData(
                            b.file,
                            b.name,
                            f"{word!r} is also in {a.name} ({a.file}): {why}",
                        )
    return by_name


def load_directory(directory: Path | Traversable) -> dict[str, WordList]:
    """Load and check every ``*.toml`` file in ``directory``: together they hold every list."""
    entries = sorted(
        (e for e in directory.iterdir() if e.name.endswith(".toml") and e.is_file()),
        key=lambda e: e.name,
    )
    lists: list[WordList] = []
    for entry in entries:
        try:
            text = entry.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidLexiconData(entry.name, "(file)", f"not UTF-8: {exc}") from exc
        lists.extend(load_text(text, entry.name))
    by_name = check(lists)
    missing = [name for name in SHAPES if name not in by_name]
    if missing:
        raise InvalidLexiconData(
            directory.name or str(directory), "(directory)", f"no list {', '.join(missing)}"
        )
    return by_name


def load_bundled() -> dict[str, WordList]:
    """The lexicon shipped with Milepost (``milepost/domain/smart/data``)."""
    return load_directory(resources.files("milepost.domain.smart") / "data")
