"""The concept map relevance reads (milepost/domain/smart/data/concepts/concept-map.toml)."""

from __future__ import annotations

import pytest

from milepost.domain.smart import concepts

MAP = concepts.concept_map()


def test_every_concept_has_a_source_and_terms():
    assert len(MAP.concepts) >= 15
    for concept in MAP.concepts:
        assert concept.source
        assert concept.terms


@pytest.mark.parametrize("name", sorted({n for c in MAP.concepts for n in c.instruments}), ids=str)
def test_every_instrument_named_is_one_the_engine_reads(name):
    assert concepts.known_instrument(name), name


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[concepts]]\nsource = "x"\nterms = ["a"]', "has no name"),
        ('[[concepts]]\nname = "x"\nterms = ["a"]', "(x): has no source"),
        ('[[concepts]]\nname = "x"\nsource = "y"\nterms = []', "(x): has no terms"),
        ('[[concepts]]\nname = "x"\nsource = "y"\nterms = ["Mood"]', "'Mood' is not lower case"),
        (
            '[[concepts]]\nname = "x"\nsource = "y"\nterms = ["mood", "mood"]',
            "'mood' is listed twice",
        ),
        (
            '[[concepts]]\nname = "x"\nsource = "y"\nterms = ["a"]\n'
            '[[concepts]]\nname = "x"\nsource = "y"\nterms = ["b"]',
            "the name is used twice",
        ),
        ("", "no concepts"),
    ],
)
def test_a_broken_map_is_refused_with_the_concept_and_the_problem(text, problem):
    with pytest.raises(
        concepts.InvalidConceptMap, match=problem.replace("(", r"\(").replace(")", r"\)")
    ):
        concepts.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PHQ-9 below 10", {"low mood and inactivity": "PHQ-9"}),
        ("Withdrawal from friends", {"low mood and inactivity": "Withdrawal"}),
        ("Hours in bed", {"sleep": "in bed", "low mood and inactivity": "in bed"}),
        ("Feels sad most days", {"low mood and inactivity": "sad"}),
        ("Sadistic remarks", {}),  # a short term matches only as a whole word
        ("GAD-7 under 5", {"worry and generalised anxiety": "GAD-7"}),
    ],
)
def test_mentions_name_the_concept_and_quote_the_words(text, expected):
    found = {m.concept: m.words for m in concepts.mentions(text)}
    for concept, words in expected.items():
        assert found.get(concept) == words, found
    if not expected:
        assert found == {}


def test_an_instrument_is_read_before_the_words():
    first = concepts.mentions("Lower my PHQ-9 score and low mood")[0]
    assert first.words == "PHQ-9"


def test_shared_returns_both_mentions():
    common = concepts.shared("Schedule three pleasant activities", "Stays in bed all day")
    assert common is not None
    mine, theirs = common
    assert mine.concept == theirs.concept == "low mood and inactivity"
    assert concepts.shared("Sleep seven hours", "Argues about money") is None
