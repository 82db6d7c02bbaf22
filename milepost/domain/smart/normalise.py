"""Normalise goal text for matching while remembering where every character came from.

Three steps, each a single left-to-right pass (no backtracking-prone patterns):

1. scale names are masked with one private-use character (PHQ-9 is never the number 9);
2. typographic symbols become ASCII (<= for the less-than-or-equal sign, - for dashes);
3. spelled-out numbers become digits ("twenty-five" -> "25").

The result is lower-cased. ``original(start, end)`` maps a span of the normalised text back
to the words the clinician typed, so every explanation quotes their own words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from milepost.domain.smart import lexicon
from milepost.domain.smart.matching import alternation
from milepost.domain.smart.measures import Scale, gazetteer

MASK = "\ue000"

_SYMBOLS: dict[str, str] = {
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2a7d": "<=",
    "\u2a7e": ">=",
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
    "\u2009": " ",
    "\u00d7": "x",
    "\uff1c": "<",
    "\uff1e": ">",
    "\u2248": "~",
}


@dataclass(frozen=True)
class Mention:
    """A scale named in the text, at normalised offset `at` (one MASK character)."""

    at: int
    scale: Scale | None
    text: str


# A segment maps new[new_start:new_end] to old[old_start:old_end]; identity if same length
# and unchanged.
Segment = tuple[int, int, int, int, bool]
# What a match becomes (None: keep it unchanged).
Replacer = Callable[[re.Match[str]], str | None]


def _build(old: str, pattern: re.Pattern[str], replace: Replacer) -> tuple[str, list[Segment]]:
    pieces: list[str] = []
    segments: list[Segment] = []
    new_pos = 0
    old_pos = 0
    for m in pattern.finditer(old):
        if m.start() > old_pos:
            chunk = old[old_pos : m.start()]
            pieces.append(chunk)
            segments.append((new_pos, new_pos + len(chunk), old_pos, m.start(), True))
            new_pos += len(chunk)
        repl = replace(m)
        if repl is None:
            repl = m.group(0)
            ident = True
        else:
            ident = False
        pieces.append(repl)
        if repl:
            segments.append((new_pos, new_pos + len(repl), m.start(), m.end(), ident))
        new_pos += len(repl)
        old_pos = m.end()
    if old_pos < len(old):
        chunk = old[old_pos:]
        pieces.append(chunk)
        segments.append((new_pos, new_pos + len(chunk), old_pos, len(old), True))
    return "".join(pieces), segments


def _map(segments: tuple[Segment, ...], starts: tuple[int, ...], index: int, *, end: bool) -> int:
    if not segments:
        return index
    probe = index - 1 if end else index
    k = bisect_right(starts, probe) - 1
    if k < 0:
        return 0
    new_start, new_end, old_start, old_end, ident = segments[k]
    if probe >= new_end:
        return old_end
    if ident:
        return old_start + (index - new_start)
    return old_end if end else old_start


@lru_cache(maxsize=1)
def _number_pattern() -> re.Pattern[str]:
    word = alternation(lexicon.NUMBER_WORDS)
    phrase = alternation(lexicon.NUMBER_PHRASES, spaced=True)
    # A match starts with a number word's or phrase's first letter ("a" of "a hundred") or a
    # symbol: the look-ahead tests that character before anything else.
    first = {w[0] for w in (*lexicon.NUMBER_WORDS, *lexicon.NUMBER_PHRASES)} | {"a", *_SYMBOLS}
    return re.compile(
        "(?=[" + re.escape("".join(sorted(first))) + "])(?:" + r"(?<![\w-])" + phrase + r"(?![\w-])"
        r"|(?<![\w-])(?<!\bno\s)(?:a\s+(?=hundred|dozen))?"
        + word
        + r"(?:(?:\s+and\s+|[\s-]+)"
        + word
        # A pronoun is no number: "one's feelings", "one another", "no one".
        + r")*(?!['\u2019]s\b|\s+another\b)(?:(?![\w-])|"
        # A hyphenated measure is a number too ("a two-week period", "a three-word phrase"),
        # but not "one-on-one", "one-off" or "two-thirds".
        + r"(?<!\bone)(?<!zero)(?=-[a-z])(?!-(?:on|to|in|off|of|sided|thirds?|fourths?|"
        + r"fifths?|quarters?|halves|half)\b))"
        + "|["
        + "".join(_SYMBOLS)
        + "])",
        re.IGNORECASE,
    )


_LETTERS = re.compile(r"[a-z]+")


def _words_to_digits(phrase: str) -> str:
    numbers: list[int] = []
    current: int | None = None
    for word in _LETTERS.findall(phrase.lower()):
        if word in ("a", "and"):
            continue
        value = lexicon.NUMBER_WORDS[word]
        if current is None:
            current = value
        elif value in (100, 12) and word in ("hundred", "dozen"):
            current = max(current, 1) * value
        elif (current >= 100 and value < 100 and current % 100 == 0) or (
            current >= 20 and current % 10 == 0 and value < 10
        ):
            current += value
        else:
            numbers.append(current)
            current = value
    if current is not None:
        numbers.append(current)
    return " ".join(str(n) for n in numbers)


class _MaskScales:
    def __init__(self) -> None:
        self.found: list[tuple[int, Scale | None, str]] = []

    def __call__(self, m: re.Match[str]) -> str | None:
        index = (m.lastindex or 1) - 1
        scales = gazetteer().by_group
        scale = scales[index] if index < len(scales) else None
        self.found.append((m.start(), scale, m.group(0)))
        return MASK


def _numbers(m: re.Match[str]) -> str | None:
    text = m.group(0)
    if len(text) == 1 and text in _SYMBOLS:
        return _SYMBOLS[text]
    phrase = lexicon.NUMBER_PHRASES.get(" ".join(text.lower().split()))
    if phrase is not None:
        return phrase
    return _words_to_digits(text)


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str  # normalised, lower case
    mentions: tuple[Mention, ...]
    _first: tuple[Segment, ...]
    _second: tuple[Segment, ...]

    _first_starts: tuple[int, ...] = ()
    _second_starts: tuple[int, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        second, s2 = self._second, self._second_starts
        mid_start = _map(second, s2, start, end=False)
        mid_end = _map(second, s2, end, end=True)
        first, s1 = self._first, self._first_starts
        return _map(first, s1, mid_start, end=False), _map(first, s1, mid_end, end=True)

    def quote(self, start: int, end: int) -> str:
        """The clinician's own words behind normalised text[start:end], whitespace collapsed."""
        a, b = self.original_span(start, end)
        return " ".join(self.original[a:b].split())


def normalise(text: str) -> Normalised:
    cleaned = text.replace(MASK, " ")
    masker = _MaskScales()
    masked, first = _build(cleaned, gazetteer().pattern, masker)
    converted, second = _build(masked, _number_pattern(), _numbers)
    lowered = converted.lower()
    if len(lowered) != len(converted):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in converted)
    # Where did each mask land after step 3?  Masks are untouched by step 3, so find them.
    mentions: list[Mention] = []
    positions = [i for i, c in enumerate(lowered) if c == MASK] if MASK in lowered else []
    for at, (_, scale, name) in zip(positions, masker.found, strict=False):
        mentions.append(Mention(at=at, scale=scale, text=name))
    return Normalised(
        original=text,
        text=lowered,
        mentions=tuple(mentions),
        _first=tuple(first),
        _second=tuple(second),
        _first_starts=tuple(seg[0] for seg in first),
        _second_starts=tuple(seg[0] for seg in second),
    )
