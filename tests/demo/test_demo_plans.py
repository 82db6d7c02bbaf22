from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from milepost.accounts.models import User
from milepost.audit.models import AuditEvent
from milepost.clients.models import Client
from milepost.demo import data
from milepost.measures.models import Administration
from milepost.plans import services
from milepost.plans.models import (
    FormulationFactor,
    Goal,
    GoalStatus,
    Intervention,
    Metric,
    Objective,
    Observation,
    PlanStatus,
    Target,
    TreatmentPlan,
)

# Given name -> (goals, objectives, interventions) of the demo draft plan.
SHAPES = {
    "Dana": (2, 4, 5),
    "Marcus": (1, 3, 2),
    "Priya": (2, 4, 5),
    "Tom": (1, 1, 1),
}

# Given name -> {metric name: values, oldest first}.
SERIES: dict[str, dict[str, list[float]]] = {
    "Dana": {
        "Pleasurable activities": [1, 1, 2, 2, 3, 3, 4, 4],
        "Hours in bed during the day": [4, 3.5, 3.5, 3, 2.5, 2, 2, 1.5],
    },
    "Marcus": {"Panic attacks": [3, 3, 4, 3, 2, 3]},
    "Priya": {"Nightmares": [5, 5, 4, 4, 3, 3], "Highway trips": [0, 0, 0, 0, 1, 1]},
    "Tom": {},
}


def _client(given_name: str) -> Client:
    return Client.objects.get(given_name=given_name)


def _plan(given_name: str) -> TreatmentPlan:
    """The first version, as load_plans made it (milepost/demo/versions.py signs some)."""
    return TreatmentPlan.objects.get(client__given_name=given_name, version=1)


# What milepost/demo/versions.py does to each first version.
STATUS = {
    "Dana": PlanStatus.SUPERSEDED,
    "Marcus": PlanStatus.DRAFT,
    "Priya": PlanStatus.SIGNED,
    "Tom": PlanStatus.SIGNED,
}


