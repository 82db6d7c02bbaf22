"""Findings for the seeds' common mistakes, and Achievable/Relevant judged from context."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import smart

TODAY = dt.date(2026, 1, 5)


def codes(text: str, context: smart.GoalContext | None = None) -> set[str]:
    return {f.code for f in smart.analyse(text, context, today=TODAY).findings}


# text | findings that must be present | findings that must be absent
FROM_TEXT = [
    ("Improve self-esteem", {"vague-outcome", "no-measure", "no-deadline"}, {"negative-wording"}),
    ("Stop eating junk food", {"negative-wording"}, set()),
    ("Walk 3 times a week", {"no-deadline", "no-baseline"}, {"no-measure", "vague-outcome"}),
    ("Increase walks from 1 to 3 per week within 8 weeks", set(), {"no-baseline", "no-deadline"}),
    ("Reduce PHQ-9 from 12 to 15 within 8 weeks", {"target-inconsistent"}, set()),
    ("Increase social outings from 4 to 2 per month by week 8", {"target-inconsistent"}, set()),
    ("Reduce GAD-7 from 18 to 30 within 12 weeks", {"target-out-of-range"}, set()),
    ("Reduce PHQ-9 from 40 to 10 within 12 weeks", {"target-out-of-range"}, set()),
    ("Reduce PHQ-9 from 27 to 0 within 2 weeks", {"too-fast"}, set()),
    (
        "Reduce PHQ-9 from 18 to 9 or below within 16 weeks",
        set(),
        {"too-fast", "target-out-of-range", "target-inconsistent", "no-baseline"},
    ),
    (
        "Reduce panic attacks from 3/week to ≤1/month within 12 weeks",
        set(),
        {"target-inconsistent"},
    ),
]


@pytest.mark.parametrize(("text", "present", "absent"), FROM_TEXT)
def test_it_finds_the_common_mistakes(text, present, absent):
    found = codes(text)
    assert present <= found
    assert not (absent & found)


def test_every_finding_has_a_code_severity_message_and_fix():
    for finding in smart.analyse("Stop eating junk food", today=TODAY).findings:
        assert finding.severity in ("error", "warning", "info")
        assert finding.code
        assert finding.message
        assert finding.fix


def test_errors_come_first():
    severities = [f.severity for f in smart.analyse("Reduce GAD-7 from 18 to 30").findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


# --- Achievable ------------------------------------------------------------------------

# text | context | met
ACHIEVABLE = [
    # PHQ-9 reliable change is 6 points; one per two weeks is the ceiling.
    ("Reduce PHQ-9 from 18 to 9 within 16 weeks", smart.GoalContext(), True),
    ("Reduce PHQ-9 from 27 to 0 within 2 weeks", smart.GoalContext(), False),
    ("Reduce PHQ-9 from 20 to 5 within 4 weeks", smart.GoalContext(), False),
    ("Reduce PHQ-9 from 20 to 5 within 6 weeks", smart.GoalContext(), True),
    ("Reduce PHQ-9 from 12 to 30 within 16 weeks", smart.GoalContext(), False),
    # Baseline and time frame from the context when the text leaves them out.
    ("Reduce PHQ-9 to 9 or below", smart.GoalContext(baseline=18, time_frame_days=112), True),
    ("Reduce PHQ-9 to 0", smart.GoalContext(baseline=27, time_frame_days=14), False),
    ("Reduce the score to 9", smart.GoalContext(baseline=18, instrument="phq9"), None),
    (
        "Reduce the score to 9",
        smart.GoalContext(baseline=18, instrument="phq9", time_frame_days=7),
        False,
    ),
    # A custom metric: direction and a sensible time frame.
    ("Increase walks from 1 to 5 per week within 4 weeks", smart.GoalContext(), True),
    ("Increase walks from 1 to 5 per week within 3 days", smart.GoalContext(), False),
    # Nothing to judge.
    ("Improve self-esteem", smart.GoalContext(), None),
    ("Walk 3 times a week", smart.GoalContext(), None),
]


@pytest.mark.parametrize(("text", "context", "met"), ACHIEVABLE)
def test_achievable_is_judged_when_the_facts_are_known(text, context, met):
    criterion = smart.analyse(text, context, today=TODAY).criteria.achievable
    assert criterion.met is met
    assert criterion.why


def test_achievable_explains_the_reliable_change_arithmetic():
    why = smart.analyse("Reduce PHQ-9 from 27 to 0 within 2 weeks").criteria.achievable.why
    assert "27 to 0 in 14 days" in why
    assert "reliable changes of 6 points" in why


# --- Relevant and plan-level findings --------------------------------------------------

GROCERY = "Resume independent grocery shopping twice a week within 12 weeks"

# context | relevant met | findings present
RELEVANT = [
    (smart.GoalContext(), None, set()),
    (smart.GoalContext(formulation_factors=("Avoids supermarkets and buses",)), True, set()),
    (
        smart.GoalContext(formulation_factors=("Binge drinking at weekends",)),
        False,
        {"no-formulation-link"},
    ),
    (smart.GoalContext(formulation_factors=()), False, {"no-formulation-link"}),
    (smart.GoalContext(client_words="I just want to do my own shopping again"), True, set()),
    (smart.GoalContext(client_words="I want to sleep better"), None, {"not-client-words"}),
    (smart.GoalContext(client_words=""), None, {"not-client-words"}),
    (smart.GoalContext(endorsed=False), False, {"not-endorsed"}),
    (smart.GoalContext(endorsed=True), True, set()),
]


@pytest.mark.parametrize(("context", "met", "present"), RELEVANT)
def test_relevant_is_judged_against_the_formulation_and_the_clients_words(context, met, present):
    analysis = smart.analyse(GROCERY, context, today=TODAY)
    assert analysis.criteria.relevant.met is met
    assert present <= {f.code for f in analysis.findings}


PHQ9_GOAL = "Reduce PHQ-9 from 18 to 9 or below within 16 weeks"


@pytest.mark.parametrize(
    ("factor", "met"),
    [
        # A questionnaire goal is about what the questionnaire measures.
        ("Stays in bed when low, so fewer rewarding experiences", True),
        ("Depressive rumination after work", True),
        ("Persistent sadness since the divorce", True),  # sadness is low mood
        ("Sadistic jokes at work", False),  # "sad" is a whole word only
        ("Avoids supermarkets and buses", False),
        ("Allows others to decide for her", False),  # "low" inside a word is not "low"
    ],
)
def test_an_instrument_goal_is_relevant_to_a_factor_naming_its_topic(factor, met):
    context = smart.GoalContext(formulation_factors=(factor,))
    relevant = smart.analyse(PHQ9_GOAL, context, today=TODAY).criteria.relevant
    assert relevant.met is met, relevant.why


def test_an_instrument_topic_is_quoted_as_the_reason():
    context = smart.GoalContext(formulation_factors=("Low mood most mornings",))
    why = smart.analyse(PHQ9_GOAL, context, today=TODAY).criteria.relevant.why
    assert why == (
        'shares "PHQ-9 ~ Low mood" (low mood and inactivity) with the linked factor '
        '"Low mood most mornings"'
    )


def test_relevance_quotes_the_concept_both_name():
    context = smart.GoalContext(formulation_factors=("Avoids supermarkets",))
    why = smart.analyse(GROCERY, context).criteria.relevant.why
    assert why == (
        'shares "grocery ~ supermarkets" (panic and agoraphobia) with the linked factor '
        '"Avoids supermarkets"'
    )


@pytest.mark.parametrize(
    ("goal", "factor", "met"),
    [
        # The example: a PHQ-9 goal and the behaviours that keep low mood going.
        (PHQ9_GOAL, "Withdrawal from friends", True),
        (PHQ9_GOAL, "Hours in bed at weekends", True),
        ("Schedule three pleasant activities a week", "Stays in bed until noon", True),
        ("Reduce binge episodes to one a week by March", "Skips breakfast and lunch", False),
        ("Reduce binge episodes to one a week by March", "Strict dieting rules", True),
        ("Drive on the motorway twice a week", "Flashbacks of the crash", False),
        ("Sleep seven hours a night by June", "Argues with partner about money", False),
    ],
)
def test_relevance_reads_the_concepts_a_goal_and_a_factor_name(goal, factor, met):
    context = smart.GoalContext(formulation_factors=(factor,))
    relevant = smart.analyse(goal, context, today=TODAY).criteria.relevant
    assert relevant.met is met, relevant.why


@pytest.mark.parametrize(
    ("context", "present", "absent"),
    [
        (smart.GoalContext(active_goals=5), {"too-many-goals"}, {"too-few-goals"}),
        (smart.GoalContext(active_goals=1), {"too-few-goals"}, {"too-many-goals"}),
        # 2-4 active goals is the seeds' range; its edges raise nothing.
        (smart.GoalContext(active_goals=2), set(), {"too-few-goals", "too-many-goals"}),
        (smart.GoalContext(active_goals=4), set(), {"too-few-goals", "too-many-goals"}),
        (smart.GoalContext(review_due=dt.date(2026, 1, 4)), {"review-overdue"}, set()),
        (smart.GoalContext(review_due=TODAY), set(), {"review-overdue"}),
    ],
)
def test_plan_level_findings_need_context(context, present, absent):
    found = codes(GROCERY, context)
    assert present <= found
    assert not (absent & found)
    assert not ({"too-many-goals", "too-few-goals", "review-overdue"} & codes(GROCERY))
