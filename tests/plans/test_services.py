from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_verify
from milepost.domain import library
from milepost.measures import services as measures
from milepost.plans import services
from milepost.plans.models import (
    Diagnosis,
    Formulation,
    FormulationFactor,
    Goal,
    Intervention,
    Metric,
    Objective,
    Observation,
    PlanStatus,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import plan_to_domain
from tests.plans.conftest import sign

IN_16_WEEKS = dt.date.today() + dt.timedelta(weeks=16)


def _counts():
    return tuple(
        model.objects.count()
        for model in (
            AuditEvent,
            Formulation,
            FormulationFactor,
            TreatmentPlan,
            Diagnosis,
            Goal,
            Objective,
            Intervention,
            Target,
            Metric,
            Observation,
        )
    )


def _refused(call, field):
    """`call` raises ValidationError naming `field`, and nothing at all is saved."""
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.error_dict, caught.value.error_dict
    assert str(caught.value.error_dict[field][0].message).strip()
    assert _counts() == before
    return caught.value


@pytest.mark.django_db
class FormulationTests:
    def test_it_writes_the_presenting_problems_and_the_cbt_cycle_and_audits(self, personas):
        formulation = services.formulation_update(
            actor=personas.alice,
            client=personas.dana_client,
            presenting_problems="  Low mood, withdrawal  ",
            thoughts="I'm a burden",
        )
        assert formulation.presenting_problems == "Low mood, withdrawal"
        assert formulation.thoughts == "I'm a burden"
        assert formulation.updated_by == personas.alice
        event = AuditEvent.objects.filter(action="formulation.update").get()
        assert event.detail == {"fields": ["presenting_problems", "thoughts"]}
        assert event.client == personas.dana_client
        assert audit_verify().ok

    def test_a_second_edit_changes_the_same_formulation(self, personas):
        first = services.formulation_update(
            actor=personas.alice, client=personas.dana_client, emotions="sad"
        )
        second = services.formulation_update(
            actor=personas.bob, client=personas.dana_client, emotions="flat"
        )
        assert first.pk == second.pk
        assert Formulation.objects.get().emotions == "flat"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"situation": "at home\x00"}, "situation"),
            ({"behaviours": "x" * (services.LONG_TEXT + 1)}, "behaviours"),
            ({"updated_by": "someone else"}, "updated_by"),
            ({"thoughts": 42}, "thoughts"),
        ],
    )
    def test_bad_input_names_its_field(self, personas, changes, field):
        _refused(
            lambda: services.formulation_update(
                actor=personas.alice, client=personas.dana_client, **changes
            ),
            field,
        )

    def test_factors_are_added_in_order_per_kind(self, personas):
        a = services.formulation_factor_add(
            actor=personas.alice, client=personas.dana_client, kind="protective", text="Sister"
        )
        b = services.formulation_factor_add(
            actor=personas.alice, client=personas.dana_client, kind="protective", text="Dog"
        )
        assert (a.order, b.order) == (1, 2)
        assert a.formulation.client == personas.dana_client
        assert AuditEvent.objects.filter(
            action="formulation_factor.create", object_id=b.public_id
        ).exists()

    @pytest.mark.parametrize(
        ("kind", "text", "field"),
        [("maintaining", "Avoidance", "kind"), ("perpetuating", "  ", "text"), ("", "x", "kind")],
    )
    def test_a_bad_factor_names_its_field(self, personas, kind, text, field):
        _refused(
            lambda: services.formulation_factor_add(
                actor=personas.alice, client=personas.dana_client, kind=kind, text=text
            ),
            field,
        )

    def test_a_factor_can_be_reworded(self, personas, factor):
        services.formulation_factor_update(actor=personas.bob, factor=factor, text="Avoids friends")
        factor.refresh_from_db()
        assert factor.text == "Avoids friends"

    def test_a_factor_a_signed_plan_links_to_cannot_change(self, personas, goal, factor):
        sign(goal.plan)
        _refused(
            lambda: services.formulation_factor_update(
                actor=personas.alice, factor=factor, text="Something else"
            ),
            "text",
        )

    def test_a_linked_factor_cannot_stop_being_a_maintaining_one(self, personas, goal, factor):
        _refused(
            lambda: services.formulation_factor_update(
                actor=personas.alice, factor=factor, kind="predisposing"
            ),
            "kind",
        )


