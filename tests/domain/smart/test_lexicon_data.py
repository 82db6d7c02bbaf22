"""The SMART lexicon as data files: every list has a reason, and bad data is refused on load."""

from __future__ import annotations

import re

import pytest

from milepost.domain.errors import DomainError
from milepost.domain.smart.loader import (
    CONFLICTS,
    SHAPES,
    InvalidLexiconData,
    check,
    load_text,
)


def refused(message: str) -> pytest.RaisesExc[InvalidLexiconData]:
    """The whole error, so a test also pins that it names the file, the list and the word."""
    return pytest.raises(InvalidLexiconData, match=f"^{re.escape(message)}$")


# --- what the loader refuses ---------------------------------------------------------------


def test_a_word_listed_twice_in_one_list_is_refused():
    text = (
        '[decrease_verbs]\nreason = "Verbs that lower."\nwords = ["reduce", "cut down", "reduce"]'
    )
    with refused("direction.toml: decrease_verbs: 'reduce' is listed twice"):
        load_text(text, "direction.toml")


def test_a_word_mapped_twice_is_refused_even_to_the_same_value():
    text = '[months]\nreason = "Month names."\nwords = [["may", 5], ["june", 6], ["may", 5]]'
    with refused("time.toml: months: 'may' is listed twice"):
        load_text(text, "time.toml")


def test_a_comparator_listed_twice_is_refused():
    text = """
[comparators_after]
reason = "Words after a number."
words = [["or lower", "<="], ["or below", "<="], ["or lower", "<="]]
"""
    with refused("comparators.toml: comparators_after: 'or lower' is listed twice"):
        load_text(text, "comparators.toml")


def test_a_scale_name_differing_only_in_case_or_hyphens_is_listed_twice():
    text = '[other_scales]\nreason = "Named scales."\nwords = ["Y-BOCS", "YBOCS"]'
    with refused("measures.toml: other_scales: 'YBOCS' is listed twice (as 'Y-BOCS')"):
        load_text(text, "measures.toml")


def test_a_word_twice_in_one_related_group_is_refused_but_may_sit_in_two_groups():
    twice = '[related_terms]\nreason = "Topics."\ngroups = [["drink", "beer", "drink"]]'
    with refused("relevance.toml: related_terms: groups[0]: 'drink' is listed twice"):
        load_text(twice, "relevance.toml")
    two_groups = (
        '[related_terms]\nreason = "Topics."\ngroups = [["drink", "binge"], ["eat", "binge"]]'
    )
    assert load_text(two_groups, "relevance.toml")


def test_a_key_in_two_rules_is_refused():
    text = """
[replacements]
reason = "What to do instead."
[[replacements.rules]]
keys = ["drink", "beer"]
replacement = "Have a soft drink"
[[replacements.rules]]
keys = ["beer"]
replacement = "Go for a walk"
"""
    with refused("wording.toml: replacements: 'beer' is listed twice"):
        load_text(text, "wording.toml")


def _one_word_list(name: str, word: str) -> str:
    """A minimal file holding ``word`` in list ``name``, whatever the list's shape."""
    shape = SHAPES[name]
    head = f'[{name}]\nreason = "A list for a test."\n'
    if shape.key == "rules":
        return head + f'[[{name}.rules]]\nkeys = ["{word}"]\n{shape.rule_value} = "x"\n'
    if shape.key == "groups":
        return head + f'groups = [["{word}", "filler"]]\n'
    values = {"int": "1", "float": "1.0", "str": '"x"', "date": "1, 1"}
    if not shape.row:
        return head + f'words = ["{word}"]\n'
    value = f'"{shape.choices[0]}"' if shape.choices else values[shape.row[0]]
    return head + f'words = [["{word}", {value}]]\n'


CONFLICTING_PAIRS = [
    (a, b, why) for side_a, side_b, why in CONFLICTS for a in side_a for b in side_b
]


