"""The caseload dashboard: plan status words, review states, scores, targets off track, the
organization boundary and a number of queries that does not grow with the caseload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.clients.models import Client
from milepost.domain.progress import Projection
from milepost.domain.target_progress import TargetProgress
from milepost.measures import services as measures
from milepost.measures.models import Administration
from milepost.plans import services as plans
from milepost.plans.models import (
    GoalStatus,
    Metric,
    Observation,
    PlanStatus,
    Signature,
    SignatureMethod,
    SignatureRole,
    TreatmentPlan,
)
from milepost.plans.selectors import series_by_measure
from milepost.reports.dashboard import (
    CaseloadRow,
    Dashboard,
    caseload_dashboard,
    is_off_track,
    measures_for_clients,
    review_state,
)
from tests.base import Personas, dana_plan

TODAY = dt.date(2026, 5, 20)
HASH = "0" * 64
# PHQ-9 answers with item 9 at 0 (no risk alert), by total.
PHQ9 = {
    10: [2, 2, 2, 2, 2, 0, 0, 0, 0],
    13: [2, 2, 2, 2, 2, 2, 1, 0, 0],
    17: [2, 2, 2, 2, 2, 2, 2, 2, 1],
    5: [1, 1, 1, 1, 1, 0, 0, 0, 0],
}


def _version(
    client: Client,
    actor,
    *,
    version: int,
    status: str,
    review_due_on: dt.date | None = None,
) -> TreatmentPlan:
    """A plan version made directly (signing has its own service and tests)."""
    signed = status != PlanStatus.DRAFT
    return TreatmentPlan.objects.create(
        organization=client.organization,
        client=client,
        version=version,
        status=status,
        created_by=actor,
        signed_at=timezone.now() if signed else None,
        content_hash=HASH if signed else "",
        review_due_on=review_due_on,
    )


def _sign(plan: TreatmentPlan, role: str, name: str = "Someone Example") -> Signature:
    return Signature.objects.create(
        plan=plan,
        role=role,
        signer_name=name,
        method=SignatureMethod.IN_SESSION if role == SignatureRole.CLIENT else "password",
        content_hash=plan.content_hash,
    )


def _row(p: Personas, user=None, **kwargs) -> CaseloadRow:
    dashboard = caseload_dashboard(user or p.alice, today=kwargs.pop("today", TODAY), **kwargs)
    return next(r for r in dashboard.rows if r.client == p.dana_client)


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.mark.django_db
class PlanStatusWordsTests:
    def test_a_client_without_a_plan_says_so(self, personas):
        row = _row(personas)
        assert (row.plan, row.plan_state, row.plan_words) == (None, "none", "No plan")
        assert (row.review_state, row.targets, row.off_track) == ("none", 0, 0)

    def test_a_draft_is_named_with_its_version(self, personas):
        draft = dana_plan(personas).plan
        row = _row(personas)
        assert (row.plan, row.plan_words, row.plan_state) == (draft, "Draft v1", "draft")

    def test_a_signed_version_endorsed_by_the_client_is_signed(self, personas):
        v1 = _version(personas.dana_client, personas.alice, version=1, status="superseded")
        v2 = _version(personas.dana_client, personas.alice, version=2, status="signed")
        _sign(v1, SignatureRole.CLIENT)
        _sign(v2, SignatureRole.CLINICIAN)
        _sign(v2, SignatureRole.CLIENT)
        row = _row(personas)
        assert (row.plan, row.plan_words, row.plan_state) == (v2, "Signed v2", "signed")

    def test_a_signed_version_without_the_clients_endorsement_says_so(self, personas):
        plan = _version(personas.dana_client, personas.alice, version=1, status="signed")
        _sign(plan, SignatureRole.CLINICIAN)
        row = _row(personas)
        assert row.plan_words == "Signed — not yet endorsed by the client"
        assert row.plan_state == "awaiting-client"

    def test_a_practice_that_requires_co_signature_waits_for_the_supervisor(self, personas):
        personas.org.cosign_required = True
        personas.org.save(update_fields=["cosign_required"])
        plan = _version(personas.dana_client, personas.alice, version=1, status="signed")
        _sign(plan, SignatureRole.CLINICIAN)
        _sign(plan, SignatureRole.CLIENT)
        row = _row(personas)
        assert row.plan_words == "Signed — awaiting co-signature"
        assert row.plan_state == "awaiting-cosignature"

        _sign(plan, SignatureRole.SUPERVISOR, "Sam Example")
        assert _row(personas).plan_words == "Signed v1"

    def test_without_the_practice_rule_no_co_signature_is_awaited(self, personas):
        plan = _version(personas.dana_client, personas.alice, version=1, status="signed")
        _sign(plan, SignatureRole.CLIENT)
        assert _row(personas).plan_words == "Signed v1"

    def test_the_signed_version_stays_in_force_while_an_amendment_is_drafted(self, personas):
        signed = _version(personas.dana_client, personas.alice, version=1, status="signed")
        _sign(signed, SignatureRole.CLIENT)
        _version(personas.dana_client, personas.alice, version=2, status="draft")
        row = _row(personas)
        assert (row.plan, row.plan_words, row.draft_version) == (signed, "Signed v1", 2)

    def test_a_closed_plan_is_no_plan_in_force(self, personas):
        _version(personas.dana_client, personas.alice, version=1, status="closed")
        assert _row(personas).plan_words == "No plan"


class ReviewStateRuleTests:
    """Due dates against 20 May 2026, both sides of each edge."""

    def test_each_edge(self):
        samples = [
            (None, "none"),
            (TODAY - dt.timedelta(days=30), "overdue"),
            (TODAY - dt.timedelta(days=1), "overdue"),  # yesterday: overdue
            (TODAY, "due-soon"),  # today: not yet overdue
            (TODAY + dt.timedelta(days=14), "due-soon"),  # 14 days: the last day of "soon"
            (TODAY + dt.timedelta(days=15), "later"),
        ]
        for due, expected in samples:
            assert review_state(due, today=TODAY) == expected, due


@pytest.mark.django_db
class ReviewStateTests:
    @pytest.mark.parametrize(
        ("days", "state", "overdue", "left"),
        [
            (-1, "overdue", 1, None),
            (0, "due-soon", None, 0),
            (14, "due-soon", None, 14),
            (15, "later", None, 15),
        ],
    )
    def test_the_row_carries_the_state_and_the_days(self, personas, days, state, overdue, left):
        due = TODAY + dt.timedelta(days=days)
        client = personas.dana_client
        _version(client, personas.alice, version=1, status="signed", review_due_on=due)
        row = _row(personas)
        assert (row.review_due_on, row.review_state) == (due, state)
        assert (row.days_overdue, row.days_left) == (overdue, left)

    def test_reviews_lists_overdue_and_due_soon_most_overdue_first(self, personas):
        due = {}
        for name, days in (("Later", 40), ("Soon", 3), ("Long", -20), ("Just", -1)):
            client = clients.client_create(
                actor=personas.alice,
                given_name=name,
                family_name="Example",
                date_of_birth=dt.date(1980, 1, 1),
            )
            due[name] = TODAY + dt.timedelta(days=days)
            _version(client, personas.alice, version=1, status="signed", review_due_on=due[name])
        dashboard = caseload_dashboard(personas.alice, today=TODAY)
        assert [r.client.given_name for r in dashboard.reviews] == ["Long", "Just", "Soon"]
        assert len(dashboard.rows) == 5  # with dana, who has no plan


@pytest.mark.django_db
class LatestScoreTests:
    def test_the_latest_of_each_instrument_ignoring_entries_in_error(self, personas):
        mistaken = measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            answers=PHQ9[5],  # after dana's 17: the latest, until marked in error
        )
        measures.administration_mark_entered_in_error(
            actor=personas.alice, administration=mistaken, reason="Wrong client"
        )
        measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="gad7",
            answers=[1, 1, 1, 1, 1, 1, 0],
            administered_at=_ago(7),
        )
        scores = _row(personas).latest_scores
        assert [(s.short_name, s.total) for s in scores] == [("GAD-7", 6), ("PHQ-9", 17)]
        phq9 = scores[1]
        assert phq9.band_label == personas.dana_phq9.band_label
        assert phq9.administered_on == timezone.localdate(personas.dana_phq9.administered_at)

    def test_the_bulk_series_are_those_of_the_plan_editor(self, personas):
        """measures_for_clients reads plain tuples for speed: it must give exactly what
        plans.selectors.series_by_measure gives from model instances."""
        client = personas.dana_client
        metric = plans.metric_create(
            actor=personas.alice, name="Pleasurable activities", unit="activities", period="week"
        )
        for days, answers in ((14, PHQ9[13]), (7, [1, None, None, None, None, None, 0, 0, 0])):
            measures.administration_submit(
                actor=personas.alice,
                client=client,
                instrument_code="phq9",
                answers=answers,  # the second cannot be scored: too many items missing
                administered_at=_ago(days),
            )
        wrong = measures.administration_submit(
            actor=personas.alice, client=client, instrument_code="gad7", answers=[3] * 7
        )
        measures.administration_mark_entered_in_error(
            actor=personas.alice, administration=wrong, reason="Wrong client"
        )
        for weeks_ago, value in ((2, 1), (1, 3)):
            plans.observation_add(
                actor=personas.alice,
                client=client,
                metric=metric,
                value=value,
                period_start=timezone.localdate() - dt.timedelta(weeks=weeks_ago),
            )
        slip = plans.observation_add(
            actor=personas.alice,
            client=client,
            metric=metric,
            value=40,
            period_start=timezone.localdate(),
        )
        plans.observation_mark_entered_in_error(
            actor=personas.alice, observation=slip, reason="Typo"
        )

        bulk = measures_for_clients([client.pk], {metric.pk})[client.pk]
        by_instrument, by_metric = series_by_measure(
            list(Administration.objects.filter(client=client)),
            list(Observation.objects.filter(client=client)),
        )
        assert bulk.by_instrument == by_instrument
        assert bulk.by_metric == by_metric
        assert [len(v) for v in bulk.by_instrument.values()] == [2]  # 13 and dana's 17
        assert [len(v) for v in bulk.by_metric.values()] == [2]

    def test_a_client_without_questionnaires_has_no_scores(self, personas):
        chris = caseload_dashboard(personas.charlie, today=TODAY).rows[0]
        assert chris.latest_scores == ()


@pytest.mark.django_db
class OffTrackTests:
    """Dana's draft: a PHQ-9 goal target (≤ 9 from 17) and a metric objective target (≥ 5)."""

    def _targets(self, p: Personas, *, phq9_history: dict[int, int]) -> dict[str, object]:
        parts = dana_plan(p)
        today = timezone.localdate()
        due = today + dt.timedelta(weeks=16)
        for days, total in phq9_history.items():
            measures.administration_submit(
                actor=p.alice,
                client=p.dana_client,
                instrument_code="phq9",
                answers=PHQ9[total],
                administered_at=_ago(days),
            )
        plans.target_set(
            actor=p.alice,
            owner=parts.goal,
            instrument_code="phq9",
            baseline=17,
            comparator="<=",
            target_value=9,
            due_date=due,
        )
        metric = plans.metric_create(
            actor=p.alice, name="Pleasurable activities", unit="activities", period="week"
        )
        for weeks_ago, value in ((3, 1), (2, 2), (1, 3), (0, 4)):  # one more a week
            plans.observation_add(
                actor=p.alice,
                client=p.dana_client,
                metric=metric,
                value=value,
                period_start=today - dt.timedelta(weeks=weeks_ago),
            )
        objective_due = today + dt.timedelta(weeks=8)
        plans.target_set(
            actor=p.alice,
            owner=parts.objective,
            metric=metric,
            baseline=1,
            comparator=">=",
            target_value=5,
            due_date=objective_due,
        )
        return {"goal": parts.goal, "metric": metric, "due": due, "objective_due": objective_due}

    def test_a_worsening_questionnaire_is_off_track_and_an_improving_metric_is_not(self, personas):
        # 10 six weeks ago, 13 three weeks ago, 17 today: rising, against a "≤ 9" target.
        self._targets(personas, phq9_history={42: 10, 21: 13})
        row = _row(personas, today=timezone.localdate())
        assert (row.targets, row.off_track) == (2, 1)

    def test_no_change_is_off_track(self, personas):
        self._targets(personas, phq9_history={21: 17})  # 17 then 17: flat
        row = _row(personas, today=timezone.localdate())
        assert (row.targets, row.off_track) == (2, 1)

    def test_targets_past_due_and_unmet_are_off_track(self, personas):
        made = self._targets(personas, phq9_history={42: 10, 21: 13})
        row = _row(personas, today=made["due"] + dt.timedelta(days=1))  # type: ignore[operator]
        assert (row.targets, row.off_track) == (2, 2)

    def test_an_observation_in_error_leaves_the_progress(self, personas):
        made = self._targets(personas, phq9_history={42: 10, 21: 13})
        # A slip of 40 the week before the first would make the metric fall (a week's values
        # add up, so a slip within a counted week could only raise it): marked in error, it
        # is ignored.
        slip = plans.observation_add(
            actor=personas.alice,
            client=personas.dana_client,
            metric=made["metric"],  # type: ignore[arg-type]
            value=40,
            period_start=timezone.localdate() - dt.timedelta(weeks=4),
        )
        assert _row(personas, today=timezone.localdate()).off_track == 2
        plans.observation_mark_entered_in_error(
            actor=personas.alice, observation=slip, reason="Typed 0 for 4"
        )
        assert _row(personas, today=timezone.localdate()).off_track == 1

    def test_the_targets_of_a_goal_no_longer_active_are_not_counted(self, personas):
        made = self._targets(personas, phq9_history={42: 10, 21: 13})
        plans.goal_update(
            actor=personas.alice,
            goal=made["goal"],  # type: ignore[arg-type]
            status=GoalStatus.DISCONTINUED,
        )
        row = _row(personas, today=timezone.localdate())
        assert (row.targets, row.off_track) == (0, 0)


