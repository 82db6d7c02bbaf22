"""The drafting assistant's pure core: targets from data, sources on every item, nothing
invented, and clear messages for bad intakes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from milepost.domain import drafting

TODAY = dt.date(2026, 12, 7)
HERE = Path(__file__).parent


def _draft(**intake: Any) -> dict[str, Any]:
    return drafting.as_dict(drafting.draft(drafting.parse_intake(intake), today=TODAY))


@pytest.fixture(scope="module")
def depression() -> dict[str, Any]:
    raw = json.loads((HERE / "depression_intake.json").read_text())
    return drafting.as_dict(drafting.draft(drafting.parse_intake(raw), today=TODAY))


def test_the_seed_depression_goal_is_phq9_18_to_9_in_16_weeks(depression: dict[str, Any]) -> None:
    goal = depression["goals"][0]
    target = goal["target"]
    assert (target["measure"], target["baseline"], target["target"]) == ("PHQ-9", 18, 9)
    assert target["comparator"] == "<="
    assert target["deadline"]["date"] == "2027-03-29"  # 16 weeks after 2026-12-07
    reasons = " ".join(target["reasons"])
    assert "caseness cut-off of 10" in reasons
    assert "reliable change (6 points)" in reasons
    assert goal["analysis"]["structure"]["target"] == 9


def test_objectives_take_their_baselines_from_the_intake(depression: dict[str, Any]) -> None:
    objectives = {o["library_id"]: o for o in depression["goals"][0]["objectives"]}
    activities = objectives["depression.objective.pleasant-activities"]
    assert activities["target"]["baseline"] == 1
    assert activities["target"]["target"] == 5
    assert "from 1 to at least 5" in activities["statement"]
    bed = objectives["depression.objective.daytime-bed"]
    assert bed["target"]["baseline"] == 4
    assert any(s["kind"] == "intake" and "4 hours" in s["quote"] for s in bed["sources"])


def test_interventions_match_the_maintaining_factors(depression: dict[str, Any]) -> None:
    factors = {f["id"]: f["text"] for f in depression["factors"]}
    pairs = {
        (factors[fid], x["modality"])
        for o in depression["goals"][0]["objectives"]
        for x in o["interventions"]
        for fid in x["factors"]
    }
    assert ("Withdrawal from activities and people", "Behavioural activation") in pairs
    assert ("Withdrawal from activities and people", "Activity scheduling") in pairs
    assert (
        "Negative automatic thoughts",
        "Cognitive restructuring with thought records",
    ) in pairs


def test_every_drafted_item_cites_a_source(depression: dict[str, Any]) -> None:
    for f in depression["factors"]:
        assert any(s["kind"] == "intake" and s["quote"] for s in f["source"]), f
    for g in depression["goals"]:
        assert g["sources"]
        assert g["target"]["sources"]
        for o in g["objectives"]:
            assert any(s["kind"] == "library" for s in o["sources"])
            for x in o["interventions"]:
                assert any(s["kind"] == "library" for s in x["sources"])


def test_goals_link_maintaining_factors_and_meet_smt(depression: dict[str, Any]) -> None:
    maintaining = {f["id"] for f in depression["factors"] if f["kind"] == "perpetuating"}
    assert 2 <= len(depression["goals"]) <= 4
    for g in depression["goals"]:
        assert g["factors"]
        assert set(g["factors"]) <= maintaining
        crit = g["analysis"]["criteria"]
        assert crit["specific"]["met"]
        assert crit["measurable"]["met"]
        assert crit["time_bound"]["met"]


def test_the_client_words_are_the_clients_own(depression: dict[str, Any]) -> None:
    words = depression["goals"][0]["client_words"]
    assert words == "I just want to get out of bed and enjoy things again."


def test_silence_about_risk_is_never_drafted_as_a_denial(depression: dict[str, Any]) -> None:
    assert depression["risk"]["mentioned"] is False
    assert "denies" not in json.dumps(depression["goals"]).lower()
    assert any(n["field"] == "risk" for n in depression["for_clinician"])


def test_a_mention_of_risk_is_quoted_and_a_safety_plan_suggested() -> None:
    result = _draft(
        presenting_problem="Low mood and hopeless. Has had thoughts of suicide last month.",
        scores=[{"instrument": "phq9", "total": 20}],
    )
    assert result["risk"]["mentioned"] is True
    assert "suicide" in result["risk"]["quotes"][0]["quote"]
    ids = [o["library_id"] for g in result["goals"] for o in g["objectives"]]
    assert "depression.objective.safety-plan" in ids


def test_what_the_intake_does_not_say_is_marked_for_the_clinician(
    depression: dict[str, Any],
) -> None:
    fields = {n["field"] for n in depression["for_clinician"]}
    assert "formulation.predisposing" in fields  # nothing in the intake about it
    assert "formulation.precipitating" not in fields  # "since being made redundant"


def test_a_metric_without_a_baseline_in_the_intake_is_left_for_the_clinician() -> None:
    result = _draft(
        presenting_problem="Low mood and hopeless since the divorce. Has stopped seeing friends.",
        scores=[{"instrument": "phq9", "total": 16}],
    )
    activities = next(
        o
        for g in result["goals"]
        for o in g["objectives"]
        if o["library_id"] == "depression.objective.pleasant-activities"
    )
    assert activities["target"]["baseline"] is None
    assert "from" not in activities["statement"]
    assert any(n["field"] == "target.baseline" for n in activities["for_clinician"])


@pytest.mark.parametrize(
    ("instrument", "baseline", "target", "direction"),
    [
        ("phq9", 18, 9, "decrease"),  # below caseness (10) is the lower
        ("phq9", 15, 9, "decrease"),  # both give 9
        ("phq9", 14, 8, "decrease"),  # a reliable change (6) is the lower
        ("phq9", 10, 4, "decrease"),
        ("phq9", 6, 0, "decrease"),  # 6 - 6 = 0, still in range
        ("phq9", 5, 5, "maintain"),  # no room for a reliable change
        ("gad7", 15, 7, "decrease"),  # seed 004: GAD-7 15 to <= 7
        ("pcl5", 52, 32, "decrease"),  # caseness 33
        ("auditc", 9, 3, "decrease"),  # no reliable-change value: caseness alone
        ("core10", 20, 15, "decrease"),  # no caseness: one reliable change (5)
    ],
)
def test_instrument_targets_come_from_the_instruments_data(
    instrument: str, baseline: int, target: int, direction: str
) -> None:
    result = _draft(
        presenting_problem="",
        client_words="I need help.",
        scores=[{"instrument": instrument, "total": baseline}],
    )
    goal = next(
        g for g in result["goals"] if g["target"] and g["target"]["instrument"] == instrument
    )
    assert goal["target"]["target"] == target
    assert goal["target"]["direction"] == direction


def test_a_negated_cue_is_not_a_factor() -> None:
    result = _draft(
        presenting_problem="Flashbacks of the accident every day. No nightmares.",
        scores=[{"instrument": "pcl5", "total": 50}],
    )
    labels = {f["text"] for f in result["factors"]}
    assert "Re-experiencing the trauma (flashbacks, intrusive memories)" in labels
    assert "Trauma nightmares disrupting sleep" not in labels
    modalities = {
        x["modality"] for g in result["goals"] for o in g["objectives"] for x in o["interventions"]
    }
    assert "Cognitive therapy for PTSD" in modalities


def test_avoidance_gets_exposure_in_panic() -> None:
    result = _draft(
        presenting_problem="Panic attacks 3 times a week. Avoids the supermarket and buses.",
        scores=[{"instrument": "gad7", "total": 15}],
    )
    assert result["areas"][0] == "panic"
    modalities = {
        x["modality"] for g in result["goals"] for o in g["objectives"] for x in o["interventions"]
    }
    assert "Graded in-vivo exposure" in modalities
    attacks = next(
        g for g in result["goals"] if g["library_id"] == "panic.goal.attacks-under-weekly"
    )
    assert attacks["target"]["baseline"] == 3


def test_no_client_words_leaves_them_for_the_clinician() -> None:
    result = _draft(
        presenting_problem="Low mood, hopeless.", scores=[{"instrument": "phq9", "total": 12}]
    )
    assert all(g["client_words"] == "" for g in result["goals"])
    assert any(n["field"] == "client_words" for n in result["for_clinician"])


@pytest.mark.parametrize(
    ("intake", "field"),
    [
        ({"presenting_problem": "", "client_words": "  "}, "presenting_problem"),
        ({"presenting_problem": 3}, "presenting_problem"),
        (
            {"presenting_problem": "low", "scores": [{"instrument": "XYZ", "total": 3}]},
            "scores[0].instrument",
        ),
        (
            {"presenting_problem": "low", "scores": [{"instrument": "phq9", "total": 28}]},
            "scores[0].total",
        ),
        (
            {"presenting_problem": "low", "scores": [{"instrument": "phq9", "total": -1}]},
            "scores[0].total",
        ),
        (
            {"presenting_problem": "low", "scores": [{"instrument": "phq9", "total": "x"}]},
            "scores[0].total",
        ),
        (
            {
                "presenting_problem": "low",
                "scores": [{"instrument": "phq9", "total": 9, "date": "soon"}],
            },
            "scores[0].date",
        ),
        ({"presenting_problem": "low", "diagnoses": ["depression"]}, "diagnoses[0]"),
        ({"presenting_problem": "low", "mood": "bad"}, "mood"),
        ({"presenting_problem": "low", "review_interval_days": 0}, "review_interval_days"),
        (
            {"presenting_problem": "low", "formulation": [{"kind": "x", "text": "y"}]},
            "formulation[0].kind",
        ),
    ],
)
def test_bad_intakes_name_the_field(intake: dict[str, Any], field: str) -> None:
    with pytest.raises(drafting.InvalidIntake) as error:
        drafting.parse_intake(intake)
    assert error.value.field == field


@pytest.mark.parametrize("total", [0, 27])
def test_scores_at_the_ends_of_the_range_are_accepted(total: int) -> None:
    intake = drafting.parse_intake(
        {"presenting_problem": "low", "scores": [{"instrument": "PHQ-9", "total": total}]}
    )
    assert intake.scores[0].total == total


def test_an_intake_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(drafting.InvalidIntake):
        drafting.parse_intake(["low"])


@pytest.mark.parametrize(
    ("modality", "expected"),
    [
        ("", {"Cognitive therapy for PTSD", "Prolonged exposure"}),  # the rules' choice
        ("EMDR", {"Eye movement desensitisation and reprocessing (EMDR)"}),
        ("cognitive processing therapy", {"Cognitive processing therapy"}),
    ],
)
def test_the_clinicians_modality_picks_among_the_interventions_offered(
    modality: str, expected: set[str]
) -> None:
    result = _draft(
        presenting_problem="Flashbacks of the assault every day.",
        scores=[{"instrument": "pcl5", "total": 50}],
        modality=modality,
    )
    processing = next(
        o
        for g in result["goals"]
        for o in g["objectives"]
        if o["library_id"] == "ptsd.objective.trauma-processing"
    )
    assert {x["modality"] for x in processing["interventions"]} == expected


def test_a_modality_the_library_lacks_for_a_factor_is_said() -> None:
    result = _draft(
        presenting_problem="Low mood, hopeless. Thinks she is useless.",
        scores=[{"instrument": "phq9", "total": 16}],
        modality="psychodynamic",
    )
    thoughts = next(
        o
        for g in result["goals"]
        for o in g["objectives"]
        if o["library_id"] == "depression.objective.thought-records"
    )
    assert any(n["field"] == "interventions" for n in thoughts["for_clinician"])


def test_an_unknown_modality_is_refused_with_the_field_named() -> None:
    with pytest.raises(drafting.InvalidIntake) as error:
        drafting.parse_intake({"presenting_problem": "low", "modality": "astrology"})
    assert error.value.field == "modality"


def test_the_formulation_has_its_5p_factors_and_cbt_cycle_each_quoting_the_intake(
    depression: dict[str, Any],
) -> None:
    raw = json.loads((HERE / "depression_intake.json").read_text())
    said = {"presenting_problem": raw["presenting_problem"], "client_words": raw["client_words"]}
    kinds = {f["kind"] for f in depression["factors"]}
    # Maintaining (stored as perpetuating), "since being made redundant", "sister is supportive".
    assert {"perpetuating", "precipitating", "protective"} <= kinds
    assert {c["part"] for c in depression["cbt_cycle"]} == {
        "thoughts",
        "emotions",
        "behaviours",
        "situation",
    }
    for item in (*depression["factors"], *depression["cbt_cycle"]):
        quotes = [s for s in item["source"] if s["kind"] == "intake"]
        assert quotes, item
        for s in quotes:
            assert s["quote"] in said[s["ref"]], s


def test_the_first_review_is_the_plans_review_interval_after_the_plan_date() -> None:
    result = _draft(
        presenting_problem="Low mood, hopeless. Has stopped seeing friends.",
        plan_date="2026-12-07",
        review_interval_days=42,
    )
    assert (result["plan_date"], result["review_due"]) == ("2026-12-07", "2027-01-18")


@pytest.mark.parametrize("order", [1, -1])
def test_the_latest_score_of_an_instrument_is_the_baseline(order: int) -> None:
    scores = [
        {"instrument": "phq9", "total": 20, "date": "2026-10-01"},
        {"instrument": "phq9", "total": 14, "date": "2026-11-30"},
    ][::order]
    result = _draft(presenting_problem="Low mood, hopeless.", scores=scores)
    target = result["goals"][0]["target"]
    assert (target["baseline"], target["target"]) == (14, 8)
    assert any(s["kind"] == "score" and "2026-11-30" in s["quote"] for s in target["sources"])


def test_the_diagnoses_and_the_formulation_already_written_are_read() -> None:
    result = _draft(
        presenting_problem="Referred by the GP.",
        diagnoses=["F41.0"],
        formulation=[{"kind": "maintaining", "text": "Avoids the supermarket and buses."}],
    )
    assert result["areas"][0] == "panic"
    goal = result["goals"][0]
    assert {"kind": "diagnosis", "ref": "F41.0", "quote": ""} in goal["sources"]
    avoidance = next(f for f in result["factors"] if f["text"] == "Avoidance of feared situations")
    assert any(s["ref"] == "formulation" for s in avoidance["source"])


def test_drafting_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the offline assistant opened a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    raw = json.loads((HERE / "depression_intake.json").read_text())
    assert drafting.draft(drafting.parse_intake(raw), today=TODAY).goals


VIGNETTES = json.loads(
    (HERE.parents[2] / "bench" / "data" / "assistant_vignettes.json").read_text(encoding="utf-8")
)["vignettes"]


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_nothing_is_invented_from_a_published_vignette(v: dict[str, Any]) -> None:
    """Drafted from the excerpt alone: every quote is the excerpt's, every item cites its
    source, no number the excerpt does not give, no risk statement from silence."""
    result = _draft(presenting_problem=v["excerpt"])
    for item in (*result["factors"], *result["cbt_cycle"]):
        for s in item["source"]:
            assert s["kind"] != "intake" or s["quote"] in v["excerpt"], s
    fields = {n["field"] for n in result["for_clinician"]}
    assert {"client_words", "risk"} <= fields  # no client's words given; risk always asked
    for g in result["goals"]:
        assert g["client_words"] == ""  # never written by the assistant
        assert g["sources"]
        if g["target"] and g["target"]["instrument"]:
            # No score given: the baseline is the clinician's to find, and said so.
            assert g["target"]["baseline"] is None
            assert any(n["field"] == "target.baseline" for n in g["for_clinician"])
        for o in g["objectives"]:
            assert any(s["kind"] == "library" for s in o["sources"])
            baseline = o["target"]["baseline"] if o["target"] else None
            if baseline is not None:  # only a number the excerpt gives
                quotes = [s["quote"] for s in o["target"]["sources"] if s["kind"] == "intake"]
                assert quotes
                assert all(q in v["excerpt"] for q in quotes)
            for x in o["interventions"]:
                assert any(s["kind"] == "library" for s in x["sources"])
    words = [
        *(f["text"] for f in result["factors"] if f["kind"] == "perpetuating"),
        *(
            text
            for g in result["goals"]
            for o in g["objectives"]
            for text in (
                g["statement"],
                o["statement"],
                *(x["description"] for x in o["interventions"]),
            )
        ),
    ]
    assert not any("denies" in w.lower() or "denied" in w.lower() for w in words)
    if not result["risk"]["mentioned"]:
        assert result["risk"]["quotes"] == []
        ids = [o["library_id"] for g in result["goals"] for o in g["objectives"]]
        assert not any(i.endswith("safety-plan") for i in ids)