@pytest.mark.parametrize(("first", "second", "why"), CONFLICTING_PAIRS)
def test_a_word_in_two_conflicting_lists_is_refused(first, second, why):
    lists = [
        *load_text(_one_word_list(first, "attend"), "a.toml"),
        *load_text(_one_word_list(second, "attend"), "b.toml"),
    ]
    with refused(f"b.toml: {second}: 'attend' is also in {first} (a.toml): {why}"):
        check(lists)


def test_the_conflicts_include_the_opposites_the_engine_reads():
    pairs = {(a, b) for a, b, _ in CONFLICTING_PAIRS}
    assert ("behaviour_verbs", "vague_outcomes") in pairs
    assert ("decrease_verbs", "increase_verbs") in pairs
    assert ("avoidance_cues", "approach_verbs") in pairs
    assert ("frequency_words", "review_points") in pairs


def test_a_word_in_two_lists_that_do_not_conflict_is_accepted():
    # "have" has no content before a cue ("have no panic attacks") and opens an approach
    # clause otherwise ("have a meal"): the engine reads the two lists in different places.
    lists = [
        *load_text(_one_word_list("empty_verbs", "have"), "a.toml"),
        *load_text(_one_word_list("approach_verbs", "have"), "b.toml"),
    ]
    assert set(check(lists)) == {"empty_verbs", "approach_verbs"}


def test_a_list_without_a_source_or_a_reason_is_refused():
    with refused(
        "time.toml: seasons: needs a source (where the words come from) or a reason (why "
        "the list exists and how it was chosen)"
    ):
        load_text('[seasons]\nwords = ["summer"]', "time.toml")


def test_an_empty_reason_is_refused():
    with refused("time.toml: seasons: reason must not be empty"):
        load_text('[seasons]\nreason = " "\nwords = ["summer"]', "time.toml")


def test_a_source_alone_is_enough():
    (word_list,) = load_text('[seasons]\nsource = "A published guide."\nwords = ["summer"]', "t")
    assert (word_list.source, word_list.reason) == ("A published guide.", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[season]\nreason = "x"\nwords = ["summer"]', "t.toml: season: unknown list;"),
        (
            '[seasons]\nreasons = "x"\nreason = "Seasons."\nwords = ["summer"]',
            "t.toml: seasons: reasons: unknown field",
        ),
        ('[seasons]\nreason = "x"\nwords = []', "t.toml: seasons: words must list at least"),
        (
            '[seasons]\nreason = "x"\nwords = ["Summer"]',
            "t.toml: seasons: words[0]: 'Summer' must be lower case",
        ),
        (
            '[seasons]\nreason = "x"\nwords = ["the  summer"]',
            "t.toml: seasons: words[0]: 'the  summer' must be words separated by single spaces",
        ),
        (
            '[comparators_before]\nreason = "x"\nwords = [["at least", "=>"]]',
            "t.toml: comparators_before: 'at least': '=>' is not one of",
        ),
        (
            '[named_days]\nreason = "x"\nwords = [["christmas", 2, 30]]',
            "t.toml: named_days: 'christmas': [2, 30] is not a month and a day",
        ),
        (
            '[number_words]\nreason = "x"\nwords = [["twelve", "12"]]',
            "t.toml: number_words: 'twelve': expected an integer, got '12'",
        ),
        ('[seasons]\nreason = "x"\nwords = "summer"', "t.toml: seasons: words: expected a list"),
        ("[seasons\n", "t.toml: (file): not valid TOML"),
    ],
)
def test_malformed_lists_are_refused_naming_the_file_and_list(text, message):
    with pytest.raises(InvalidLexiconData) as raised:
        load_text(text, "t.toml")
    assert str(raised.value).startswith(message)
    assert isinstance(raised.value, DomainError)


def test_a_list_defined_in_two_files_is_refused():
    lists = [
        *load_text('[seasons]\nreason = "Seasons."\nwords = ["summer"]', "a.toml"),
        *load_text('[seasons]\nreason = "Seasons."\nwords = ["winter"]', "b.toml"),
    ]
    with refused("b.toml: seasons: is already defined in a.toml"):
        check(lists)