def _progress(*, status: str, met: bool | None, on_track: bool | None) -> TargetProgress:
    projection = (
        None
        if on_track is None
        else Projection(
            points=3,
            latest=8,
            achieved=bool(met),
            slope_per_week=-1.0,
            projected=10.0,
            on_track=on_track,
            expected_date=None,
        )
    )
    return TargetProgress(
        points=3,
        latest=8,
        latest_on=TODAY,
        baseline=17,
        change=-9,
        fraction=1.0,
        met=met,
        status=status,
        projection=projection,
        instrument_change=None,
    )


class OffTrackRuleTests:
    def test_each_status_and_projection(self):
        samples = [
            ("worsening", False, True, True),
            ("no-change", False, True, True),
            ("not-achieved", False, False, True),
            ("improving", False, False, True),  # improving, but too slowly for the due date
            ("improving", False, True, False),
            ("in-progress", False, None, False),  # one value: nothing to project yet
            ("no-data", None, None, False),
            ("achieved", True, False, False),  # met: a wobbly line does not undo that
        ]
        for status, met, on_track, expected in samples:
            progress = _progress(status=status, met=met, on_track=on_track)
            assert is_off_track(progress) is expected, (status, on_track)


@pytest.mark.django_db
class BoundaryTests:
    def test_each_clinician_sees_only_the_clients_in_reach(self, personas):
        def names(user) -> list[str]:
            return [r.client.family_name for r in caseload_dashboard(user).rows]

        assert names(personas.alice) == ["Quillfeather"]
        assert names(personas.sam) == ["Quillfeather"]  # supervises alice and bob
        assert names(personas.charlie) == ["Farshore"]
        assert names(personas.frank) == []

    def test_practice_admins_and_clients_have_no_dashboard(self, personas):
        for user in (personas.erin, personas.dana):
            with pytest.raises(PermissionDenied):
                caseload_dashboard(user)

    def test_open_alerts_are_counted_until_acknowledged(self, personas):
        assert _row(personas).open_alerts == 1
        assert caseload_dashboard(personas.charlie).rows[0].open_alerts == 0
        measures.risk_alert_acknowledge(
            actor=personas.alice,
            alert=personas.dana_alert,
            action="session",
            note="Assessed in session; no plan or intent.",
        )
        assert _row(personas).open_alerts == 0

    def test_the_filters_are_those_of_the_caseload(self, personas):
        found = caseload_dashboard(personas.alice, search="quill").rows
        assert [r.client for r in found] == [personas.dana_client]
        assert caseload_dashboard(personas.alice, search="nobody").rows == ()
        assert caseload_dashboard(personas.alice, status="discharged").rows == ()

    def test_the_read_is_audited_once_naming_the_clients(self, personas):
        before = AuditEvent.objects.count()
        caseload_dashboard(personas.alice)
        assert AuditEvent.objects.count() == before + 1
        event = AuditEvent.objects.latest("id")
        assert (event.action, event.actor) == ("client.dashboard", personas.alice)
        assert event.detail == {"clients": [personas.dana_client.public_id]}