@pytest.mark.django_db
class PlanTests:
    def test_the_first_draft_is_version_1_with_a_90_day_review(self, personas, draft):
        assert (draft.version, draft.status, draft.review_interval_days) == (1, "draft", 90)
        assert draft.previous_version is None
        assert draft.created_by == personas.alice
        assert draft.organization == personas.org
        assert AuditEvent.objects.filter(action="plan.create", object_id=draft.public_id).exists()

    def test_a_client_has_one_draft_at_a_time(self, personas, draft):
        _refused(
            lambda: services.plan_create_draft(actor=personas.bob, client=personas.dana_client),
            "plan",
        )

    def test_after_signing_the_next_draft_is_the_next_version(self, personas, draft):
        sign(draft)
        second = services.plan_create_draft(actor=personas.alice, client=personas.dana_client)
        assert second.version == 2
        assert second.previous_version == draft

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"review_interval_days": 0}, "review_interval_days"),
            ({"review_interval_days": 400}, "review_interval_days"),
            ({"review_interval_days": "ninety"}, "review_interval_days"),
            ({"review_interval_days": 30.5}, "review_interval_days"),
            ({"review_interval_days": None}, "review_interval_days"),
            ({"strengths": "kind\x00"}, "strengths"),
            ({"status": "signed"}, "status"),
            ({"version": 7}, "version"),
        ],
    )
    def test_bad_plan_changes_name_their_field(self, personas, draft, changes, field):
        _refused(lambda: services.plan_update(actor=personas.alice, plan=draft, **changes), field)

    def test_a_draft_takes_strengths_discharge_criteria_and_interval(self, personas, draft):
        services.plan_update(
            actor=personas.alice,
            plan=draft,
            strengths="Warm, curious, supportive sister",
            discharge_criteria="PHQ-9 below 10 at two reviews; discussed with Dana",
            review_interval_days=60,
        )
        draft.refresh_from_db()
        assert draft.review_interval_days == 60
        assert draft.strengths.startswith("Warm")
        event = AuditEvent.objects.filter(action="plan.update").get()
        assert set(event.detail["fields"]) == {
            "strengths",
            "discharge_criteria",
            "review_interval_days",
        }

    def test_a_bad_interval_on_a_new_draft_saves_nothing(self, personas):
        _refused(
            lambda: services.plan_create_draft(
                actor=personas.alice, client=personas.dana_client, review_interval_days=-5
            ),
            "review_interval_days",
        )


@pytest.mark.django_db
class DiagnosisTests:
    def test_a_code_is_normalised_and_ordered(self, personas, draft):
        first = services.diagnosis_add(actor=personas.alice, plan=draft, code="f321")
        second = services.diagnosis_add(actor=personas.alice, plan=draft, code="F41.1")
        assert (first.code, first.order, second.order) == ("F32.1", 1, 2)
        assert AuditEvent.objects.filter(action="diagnosis.create").count() == 2

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("depression", "is not an ICD-10-CM code"),
            ("F32.1\x00", "is not an ICD-10-CM code"),
            ("F32.19 Made-up code", "is not an ICD-10-CM code"),
            ("F32.19", "F32.19 is not a code of ICD-10-CM"),
            ("F99.9", "F99.9 is not a code of ICD-10-CM"),
        ],
    )
    def test_bad_diagnoses_name_their_field(self, personas, draft, code, message):
        with pytest.raises(ValidationError) as caught:
            services.diagnosis_add(actor=personas.alice, plan=draft, code=code)
        assert message in caught.value.message_dict["code"][0]
        assert not draft.diagnoses.exists()

    def test_the_description_comes_from_the_code_set(self, personas, draft):
        leaf = services.diagnosis_add(actor=personas.alice, plan=draft, code="f4310")
        category = services.diagnosis_add(actor=personas.alice, plan=draft, code="F32")
        assert (leaf.code, leaf.text) == ("F43.10", "Post-traumatic stress disorder, unspecified")
        assert (category.code, category.text) == ("F32", "Depressive episode")

    def test_the_same_code_twice_is_refused(self, personas, draft):
        services.diagnosis_add(actor=personas.alice, plan=draft, code="F32.1")
        _refused(
            lambda: services.diagnosis_add(actor=personas.alice, plan=draft, code="F321"),
            "code",
        )

    def test_removing_from_a_draft_renumbers_the_rest(self, personas, draft):
        first = services.diagnosis_add(actor=personas.alice, plan=draft, code="F32.1")
        second = services.diagnosis_add(actor=personas.alice, plan=draft, code="F41.1")
        services.diagnosis_remove(actor=personas.alice, diagnosis=first)
        second.refresh_from_db()
        assert list(draft.diagnoses.values_list("code", flat=True)) == ["F41.1"]
        assert second.order == 1
        assert AuditEvent.objects.filter(
            action="diagnosis.remove", object_id=first.public_id
        ).exists()


