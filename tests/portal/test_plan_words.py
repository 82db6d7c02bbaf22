"""What the portal says to clients (milepost/portal/words.py), as tables of cases."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import instruments
from milepost.domain.plans import Target
from milepost.domain.progress import change
from milepost.domain.target_progress import target_progress
from milepost.portal import words

TODAY = dt.date(2026, 5, 6)
PHQ9 = Target(
    measure="phq9",
    instrument=True,
    target_value=9,
    comparator="<=",
    direction="decrease",
    baseline=18,
    unit="points",
    period="",
    due_date=dt.date(2026, 9, 1),
    confirmed=True,
)
ACTIVITIES = Target(
    measure="Pleasurable activities",
    instrument=False,
    target_value=5,
    comparator=">=",
    direction="increase",
    baseline=1,
    unit="activities",
    period="week",
    due_date=dt.date(2026, 7, 1),
    confirmed=True,
)


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        (18, 11, "Your PHQ-9 went from 18 to 11 — a reliable improvement."),
        # 3 points is within the PHQ-9's everyday ups and downs (reliable change needs 6).
        (18, 15, "Your PHQ-9 went from 18 to 15 — not yet more than the everyday ups and downs."),
        (
            11,
            18,
            "Your PHQ-9 went from 11 to 18 — higher than before, by more than everyday ups"
            " and downs: worth talking over with your therapist.",
        ),
        (12, 12, "Your PHQ-9 is the same as when you started: 12 to 12."),
    ],
)
def test_change_in_a_questionnaire_said_for_the_client(before, after, said):
    result = change(instruments.get("phq9"), before, after)
    assert words.change_words(result, short_name="PHQ-9") == said


@pytest.mark.parametrize(
    ("series", "said"),
    [
        ([], "Nothing logged yet. Your aim: at least 5 activities a week by 1 July 2026."),
        (
            [(dt.date(2026, 4, 27), 2), (dt.date(2026, 5, 4), 3)],
            "Pleasurable activities: 3 activities in the week of 4 May, up from 1 when you "
            "started. Your aim: at least 5 activities a week by 1 July 2026.",
        ),
        (
            [(dt.date(2026, 5, 4), 5)],
            "Pleasurable activities: 5 activities in the week of 4 May, up from 1 when you "
            "started. You have reached your aim of at least 5 activities a week by 1 July "
            "2026. Well done.",
        ),
    ],
)
def test_a_logged_step_said_for_the_client(series, said):
    progress = target_progress(ACTIVITIES, series, today=TODAY)
    assert words.progress_words(progress, ACTIVITIES) == said


def test_a_questionnaire_goal_without_answers_says_so():
    progress = target_progress(PHQ9, [], today=TODAY, instrument=instruments.get("phq9"))
    said = words.progress_words(progress, PHQ9, short_name="PHQ-9")
    assert said == "No PHQ-9 answers yet. Your aim: 9 or below by 1 September 2026."


JARGON = (
    "smart",
    "measurable",
    "criterion",
    "criteria",
    "specific",
    "achievable",
    "relevant",
    "time-bound",
    "baseline",
    "vague",
    "comparator",
    "instrument",
    "finding",
    "warning",
    "error",
    "must",
    "should",
    "wrong",
    "fail",
)


@pytest.mark.parametrize(
    "text",
    [
        "I want to stop staying in bed all day",
        "Feel better",
        "Be happy",
        "I'd go for walks with my sister again and enjoy cooking",
        "Reduce PHQ-9 from 18 to 30 in a week",
        "Never have a panic attack again",
        "",
    ],
)
def test_feedback_on_a_draft_is_gentle_and_free_of_jargon(text):
    feedback = words.proposal_feedback(text)
    said = " ".join([feedback.opening, *feedback.suggestions, feedback.closing]).lower()
    for word in JARGON:
        assert word not in said, (text, word)
    assert len(feedback.suggestions) <= 3


def test_every_finding_code_of_the_engine_that_is_the_clients_to_act_on_has_words():
    for code, sentence in words.SUGGESTIONS.items():
        assert sentence.endswith("."), code
        for word in JARGON:
            assert word not in sentence.lower(), (code, word)


def test_a_concrete_goal_gets_encouragement_not_tips():
    feedback = words.proposal_feedback(
        "Go to social gatherings from 0 to 2 a month within three months"
    )
    assert feedback.suggestions == ()
    assert feedback.closing == words.ALL_CLEAR


def test_a_negative_goal_is_invited_to_say_what_instead_first():
    feedback = words.proposal_feedback("I want to stop staying in bed all day")
    assert feedback.suggestions[0] == words.SUGGESTIONS["negative-wording"]


HOURS_IN_BED = Target(
    measure="Hours in bed during the day",
    instrument=False,
    target_value=1,
    comparator="<=",
    direction="decrease",
    baseline=4,
    unit="hours",
    period="day",
    due_date=dt.date(2026, 7, 1),
    confirmed=True,
)


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [
        (1, "hours", "1 hour"),
        (2.5, "hours", "2.5 hours"),
        (1, "activities", "1 activity"),
        (1, "messages or calls", "1 message or call"),
        (1, "lunches or breaks", "1 lunch or break"),
        (1, "meet-ups", "1 meet-up"),
        (1, "rating (0–10)", "1 rating (0–10)"),
        (0, "days", "0 days"),
        (1, "", "1"),
    ],
)
def test_amounts_read_naturally(value, unit, said):
    assert words.amount_words(value, unit) == said


def test_a_daily_aim_of_one_hour_or_less_reads_naturally():
    # Issue 16: "1 or below hours a day" became "1 hour or less a day".
    progress = target_progress(HOURS_IN_BED, [(dt.date(2026, 5, 4), 1)], today=TODAY)
    said = words.progress_words(progress, HOURS_IN_BED)
    assert said == (
        "Hours in bed during the day: 1 hour on 4 May, down from 4 when you started. You have "
        "reached your aim of 1 hour or less a day by 1 July 2026. Well done."
    )
