from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from milepost.audit.models import AuditEvent
from milepost.plans import access, services
from milepost.plans.selectors import plan_to_domain


@pytest.mark.django_db
class PlanGetForUserTests:
    @pytest.mark.parametrize("name", ["alice", "bob", "sam"])
    def test_the_care_team_and_its_supervisor_may_read(self, personas, draft, name):
        plan = access.plan_get_for_user(
            getattr(personas, name), personas.dana_client.public_id, draft.public_id
        )
        assert plan == draft
        event = AuditEvent.objects.last()
        assert event is not None
        assert (event.action, event.object_id, event.client) == (
            "plan.view",
            draft.public_id,
            personas.dana_client,
        )

    @pytest.mark.parametrize("name", ["frank", "charlie"])
    def test_clinicians_off_the_team_get_not_found(self, personas, draft, name):
        with pytest.raises(Http404):
            access.plan_get_for_user(
                getattr(personas, name), personas.dana_client.public_id, draft.public_id
            )
        assert not AuditEvent.objects.filter(action="plan.view").exists()

    @pytest.mark.parametrize("name", ["erin", "dana"])
    def test_admins_and_clients_are_refused(self, personas, draft, name):
        with pytest.raises(PermissionDenied):
            access.plan_get_for_user(
                getattr(personas, name), personas.dana_client.public_id, draft.public_id
            )

    def test_a_plan_is_not_found_under_another_client(self, personas):
        chris_plan = services.plan_create_draft(
            actor=personas.charlie, client=personas.chris_client
        )
        with pytest.raises(Http404):
            access.plan_get_for_user(
                personas.alice, personas.dana_client.public_id, chris_plan.public_id
            )

    @pytest.mark.parametrize("plan_id", ["", "nope", "\x00" * 16, "0000000000000000"])
    def test_a_malformed_or_unknown_plan_id_is_not_found(self, personas, draft, plan_id):
        with pytest.raises(Http404):
            access.plan_get_for_user(personas.alice, personas.dana_client.public_id, plan_id)

    def test_the_whole_plan_is_read_and_converted_in_a_fixed_number_of_queries(
        self, personas, draft, intervention
    ):
        def queries_to_read() -> int:
            with CaptureQueriesContext(connection) as queries:
                plan = access.plan_get_for_user(
                    personas.alice, personas.dana_client.public_id, draft.public_id
                )
                plan_to_domain(plan)
            return len(queries)

        def add_goal(n: int) -> None:
            goal = services.goal_add(actor=personas.alice, plan=draft, statement=f"Goal {n}")
            objective = services.objective_add(actor=personas.alice, goal=goal, statement="Step")
            services.intervention_add(
                actor=personas.alice,
                objective=objective,
                modality="CBT",
                frequency="weekly",
                responsible=personas.bob,
            )
            services.target_set(
                actor=personas.alice,
                owner=objective,
                instrument_code="phq9",
                comparator="<=",
                target_value=9,
                due_date=dt.date.today() + dt.timedelta(weeks=8),
            )

        add_goal(1)
        small = queries_to_read()
        for n in range(2, 6):
            add_goal(n)
        assert queries_to_read() == small


@pytest.mark.django_db
class ListsTests:
    def test_plans_for_client_lists_every_version_newest_first_and_audits(self, personas, draft):
        from tests.plans.conftest import sign

        sign(draft)
        second = services.plan_create_draft(actor=personas.alice, client=personas.dana_client)
        plans = access.plans_for_client(personas.bob, personas.dana_client)
        assert plans == [second, draft]
        event = AuditEvent.objects.filter(action="plan.list").get()
        assert event.detail == {"plans": [second.public_id, draft.public_id]}

    def test_a_client_without_a_formulation_has_none(self, personas):
        assert access.formulation_for_client(personas.alice, personas.dana_client) is None
        assert AuditEvent.objects.filter(action="formulation.view").exists()

    def test_the_formulation_comes_with_its_factors(self, personas, factor):
        formulation = access.formulation_for_client(personas.alice, personas.dana_client)
        assert formulation is not None
        assert list(formulation.factors.all()) == [factor]

    def test_observations_are_listed_oldest_first_and_audited(self, personas, metric):
        for days_ago in (0, 14, 7):
            services.observation_add(
                actor=personas.alice,
                client=personas.dana_client,
                metric=metric,
                value=days_ago,
                period_start=dt.date.today() - dt.timedelta(days=days_ago),
            )
        values = [
            o.value for o in access.observations_for_client(personas.alice, personas.dana_client)
        ]
        assert values == [14, 7, 0]
        assert AuditEvent.objects.filter(action="observation.list").get().detail["count"] == 3

    def test_metrics_are_the_practices_own(self, personas, metric):
        services.metric_create(
            actor=personas.charlie, name="Panic attacks", unit="attacks", period="week"
        )
        assert access.metrics_for_user(personas.frank) == [metric]
        assert access.metric_get_for_user(personas.bob, metric.public_id) == metric
        with pytest.raises(Http404):
            access.metric_get_for_user(personas.charlie, metric.public_id)

    @pytest.mark.parametrize("name", ["erin", "dana"])
    def test_admins_and_clients_see_no_metrics(self, personas, metric, name):
        with pytest.raises(PermissionDenied):
            access.metrics_for_user(getattr(personas, name))


@pytest.mark.django_db
class PartGetForUserTests:
    def _getters(self, goal, objective, intervention, factor):
        return [
            (access.goal_get_for_user, goal.public_id),
            (access.objective_get_for_user, objective.public_id),
            (access.intervention_get_for_user, intervention.public_id),
            (access.factor_get_for_user, factor.public_id),
        ]

    def test_the_care_team_fetches_each_part_and_it_is_audited(
        self, personas, goal, objective, intervention, factor
    ):
        for getter, public_id in self._getters(goal, objective, intervention, factor):
            found = getter(personas.bob, personas.dana_client.public_id, public_id)
            assert found.public_id == public_id
            assert AuditEvent.objects.filter(object_id=public_id, action__endswith=".view")

    @pytest.mark.parametrize("name", ["frank", "charlie"])
    def test_others_get_not_found(self, personas, goal, objective, intervention, factor, name):
        for getter, public_id in self._getters(goal, objective, intervention, factor):
            with pytest.raises(Http404):
                getter(getattr(personas, name), personas.dana_client.public_id, public_id)

    def test_a_part_is_not_found_under_another_client(
        self, personas, goal, objective, intervention, factor
    ):
        for getter, public_id in self._getters(goal, objective, intervention, factor):
            with pytest.raises(Http404):
                getter(personas.charlie, personas.chris_client.public_id, public_id)