@pytest.mark.django_db
class GoalTests:
    def test_a_goal_keeps_the_clients_words_and_its_maintaining_factors(
        self, personas, goal, factor
    ):
        assert goal.client_words == "I want to feel like myself again"
        assert list(goal.factors.all()) == [factor]
        assert (goal.order, goal.status) == (1, "active")
        assert AuditEvent.objects.filter(action="goal.create", object_id=goal.public_id).exists()

    def test_a_goal_links_only_maintaining_factors_and_strengths(self, personas, draft):
        early = services.formulation_factor_add(
            actor=personas.alice, client=personas.dana_client, kind="predisposing", text="Loss"
        )
        _refused(
            lambda: services.goal_add(
                actor=personas.alice, plan=draft, statement="Feel better", factors=[early]
            ),
            "factors",
        )

    def test_a_goal_draws_on_a_strength_which_satisfies_pl05(self, personas, draft):
        # Decision 0811: a goal may link the protective factor it draws on.
        strength = services.formulation_factor_add(
            actor=personas.alice, client=personas.dana_client, kind="protective", text="Sister"
        )
        goal = services.goal_add(
            actor=personas.alice, plan=draft, statement="Feel better", factors=[strength]
        )
        assert list(goal.factors.all()) == [strength]
        domain_plan = plan_to_domain(draft)
        assert domain_plan.goals[-1].factors[0].kind == "protective"

    def test_a_factor_a_goal_draws_on_cannot_be_reclassified(self, personas, draft):
        strength = services.formulation_factor_add(
            actor=personas.alice, client=personas.dana_client, kind="protective", text="Sister"
        )
        services.goal_add(
            actor=personas.alice, plan=draft, statement="Feel better", factors=[strength]
        )
        _refused(
            lambda: services.formulation_factor_update(
                actor=personas.alice, factor=strength, kind="perpetuating", text="Sister"
            ),
            "kind",
        )

    def test_a_goal_cannot_link_another_clients_factor(self, personas, draft):
        other = FormulationFactor.objects.create(
            formulation=Formulation.objects.create(
                organization=personas.other_org, client=personas.chris_client
            ),
            kind="perpetuating",
            text="Chris's avoidance",
        )
        _refused(
            lambda: services.goal_add(
                actor=personas.alice, plan=draft, statement="Feel better", factors=[other]
            ),
            "factors",
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"statement": ""}, "statement"),
            ({"statement": "a\x00b"}, "statement"),
            ({"client_words": "x" * (services.LONG_TEXT + 1)}, "client_words"),
            ({"status": "done"}, "status"),
        ],
    )
    def test_bad_goal_changes_name_their_field(self, personas, goal, changes, field):
        _refused(lambda: services.goal_update(actor=personas.alice, goal=goal, **changes), field)

    def test_a_goal_is_reworded_and_unlinked(self, personas, goal):
        services.goal_update(
            actor=personas.bob, goal=goal, statement="Reduce PHQ-9 to 9 or below", factors=[]
        )
        goal.refresh_from_db()
        assert goal.statement == "Reduce PHQ-9 to 9 or below"
        assert not goal.factors.exists()
        event = AuditEvent.objects.filter(action="goal.update").get()
        assert event.detail == {"fields": ["statement", "factors"]}

    def test_goals_are_reordered(self, personas, draft, goal):
        second = services.goal_add(actor=personas.alice, plan=draft, statement="Sleep 7 hours")
        order = services.goal_reorder(
            actor=personas.alice, plan=draft, goal_ids=[second.public_id, goal.public_id]
        )
        assert order == [second.public_id, goal.public_id]
        assert list(draft.goals.values_list("public_id", flat=True)) == order

    @pytest.mark.parametrize("shape", ["missing", "duplicate", "foreign"])
    def test_a_reorder_must_name_every_goal_once(self, personas, draft, goal, shape):
        second = services.goal_add(actor=personas.alice, plan=draft, statement="Sleep 7 hours")
        ids = {
            "missing": [goal.public_id],
            "duplicate": [goal.public_id, goal.public_id],
            "foreign": [goal.public_id, "0000000000000000"],
        }[shape]
        before = list(draft.goals.values_list("public_id", flat=True))
        _refused(
            lambda: services.goal_reorder(actor=personas.alice, plan=draft, goal_ids=ids), "order"
        )
        assert list(draft.goals.values_list("public_id", flat=True)) == before
        assert second.public_id in before

    def test_removing_a_goal_from_a_draft_takes_its_objectives_and_interventions(
        self, personas, draft, goal, intervention
    ):
        later = services.goal_add(actor=personas.alice, plan=draft, statement="Sleep 7 hours")
        services.goal_remove(actor=personas.alice, goal=goal)
        assert list(draft.goals.all()) == [later]
        later.refresh_from_db()
        assert later.order == 1
        assert not Objective.objects.exists()
        assert not Intervention.objects.exists()
        assert AuditEvent.objects.filter(action="goal.remove", object_id=goal.public_id).exists()