def _client_with_a_plan(p: Personas, n: int, metric: Metric) -> None:
    """A client with questionnaires (one raising an alert), observations, a signed plan with
    an instrument and a metric target, signatures, and an amendment being drafted."""
    client = clients.client_create(
        actor=p.alice,
        given_name=f"Client{n}",
        family_name=f"Example{n:03}",
        date_of_birth=dt.date(1980, 1, 1),
    )
    today = timezone.localdate()
    for days, answers in ((42, PHQ9[17]), (21, PHQ9[13])):
        measures.administration_submit(
            actor=p.alice,
            client=client,
            instrument_code="phq9",
            answers=answers,
            administered_at=_ago(days),
        )
    measures.administration_submit(
        actor=p.alice, client=client, instrument_code="gad7", answers=[1, 1, 1, 1, 1, 1, 0]
    )
    plans.observation_add(actor=p.alice, client=client, metric=metric, value=2, period_start=today)
    plan = plans.plan_create_draft(actor=p.alice, client=client)
    goal = plans.goal_add(actor=p.alice, plan=plan, statement="Reduce PHQ-9 to 9 or below")
    objective = plans.objective_add(actor=p.alice, goal=goal, statement="5 activities a week")
    due = today + dt.timedelta(weeks=16)
    plans.target_set(
        actor=p.alice,
        owner=goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        due_date=due,
    )
    plans.target_set(
        actor=p.alice,
        owner=objective,
        metric=metric,
        comparator=">=",
        target_value=5,
        due_date=due,
    )
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.SIGNED,
        signed_at=timezone.now(),
        content_hash=HASH,
        review_due_on=today + dt.timedelta(days=n - 10),
    )
    plan.refresh_from_db()
    _sign(plan, SignatureRole.CLINICIAN)
    _sign(plan, SignatureRole.CLIENT)
    plans.plan_create_draft(actor=p.alice, client=client)


