"""The SMART lexicon as data files: every list has a reason, and bad data is refused on load."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from milepost.domain import instruments
from milepost.domain.errors import DomainError
from milepost.domain.smart import lexicon
from milepost.domain.smart.loader import (
    CONFLICTS,
    SHAPES,
    InvalidLexiconData,
    check,
    load_bundled,
    load_directory,
    load_text,
)

DATA = resources.files("milepost.domain.smart") / "data"
BUNDLED_FILES = sorted(e.name for e in DATA.iterdir() if e.name.endswith(".toml"))


def refused(message: str) -> pytest.RaisesExc[InvalidLexiconData]:
    """The whole error, so a test also pins that it names the file, the list and the word."""
    return pytest.raises(InvalidLexiconData, match=f"^{re.escape(message)}$")


# --- the bundled lexicon -------------------------------------------------------------------


def test_the_data_files_hold_every_list_the_engine_reads_and_nothing_else():
    assert set(load_bundled()) == set(SHAPES)


@pytest.mark.parametrize("file_name", BUNDLED_FILES)
def test_every_data_file_parses_on_its_own(file_name):
    assert load_text((DATA / file_name).read_text(encoding="utf-8"), file_name)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_list_has_a_source_or_a_reason(name):
    word_list = load_bundled()[name]
    why = word_list.source or word_list.reason
    assert why is not None
    assert len(why.split()) >= 5, f"{name}: say why the list exists, not just its name"


# Each name lexicon exposes, the type it had as a Python literal, and the type of an entry.
EXPOSED = [
    ("NUMBER_WORDS", dict, int),
    ("NUMBER_PHRASES", dict, str),
    ("COUNT_WORDS", dict, int),
    ("DAYS_PER_UNIT", dict, float),
    ("MONTHS", dict, int),
    ("REVIEW_POINTS", tuple, str),
    ("FREQUENCY_WORDS", tuple, str),
    ("NAMED_DAYS", dict, tuple),
    ("SEASONS", tuple, str),
    ("SAME_DAY", tuple, str),
    ("ZERO_PHRASES", tuple, str),
    ("TRIAL_NOUNS", tuple, str),
    ("OBSERVATION_WORDS", tuple, str),
    ("WEIGHT_WORDS", tuple, str),
    ("NOT_FREQUENCY_AFTER", tuple, str),
    ("HOLD_NOUNS", tuple, str),
    ("EVENT_PERIODS", tuple, str),
    ("PLACEHOLDER_WORDS", tuple, str),
    ("WEEKDAYS", tuple, str),
    ("OBSERVERS", tuple, str),
    ("SCREEN_WORDS", tuple, str),
    ("BARE_EVENT_PERIODS", tuple, str),
    ("SCHOOL_PERIODS", tuple, str),
    ("COMPARATORS_BEFORE", tuple, tuple),
    ("COMPARATORS_AFTER", tuple, tuple),
    ("DECREASE_VERBS", tuple, str),
    ("INCREASE_VERBS", tuple, str),
    ("DURATION_UNITS", dict, str),
    ("PERIOD_UNITS", dict, str),
    ("LOG_WORDS", tuple, str),
    ("SELF_RATING_WORDS", tuple, str),
    ("SEVERITY_BANDS", tuple, str),
    ("BAND_NOUNS", tuple, str),
    ("OTHER_SCALES", tuple, str),
    ("BEHAVIOUR_VERBS", tuple, str),
    ("COUNTABLE_EVENTS", tuple, str),
    ("VAGUE_OUTCOMES", tuple, str),
    ("VAGUE_OBJECTS", tuple, str),
    ("VERB_POSITION_BEFORE", frozenset, str),
    ("SAYING_VERBS", tuple, str),
    ("NAMED_TECHNIQUES", tuple, str),
    ("OBSERVABLE_STATES", tuple, str),
    ("BEHAVIOUR_ADJECTIVES", tuple, str),
    ("COUNT_FRAMES", tuple, str),
    ("CONDITION_OPENERS", tuple, str),
    ("RELATIVE_OPENERS", tuple, str),
    ("INCREASE_COMPARATIVES", tuple, str),
    ("WEAK_INCREASE_VERBS", tuple, str),
    ("SHOWING_VERBS", tuple, str),
    ("SHOWING_OBJECTS", tuple, str),
    ("APPROACH_VERBS", tuple, str),
    ("AVOIDANCE_CUES", tuple, str),
    ("NOT_AVOIDANCE", tuple, str),
    ("EMPTY_VERBS", tuple, str),
    ("SUBJECT_PREFIXES", tuple, str),
    ("CLAUSE_BREAKS", tuple, str),
    ("ELIMINATION_CUES", tuple, str),
    ("STATE_VERBS", tuple, str),
    ("STATE_CUES", frozenset, str),
    ("REDUCTION_HEDGES", tuple, str),
    ("REPLACEMENTS", tuple, tuple),
    ("SUGGESTED_INSTRUMENTS", tuple, tuple),
    ("STOPWORDS", frozenset, str),
    # Round 3 (decision 0213).
    ("RECORD_PARTICIPLES", tuple, str),
    ("OCCASION_SPANS", tuple, str),
    ("ONE_OFF_OCCASIONS", tuple, str),
    ("ZERO_VERB_CUES", tuple, str),
    ("ZERO_EVENTS", tuple, str),
    ("DOSE_UNITS", tuple, str),
    ("NUMBERED_NAMES", tuple, str),
    ("NUMBERED_LABELS", tuple, str),
    ("NOT_FREQUENCY_BEFORE", tuple, str),
    ("RECORD_LOGS", tuple, str),
]


def test_lexicon_exposes_one_name_per_list():
    assert sorted(name for name, _, _ in EXPOSED) == sorted(n.upper() for n in SHAPES)


@pytest.mark.parametrize(("name", "container", "entry"), EXPOSED)
def test_lexicon_exposes_each_list_with_the_type_the_engine_expects(name, container, entry):
    value = getattr(lexicon, name)
    assert type(value) is container
    assert value
    entries = value.values() if isinstance(value, dict) else value
    assert all(type(e) is entry for e in entries)


# A word, the list it must sit in, and what it maps to (None for plain word lists).
KNOWN = [
    ("twelve", "NUMBER_WORDS", 12),
    ("a couple of", "NUMBER_PHRASES", "2"),
    ("twice", "COUNT_WORDS", 2),
    ("month", "DAYS_PER_UNIT", 30.44),
    ("sept", "MONTHS", 9),
    ("christmas eve", "NAMED_DAYS", (12, 24)),
    ("discharge", "REVIEW_POINTS", None),
    ("every other day", "FREQUENCY_WORDS", None),
    ("the summer", "SEASONS", None),
    ("at least", "COMPARATORS_BEFORE", ">="),
    ("or below", "COMPARATORS_AFTER", "<="),
    ("cut down", "DECREASE_VERBS", None),
    ("improve", "INCREASE_VERBS", None),
    ("hrs", "DURATION_UNITS", "hours"),
    ("weekday", "PERIOD_UNITS", "day"),
    ("thought record", "LOG_WORDS", None),
    ("suds", "SELF_RATING_WORDS", None),
    ("moderately severe", "SEVERITY_BANDS", None),
    ("range", "BAND_NOUNS", None),
    ("Y-BOCS", "OTHER_SCALES", None),
    ("attend", "BEHAVIOUR_VERBS", None),
    ("panic attacks", "COUNTABLE_EVENTS", None),
    ("feel better", "VAGUE_OUTCOMES", None),
    ("self-care", "VAGUE_OBJECTS", None),
    ("will", "VERB_POSITION_BEFORE", None),
    ("take up", "APPROACH_VERBS", None),
    ("free of", "AVOIDANCE_CUES", None),
    ("no more than", "NOT_AVOIDANCE", None),
    ("get through", "EMPTY_VERBS", None),
    ("the client will", "SUBJECT_PREFIXES", None),
    ("so that", "CLAUSE_BREAKS", None),
    ("without", "STOPWORDS", None),
]


@pytest.mark.parametrize(("word", "name", "value"), KNOWN)
def test_a_known_word_sits_in_its_list(word, name, value):
    exposed = getattr(lexicon, name)
    if name.startswith("COMPARATORS_"):
        exposed = dict(exposed)
    if value is None:
        assert word in exposed
    else:
        assert exposed[word] == value


# Words the engine must not read one way, because they belong to the opposite list.
NOT_THERE = [
    ("feel better", "BEHAVIOUR_VERBS"),
    ("attend", "VAGUE_OUTCOMES"),
    ("reduce", "INCREASE_VERBS"),
    ("increase", "DECREASE_VERBS"),
    ("eliminate", "AVOIDANCE_CUES"),
    ("daily", "REVIEW_POINTS"),
]


@pytest.mark.parametrize(("word", "name"), NOT_THERE)
def test_a_known_word_is_not_in_the_opposite_list(word, name):
    assert word not in getattr(lexicon, name)


def test_rules_keep_their_order_and_members():
    assert lexicon.REPLACEMENTS[0] == (
        ("junk food", "fast food", "takeaway", "snack", "sugar", "sweets"),
        "Eat a home-cooked meal",
    )
    assert [code for _, code in lexicon.SUGGESTED_INSTRUMENTS] == ["phq9", "gad7", "pcl5"]


def test_suggested_instruments_are_bundled_instruments():
    assert {code for _, code in lexicon.SUGGESTED_INSTRUMENTS} <= set(instruments.codes())


def test_the_duplicates_found_when_the_lists_became_data_are_listed_once():
    assert lexicon.BEHAVIOUR_VERBS.count("ride") == 1
    assert [w for w, _ in lexicon.COMPARATORS_AFTER].count("or lower") == 1


def test_the_engine_reads_the_loaded_lists():
    """A word added to the data reaches the engine: "feel better" is vague, "attend" is not."""
    from milepost.domain import smart

    assert smart.analyse("Feel better").criteria.specific.met is False
    assert smart.analyse("Attend the group").criteria.specific.met is True


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
    values = {"int": "1", "float": "1.0", "str": '"x"', "date": "1, 1"}
    if not shape.row:
        return head + f'words = ["{word}"]\n'
    value = f'"{shape.choices[0]}"' if shape.choices else values[shape.row]
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


def test_a_directory_missing_a_list_is_refused(tmp_path: Path):
    for entry in DATA.iterdir():
        if entry.name.endswith(".toml"):
            (tmp_path / entry.name).write_text(entry.read_text(encoding="utf-8"))
    text = (tmp_path / "time.toml").read_text()
    start = text.index("[seasons]")
    (tmp_path / "time.toml").write_text(text[:start])
    with refused(f"{tmp_path.name}: (directory): no list seasons"):
        load_directory(tmp_path)


def test_a_copy_of_the_bundled_directory_loads_the_same_lists(tmp_path: Path):
    for entry in DATA.iterdir():
        if entry.name.endswith(".toml"):
            (tmp_path / entry.name).write_text(entry.read_text(encoding="utf-8"))
    assert load_directory(tmp_path) == load_bundled()