@pytest.mark.django_db
class ObjectiveAndInterventionTests:
    def test_objectives_are_added_reworded_reordered_and_removed(self, personas, goal, objective):
        second = services.objective_add(actor=personas.alice, goal=goal, statement="Up by 9")
        services.objective_update(actor=personas.alice, objective=second, statement="Up by 8")
        services.objective_reorder(
            actor=personas.alice, goal=goal, objective_ids=[second.public_id, objective.public_id]
        )
        assert list(goal.objectives.values_list("statement", flat=True)) == [
            "Up by 8",
            objective.statement,
        ]
        services.objective_remove(actor=personas.alice, objective=second)
        objective.refresh_from_db()
        assert (list(goal.objectives.all()), objective.order) == ([objective], 1)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"objective.create", "objective.update", "objective.reorder"} <= actions
        assert "objective.remove" in actions

    def test_an_objective_needs_a_statement(self, personas, goal):
        _refused(
            lambda: services.objective_add(actor=personas.alice, goal=goal, statement=" "),
            "statement",
        )

    def test_an_intervention_records_type_frequency_length_and_who(self, personas, intervention):
        assert (intervention.type, intervention.frequency, intervention.session_minutes) == (
            "individual",
            "weekly",
            50,
        )
        assert intervention.responsible == personas.alice
        assert AuditEvent.objects.filter(
            action="intervention.create", object_id=intervention.public_id
        ).exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"modality": ""}, "modality"),
            ({"modality": "x" * 201}, "modality"),
            ({"type": "couple"}, "type"),
            ({"frequency": ""}, "frequency"),
            ({"session_minutes": 0}, "session_minutes"),
            ({"session_minutes": 50.5}, "session_minutes"),
            ({"session_minutes": "long"}, "session_minutes"),
            ({"responsible": "erin"}, "responsible"),
            ({"responsible": "charlie"}, "responsible"),
            ({"responsible": "dana"}, "responsible"),
            ({"objective": None}, "objective"),
        ],
    )
    def test_bad_intervention_changes_name_their_field(
        self, personas, intervention, changes, field
    ):
        if isinstance(changes.get("responsible"), str):
            changes = {"responsible": getattr(personas, changes["responsible"])}
        _refused(
            lambda: services.intervention_update(
                actor=personas.alice, intervention=intervention, **changes
            ),
            field,
        )

    def test_an_intervention_is_changed_and_removed(self, personas, intervention):
        services.intervention_update(
            actor=personas.alice,
            intervention=intervention,
            type="group",
            responsible=personas.bob,
            session_minutes=None,
        )
        intervention.refresh_from_db()
        assert (intervention.type, intervention.responsible, intervention.session_minutes) == (
            "group",
            personas.bob,
            None,
        )
        services.intervention_remove(actor=personas.alice, intervention=intervention)
        assert not Intervention.objects.exists()


