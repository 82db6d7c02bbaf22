"""Round 3 families for time, measures and targets (decision 0213).

Each case is a sentence written by the team for one family of the published-goal rubric
(docs/smart-rubric.md), not a statement from the corpus.
"""

from __future__ import annotations

import pytest

from milepost.domain import smart


def _st(text: str) -> smart.Structure:
    return smart.analyse(text).structure


# ---------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # One-off occasions: time-bound, no day count (rubric 14).
        ("Name three worries, and review the list next session", None),
        ("Write down two questions before family session", None),
        ("Get through my driving test without a panic attack", None),
        ("Rate my fear at 40 out of 100 at next week's team presentation", None),
        ("Speak up twice in your next group therapy session", None),
        # Spans counted in occasions (rubric 3).
        ("Greet a peer in 80% of opportunities across 4 data collections", None),
        # Ordinal weeks and months count like "by week 6".
        ("Name two triggers by the sixth week of treatment", 42),
        ("Walk to the shop alone by third week", 21),
        ("Sleep in my own bed by the 2nd month", 60),
        # A stray article before a range: the later bound counts (rubric 12).
        ("After a 1-2 weeks of nursing care, the patient will eat two meals a day", 14),
        # A review date named as the end.
        ("Join 2 activities a week through the review date", None),
    ],
)
def test_these_are_time_bound(text: str, days: int | None) -> None:
    a = smart.analyse(text)
    assert a.criteria.time_bound.met is True, a.criteria.time_bound.why
    assert (a.structure.deadline.days if a.structure.deadline else None) == days


@pytest.mark.parametrize(
    "text",
    [
        # A count in a period is a frequency, not a deadline.
        "Ask for a toy 3 times a day for 4 days in a week",
        "Go for a run 2 days in a week",
        # "measured by ____" names who records, not when.
        "____ will follow class rules with ____ frequency as measured by ____.",
        "____ will share toys daily, as documented by ________",
        # "before" with neither a determiner nor a modifier is a trigger, "each" a frequency.
        "Take three deep breaths before meeting new people",
        "Stretch before each session",
    ],
)
def test_these_are_not_time_bound(text: str) -> None:
    assert smart.analyse(text).criteria.time_bound.met is False


# ---------------------------------------------------------------- numbers that are no target


@pytest.mark.parametrize(
    "text",
    [
        "Be in bed by ten o'clock every night",  # a clock time
        "Take my sertraline 50 mg with breakfast",  # a dose
        "Go to 12-step meetings",  # a numbered name
        "Run a 5k with my sister",
        "Read chapter 4 and do exercises 1, 2 and 3.",  # labels
        "Explore one's values with the counsellor",  # a pronoun
        "Learn to listen to one another",
        "Rate my worry on a 0 to 10 scale each evening",  # the scale's own range
    ],
)
def test_these_numbers_are_no_target(text: str) -> None:
    assert _st(text).target is None


def test_a_dose_beside_a_frequency_is_measurable_by_the_frequency() -> None:
    a = smart.analyse("Take my sertraline 50 mg every morning")
    assert a.criteria.measurable.met is True
    assert a.structure.target is None


def test_a_label_word_used_as_a_verb_still_counts() -> None:
    st = _st("Exercise 3 days a week")
    assert (st.target, st.measure) == (3, "count")


def test_a_scale_with_no_score_is_a_self_rating_and_measurable() -> None:
    a = smart.analyse("Rate my worry on a 0 to 10 scale each evening")
    assert a.structure.measure == "self-rating"
    assert a.criteria.measurable.met is True


def test_a_scale_that_only_says_when_to_act_names_no_measure() -> None:
    st = _st("Use paced breathing when my anxiety is above 6 on a scale of 1 to 10")
    assert st.measure is None


# ---------------------------------------------------------------- zero wording (rubric 7)


@pytest.mark.parametrize(
    "text",
    [
        "I will not hit my brother",
        "I won't drink at the weekend",
        "Clients will not hurt themselves or others",
        "She no longer hears voices",
        "Refrain from shouting at staff",
    ],
)
def test_zero_wording_on_a_behaviour_is_a_zero_count(text: str) -> None:
    a = smart.analyse(text)
    assert a.criteria.measurable.met is True, a.criteria.measurable.why
    st = a.structure
    assert (st.target, st.comparator, st.measure) == (0, "=", "count")


@pytest.mark.parametrize(
    "text",
    [
        "I will not be anxious at work",  # a global state
        "Refrain from using unhelpful behaviors",  # a category, not events
        "Ask for help when I do not understand the task",  # inside a condition
    ],
)
def test_zero_wording_on_a_state_or_category_is_no_zero_count(text: str) -> None:
    assert _st(text).target is None


# ---------------------------------------------------------------- which number is the target


def test_a_count_of_times_beats_the_length_of_each() -> None:
    assert _st("Walk for 30 minutes, 3 times this week").target == 3


def test_a_hyphen_range_takes_its_unit_for_the_lower_bound() -> None:
    st = _st("Stretch for 5-10 minutes a day")
    assert (st.target, st.measure) == (5, "duration")


def test_near_zero_is_zero() -> None:
    st = _st("Reduce tantrums to near zero levels")
    assert (st.target, st.comparator) == (0, "=")


def test_a_share_of_the_time_is_at_least_that_share_whatever_the_verb() -> None:
    st = _st("Use a strategy to reduce worry 60% of the time")
    assert (st.target, st.comparator) == (60, ">=")


def test_a_count_to_perform_has_no_direction() -> None:
    assert _st("Say hello to a neighbour at least once this week").direction is None
    assert _st("Attend at least 3 meetings per week").direction == "increase"


# ---------------------------------------------------------------- measurable and measure


@pytest.mark.parametrize(
    "text",
    [
        "Function daily at a steady level",
        "Improve the ability to function on a daily basis",
        "Find better ways to manage daily stress",
    ],
)
def test_daily_on_a_state_is_no_frequency(text: str) -> None:
    a = smart.analyse(text)
    assert a.criteria.measurable.met is False
    assert a.structure.measure is None


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        (
            "Name feelings with 80% accuracy as measured by teacher observation and a daily log",
            "log",
        ),
        ("Name feelings using a feelings chart with 80% accuracy", "percent"),
        ("Name feelings with 80% accuracy as measured by self-monitoring forms", "log"),
        ("Name feelings with 80% accuracy as measured by teacher observation", "observation"),
    ],
)
def test_a_log_kept_as_the_record_names_the_measure(text: str, measure: str) -> None:
    assert _st(text).measure == measure
