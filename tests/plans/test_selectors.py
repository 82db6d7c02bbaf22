from __future__ import annotations

import datetime as dt

import pytest

from milepost.domain import plans as domain
from milepost.plans import access, services
from milepost.plans.selectors import formulation_to_domain, plan_to_domain


@pytest.mark.django_db
class PlanToDomainTests:
    def test_the_whole_plan_becomes_plain_dataclasses_in_order(
        self, personas, draft, goal, objective, intervention, factor, metric
    ):
        due = dt.date.today() + dt.timedelta(weeks=16)
        services.plan_update(
            actor=personas.alice, plan=draft, strengths="Curious", discharge_criteria="PHQ-9 < 10"
        )
        services.diagnosis_add(actor=personas.alice, plan=draft, code="F32.1")
        services.target_set(
            actor=personas.alice,
            owner=goal,
            instrument_code="phq9",
            comparator="<=",
            target_value=9,
            due_date=due,
            confirmed=True,
        )
        services.target_set(
            actor=personas.alice,
            owner=objective,
            metric=metric,
            baseline=1,
            comparator=">=",
            target_value=5,
            due_date=due,
        )
        second = services.goal_add(actor=personas.alice, plan=draft, statement="Sleep 7 hours")
        plan = access.plan_get_for_user(
            personas.alice, personas.dana_client.public_id, draft.public_id
        )
        formulation = access.formulation_for_client(personas.alice, personas.dana_client)

        result = plan_to_domain(plan, formulation=formulation)

        assert isinstance(result, domain.Plan)
        assert (result.id, result.version, result.status) == (draft.public_id, 1, "draft")
        assert (result.strengths, result.discharge_criteria) == ("Curious", "PHQ-9 < 10")
        assert result.diagnoses == (
            domain.Diagnosis(
                code="F32.1", text="Major depressive disorder, single episode, moderate", order=1
            ),
        )
        assert [g.id for g in result.goals] == [goal.public_id, second.public_id]
        first = result.goals[0]
        assert first.client_words == "I want to feel like myself again"
        assert first.factors == (
            domain.FormulationFactor(id=factor.public_id, kind="perpetuating", text=factor.text),
        )
        assert first.target == domain.Target(
            measure="phq9",
            instrument=True,
            target_value=9,
            comparator="<=",
            direction="decrease",
            baseline=17,
            unit="points",
            due_date=due,
            confirmed=True,
        )
        (obj,) = first.objectives
        assert obj.target is not None
        assert (obj.target.measure, obj.target.unit, obj.target.period) == (
            "Pleasurable activities",
            "activities",
            "week",
        )
        assert obj.interventions == (
            domain.Intervention(
                id=intervention.public_id,
                modality="Behavioural activation",
                type="individual",
                frequency="weekly",
                session_minutes=50,
                responsible="Alice Example, LCSW",
                responsible_id=personas.alice.public_id,
            ),
        )
        assert result.goals[1].target is None
        assert result.review_due == result.created_on + dt.timedelta(days=90)
        assert result.formulation is not None
        assert result.formulation.factors_of("perpetuating")[0].id == factor.public_id

    def test_an_empty_formulation_converts(self, personas, factor):
        formulation = access.formulation_for_client(personas.alice, personas.dana_client)
        assert formulation is not None
        converted = formulation_to_domain(formulation)
        assert converted.presenting_problems == ""
        assert len(converted.factors) == 1