@pytest.mark.django_db
class TargetTests:
    def _set(self, personas, owner, **kwargs):
        values: dict[str, Any] = {"comparator": "<=", "target_value": 9, "due_date": IN_16_WEEKS}
        values.update(kwargs)
        if "metric" not in values:
            values.setdefault("instrument_code", "phq9")
        return services.target_set(actor=personas.alice, owner=owner, **values)

    def test_an_instrument_target_takes_its_baseline_from_the_latest_score(self, personas, goal):
        target = self._set(personas, goal, instrument_code="PHQ-9", confirmed=True)
        assert target.instrument_code == "phq9"
        assert target.baseline == 17  # dana's PHQ-9
        assert target.baseline_administration == personas.dana_phq9
        assert target.direction == "decrease"
        assert (target.confirmed, target.confirmed_by) == (True, personas.alice)
        assert AuditEvent.objects.filter(action="target.set", object_id=target.public_id).exists()

    def test_a_score_entered_in_error_is_not_the_baseline(self, personas, goal):
        later = measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
        )
        measures.administration_mark_entered_in_error(
            actor=personas.alice, administration=later, reason="wrong client"
        )
        assert self._set(personas, goal).baseline == 17

    def test_a_given_baseline_wins_and_setting_again_replaces_the_target(self, personas, goal):
        first = self._set(personas, goal, baseline=18)
        second = self._set(personas, goal, baseline=20, target_value=10)
        assert first.pk == second.pk
        assert (second.baseline, second.target_value, second.baseline_administration) == (
            20,
            10,
            None,
        )
        assert Target.objects.count() == 1

    @pytest.mark.parametrize(
        ("kwargs", "field", "words"),
        [
            ({"target_value": 30}, "target_value", "0 to 27"),
            ({"target_value": -1}, "target_value", "0 to 27"),
            ({"baseline": 28}, "baseline", "0 to 27"),
            ({"target_value": ""}, "target_value", "value"),
            ({"target_value": "nine"}, "target_value", "number"),
            ({"target_value": float("nan")}, "target_value", "number"),
            ({"instrument_code": "bdi2"}, "instrument_code", "bdi2"),
            ({"instrument_code": ""}, "measure", "instrument"),
            ({"comparator": "≈"}, "comparator", "compares"),
            ({"direction": "sideways"}, "direction", "decrease"),
            ({"due_date": None}, "due_date", "date"),
            ({"due_date": "2030-01-01"}, "due_date", "date"),
            ({"due_date": dt.date(2020, 1, 1)}, "due_date", "past"),
            ({"baseline": 5, "direction": "decrease"}, "target_value", "lower"),
            ({"comparator": "=", "baseline": 9, "direction": "sideways"}, "direction", "decrease"),
            ({"direction": "increase"}, "direction", "should decrease"),
            ({"comparator": ">=", "direction": "decrease"}, "direction", "should increase"),
        ],
    )
    def test_a_bad_target_names_its_field(self, personas, goal, kwargs, field, words):
        error = _refused(lambda: self._set(personas, goal, **kwargs), field)
        assert words in str(error.error_dict[field][0].message)

    def test_a_baseline_that_already_meets_the_target_keeps_the_comparators_direction(
        self, personas, goal
    ):
        # Dana's latest PHQ-9 is 17; "≤ 20" is already met but is still a decrease.
        target = self._set(personas, goal, target_value=20)
        assert (target.baseline, target.direction) == (17, "decrease")
        equal = self._set(personas, goal, comparator="=", target_value=12)
        assert equal.direction == "decrease"
        # "Keep it at 17" from a baseline of 17 is maintaining.
        held = self._set(personas, goal, comparator="=", target_value=17)
        assert held.direction == "maintain"

    def test_a_metric_target_on_an_objective_uses_the_latest_observation(
        self, personas, objective, metric
    ):
        services.observation_add(
            actor=personas.alice,
            client=personas.dana_client,
            metric=metric,
            value=1,
            period_start=dt.date.today() - dt.timedelta(days=7),
        )
        target = self._set(personas, objective, metric=metric, comparator=">=", target_value=5)
        assert (target.metric, target.instrument_code, target.baseline) == (metric, "", 1)
        assert target.direction == "increase"
        assert target.objective == objective

    def test_a_metric_and_an_instrument_at_once_is_refused(self, personas, objective, metric):
        _refused(
            lambda: self._set(personas, objective, metric=metric, instrument_code="phq9"),
            "measure",
        )

    def test_a_metric_of_another_practice_is_refused(self, personas, objective):
        theirs = services.metric_create(
            actor=personas.charlie, name="Panic attacks", unit="attacks", period="week"
        )
        _refused(lambda: self._set(personas, objective, metric=theirs), "metric")

    def test_a_metric_target_cannot_be_negative(self, personas, objective, metric):
        _refused(
            lambda: self._set(personas, objective, metric=metric, target_value=-2), "target_value"
        )

    def test_a_metric_target_has_an_upper_bound(self, personas, objective, metric):
        kept = self._set(
            personas, objective, metric=metric, comparator=">=", target_value=1_000_000, baseline=0
        )
        assert kept.target_value == 1_000_000
        _refused(
            lambda: self._set(personas, objective, metric=metric, target_value=1_000_001),
            "target_value",
        )


@pytest.mark.django_db
class MetricAndObservationTests:
    def test_a_metric_belongs_to_the_practice(self, personas, metric):
        assert (metric.organization, metric.unit, metric.period) == (
            personas.org,
            "activities",
            "week",
        )
        assert AuditEvent.objects.filter(action="metric.create", object_id=metric.public_id)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "x" * 121}, "name"),
            ({"unit": ""}, "unit"),
            ({"period": "fortnight"}, "period"),
            ({"name": "pleasurable ACTIVITIES", "period": "week"}, "name"),
        ],
    )
    def test_a_bad_metric_names_its_field(self, personas, metric, kwargs, field):
        values = {"name": "Hours in bed", "unit": "hours", "period": "day", **kwargs}
        _refused(lambda: services.metric_create(actor=personas.alice, **values), field)

    @pytest.mark.parametrize("name", ["erin", "dana"])
    def test_admins_and_clients_cannot_make_metrics(self, personas, name):
        with pytest.raises(PermissionDenied):
            services.metric_create(
                actor=getattr(personas, name), name="Walks", unit="walks", period="week"
            )

    def test_an_observation_is_stored_and_audited(self, personas, metric):
        observation = services.observation_add(
            actor=personas.bob,
            client=personas.dana_client,
            metric=metric,
            value="3",
            period_start=dt.date.today(),
        )
        assert (observation.value, observation.source, observation.counts) == (3, "clinician", True)
        assert AuditEvent.objects.filter(
            action="observation.create", object_id=observation.public_id
        ).exists()

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"value": -1}, "value"),
            ({"value": 1_000_001}, "value"),  # 1,000,000 is the most a metric takes
            ({"value": 1e308}, "value"),
            ({"value": "lots"}, "value"),
            ({"value": None}, "value"),
            ({"period_start": dt.date.today() + dt.timedelta(days=30)}, "period_start"),
            ({"period_start": dt.date(1980, 1, 1)}, "period_start"),
            ({"period_start": "yesterday"}, "period_start"),
            ({"source": "fax"}, "source"),
        ],
    )
    def test_a_bad_observation_names_its_field(self, personas, metric, kwargs, field):
        values = {"value": 2, "period_start": dt.date.today(), **kwargs}
        _refused(
            lambda: services.observation_add(
                actor=personas.alice, client=personas.dana_client, metric=metric, **values
            ),
            field,
        )

    def test_a_client_enters_only_their_own_through_the_portal(self, personas, metric):
        own = services.observation_add(
            actor=personas.dana,
            client=personas.dana_client,
            metric=metric,
            value=2,
            period_start=dt.date.today(),
            source="portal",
        )
        assert own.entered_by == personas.dana
        with pytest.raises(PermissionDenied):
            services.observation_add(
                actor=personas.dana,
                client=personas.dana_client,
                metric=metric,
                value=2,
                period_start=dt.date.today(),
            )
        with pytest.raises(PermissionDenied):
            services.observation_add(
                actor=personas.alice,
                client=personas.dana_client,
                metric=metric,
                value=2,
                period_start=dt.date.today(),
                source="portal",
            )

    def test_another_portal_user_cannot_enter_for_dana(self, personas, metric):
        from milepost.accounts import services as accounts

        other = accounts.user_create(
            actor=None,
            organization=personas.org,
            email="olive@example.org",
            full_name="Olive",
            role="client",
        )
        with pytest.raises(PermissionDenied):
            services.observation_add(
                actor=other,
                client=personas.dana_client,
                metric=metric,
                value=2,
                period_start=dt.date.today(),
                source="portal",
            )
        assert not Observation.objects.exists()

    def test_a_mistaken_observation_is_marked_never_deleted(self, personas, metric):
        observation = services.observation_add(
            actor=personas.alice,
            client=personas.dana_client,
            metric=metric,
            value=9,
            period_start=dt.date.today(),
        )
        _refused(
            lambda: services.observation_mark_entered_in_error(
                actor=personas.alice, observation=observation, reason=" "
            ),
            "reason",
        )
        services.observation_mark_entered_in_error(
            actor=personas.alice, observation=observation, reason="typo"
        )
        observation.refresh_from_db()
        assert (observation.counts, observation.entered_in_error_reason) == (False, "typo")
        _refused(
            lambda: services.observation_mark_entered_in_error(
                actor=personas.alice, observation=observation, reason="again"
            ),
            "reason",
        )


