"""The seed's own examples: CBT for panic frequency; psychodynamic work for understanding
early experiences and relating to others."""

from __future__ import annotations

from milepost.domain.directory import matching


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
