"""Each operation end to end: what it returns, what it writes, what it audits."""

from __future__ import annotations

import argparse
import json

import pytest

from milepost.audit.models import AuditEvent
from milepost.cli import smart as smart_cli
from milepost.measures.models import Administration, RiskAlert
from milepost.plans import versions
from milepost.plans.models import Goal, Objective, Observation
from tests.api.helpers import api_as, dana_metric_target
from tests.base import PASSWORD, dana_plan

pytestmark = pytest.mark.django_db


def _events(action: str, actor) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, actor=actor))


class ClientReadTests:
    def test_the_caseload_lists_the_clients_of_the_care_team(self, personas):
        response = api_as(personas.bob).get("/clients")
        assert response.status_code == 200
        [dana] = response.json()
        assert dana["id"] == personas.dana_client.public_id
        assert dana["display_name"] == "Dana Quillfeather"
        assert {m["id"] for m in dana["care_team"]} == {
            personas.alice.public_id,
            personas.bob.public_id,
        }
        assert "referral_reason" not in dana
        [event] = _events("client.list", personas.bob)
        assert event.detail == {"clients": [personas.dana_client.public_id]}

    def test_the_caseload_filters_by_status_and_name(self, personas):
        alice = api_as(personas.alice)
        found = alice.post("/clients/search", {"search": "quill", "status": "active"})
        assert [c["id"] for c in found.json()] == [personas.dana_client.public_id]
        assert alice.get("/clients", status="discharged").json() == []
        assert alice.post("/clients/search", {"search": "nobody"}).json() == []

    def test_a_name_in_the_url_is_refused_and_names_the_field(self, personas):
        response = api_as(personas.alice).get("/clients", search="quill")
        assert response.status_code == 400
        assert response.json()["field"] == "search"
        assert "POST /api/v1/clients/search" in response.json()["message"]

    def test_the_search_needs_words_and_a_known_status(self, personas):
        alice = api_as(personas.alice)
        assert alice.post("/clients/search", {"search": ""}).json()["field"] == "search"
        bad = alice.post("/clients/search", {"search": "quill", "status": "gone"})
        assert bad.status_code == 400
        assert bad.json()["field"] == "status"

    def test_the_search_is_for_clinicians(self, personas):
        assert api_as(personas.dana).post("/clients/search", {"search": "q"}).status_code == 403

    def test_one_client_in_detail_is_audited(self, personas):
        dana_id = personas.dana_client.public_id
        response = api_as(personas.sam).get(f"/clients/{dana_id}")
        assert response.status_code == 200
        assert response.json()["referral_reason"] == "Low mood since spring."
        [event] = _events("client.view", personas.sam)
        assert event.object_id == dana_id


class PlanReadTests:
    def test_the_plans_of_a_client(self, personas):
        made = dana_plan(personas)
        response = api_as(personas.alice).get(f"/clients/{personas.dana_client.public_id}/plans")
        assert [p["id"] for p in response.json()] == [made.plan.public_id]
        assert response.json()[0]["status"] == "draft"
        assert _events("plan.list", personas.alice)

    def test_one_plan_with_goals_objectives_interventions_and_targets(self, personas):
        made = dana_plan(personas)
        target = dana_metric_target(personas)
        url = f"/clients/{personas.dana_client.public_id}/plans/{made.plan.public_id}"
        plan = api_as(personas.alice).get(url).json()
        assert plan["diagnoses"] == [
            {
                "id": made.diagnosis.public_id,
                "code": "F32.1",
                "text": "Major depressive disorder, single episode, moderate",
            }
        ]
        [goal] = plan["goals"]
        assert goal["factors"] == [made.factor.public_id]
        [objective] = goal["objectives"]
        assert objective["target"]["id"] == target.public_id
        assert objective["target"]["metric"]["name"] == "Pleasurable activities"
        assert objective["target"]["comparator"] == ">="
        [intervention] = objective["interventions"]
        assert intervention["modality"] == "Behavioural activation"
        assert intervention["responsible"] == personas.alice.public_id
        [event] = _events("plan.view", personas.alice)
        assert event.object_id == made.plan.public_id

    def test_a_goal_and_an_objective(self, personas):
        made = dana_plan(personas)
        alice = api_as(personas.alice)
        client_id = personas.dana_client.public_id
        goal = alice.get(f"/clients/{client_id}/goals/{made.goal.public_id}").json()
        assert goal["plan"] == made.plan.public_id
        assert goal["client_words"] == "I want to feel like myself again"
        objective = alice.get(f"/clients/{client_id}/objectives/{made.objective.public_id}")
        assert objective.json()["goal"] == made.goal.public_id
        assert _events("goal.view", personas.alice)
        assert _events("objective.view", personas.alice)

    def test_a_part_of_another_client_is_not_found(self, personas):
        made = dana_plan(personas)
        chris_id = personas.chris_client.public_id
        response = api_as(personas.charlie).get(f"/clients/{chris_id}/goals/{made.goal.public_id}")
        assert response.status_code == 404


