from __future__ import annotations

import pytest

from milepost.domain.directory.rules import DATA, InvalidDirectoryData, parse, rules
from milepost.domain.library import APPROACHES
from milepost.domain.smart.concepts import concept_map


def test_the_bundled_rules_load():
    r = rules()
    assert r.confirm_every_days == 30
    assert r.hidden_after_days == 90
    assert "CBT" in r.modalities.values()


def test_focus_areas_are_the_smart_engines_concepts():
    assert rules().focus_areas == tuple(c.name for c in concept_map().concepts)


def test_every_modality_is_a_library_approach():
    assert set(rules().modalities) <= set(APPROACHES)


def _with(old: str, new: str) -> str:
    text = DATA.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("cbt = ", "hypnosis = ", "not a goal-library approach"),
        ("confirm_every_days = 30", "confirm_every_days = 120", "shorter than"),
        ("hidden_after_days = 90", "hidden_after_days = 0", "positive"),
        ("soon_days = 30\nsource = ", "soon_days = 30\nnot_source = ", "[room] has no source"),
        ("max_terms = 12", "max_terms = 0", "[text] max_terms must be a positive number"),
        ('stop_words = """', 'stop_words = 7\nunused = """', "[text] stop_words is missing"),
    ],
)
def test_loading_refuses_broken_data(old, new, message):
    with pytest.raises(InvalidDirectoryData, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(_with(old, new))


def test_the_stop_words_are_postgresqls_english_list():
    # Its 127 words (share/tsearch_data/english.stop): none looked for on one database and
    # dropped by the other.
    words = rules().stop_words
    assert len(words) == 127
    assert {"i", "the", "and", "don", "s", "t", "further", "ourselves"} <= words
    assert "panic" not in words
