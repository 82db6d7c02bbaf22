"""Make the word-list patterns fast without changing what they match (the speed budget).

Two tools. :func:`alternation` writes a word list as one alternation grouped by first
character, so the regular-expression engine tries at each position only the words that can
start there, in the same order as before (the same words win).

:class:`Guarded` skips a pattern when a text cannot match it. A pattern over goal text usually
needs a few words: "within 12 weeks" cannot match a text with none of "day", "week",
"fortnight", "month" and "year". :func:`needs` reads those words off the
compiled pattern itself (its parse tree), so a check cannot drift from the pattern it guards:
whatever the pattern or its word list says, the check is derived again at import.

A :class:`Need` is met by a text that has one of its words as a whole word (a maximal run of
the letters a-z) or one of its strings anywhere. A word is used only where the pattern itself
bounds the letters on both sides (``\\b``, a space, a look-around that excludes letters);
otherwise the literal is kept as a string. A pattern may have several needs, all of which must
be met. Meeting them is necessary for a match, never sufficient: the pattern still decides.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

# The standard library's regular-expression parser (re._parser, Python 3.11 and later).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

# Alternatives and cross products of optional pieces are expanded up to this many strings.
_MAX_STRINGS = 5_000

_LETTERS = re.compile(r"[a-z]+")


def alternation(words: Iterable[str], *, spaced: bool = False) -> str:
    """`(?:…)` matching any of `words`, the longest first, grouped by first character.

    The same as joining the escaped words longest first with "|": at any position only the
    words that start with its character can match, and they are tried in the same order, so
    the same word wins. `spaced`: the spaces inside a phrase match any run of white space.
    """
    buckets: dict[str, list[str]] = {}
    for word in sorted(set(words), key=len, reverse=True):
        first, rest = word[:1], word[1:]
        body = r"\s+".join(map(re.escape, rest.split(" "))) if spaced else re.escape(rest)
        buckets.setdefault(first, []).append(body)
    groups = (re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in buckets.items())
    return "(?:" + "|".join(groups) + ")"


_A, _Z = ord("a"), ord("z")


@dataclass(frozen=True)
class Need:
    """One of these whole words, or one of these strings anywhere, must be in the text."""

    words: frozenset[str]
    strings: tuple[str, ...]

    def __or__(self, other: Need) -> Need:
        return Need(self.words | other.words, _minimal((*self.strings, *other.strings)))


def _minimal(strings: Iterable[str]) -> tuple[str, ...]:
    """Drop each string that holds another: a text holding "days" holds "day"."""
    kept: list[str] = []
    for s in sorted(set(strings), key=lambda s: (len(s), s)):
        if not any(k in s for k in kept):
            kept.append(s)
    return tuple(kept)


def _score(need: Need) -> tuple[bool, int, int]:
    """Higher is cheaper and more selective: words only, long literals, few of them."""
    shortest = min(len(s) for s in (*need.words, *need.strings))
    return (not need.strings, shortest, -(len(need.words) + len(need.strings)))


def _best(found: Sequence[Need]) -> Need | None:
    return max(found, key=_score) if found else None


# --- reading the parse tree ------------------------------------------------------------


def _letter_code(code: int) -> bool:
    return _A <= code <= _Z


def _class_has_letters(members: Any) -> bool | None:
    """True when a character class holds every letter a-z, False when it holds none of
    them, None when it holds some (or is negated, or is not understood)."""
    some = False
    for op, av in members:
        if op is _c.LITERAL:
            some = some or _letter_code(av)
        elif op is _c.RANGE:
            lo, hi = av
            if lo <= _A and hi >= _Z:
                return True
            some = some or not (hi < _A or lo > _Z)
        elif op is _c.CATEGORY and av is _c.CATEGORY_WORD:
            return True
        elif not (op is _c.CATEGORY and av in (_c.CATEGORY_SPACE, _c.CATEGORY_DIGIT)):
            return None  # a negated class, or a category holding some letters
    return None if some else False


def _one_non_letter(item: Any) -> bool:
    """Does this item consume exactly one character, never a letter a-z?"""
    op, av = item
    if op is _c.LITERAL:
        return not _letter_code(av)
    if op is _c.IN:
        return _class_has_letters(av) is False
    return False


def _starts_non_letter(item: Any) -> bool:
    """Does this item consume at least one character, the first never a letter a-z?"""
    op, av = item
    if _one_non_letter(item):
        return True
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        body = av[2]
        return len(body) == 1 and _one_non_letter(body[0])
    return False


_ends_non_letter = _starts_non_letter  # the forms it accepts are one repeated character


def _excludes_letters(body: Any) -> bool:
    """A look-around body that is one character class holding every letter a-z."""
    items = body
    if len(items) != 1:
        return False
    op, av = items[0]
    return op is _c.IN and _class_has_letters(av) is True


def _guards_left(item: Any) -> bool:
    """A zero-width item after which a letter cannot follow another letter."""
    op, av = item
    if op is _c.AT:
        return av in (_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING)
    if op is _c.ASSERT_NOT:
        direction, body = av
        return direction == -1 and _excludes_letters(body)
    if op is _c.ASSERT:
        direction, body = av
        items = body
        return direction == -1 and len(items) == 1 and _one_non_letter(items[0])
    return False


def _guards_right(item: Any) -> bool:
    """A zero-width item before which a letter cannot be followed by another letter."""
    op, av = item
    if op is _c.AT:
        return av in (_c.AT_BOUNDARY, _c.AT_END, _c.AT_END_STRING)
    if op is _c.ASSERT_NOT:
        direction, body = av
        return direction == 1 and _excludes_letters(body)
    if op is _c.ASSERT:
        direction, body = av
        items = body
        return direction == 1 and bool(items) and _starts_non_letter(items[0])
    return False


def _zero_width(item: Any) -> bool:
    return item[0] in (_c.AT, _c.ASSERT, _c.ASSERT_NOT)


def _finite(items: Any) -> set[str] | None:
    """Every string a literal-only sub-pattern can match, or None when it is not one."""
    out: set[str] = {""}
    literals: list[str] = []  # a run of single characters, added in one go
    for item in items:
        op, av = item
        if op is _c.LITERAL:
            literals.append(chr(av))
            continue
        if literals:
            run = "".join(literals)
            out = {s + run for s in out}
            literals = []
        if _zero_width(item):
            continue  # the consumed text is the same with or without it
        strings = _finite_item(item)
        if strings is None:
            return None
        out = {s + t for s in out for t in strings}
        if len(out) > _MAX_STRINGS:
            return None
    if literals:
        run = "".join(literals)
        out = {s + run for s in out}
    return out


# What _finite_item said of each alternation or group while one pattern is read (keyed by the
# item's id; the item is kept, so the id stays its own). Reading is serialised by _READING.
_FINITE: dict[int, tuple[Any, set[str] | None]] = {}
_READING = threading.Lock()


def _finite_item(item: Any) -> set[str] | None:
    """_finite of one item that is no single character and not zero width."""
    op, av = item
    if op is _c.IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is not _c.LITERAL:
                return None
            chars.add(chr(sub_av))
        return chars
    if op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
        if av[0] != 0 or av[1] != 1:
            return None
        inner = _finite(av[2])
        return None if inner is None else {"", *inner}
    if op is not _c.SUBPATTERN and op is not _c.BRANCH:
        return None
    known = _FINITE.get(id(item))
    if known is not None:
        return known[1]
    out: set[str] | None
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        out = None if add_flags or del_flags else _finite(body)
    else:
        out = set()
        for alternative in av[1]:
            inner = _finite(alternative)
            if inner is None:
                out = None
                break
            out |= inner
        if out is not None and len(out) > _MAX_STRINGS:
            out = None
    _FINITE[id(item)] = (item, out)
    return out


def _right_of(items: Sequence[Any], start: int, outer: bool) -> bool:
    """Is the character at items[start:] (or after the sequence) never a letter a-z?"""
    for item in items[start:]:
        if _zero_width(item):
            if _guards_right(item):
                return True
            continue
        if _starts_non_letter(item):
            return True
        strings = _finite([item])
        if strings is None:
            return False
        return all(s and not _letter_code(ord(s[0])) for s in strings)
    return outer


def _leading_letters(s: str) -> str:
    end = 0
    while end < len(s) and _letter_code(ord(s[end])):
        end += 1
    return s[:end]


def _run_need(run: set[str], left: bool, right: bool) -> Need | None:
    """What a run of literals needs: words where the letters are bounded, else strings."""
    if "" in run:
        return None
    words: set[str] = set()
    strings: set[str] = set()
    for s in run:
        head = _leading_letters(s) if left else ""
        if head and (len(head) < len(s) or right):
            words.add(head)
        else:
            strings.add(s)
    return Need(frozenset(words), _minimal(strings))


def _needs(items: Sequence[Any], left: bool, right: bool) -> list[Need]:
    """Needs of a sequence: each run of literals, and each part every match goes through.

    `left` / `right`: whether the characters just before / after the sequence are never
    letters a-z.
    """
    found: list[Need] = []
    run: set[str] = {""}
    run_left = False
    pending_right = False  # a zero-width item after the run bounds it on the right
    boundary = left  # the character before the current position is not a letter a-z

    def flush(bounded: bool) -> None:
        nonlocal run
        need = _run_need(run, run_left, bounded)
        if need is not None:
            found.append(need)
        run = {""}

    for index, item in enumerate(items):
        op, av = item
        if _zero_width(item):
            pending_right = pending_right or _guards_right(item)
            boundary = boundary or _guards_left(item)
            continue
        strings = _finite([item])
        if strings is not None:
            if run == {""}:
                run_left = boundary
            grown = {s + t for s in run for t in strings}
            if len(grown) > _MAX_STRINGS:
                flush(False)
                run_left, grown = boundary, strings
            run = grown
            boundary = all(
                (not s and boundary) or (s and not _letter_code(ord(s[-1]))) for s in strings
            )
            pending_right = False
            continue
        after = _right_of(items, index + 1, right)
        if op is _c.BRANCH and run != {""}:
            # Literals, then alternatives ("a" then "bc|\\s+lot"): read each alternative
            # with the literals in front, so their words stay whole ("abc", "a").
            joined = _distributed(run, av[1], run_left, after)
            if joined is not None:
                found.append(joined)
                run = {""}
                boundary = False
                pending_right = False
                continue
        flush(pending_right or _starts_non_letter(item))
        if op is _c.SUBPATTERN or op is _c.ATOMIC_GROUP:
            body = av[3] if op is _c.SUBPATTERN else av
            if op is not _c.SUBPATTERN or not (av[1] or av[2]):
                found.extend(_needs(body, boundary, after))
        elif op is _c.BRANCH:
            union: Need | None = None
            for alternative in av[1]:
                part = _best(_needs(alternative, boundary, after))
                if part is None:
                    union = None
                    break
                union = part if union is None else union | part
            if union is not None:
                found.append(union)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            # The first repetition starts here; what follows it may be another repetition.
            once = av[1] == 1
            part = _best(_needs(av[2], boundary, after if once else False))
            if part is not None:
                found.append(part)
        boundary = _ends_non_letter(item)
        pending_right = False
    flush(pending_right or right)
    return found


def _distributed(run: set[str], alternatives: Any, left: bool, right: bool) -> Need | None:
    """The union of what each alternative needs, read with the run of literals before it."""
    prefix = (_c.BRANCH, (None, [[(_c.LITERAL, ord(ch)) for ch in s] for s in run]))
    union: Need | None = None
    for alternative in alternatives:
        part = _best(_needs([prefix, *alternative], left, right))
        if part is None:
            return None
        union = part if union is None else union | part
    return union


def _plain(tree: Any) -> list[Any]:
    """The parse tree as plain lists and tuples (quicker to walk than the parser's objects)."""
    items: list[Any] = []
    for op, av in tree.data:
        if op is _c.SUBPATTERN:
            av = (*av[:3], _plain(av[3]))
        elif op is _c.BRANCH:
            av = (av[0], [_plain(alternative) for alternative in av[1]])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            av = (av[0], av[1], _plain(av[2]))
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            av = (av[0], _plain(av[1]))
        elif op is _c.ATOMIC_GROUP:
            av = _plain(av)
        elif op is _c.GROUPREF_EXISTS:
            av = (av[0], _plain(av[1]), _plain(av[2]) if av[2] is not None else None)
        items.append((op, av))
    return items


@cache
def _needs_of(source: str, flags: int) -> tuple[Need, ...]:
    if flags & re.IGNORECASE:
        return ()
    with _READING:
        try:
            found = _needs(_plain(_parser.parse(source, flags)), False, False)
        finally:
            _FINITE.clear()
    found.sort(key=_score, reverse=True)
    return tuple(dict.fromkeys(found))


def needs(pattern: re.Pattern[str]) -> tuple[Need, ...]:
    """What every text `pattern` matches in must hold, the cheapest and most selective first.

    Empty when nothing is known (a pattern that ignores case, or that needs no literal)."""
    return _needs_of(pattern.pattern, pattern.flags)


def _needle(s: str) -> tuple[str, str]:
    """How to look for string `s` cheaply: ("exact", a word it holds whole), ("inner",
    letters it holds, found inside some word), or ("other", `s` itself). Any text holding `s`
    holds what is returned."""
    runs = [m.span() for m in _LETTERS.finditer(s)]
    if runs == [(0, len(s))]:
        return "inner", s
    whole = [(b - a, s[a:b]) for a, b in runs if a > 0 and b < len(s)]
    if whole:
        return "exact", max(whole)[1]  # letters with a non-letter on each side, in `s` too
    longest = max(((b - a, s[a:b]) for a, b in runs), default=(0, ""))
    return ("inner", longest[1]) if longest[0] >= 3 else ("other", s)


def _or(bits: Iterable[int]) -> int:
    out = 0
    for bit in bits:
        out |= bit
    return out


class _Tables:
    """One registration's needles, and the bits they give each text. Only the text being
    analysed is remembered, and `forget` drops it when the analysis ends: no goal text, nor a
    word of one, stays in memory between analyses (no PHI in caches)."""

    def __init__(
        self, exact: dict[str, int], inner: dict[str, int], other: dict[str, int], size: int
    ) -> None:
        self.exact = exact  # a whole word of the text -> bits
        self.inner = inner  # letters inside a word of the text -> bits
        self.other = other  # anything else, anywhere in the text -> bits
        self.size = size  # bits handed out so far
        # At each position of a word the longest inner string there (tried longest first);
        # each shorter one starting there is part of it, so it gives their bits too.
        self._inner_at = re.compile("(?=(" + alternation(inner) + "))") if inner else None
        self._holds = {s: _or(bit for t, bit in inner.items() if t in s) for s in inner}
        self._text: str | None = None
        self._text_value = 0

    def word_bits(self, word: str) -> int:
        bits = self.exact.get(word, 0)
        if self._inner_at is not None:
            for s in self._inner_at.findall(word):
                bits |= self._holds[s]
        return bits

    def bits(self, text: str) -> int:
        if text is self._text:
            return self._text_value
        bits = 0
        word_bits = self.word_bits
        for w in set(_LETTERS.findall(text)):
            bits |= word_bits(w)
        for s, bit in self.other.items():
            if s in text:
                bits |= bit
        self._text, self._text_value = text, bits
        return bits

    def forget(self) -> None:
        self._text, self._text_value = None, 0


class Index:
    """Which needs a text meets, as bits of one integer, worked out once per text.

    Each need registered gets a bit. A word of the text sets the bits of the needs that list
    it, and of the needs whose letters-only strings it holds (such a string can only occur
    inside a word); the other strings are looked for in the text. The tables are built on
    first use after a registration, and replaced whole, so a thread reading while another
    registers never sees half of them.
    """

    def __init__(self) -> None:
        self._needles: dict[str, dict[str, int]] = {"exact": {}, "inner": {}, "other": {}}
        self._size = 0
        self._lock = threading.Lock()
        self.built: _Tables | None = None  # None: to be built (a need was registered)

    def register(self, found: Iterable[Need]) -> int:
        """Bits for these needs: a text may match only if its bits hold all of them."""
        with self._lock:
            mask = 0
            for need in found:
                bit = 1 << self._size
                self._size += 1
                mask |= bit
                needles = [("exact", w) for w in need.words] + [_needle(s) for s in need.strings]
                for kind, needle in needles:
                    table = self._needles[kind]
                    table[needle] = table.get(needle, 0) | bit
            self.built = None
            return mask

    def build(self) -> _Tables:
        """The tables for every need registered so far."""
        with self._lock:
            built = self.built
            if built is None:
                n = self._needles
                built = _Tables(dict(n["exact"]), dict(n["inner"]), dict(n["other"]), self._size)
                self.built = built
            return built

    def bits(self, text: str) -> int:
        """The bits of every registered need that `text` meets."""
        return (self.built or self.build()).bits(text)


INDEX = Index()
_GUARDED: list[Guarded] = []


def forget() -> None:
    """Drop what the matchers remember of the last text (called when an analysis ends)."""
    built = INDEX.built
    if built is not None:
        built.forget()
    for guarded in _GUARDED:
        guarded.forget()


class Guarded:
    """A compiled pattern that skips texts which cannot meet its needs (a drop-in for the
    methods the engine calls; a search bounded by `endpos` is never skipped, since a word cut
    short by it is not a whole word of the text).

    The last whole-text search is remembered until the analysis ends (`forget`): the engine
    asks the same question of the same statement from several places (a match object is never
    changed by its readers).
    """

    __slots__ = ("_empty", "_last", "compiled", "mask", "pattern")

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern
        self.mask = INDEX.register(needs(compiled))
        self._last: tuple[str, re.Match[str] | None] = ("", compiled.search(""))
        self._empty = self._last
        _GUARDED.append(self)

    def forget(self) -> None:
        self._last = self._empty

    def _cannot(self, string: str) -> bool:
        return (INDEX.built or INDEX.build()).bits(string) & self.mask != self.mask

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        if endpos is not None:
            return self.compiled.search(string, pos, endpos)
        if pos:
            return None if self._cannot(string) else self.compiled.search(string, pos)
        last = self._last
        if last[0] is string:
            return last[1]
        found = None if self._cannot(string) else self.compiled.search(string)
        self._last = (string, found)
        return found

    def match(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return None if self._cannot(string) else self.compiled.match(string, pos)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        return None if self._cannot(string) else self.compiled.fullmatch(string)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        return iter(()) if self._cannot(string) else self.compiled.finditer(string)

    def findall(self, string: str) -> list[Any]:
        return [] if self._cannot(string) else self.compiled.findall(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str) -> str:
        return string if self._cannot(string) else self.compiled.sub(repl, string)
