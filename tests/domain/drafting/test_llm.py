"""The optional model: de-identification, the schema, and every returned item re-checked."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from milepost.domain import drafting
from milepost.domain.drafting import llm

TODAY = dt.date(2026, 12, 7)
INTAKE = drafting.parse_intake(
    {
        "presenting_problem": "Low mood since the divorce. Has stopped seeing friends.",
        "client_words": "I want my life back.",
        "scores": [{"instrument": "phq9", "total": 18}],
    }
)


def _reply(**over: object) -> str:
    reply: dict[str, object] = {
        "factors": [
            {"kind": "maintaining", "text": "Withdrawal", "quote": "Has stopped seeing friends"},
            {"kind": "precipitating", "text": "Divorce", "quote": "the divorce last year"},
        ],
        "goals": [
            {
                "client_words": "I want my life back.",
                "statement": "Reduce PHQ-9 from 18 to 9 or below within 16 weeks.",
                "factors": [0],
                "objectives": [
                    {
                        "statement": "See a friend at least 2 times a week within 6 weeks.",
                        "interventions": [
                            {"modality": "Behavioural activation", "frequency": "weekly"}
                        ],
                    }
                ],
            }
        ],
    }
    reply.update(over)
    return json.dumps(reply)


def _check(content: str) -> llm.Checked:
    base = drafting.draft(INTAKE, today=TODAY)
    return llm.check(llm.parse(content), INTAKE, base, model_name="test-model")


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Dana Whitfield said she is low", "Whitfield"),
        ("Seen by Dr Moreno on 2026-11-30", "Moreno"),
        ("Seen on 2026-11-30", "2026-11-30"),
        ("Call 518-555-0131", "555"),
        ("Mail dana.client@example.org", "example.org"),
        ("Member W184226731", "184226731"),
    ],
)
def test_deidentify_removes_identifiers(text: str, gone: str) -> None:
    assert gone not in llm.deidentify(text, names=("Dana", "Whitfield"))


def test_without_an_agreement_only_deidentified_text_is_sent() -> None:
    intake = drafting.parse_intake(
        {"presenting_problem": "Dana is low since 3/4/2026.", "diagnoses": ["F32.1"]}
    )
    sent = json.dumps(llm.messages(intake, health_information_covered=False, names=("Dana",)))
    assert "Dana" not in sent
    assert "3/4/2026" not in sent
    assert "F32.1" not in sent
    covered = json.dumps(llm.messages(intake, health_information_covered=True, names=("Dana",)))
    assert "Dana" in covered


def test_a_valid_reply_becomes_a_checked_draft() -> None:
    checked = _check(_reply())
    goal = checked.draft.goals[0]
    assert goal.statement.startswith("Reduce PHQ-9 from 18")
    assert goal.analysis["criteria"]["measurable"]["met"] is True
    assert goal.target is not None
    assert (goal.target.instrument, goal.target.target) == ("phq9", 9)
    assert goal.factors  # linked to the model's maintaining factor
    assert goal.objectives[0].interventions[0].library_id.endswith("behavioural-activation")


def test_a_factor_whose_quote_is_not_in_the_intake_is_dropped() -> None:
    checked = _check(_reply())
    assert "Divorce" not in [f.text for f in checked.draft.factors]
    assert any("quote is not in the intake" in d for d in checked.dropped)


def test_a_risk_statement_from_silence_is_dropped() -> None:
    goals = [
        {"statement": "Client denies suicidal ideation; keep PHQ-9 below 10 within 12 weeks."},
        {"statement": "Increase activities to 5 a week within 4 weeks."},
    ]
    checked = _check(_reply(goals=goals))
    assert [g.statement for g in checked.draft.goals] == [
        "Increase activities to 5 a week within 4 weeks."
    ]
    assert any("risk" in d for d in checked.dropped)


def test_a_weak_goal_is_kept_with_its_findings_never_silently_accepted() -> None:
    checked = _check(_reply(goals=[{"statement": "Feel better about life."}]))
    goal = checked.draft.goals[0]
    assert goal.analysis["criteria"]["measurable"]["met"] is False
    assert goal.analysis["findings"]
    # The plan checks judge it too: no link to the formulation, no objectives.
    codes = {f["code"] for f in goal.findings}
    assert {"goal-no-formulation-link", "goal-no-objectives"} <= codes


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "answered nothing"),
        ("I think the client is depressed.", "does not follow the schema"),
        ('{"goals": []}', "does not follow the schema"),
        ('{"goals": [{"statement": "x"}]}', "does not follow the schema"),
        ('{"goals": [{"statement": "Reduce PHQ-9 to 9 within 16 weeks.", "extra": 1}]}', "schema"),
    ],
)
def test_nonsense_is_a_clear_bad_reply(content: str, reason: str) -> None:
    with pytest.raises(llm.BadReply, match=reason):
        llm.parse(content)


def test_a_fenced_json_answer_is_read() -> None:
    assert llm.parse("```json\n" + _reply() + "\n```").goals
