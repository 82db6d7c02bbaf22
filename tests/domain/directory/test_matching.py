"""The seed's own examples: CBT for panic frequency; psychodynamic work for understanding
early experiences and relating to others."""

from __future__ import annotations

from milepost.domain.directory import matching
from milepost.domain.directory.rules import rules


def test_panic_in_the_persons_words_reads_as_panic_with_cbt():
    reading = matching.read("I get panic attacks three times a week and can't take the train")
    assert "panic and agoraphobia" in reading.focus_areas
    assert "cbt" in reading.approaches
    assert "CBT for panic and agoraphobia" in [f.reason for f in reading.fits]


def test_understanding_early_experiences_reads_as_psychodynamic_work():
    reading = matching.read(
        "I want to understand the early experiences behind my anxiety and relate to others "
        "in a better way"
    )
    assert "psychodynamic" in reading.approaches


def test_the_words_that_named_a_focus_are_kept_for_the_reason():
    reading = matching.read("I feel so lonely since the move")
    assert any(n.words.lower().startswith("lonel") for n in reading.needs)


def test_no_words_read_as_nothing():
    assert matching.read("") == matching.NOTHING
    assert matching.read("   \n ") == matching.NOTHING


def test_very_long_words_are_read_without_error():
    reading = matching.read("panic " * 5000)
    assert "panic and agoraphobia" in reading.focus_areas


def test_the_terms_full_text_looks_for():
    assert matching.terms("I get Panic attacks on the subway, the SUBWAY!") == (
        "get",
        "panic",
        "attacks",
        "subway",
    )
    # Stop words and single letters go; apostrophes split like the databases' parsers.
    assert matching.terms("I can't do it, a b c") == ()
    assert matching.terms("") == ()


def test_at_most_max_terms_are_looked_for():
    words = " ".join(f"word{n}" for n in range(40))
    assert matching.terms(words) == tuple(f"word{n}" for n in range(rules().max_terms))