def _counts() -> dict[str, int]:
    return {
        "plans": TreatmentPlan.objects.count(),
        "goals": Goal.objects.count(),
        "objectives": Objective.objects.count(),
        "interventions": Intervention.objects.count(),
        "targets": Target.objects.count(),
        "factors": FormulationFactor.objects.count(),
        "metrics": Metric.objects.count(),
        "observations": Observation.objects.count(),
        "target.set events": AuditEvent.objects.filter(action="target.set").count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.fixture(scope="module", autouse=True)
def _demo_loaded_once(module_world):
    """The demo practice, loaded once per module and worker inside the module's transaction;
    each test reads it in a savepoint of its own (a second load adds nothing:
    tests/demo/test_demo_plans_reload.py checks that from an empty database)."""
    data.load()


@pytest.mark.django_db
class DemoPlanTests:
    def test_each_client_has_a_first_plan_of_the_expected_shape(self):
        for given_name, (goals, objectives, interventions) in SHAPES.items():
            plan = _plan(given_name)
            assert plan.status == STATUS[given_name], given_name
            assert plan.goals.filter(status=GoalStatus.ACTIVE).count() == goals, given_name
            assert Objective.objects.filter(goal__plan=plan).count() == objectives, given_name
            assert (
                Intervention.objects.filter(objective__goal__plan=plan).count() == interventions
            ), given_name

    def test_each_client_has_a_formulation_with_every_kind_of_factor(self):
        for given_name in SHAPES:
            formulation = _client(given_name).formulation
            assert formulation.presenting_problems
            assert formulation.thoughts
            assert formulation.behaviours
            kinds = set(formulation.factors.values_list("kind", flat=True))
            assert kinds == {"predisposing", "precipitating", "perpetuating", "protective"}

    def test_danas_goals_link_her_maintaining_factors(self):
        first, second = _plan("Dana").goals.all()
        assert set(first.factors.values_list("text", flat=True)) == {
            "Stays in bed most of the day, so has fewer rewarding experiences",
            "Ruminates on self-critical thoughts",
        }
        assert set(second.factors.values_list("text", flat=True)) == {
            "Withdrawn from friends",
            "Close to her sister",
        }
        assert first.client_words
        assert second.client_words

    def test_goals_draw_on_strengths_and_tom_has_an_open_alert(self):
        # Issue 16: the demo shows a goal drawing on a strength (PL-05, decision 0811), a
        # signed version (read-only, 0812) and a client with an unacknowledged alert (0813).
        for given_name in ("Dana", "Tom"):
            kinds = set(
                FormulationFactor.objects.filter(goals__plan=_plan(given_name)).values_list(
                    "kind", flat=True
                )
            )
            assert "protective" in kinds, given_name
        assert _plan("Tom").status == PlanStatus.SIGNED
        assert _client("Tom").alerts.filter(acknowledged_at__isnull=True).exists()

    def test_danas_phq9_target_starts_from_her_intake_score(self):
        dana = _client("Dana")
        intake = (
            Administration.objects.filter(client=dana, instrument_code="phq9")
            .order_by("administered_at", "id")
            .first()
        )
        assert intake is not None
        target = Target.objects.get(
            goal__plan__client=dana, goal__plan__version=1, instrument_code="phq9"
        )
        assert target.baseline == intake.total == 18
        assert target.direction == "decrease"
        assert (target.comparator, target.target_value, target.confirmed) == ("<=", 9, True)
        assert target.due_date == timezone.localdate() + dt.timedelta(weeks=16)

    def test_metric_targets_carry_the_baselines_of_their_wording(self):
        targets = {
            name: (baseline, comparator, value)
            for name, baseline, comparator, value in Target.objects.filter(
                objective__goal__plan__client__given_name="Dana", metric__isnull=False
            ).values_list("metric__name", "baseline", "comparator", "target_value")
        }
        assert targets["Pleasurable activities"] == (1, ">=", 5)
        assert targets["Hours in bed during the day"] == (4, "<=", 1)

    def test_every_target_is_due_in_the_future(self):
        # The past clients' targets (demo/outcomes.py) fell due today; every other one is ahead.
        today = timezone.localdate()
        assert Target.objects.count() > 10
        due = Target.objects.filter(due_date__lte=today).select_related("goal__plan__client")
        assert {t.goal.plan.client.status for t in due if t.goal is not None} == {"discharged"}
        assert all(t.goal is not None for t in due)  # a past client's target is their goal's

    def test_metric_values_are_entered_weekly_by_the_clinician(self):
        today = timezone.localdate()
        this_monday = today - dt.timedelta(days=today.weekday())
        for given_name, series in SERIES.items():
            client = _client(given_name)
            # The clinician's weekly values; the portal's log (demo/portal_plans.py) adds its own.
            assert Observation.objects.filter(client=client, source="clinician").count() == sum(
                len(values) for values in series.values()
            ), given_name
            for name, values in series.items():
                observations = list(
                    Observation.objects.filter(
                        client=client, metric__name=name, source="clinician"
                    ).order_by("period_start")
                )
                assert [o.value for o in observations] == values
                # Entered on each week's Thursday, filed under its Monday (decision 0831).
                assert {o.period_start.weekday() for o in observations} == {0}
                assert observations[-1].period_start == this_monday - dt.timedelta(weeks=1)
                assert {o.entered_by.email.split("@")[0] for o in observations} <= {
                    "alice",
                    "bob",
                }

    def test_priyas_plan_belongs_to_bob(self):
        plan = _plan("Priya")
        bob = User.objects.get(email=f"bob@{data.DOMAIN}")
        assert plan.created_by == bob
        responsible = set(
            Intervention.objects.filter(objective__goal__plan=plan).values_list(
                "responsible", flat=True
            )
        )
        assert responsible == {bob.pk}

    def test_marcuss_plan_is_left_incomplete_for_the_plan_checks(self):
        plan = _plan("Marcus")
        assert plan.discharge_criteria == ""
        (goal,) = plan.goals.all()
        assert goal.client_words == ""
        assert goal.objectives.filter(interventions=None).exists()
        assert Target.objects.filter(goal__plan=plan, confirmed=False).exists()

    def test_a_signed_demo_plan_is_not_replaced_by_a_new_draft(self):
        TreatmentPlan.objects.filter(client__given_name="Tom").update(
            status=PlanStatus.SIGNED, signed_at=timezone.now(), content_hash="0" * 64
        )
        assert list(
            TreatmentPlan.objects.filter(client__given_name="Tom").values_list("status", flat=True)
        ) == [PlanStatus.SIGNED]

    def test_every_goal_is_measurable_and_time_bound(self):
        # Every version's goals, the copies a review made (Dana's version 2) included.
        goals = list(
            Goal.objects.select_related("plan__created_by").exclude(
                plan__client__status="discharged"  # the past clients': tests/demo/test_demo_data
            )
        )
        assert len(goals) == sum(shape[0] for shape in SHAPES.values()) + SHAPES["Dana"][0]
        for goal in goals:
            criteria = services.smart_feedback_for_goal(
                actor=goal.plan.created_by, goal=goal
            ).criteria
            assert criteria.measurable.met, goal.statement
            assert criteria.time_bound.met, goal.statement


@pytest.mark.django_db
def test_no_demo_plan_says_one_thing_in_words_and_another_in_its_targets():
    # Decision 0312: a statement and its bound target must not silently disagree.
    from milepost.plans.selectors import plan_checks_for

    found = {
        (plan.client.given_name, plan.version, f.message)
        for plan in TreatmentPlan.objects.select_related("client")
        for f in plan_checks_for(plan, None)
        if f.code == "target-disagrees-with-words"
    }
    assert found == set()