class PlanWriteTests:
    def test_a_goal_is_added_to_the_draft(self, personas):
        made = dana_plan(personas)
        client_id = personas.dana_client.public_id
        response = api_as(personas.bob).post(
            f"/clients/{client_id}/plans/{made.plan.public_id}/goals",
            {
                "statement": "Sleep 7 hours a night within 8 weeks",
                "client_words": "Sleep properly",
                "factors": [made.factor.public_id],
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        goal = Goal.objects.get(public_id=body["id"])
        assert goal.plan == made.plan
        assert body["order"] == 2
        assert body["factors"] == [made.factor.public_id]
        [event] = _events("goal.create", personas.bob)
        assert event.object_id == goal.public_id

    def test_a_goal_is_changed(self, personas):
        made = dana_plan(personas)
        url = f"/clients/{personas.dana_client.public_id}/goals/{made.goal.public_id}"
        response = api_as(personas.alice).patch(url, {"status": "partially_met"})
        assert response.status_code == 200
        assert response.json()["status"] == "partially_met"
        assert response.json()["statement"] == made.goal.statement  # left out, kept
        [event] = _events("goal.update", personas.alice)
        assert event.detail == {"fields": ["status"]}

    def test_a_factor_of_another_client_cannot_be_linked(self, personas):
        made = dana_plan(personas)
        url = f"/clients/{personas.dana_client.public_id}/goals/{made.goal.public_id}"
        response = api_as(personas.alice).patch(url, {"factors": ["0" * 16]})
        assert response.status_code == 400
        assert response.json()["field"] == "factors"

    def test_an_objective_is_added_and_reworded(self, personas):
        made = dana_plan(personas)
        client_id = personas.dana_client.public_id
        alice = api_as(personas.alice)
        created = alice.post(
            f"/clients/{client_id}/goals/{made.goal.public_id}/objectives",
            {"statement": "Go to bed by 11pm 5 nights a week"},
        )
        assert created.status_code == 201
        objective_id = created.json()["id"]
        assert created.json()["order"] == 2
        changed = alice.patch(
            f"/clients/{client_id}/objectives/{objective_id}",
            {"statement": "Go to bed by 11pm 6 nights a week"},
        )
        assert changed.status_code == 200
        assert Objective.objects.get(public_id=objective_id).statement.endswith("6 nights a week")
        assert _events("objective.create", personas.alice)
        assert _events("objective.update", personas.alice)

    def test_a_signed_plan_does_not_change(self, personas):
        made = dana_plan(personas)
        versions.plan_sign(
            actor=personas.alice, plan=made.plan, password=PASSWORD, override_reason="test"
        )
        client_id = personas.dana_client.public_id
        response = api_as(personas.alice).post(
            f"/clients/{client_id}/plans/{made.plan.public_id}/goals",
            {"statement": "Sleep 7 hours a night within 8 weeks"},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "plan"
        assert "can no longer change" in response.json()["message"]
        assert made.plan.goals.count() == 1


class MeasureTests:
    def test_the_administrations_of_a_client(self, personas):
        url = f"/clients/{personas.dana_client.public_id}/administrations"
        [phq9] = api_as(personas.alice).get(url, instrument="phq9").json()
        assert phq9["id"] == personas.dana_phq9.public_id
        assert phq9["total"] == 17
        assert phq9["alerts"][0]["code"] == "self-harm"
        assert api_as(personas.alice).get(url, instrument="gad7").json() == []
        detail = api_as(personas.alice).get(f"{url}/{personas.dana_phq9.public_id}")
        assert detail.json()["band"] == phq9["band"]
        assert _events("administration.list", personas.alice)
        assert _events("administration.view", personas.alice)

    def test_a_submitted_phq9_is_scored_and_item_9_raises_an_alert(self, personas):
        url = f"/clients/{personas.dana_client.public_id}/administrations"
        response = api_as(personas.bob).post(
            url, {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["total"] == 10
        assert body["band"] == "moderate"
        assert [f["code"] for f in body["flags"]] == ["self-harm"]
        [alert] = body["alerts"]
        assert alert["open"] is True
        assert RiskAlert.objects.filter(public_id=alert["id"]).exists()
        assert Administration.objects.get(public_id=body["id"]).entered_by == personas.bob
        assert _events("administration.create", personas.bob)
        assert _events("risk_alert.raise", personas.bob)

    def test_an_answer_out_of_range_names_its_item(self, personas):
        url = f"/clients/{personas.dana_client.public_id}/administrations"
        response = api_as(personas.alice).post(
            url, {"instrument": "phq9", "answers": [1, 1, 7, 1, 1, 1, 1, 1, 0]}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "item_3"
        assert Administration.objects.count() == 1

    def test_an_observation_is_recorded_for_a_metric_target(self, personas):
        target = dana_metric_target(personas)
        client_id = personas.dana_client.public_id
        alice = api_as(personas.alice)
        response = alice.post(
            f"/clients/{client_id}/targets/{target.public_id}/observations",
            {"value": 4, "period_start": "2026-01-05"},
        )
        assert response.status_code == 201, response.content
        assert response.json()["metric"]["name"] == "Pleasurable activities"
        observation = Observation.objects.get(public_id=response.json()["id"])
        assert observation.value == 4
        assert observation.entered_by == personas.alice
        assert _events("observation.create", personas.alice)
        assert target.metric is not None
        listed = alice.get(f"/clients/{client_id}/observations", metric=target.metric.public_id)
        assert [o["id"] for o in listed.json()] == [observation.public_id]
        assert _events("observation.list", personas.alice)

    def test_an_instrument_target_takes_no_observation(self, personas):
        from tests.base import dana_target

        target = dana_target(personas)
        response = api_as(personas.alice).post(
            f"/clients/{personas.dana_client.public_id}/targets/{target.public_id}/observations",
            {"value": 4, "period_start": "2026-01-05"},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "target"


class SmartCheckTests:
    @pytest.mark.parametrize(
        "text",
        [
            "Reduce PHQ-9 from 18 to 9 or below within 16 weeks",
            "I want to feel less depressed",
            "Stop avoiding the supermarket by 1 June 2026",
        ],
    )
    def test_it_answers_what_the_cli_prints(self, personas, capsys, text):
        args = argparse.Namespace(text=text, json=True, jsonl=None, today="2026-03-02")
        assert smart_cli.handle(args) == 0
        printed = json.loads(capsys.readouterr().out)
        response = api_as(personas.frank).post("/smart", {"text": text, "today": "2026-03-02"})
        assert response.status_code == 200
        assert response.json() == printed


class OrganisationBoundaryTests:
    def test_nothing_crosses_the_practice(self, personas):
        made = dana_plan(personas)
        charlie = api_as(personas.charlie)
        assert [c["id"] for c in charlie.get("/clients").json()] == [
            personas.chris_client.public_id
        ]
        dana_id = personas.dana_client.public_id
        for path in (
            f"/clients/{dana_id}",
            f"/clients/{dana_id}/plans",
            f"/clients/{dana_id}/administrations",
            f"/clients/{dana_id}/plans/{made.plan.public_id}",
        ):
            assert charlie.get(path).status_code == 404
        response = charlie.post(
            f"/clients/{dana_id}/plans/{made.plan.public_id}/goals", {"statement": "x"}
        )
        assert response.status_code == 404
        assert made.plan.goals.count() == 1
        # Nor does dana's practice reach charlie's client.
        chris_id = personas.chris_client.public_id
        assert api_as(personas.alice).get(f"/clients/{chris_id}").status_code == 404
        assert api_as(personas.sam).get(f"/clients/{chris_id}").status_code == 404

    def test_a_refused_read_is_audited_without_the_typed_id(self, personas):
        api_as(personas.frank).get("/clients/Quillfeather")
        [event] = _events("client.access_denied", personas.frank)
        assert event.object_id == ""
        assert "Quillfeather" not in json.dumps(event.detail)