@pytest.mark.django_db
class QueryCountTests:
    def test_thirty_clients_cost_the_same_queries_as_three(self, personas):
        metric = plans.metric_create(
            actor=personas.alice, name="Pleasurable activities", unit="activities", period="week"
        )
        for n in range(3):
            _client_with_a_plan(personas, n, metric)
        caseload_dashboard(personas.alice)  # warm up: the audit chain head, caches

        with CaptureQueriesContext(connection) as three:
            small = caseload_dashboard(personas.alice)
        for n in range(3, 30):
            _client_with_a_plan(personas, n, metric)
        with CaptureQueriesContext(connection) as thirty:
            large = caseload_dashboard(personas.alice)

        assert (len(small.rows), len(large.rows)) == (4, 31)  # with dana
        made = [r for r in large.rows if r.client != personas.dana_client]
        assert all(r.targets == 2 and r.open_alerts == 1 for r in made)
        assert {r.plan_words for r in made} == {"Signed v1"}
        assert len(thirty) == len(three), "\n".join(q["sql"] for q in thirty.captured_queries)
        assert len(thirty) <= 15  # 8 reads, and the audit event's few


@pytest.mark.django_db
class CaseloadPageTests:
    def test_the_page_shows_the_dashboard_and_the_reviews_due(self, personas, login_as):
        due = timezone.localdate() - dt.timedelta(days=3)
        plan = _version(
            personas.dana_client, personas.alice, version=1, status="signed", review_due_on=due
        )
        _sign(plan, SignatureRole.CLINICIAN)
        response = login_as(personas.alice).get(reverse("reports:caseload"))
        assert response.status_code == 200
        assert isinstance(response.context["dashboard"], Dashboard)
        html = response.content.decode()
        assert "Reviews due" in html
        assert "3 days overdue" in html
        for column in ("Client", "Plan", "Next review", "Alerts", "Latest scores", "Off track"):
            assert f'<th scope="col">{column}</th>' in html
        assert "Signed — not yet endorsed by the client" in html
        assert "PHQ-9 17" in html
        assert reverse("plans:current", args=[personas.dana_client.public_id]) in html
        assert reverse("clients:detail", args=[personas.dana_client.public_id]) in html
        assert 'style="' not in html

    def test_without_reviews_due_the_section_says_so(self, personas, login_as):
        html = login_as(personas.alice).get(reverse("reports:caseload")).content.decode()
        assert "No review is overdue or due in the next 14 days" in html
        assert "No plan" in html

    def test_an_outsider_cannot_see_dana(self, personas, login_as):
        for outsider in (personas.charlie, personas.frank):
            response = login_as(outsider).get(reverse("reports:caseload"))
            assert response.status_code == 200
            html = response.content.decode()
            assert "Quillfeather" not in html
            assert personas.dana_client.public_id not in html
        charlie = login_as(personas.charlie).get(reverse("reports:caseload"))
        assert b"Farshore" in charlie.content

    def test_the_page_is_refused_to_a_practice_admin(self, personas, login_as):
        response = login_as(personas.erin).get(reverse("reports:caseload"))
        assert response.status_code == 403
