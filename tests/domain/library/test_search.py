"""Keyword search over the library: what a clinician types finds the right area first."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milepost.domain import library
from milepost.domain.library.keywords import MAX_PHRASE_WORDS, stem, terms
from milepost.domain.library.terms import STOP_WORDS, SYNONYM_GROUPS

# (query, area every one of the first `top` results must belong to, top)
AREA_FIRST = [
    ("I feel down and stay in bed", "depression", 3),
    ("low mood", "depression", 5),
    ("can't go to the supermarket", "panic", 3),
    ("panic attacks", "panic", 5),
    ("I'm scared of crowds", "panic", 3),
    ("I worry all the time", "gad", 5),
    ("I get anxious at parties", "social-anxiety", 3),
    ("public speaking", "social-anxiety", 2),
    ("nightmares", "ptsd", 5),
    ("flashbacks", "ptsd", 2),
    ("trauma", "ptsd", 5),
    ("drinking too much", "substance-use", 5),
    ("cannabis", "substance-use", 3),
    ("cigarettes", "smoking", 5),
    ("I want to quit vaping", "smoking", 5),
    ("we argue all the time", "relationships", 4),
    ("my husband and I keep fighting", "relationships", 3),
    ("I can't say no", "self-esteem", 3),
    ("people pleaser", "self-esteem", 3),
    ("I want to make time for myself", "self-esteem", 3),
    ("low self-esteem", "self-esteem", 3),
]

# (query, an item that must be among the first `top` results, top)
ITEM_NEAR_TOP = [
    ("I feel down and stay in bed", "depression.objective.daytime-bed", 3),
    ("can't go to the supermarket", "panic.goal.fewer-attacks-and-shopping", 1),
    ("nightmares", "ptsd.objective.nightmares", 3),
    ("nightmares", "ptsd.intervention.imagery-rehearsal", 5),
    ("I can't say no", "self-esteem.goal.say-no", 1),
    ("saying no", "self-esteem.goal.say-no", 1),
    ("highway driving", "ptsd.objective.motorway-driving", 2),
    ("psychodynamic", "relationships.intervention.psychodynamic-exploration", 2),
    ("relating to others", "relationships.goal.relating-differently", 1),
    ("PHQ-9", "depression.goal.phq9-to-mild", 1),
    ("phq9", "depression.goal.phq9-to-mild", 1),
    ("behavioral activation", "depression.intervention.behavioural-activation", 1),
    ("nicotine replacement", "smoking.intervention.nrt-referral", 3),
    ("imagery rehearsal", "ptsd.intervention.imagery-rehearsal", 1),
    ("couples therapy", "relationships.intervention.couple-sessions", 1),
    ("drug-free days", "substance-use.goal.drug-free-days", 1),
]


@pytest.mark.parametrize(("query", "area", "top"), AREA_FIRST)
def test_a_query_finds_its_area_first(query, area, top):
    found = library.search(query)
    assert len(found) >= top
    assert [item.area for item in found[:top]] == [area] * top, [i.id for i in found[:top]]


@pytest.mark.parametrize(("query", "item_id", "top"), ITEM_NEAR_TOP)
def test_a_query_puts_the_item_it_means_near_the_top(query, item_id, top):
    assert item_id in [item.id for item in library.search(query, limit=top)]


def test_an_empty_query_lists_items_in_file_order():
    assert library.search("", limit=1000) == library.all_items()
    assert library.search(limit=3) == library.all_items()[:3]


def test_filters_by_kind_and_area():
    goals = library.search(kind="goal", limit=1000)
    assert goals == tuple(i for i in library.all_items() if i.kind == "goal")
    panic = library.search("exposure", area="panic", kind="intervention")
    assert panic
    assert {(i.area, i.kind) for i in panic} == {("panic", "intervention")}


@pytest.mark.parametrize("value", [None, ""])
def test_an_empty_filter_means_any(value):
    assert library.search("sleep", kind=value, area=value) == library.search("sleep")


def test_an_unknown_filter_matches_nothing():
    assert library.search("sleep", kind="goals") == ()
    assert library.search("", area="nowhere") == ()


@pytest.mark.parametrize(("limit", "expected"), [(0, 0), (-5, 0), (1, 1), (7, 7), (10_000, None)])
def test_limit_bounds_the_result(limit, expected):
    everything = len(library.all_items())
    assert len(library.search(limit=limit)) == (everything if expected is None else expected)


def test_a_word_in_no_item_finds_nothing():
    assert library.search("xylophone") == ()


def test_a_query_of_only_stop_words_is_a_browse():
    assert library.search("I want to", limit=5) == library.all_items()[:5]


def test_results_are_stable():
    assert library.search("sleep") == library.search("sleep")


HOSTILE = [
    "",
    " " * 10_000,
    "x" * 10_000,
    "sleep " * 2_000,
    "\x00" * 100,
    "sleep\x00panic",
    "😀🔥💥 " * 500,
    "\ud800\udfff",  # lone surrogates
    "ﷺ" * 3_000,  # one character that NFKC expands to eighteen
    "'''\"\"\"\\\\%%__**",
    "say no " * 1_000,
    "<script>alert(1)</script>",
    "SELECT * FROM items; --",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_raises(query):
    result = library.search(query, kind="goal", limit=5)
    assert isinstance(result, tuple)
    assert len(result) <= 5
    assert library.scripted_match(query) is None


def test_a_null_byte_splits_words_like_a_space():
    assert library.search("sleep\x00panic", limit=3) == library.search("sleep panic", limit=3)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=400))
def test_any_text_returns_a_tuple(query):
    assert isinstance(library.search(query), tuple)


# --- the pieces --------------------------------------------------------------------------

STEMS = [
    # (words that must share a stem)
    ("nightmare", "nightmares"),
    ("worry", "worries", "worried"),
    ("smoke", "smoking", "smoked", "smokes"),
    ("cigarette", "cigarettes"),
    ("gathering", "gatherings"),
    ("drink", "drinks", "drinking"),
    ("stop", "stopping", "stopped"),
    ("party", "parties"),
    ("boundary", "boundaries"),
    ("bus", "buses"),
    ("watch", "watches"),
    ("feeling", "feelings", "feel"),
]


@pytest.mark.parametrize("words", STEMS)
def test_word_forms_share_a_stem(words):
    assert len({stem(word) for word in words}) == 1, [stem(w) for w in words]


@pytest.mark.parametrize(("left", "right"), [("care", "car"), ("stress", "stres"), ("bed", "be")])
def test_short_or_doubled_words_are_not_mangled(left, right):
    assert stem(left) != stem(right)


def test_terms_keep_phrases_and_drop_stop_words():
    assert terms("I can't say no") == ["say no", "say"]
    assert terms("I can't say no", phrase_words=False) == ["say no"]
    assert terms("Reduce PHQ-9 from 18 to 9 within 16 weeks") == ["phq 9", "phq"]


def test_the_vocabulary_is_well_formed():
    for group in SYNONYM_GROUPS:
        assert len(group) >= 2, group
        for member in group:
            assert member == member.strip().lower(), member
            assert len(member.split()) <= MAX_PHRASE_WORDS, member
    assert all(word == word.lower() and word.isalnum() for word in STOP_WORDS)


@pytest.mark.parametrize("module", ["keywords", "loader"])
def test_the_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(f"milepost.domain.library.{module}"))
    assert result.attempted
    assert not result.failed
