"""Positive (approach) wording: avoidance-only goals are flagged with a reframe."""

from __future__ import annotations

import pytest

from milepost.domain import smart
from milepost.domain.smart import lexicon

# text | met | words the verdict quotes (flagged goals only)
WORDING = [
    ("Stop eating junk food", False, '"Stop eating junk food"'),
    ("I want to stop eating junk food", False, '"stop eating junk food"'),
    ("Quit smoking", False, '"Quit smoking"'),
    ("Avoid arguments with my partner", False, '"Avoid arguments with my partner"'),
    ("Never self-harm again", False, '"Never self-harm again"'),
    ("I don't want to feel anxious anymore", False, '"don\'t want to feel anxious anymore"'),
    ("Be free of panic attacks for 4 weeks", False, '"free of panic attacks"'),
    ("No binge episodes for 8 weeks", False, '"No binge episodes"'),
    ("Go a week without drinking", False, '"without drinking"'),
    ("Client won't yell at the kids", False, '"won\'t yell at the kids"'),
    ("Be panic-free", False, '"panic-free"'),
    # Pairing the stop with a replacement behaviour is an approach goal.
    ("Stop smoking and start walking 20 minutes a day", True, None),
    ("Avoid alcohol at parties, and drink soft drinks instead", True, None),
    ("I will stop avoiding social situations by attending one event per week", True, None),
    # Symptom reductions and comparators are not avoidance wording.
    ("Reduce panic attacks from 3/week to ≤1/month", True, None),
    ("Eliminate safety behaviours by week 8", True, None),
    ("Have no more than one panic attack per month", True, None),
    ("Drink no more than 2 drinks per day", True, None),
    ("Increase alcohol-free days from 1 to 4 per week", True, None),
    # "without" after something to do is fine.
    ("I want to make time for myself without feeling guilty about it", True, None),
    ("Sleep through the night without nightmares", True, None),
    ("Eat a home-cooked meal 4 times a week", True, None),
]


@pytest.mark.parametrize(("text", "met", "quote"), WORDING)
def test_it_flags_goals_that_only_remove_something(text, met, quote):
    positive = smart.analyse(text).positive
    assert positive.met is met
    if quote is None:
        assert positive.reframe is None
    else:
        assert quote in positive.why
        assert positive.reframe


@pytest.mark.parametrize(
    ("text", "reframe"),
    [
        ("Stop eating junk food", "Eat a home-cooked meal [how often] by [when]."),
        ("Quit smoking by March", "Use [replacement behaviour] when the urge to smoke comes"),
        ("Avoid arguments with my partner", "Take a time-out and talk the disagreement through"),
        ("Stop biting my nails", "[replacement behaviour] instead of biting my nails"),
    ],
)
def test_the_reframe_says_what_to_do_instead(text, reframe):
    assert reframe in (smart.analyse(text).positive.reframe or "")


def test_the_reframe_keeps_the_stated_deadline():
    reframe = smart.analyse("Stop eating junk food within 8 weeks").positive.reframe
    assert reframe == "Eat a home-cooked meal [how often] within 8 weeks."


@pytest.mark.parametrize(
    "text", ["Stop eating junk food", "Quit vaping", "Never be late for work again"]
)
def test_a_filled_reframe_is_itself_positive_and_smart(text):
    reframe = smart.analyse(text).positive.reframe
    assert reframe is not None
    filled = smart.analyse(smart.fill_placeholders(reframe))
    assert filled.positive.met is True
    assert filled.criteria.measurable.met is True
    assert filled.criteria.time_bound.met is True


@pytest.mark.parametrize(
    "replacement", [replacement for _, replacement in lexicon.REPLACEMENTS], ids=str
)
def test_every_replacement_template_is_positive_and_smart_once_filled(replacement):
    filled = smart.analyse(smart.fill_placeholders(f"{replacement} [how often] by [when]."))
    assert filled.positive.met is True
    assert filled.criteria.specific.met is True
    assert filled.criteria.measurable.met is True
    assert filled.criteria.time_bound.met is True


@pytest.mark.parametrize(
    ("text", "reframe"),
    [
        ("Be panic-free", "Use a breathing or grounding skill when panic starts"),
        # Stems match at the start of a word only: "chocolate" is not "late".
        ("Stop eating chocolate", "[replacement behaviour] instead of eating chocolate"),
    ],
)
def test_the_reframe_finds_the_object(text, reframe):
    assert reframe in (smart.analyse(text).positive.reframe or "")
