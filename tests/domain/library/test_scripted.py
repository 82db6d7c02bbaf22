"""scripted_match: a plan goal that is still a library item word for word is "scripted"."""

from __future__ import annotations

import pytest

from milepost.domain import library
from milepost.domain.library.loader import scripted_key

GOAL = library.get("depression.goal.phq9-to-mild")
TEXT = GOAL.text  # Reduce depressive symptoms from moderately severe to mild, PHQ-9 from 18 …

# Re-typing, copying through a word processor or tidying spaces is not personalising.
STILL_SCRIPTED = [
    ("unchanged", TEXT),
    ("upper case", TEXT.upper()),
    ("lower case", TEXT.lower()),
    ("extra spaces", "  " + TEXT.replace(" ", "   ") + "  "),
    ("tabs and newlines", TEXT.replace(" ", "\n\t", 3)),
    ("no full stop", TEXT.rstrip(".")),
    ("non-breaking hyphen", TEXT.replace("PHQ-9", "PHQ\u20119")),
    ("em dash for comma", TEXT.replace(",", " \u2014", 1)),
    ("en dash", TEXT.replace("PHQ-9", "PHQ\u20139")),
    ("no hyphen", TEXT.replace("PHQ-9", "PHQ9")),
    ("full-width digits", TEXT.replace("18", "\uff11\uff18")),
]

# A changed number or an added word makes it the client's goal.
PERSONALISED = [
    ("baseline changed", TEXT.replace("18", "16")),
    ("target changed", TEXT.replace("9 or below", "8 or below")),
    ("deadline changed", TEXT.replace("16 weeks", "20 weeks")),
    ("word added", TEXT.replace("within", "by going back to the choir within")),
    ("word removed", TEXT.replace("moderately ", "")),
    ("client's words appended", TEXT + " so I can enjoy my allotment again"),
    ("empty", ""),
    ("only punctuation", "…—‘’“”"),
]


@pytest.mark.parametrize(("why", "text"), STILL_SCRIPTED)
def test_a_retyped_library_text_is_still_scripted(why, text):
    assert library.scripted_match(text) == GOAL, why


@pytest.mark.parametrize(("why", "text"), PERSONALISED)
def test_a_personalised_text_is_not_scripted(why, text):
    assert library.scripted_match(text) is None, why


def test_quotes_in_library_text_may_be_typographic():
    item = library.get("relationships.objective.i-statements")  # Use 'I' statements …
    curly = item.text.replace("'", "\u2019").replace("\u2026", "...")
    assert library.scripted_match(curly) == item


@pytest.mark.parametrize("item", library.all_items(), ids=lambda item: item.id)
def test_every_item_is_recognised_from_its_own_text(item):
    assert library.scripted_match(item.text) == item


def test_every_text_has_its_own_key():
    keys = [scripted_key(item.text) for item in library.all_items()]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("value", [None, 42, b"bytes"])
def test_something_that_is_not_text_is_not_scripted(value):
    assert library.scripted_match(value) is None
