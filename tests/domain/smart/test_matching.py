"""The speed helpers never change what a pattern matches (milepost.domain.smart.matching).

A guard may only skip a text the pattern cannot match; a grouped alternation must find the
same words as the plain one. Checked on the labelled statements, on variants of them that
move the word boundaries about, and on Hypothesis texts built from the patterns' own words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milepost.domain.smart import deadlines, lexicon
from milepost.domain.smart.cues import patterns
from milepost.domain.smart.matching import INDEX, Guarded, alternation, needs
from milepost.domain.smart.normalise import normalise
from milepost.domain.smart.quantities import _cues

CASES = Path(__file__).resolve().parents[1] / "cases" / "smart"


def _statements() -> list[str]:
    texts: list[str] = []
    for path in (CASES / "published" / "statements.jsonl", CASES / "goals.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _variants(text: str) -> list[str]:
    """The text, and the same words with the spaces between them changed."""
    return [
        text,
        text.replace(" ", ""),
        text.replace(" ", "  "),
        text.replace(" ", "-"),
        text.replace(" ", "\n"),
        text[len(text) // 3 :],
        text[: len(text) // 2],
    ]


TEXTS = [v for t in _statements() for v in _variants(normalise(t).text)]

GUARDED: list[tuple[str, re.Pattern[str], int]] = [
    *((f"deadline rule {i}", rule[0], mask) for i, (rule, mask) in enumerate(deadlines._CHECKED)),
    *((name, g.compiled, g.mask) for name, g in {**patterns(), **_cues()}.items()),
]


def _skipped_but_matches(pattern: re.Pattern[str], mask: int, text: str) -> bool:
    return INDEX.bits(text) & mask != mask and pattern.search(text) is not None


@pytest.mark.parametrize(("name", "pattern", "mask"), GUARDED, ids=[g[0] for g in GUARDED])
def test_a_guard_never_skips_a_text_its_pattern_matches(
    name: str, pattern: re.Pattern[str], mask: int
) -> None:
    wrong = [t for t in TEXTS if _skipped_but_matches(pattern, mask, t)]
    assert not wrong, f"{name} skipped {wrong[:3]}"


def _pieces() -> list[str]:
    """Words the patterns need, and the characters that sit between words."""
    words = sorted({w for _, p, _ in GUARDED for n in needs(p) for w in (*n.words, *n.strings)})
    return [*words[::7], " ", "  ", "-", "'", ".", ",", "0", "12", "s", "ing", "\ue000"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_pieces()), min_size=1, max_size=12).map("".join))
def test_guards_hold_on_texts_built_from_their_words(text: str) -> None:
    for name, pattern, mask in GUARDED:
        assert not _skipped_but_matches(pattern, mask, text), name


def test_the_guards_skip_most_rules_on_a_plain_goal() -> None:
    text = normalise("Walk the dog with my son every evening").text
    bits = INDEX.bits(text)
    tried = [mask for _, mask in deadlines._CHECKED if bits & mask == mask]
    assert len(tried) < len(deadlines._CHECKED) // 3


def test_needs_read_words_bounded_by_the_pattern() -> None:
    (need,) = needs(re.compile(r"\b(?:within|over)\s+\d+"))
    assert need.words == frozenset({"within", "over"})
    assert need.strings == ()
    # Not bounded on the right: "week" may be "weeks" or "weekly", so it is a string.
    found = needs(re.compile(r"\bby\s+week"))
    assert {w for n in found for w in n.words} == {"by"}
    assert ("week",) in [n.strings for n in found]
    # Ignoring case: nothing is known.
    assert needs(re.compile(r"\bweek\b", re.IGNORECASE)) == ()


def _span(m: re.Match[str] | None) -> tuple[int, int] | None:
    return m.span() if m is not None else None


def test_a_guarded_pattern_answers_as_the_pattern_does() -> None:
    guarded = Guarded(re.compile(r"(?<![a-z])(?:stop|quit)(?![a-z])"))
    plain = guarded.compiled
    for text in ("quit smoking", "stopping", "I will stop", "equity", "stop", ""):
        assert _span(guarded.search(text)) == _span(plain.search(text))
        assert _span(guarded.match(text, 2)) == _span(plain.match(text, 2))
        assert _span(guarded.fullmatch(text)) == _span(plain.fullmatch(text))
        # "stopping" cut at 4 is "stop": a search bounded by endpos is never skipped.
        assert _span(guarded.search(text, 0, 4)) == _span(plain.search(text, 0, 4))
        assert [m.span() for m in guarded.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]
        assert guarded.findall(text) == plain.findall(text)
        assert guarded.sub("_", text) == plain.sub("_", text)


WORD_LISTS = [
    lexicon.BEHAVIOUR_VERBS,
    lexicon.VAGUE_OUTCOMES,
    lexicon.FREQUENCY_WORDS,
    lexicon.HOLD_NOUNS,
    lexicon.REVIEW_POINTS,
]


@pytest.mark.parametrize("words", WORD_LISTS)
@pytest.mark.parametrize("spaced", [False, True])
def test_a_grouped_alternation_finds_the_same_words(words: tuple[str, ...], spaced: bool) -> None:
    ordered = sorted(set(words), key=len, reverse=True)
    join = (lambda w: r"\s+".join(map(re.escape, w.split()))) if spaced else re.escape
    plain = re.compile(r"(?<![a-z])(?:" + "|".join(map(join, ordered)) + r")(?![a-z-])")
    grouped = re.compile(r"(?<![a-z])" + alternation(words, spaced=spaced) + r"(?![a-z-])")
    texts = [*TEXTS[::5], " ".join(words), "  ".join(words), "-".join(words)]
    for text in texts:
        assert [m.span() for m in grouped.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"abcdefghijklmnopqrstuvwxyz", *_pieces()[:-12]]), max_size=5))
def test_a_word_sets_the_bits_of_every_string_it_holds(parts: list[str]) -> None:
    word = "".join(parts)
    tables = INDEX.build()
    want = tables.exact.get(word, 0)
    for s, bit in tables.inner.items():
        if s in word:
            want |= bit
    assert tables.word_bits(word) == want


def test_no_goal_text_stays_in_the_matchers_memory_after_an_analysis():
    from milepost.domain import smart
    from milepost.domain.smart import matching

    smart.analyse("Dana Quillfeather will attend AA twice a week within 12 weeks")
    built = matching.INDEX.built
    assert built is not None
    assert built._text is None
    assert all(g._last[0] == "" for g in matching._GUARDED)