# Every write to a plan or its parts, as (name, call); each is refused on a signed plan
# and for anyone who may not edit dana's record.
def _plan_writes(p, draft, goal, objective, intervention, diagnosis, factor):
    return [
        ("plan_update", lambda a: services.plan_update(actor=a, plan=draft, strengths="x")),
        (
            "diagnosis_add",
            lambda a: services.diagnosis_add(actor=a, plan=draft, code="F41.1"),
        ),
        ("diagnosis_remove", lambda a: services.diagnosis_remove(actor=a, diagnosis=diagnosis)),
        ("goal_add", lambda a: services.goal_add(actor=a, plan=draft, statement="Sleep")),
        ("goal_update", lambda a: services.goal_update(actor=a, goal=goal, statement="Sleep")),
        ("goal_status", lambda a: services.goal_update(actor=a, goal=goal, status="met")),
        ("goal_factors", lambda a: services.goal_update(actor=a, goal=goal, factors=[])),
        (
            "goal_reorder",
            lambda a: services.goal_reorder(actor=a, plan=draft, goal_ids=[goal.public_id]),
        ),
        ("goal_remove", lambda a: services.goal_remove(actor=a, goal=goal)),
        ("objective_add", lambda a: services.objective_add(actor=a, goal=goal, statement="S")),
        (
            "objective_update",
            lambda a: services.objective_update(actor=a, objective=objective, statement="S"),
        ),
        (
            "objective_reorder",
            lambda a: services.objective_reorder(
                actor=a, goal=goal, objective_ids=[objective.public_id]
            ),
        ),
        ("objective_remove", lambda a: services.objective_remove(actor=a, objective=objective)),
        (
            "intervention_add",
            lambda a: services.intervention_add(
                actor=a, objective=objective, modality="Exposure", frequency="weekly"
            ),
        ),
        (
            "intervention_update",
            lambda a: services.intervention_update(
                actor=a, intervention=intervention, frequency="fortnightly"
            ),
        ),
        (
            "intervention_remove",
            lambda a: services.intervention_remove(actor=a, intervention=intervention),
        ),
        (
            "target_set",
            lambda a: services.target_set(
                actor=a,
                owner=objective,
                instrument_code="phq9",
                comparator="<=",
                target_value=9,
                due_date=IN_16_WEEKS,
            ),
        ),
        ("target_remove", lambda a: services.target_remove(actor=a, target=goal.target)),
        (
            "goal_add_from_library",
            lambda a: services.goal_add_from_library(
                actor=a, plan=draft, item_id="depression.goal.phq9-to-mild"
            ),
        ),
        (
            "objective_add_from_library",
            lambda a: services.objective_add_from_library(
                actor=a, goal=goal, item_id=_first("objective")
            ),
        ),
        (
            "intervention_add_from_library",
            lambda a: services.intervention_add_from_library(
                actor=a, objective=objective, item_id=_first("intervention")
            ),
        ),
    ]


def _first(kind: str) -> str:
    return library.search("", kind=kind)[0].id


WRITE_NAMES = [
    "plan_update",
    "diagnosis_add",
    "diagnosis_remove",
    "goal_add",
    "goal_update",
    "goal_status",
    "goal_factors",
    "goal_reorder",
    "goal_remove",
    "objective_add",
    "objective_update",
    "objective_reorder",
    "objective_remove",
    "intervention_add",
    "intervention_update",
    "intervention_remove",
    "target_set",
    "target_remove",
    "goal_add_from_library",
    "objective_add_from_library",
    "intervention_add_from_library",
]


@pytest.fixture
def writes(personas, draft, goal, objective, intervention, factor):
    diagnosis = services.diagnosis_add(actor=personas.alice, plan=draft, code="F32.1")
    services.target_set(
        actor=personas.alice,
        owner=goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        due_date=IN_16_WEEKS,
    )
    return dict(_plan_writes(personas, draft, goal, objective, intervention, diagnosis, factor))


def _snapshot():
    return (
        _counts(),
        list(TreatmentPlan.objects.values_list("strengths", "updated_at")),
        list(Goal.objects.values_list("statement", "status", "order", "updated_at")),
        list(Objective.objects.values_list("statement", "order")),
        list(Intervention.objects.values_list("frequency", "modality")),
        list(Goal.factors.through.objects.values_list("goal_id", "formulationfactor_id")),
    )


@pytest.mark.django_db
class SignedPlanTests:
    def test_the_list_of_writes_covers_every_plan_service(self):
        written = {name.split("_status")[0].split("_factors")[0] for name in WRITE_NAMES}
        public = {
            name
            for name in dir(services)
            if name.split("_")[0] in {"plan", "diagnosis", "goal", "objective", "intervention"}
            and callable(getattr(services, name))
            and name not in {"plan_create_draft", "goal_context"}
        }
        assert public <= written | {"target_set"}

    @pytest.mark.parametrize("name", WRITE_NAMES)
    @pytest.mark.parametrize("status", [PlanStatus.SIGNED, PlanStatus.SUPERSEDED, "closed"])
    def test_a_plan_that_is_not_a_draft_refuses_every_change(self, personas, writes, name, status):
        plan = TreatmentPlan.objects.get()
        TreatmentPlan.objects.filter(pk=plan.pk).update(
            status=status, signed_at=timezone.now(), content_hash="0" * 64
        )
        before = _snapshot()
        with pytest.raises(services.PlanNotEditable) as caught:
            writes[name](personas.alice)
        assert "can no longer change" in str(caught.value.error_dict["plan"][0].message)
        assert _snapshot() == before

    @pytest.mark.parametrize("name", WRITE_NAMES)
    def test_every_change_works_on_the_draft(self, personas, writes, name):
        before = AuditEvent.objects.count()
        writes[name](personas.bob)
        assert AuditEvent.objects.count() > before
        assert audit_verify().ok


@pytest.mark.django_db
class OutsiderTests:
    @pytest.mark.parametrize("name", WRITE_NAMES)
    @pytest.mark.parametrize("who", ["frank", "charlie", "erin", "dana"])
    def test_outsiders_cannot_change_a_plan(self, personas, writes, name, who):
        before = _snapshot()
        with pytest.raises(PermissionDenied):
            writes[name](getattr(personas, who))
        assert _snapshot() == before

    @pytest.mark.parametrize("who", ["frank", "charlie", "erin", "dana"])
    def test_outsiders_cannot_write_the_formulation_or_start_a_plan(self, personas, factor, who):
        user = getattr(personas, who)
        client = personas.dana_client
        before = _snapshot()
        calls = [
            lambda: services.formulation_update(actor=user, client=client, thoughts="x"),
            lambda: services.formulation_factor_add(
                actor=user, client=client, kind="perpetuating", text="x"
            ),
            lambda: services.formulation_factor_update(actor=user, factor=factor, text="x"),
            lambda: services.plan_create_draft(actor=user, client=client),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
        assert _snapshot() == before

    @pytest.mark.parametrize("who", ["frank", "charlie", "erin"])
    def test_outsiders_cannot_enter_observations_or_get_feedback(self, personas, goal, metric, who):
        user = getattr(personas, who)
        with pytest.raises(PermissionDenied):
            services.observation_add(
                actor=user,
                client=personas.dana_client,
                metric=metric,
                value=1,
                period_start=dt.date.today(),
            )
        with pytest.raises(PermissionDenied):
            services.smart_feedback_for_goal(actor=user, goal=goal)

    def test_the_supervisor_of_the_team_may_edit(self, personas, draft):
        goal = services.goal_add(actor=personas.sam, plan=draft, statement="Walk daily")
        assert goal.plan == draft


@pytest.mark.django_db
class SmartFeedbackTests:
    def test_a_vague_goal_fails_specific_measurable_and_time_bound(self, personas, goal):
        analysis = services.smart_feedback_for_goal(
            actor=personas.alice, goal=goal, text="I want to feel less depressed"
        )
        c = analysis.criteria
        assert (c.specific.met, c.measurable.met, c.time_bound.met) == (False, False, False)
        assert analysis.findings
        assert AuditEvent.objects.filter(
            action="goal.smart_feedback", object_id=goal.public_id
        ).exists()

    def test_context_lets_the_engine_judge_achievable_and_relevant(self, personas, goal):
        analysis = services.smart_feedback_for_goal(
            actor=personas.alice, goal=goal, text="Reduce PHQ-9 to 9 or below within 16 weeks"
        )
        # The baseline (dana's 17) comes from her latest PHQ-9; relevance is judged
        # against the linked maintaining factor.
        assert analysis.criteria.achievable.met is not None
        assert "17" in analysis.criteria.achievable.why
        assert analysis.criteria.relevant.met is not None
        assert "Stays in bed" in analysis.criteria.relevant.why
        assert analysis.structure.target == 9

    def test_a_goal_without_a_maintaining_factor_is_not_relevant(self, personas, draft):
        goal = services.goal_add(
            actor=personas.alice, plan=draft, statement="Reduce PHQ-9 to 9 within 16 weeks"
        )
        analysis = services.smart_feedback_for_goal(actor=personas.alice, goal=goal)
        assert analysis.criteria.relevant.met is False
        assert "no-formulation-link" in {f.code for f in analysis.findings}

    def test_feedback_saves_nothing_but_the_audit_event(self, personas, goal):
        before = _counts()
        services.smart_feedback_for_goal(actor=personas.alice, goal=goal, text="Sleep better")
        after = _counts()
        assert after[0] == before[0] + 1
        assert after[1:] == before[1:]
        goal.refresh_from_db()
        assert goal.statement.startswith("Reduce PHQ-9")

    def test_text_that_cannot_be_stored_is_refused_by_name(self, personas, goal):
        with pytest.raises(ValidationError) as caught:
            services.smart_feedback_for_goal(actor=personas.alice, goal=goal, text="a\x00b")
        assert "statement" in caught.value.error_dict


@pytest.mark.django_db
class LibraryInsertTests:
    def test_a_library_goal_brings_its_objectives_and_their_interventions(self, personas, draft):
        item = library.get("depression.goal.phq9-to-mild")
        goal = services.goal_add_from_library(actor=personas.alice, plan=draft, item_id=item.id)
        assert goal.statement == item.text
        assert goal.client_words == ""  # the client's words must be the client's
        objectives = list(goal.objectives.all())
        assert [o.statement for o in objectives] == [
            library.get(i).text for i in item.objective_ids
        ]
        for objective, objective_id in zip(objectives, item.objective_ids, strict=True):
            expected = [library.get(i).modality for i in library.get(objective_id).intervention_ids]
            got = list(objective.interventions.values_list("modality", flat=True))
            assert got == expected
            assert all(i.responsible == personas.alice for i in objective.interventions.all())
        assert AuditEvent.objects.filter(action="library.insert", object_id=goal.public_id).exists()
        assert audit_verify().ok

    @pytest.mark.parametrize("item_id", ["nope", "", "depression.goal.phq9-to-mild"])
    def test_an_unknown_item_or_one_of_the_wrong_kind_is_refused(self, personas, goal, item_id):
        before = Objective.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.objective_add_from_library(actor=personas.alice, goal=goal, item_id=item_id)
        assert "item" in caught.value.error_dict
        assert Objective.objects.count() == before


@pytest.mark.django_db
class CitedByANoteTests:
    def _cite(self, personas, objective):
        from milepost.notes import services as notes

        notes.note_create(
            actor=personas.alice,
            client=personas.dana_client,
            held_on=dt.date.today(),
            started_at=dt.time(9, 0),
            ended_at=dt.time(9, 50),
            type="individual",
            setting="in_person",
            objectives=[(objective, "progressing", "")],
        )

    def test_a_cited_objective_or_its_goal_cannot_be_removed(self, personas, goal, objective):
        self._cite(personas, objective)
        with pytest.raises(ValidationError) as caught:
            services.objective_remove(actor=personas.alice, objective=objective)
        assert "objective" in caught.value.error_dict
        with pytest.raises(ValidationError) as caught:
            services.goal_remove(actor=personas.alice, goal=goal)
        assert "goal" in caught.value.error_dict
        assert Objective.objects.filter(pk=objective.pk).exists()

    def test_an_uncited_objective_is_removed(self, personas, objective):
        services.objective_remove(actor=personas.alice, objective=objective)
        assert not Objective.objects.filter(pk=objective.pk).exists()
