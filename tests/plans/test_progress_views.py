"""The plan's progress page and each target's chart, through the test client."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.domain.plans import Target as DomainTarget
from milepost.domain.target_progress import target_progress
from milepost.measures import services as measures
from milepost.plans import services as plans
from milepost.plans.models import Metric
from milepost.plans.views.progress import due_words, on_track_words
from tests.base import Personas, dana_plan, dana_target

pytestmark = pytest.mark.django_db


def _page(p: Personas) -> str:
    return reverse("progress:plan", args=[p.dana_client.public_id, dana_plan(p).plan.public_id])


def _chart(p: Personas, target_id: str) -> str:
    return reverse("progress:chart", args=[p.dana_client.public_id, target_id])


def _phq9(p: Personas, total: int, days_ago: int) -> None:
    """A PHQ-9 of `total` (item 9 at 0: no risk alert) taken `days_ago` days ago."""
    answers = []
    left = total
    for _ in range(8):
        answers.append(min(3, left))
        left -= answers[-1]
    measures.administration_submit(
        actor=p.alice,
        client=p.dana_client,
        instrument_code="phq9",
        answers=[*answers, 0],
        administered_at=timezone.now() - dt.timedelta(days=days_ago, minutes=1),
    )


def _without_her_first_phq9(p: Personas) -> None:
    # Her persona PHQ-9 (today) would otherwise be the latest value of every PHQ-9 target.
    measures.administration_mark_entered_in_error(
        actor=p.alice, administration=p.dana_phq9, reason="Test data of another day"
    )


def _activities(p: Personas) -> Metric:
    return plans.metric_create(
        actor=p.alice, name="Pleasurable activities", unit="activities", period="week"
    )


def _due(weeks: int = 16) -> dt.date:
    return timezone.localdate() + dt.timedelta(weeks=weeks)


def _text_of(svg: bytes) -> str:
    """Every text of the SVG, after checking it is well-formed XML."""
    # Our own server's output, not untrusted input: the standard parser will do.
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join(" ".join(root.itertext()).split())


class ProgressPageTests:
    @pytest.fixture
    def plan_with_history(self, personas):
        """Dana's plan with an improving, a worsening, an achieved and an unmeasured target,
        and an objective bound to nothing."""
        p = personas
        dp = dana_plan(p)
        _without_her_first_phq9(p)
        for total, days_ago in ((20, 42), (15, 21), (12, 0)):
            _phq9(p, total, days_ago)
        activities = _activities(p)
        for value, days_ago in ((4, 21), (2, 14), (1, 7)):
            plans.observation_add(
                actor=p.alice,
                client=p.dana_client,
                metric=activities,
                value=value,
                period_start=timezone.localdate() - dt.timedelta(days=days_ago),
            )
        plans.target_set(
            actor=p.alice,
            owner=dp.goal,
            instrument_code="phq9",
            comparator="<=",
            target_value=9,
            baseline=20,
            due_date=_due(),
        )
        plans.target_set(
            actor=p.alice,
            owner=dp.objective,
            metric=activities,
            comparator=">=",
            target_value=5,
            baseline=3,
            due_date=_due(8),
        )
        plans.objective_add(actor=p.alice, goal=dp.goal, statement="Sleep by midnight")
        worry = plans.goal_add(
            actor=p.alice, plan=dp.plan, statement="Reduce GAD-7 to 5 or below in 12 weeks"
        )
        plans.target_set(
            actor=p.alice,
            owner=worry,
            instrument_code="gad7",
            comparator="<=",
            target_value=5,
            baseline=12,
            due_date=_due(12),
        )
        milder = plans.objective_add(
            actor=p.alice, goal=worry, statement="PHQ-9 below 15 by week 6"
        )
        plans.target_set(
            actor=p.alice,
            owner=milder,
            instrument_code="phq9",
            comparator="<",
            target_value=15,
            baseline=20,
            due_date=_due(6),
        )
        return dp

    def test_it_shows_every_goal_and_objective_with_its_status(
        self, personas, login_as, plan_with_history
    ):
        response = login_as(personas.alice).get(_page(personas))
        assert response.status_code == 200
        html = response.content.decode()
        for statement in (
            "Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
            "Do 5 pleasurable activities a week by week 8",
            "Sleep by midnight",
            "Reduce GAD-7 to 5 or below in 12 weeks",
            "PHQ-9 below 15 by week 6",
        ):
            assert statement in html
        assert "I want to feel like myself again" in html  # the client's words
        badges = re.findall(r'mp-badge--status-([a-z-]+)"><span[^>]*>Status: </span>([^<]+)<', html)
        assert badges == [
            ("improving", "Improving"),
            ("worsening", "Worsening"),
            ("no-data", "No data yet"),
            ("achieved", "Achieved"),
        ]
        assert "Not bound to a measure" in html
        assert html.count("Not bound to a measure") == 1

    def test_it_says_the_change_the_reliable_change_and_the_projection(
        self, personas, login_as, plan_with_history
    ):
        html = login_as(personas.alice).get(_page(personas)).content.decode()
        today = timezone.localdate()
        assert f"12 on {today.day} {today:%b %Y}" in html  # latest, with its date
        assert "−8 points from a baseline of 20" in html
        assert "Reliable improvement: −8 points (threshold 6)" in html
        assert "On track: expected by " in html  # falling ~1.3 points a week toward 9
        assert "−2 activities from a baseline of 3" in html
        assert "Not on track at the current rate" in html  # activities falling toward ≥ 5
        assert "Needs two values to project" in html  # no GAD-7 yet
        assert "Target met" in html
        assert "in 112 days" in html  # the goal's due date, 16 weeks away

    def test_the_summary_counts_the_targets_by_status(self, personas, login_as, plan_with_history):
        html = login_as(personas.alice).get(_page(personas)).content.decode()
        counts = {
            words: int(n) for n, words in re.findall(r"<strong>(\d+)</strong> ([a-z ]+)</li>", html)
        }
        assert counts == {"achieved": 1, "improving": 1, "worsening": 1, "no data yet": 1}
        assert "4 targets; 1 goal or objective not bound to a measure." in html

    def test_each_chart_is_an_image_with_size_and_words_and_a_table(
        self, personas, login_as, plan_with_history
    ):
        html = login_as(personas.alice).get(_page(personas)).content.decode()
        images = re.findall(r"<img [^>]*>", html)
        assert len(images) == 3  # the GAD-7 target has no values yet: words, not a chart
        assert "No values yet: the chart starts with the first GAD-7 score." in html
        for image in images:
            assert 'width="672"' in image
            assert 'height="336"' in image
            assert re.search(r'alt="Chart of [^"]{20,}"', image)
        assert "the table below lists every value" in html.lower()
        # The fallback table lists each value, newest first, inside a <details>.
        assert "<details" in html
        assert "The 3 values as a table" in html
        assert "style=" not in html
        assert "<script" not in html.split("</head>")[1]

    def test_the_page_is_read_through_access_and_audited(
        self, personas, login_as, plan_with_history
    ):
        before = AuditEvent.objects.count()
        login_as(personas.alice).get(_page(personas))
        actions = set(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
        assert {"plan.view", "administration.list", "observation.list"} <= actions

    def test_a_plan_without_targets_says_so(self, personas, login_as):
        html = login_as(personas.alice).get(_page(personas)).content.decode()
        assert "No goal or objective is bound to a measure yet" in html
        assert html.count("Not bound to a measure") == 2

    def test_another_clients_plan_is_not_found(self, personas, login_as):
        url = reverse(
            "progress:plan",
            args=[personas.chris_client.public_id, dana_plan(personas).plan.public_id],
        )
        assert login_as(personas.alice).get(url).status_code == 404
        assert login_as(personas.frank).get(_page(personas)).status_code == 404

    def test_the_number_of_queries_does_not_grow_with_the_goals(self, personas, login_as):
        p = personas
        dp = dana_plan(p)
        dana_target(p)
        activities = _activities(p)
        http = login_as(p.alice)
        http.get(_page(p))  # warm up: session, user, content types

        with CaptureQueriesContext(connection) as one_goal:
            assert http.get(_page(p)).status_code == 200

        for n in (2, 3):
            goal = plans.goal_add(actor=p.alice, plan=dp.plan, statement=f"Goal {n} by week 12")
            plans.target_set(
                actor=p.alice,
                owner=goal,
                instrument_code="gad7",
                comparator="<=",
                target_value=5,
                baseline=12,
                due_date=_due(12),
            )
            for m in (1, 2):
                objective = plans.objective_add(
                    actor=p.alice, goal=goal, statement=f"Objective {n}.{m} by week 8"
                )
                plans.target_set(
                    actor=p.alice,
                    owner=objective,
                    metric=activities,
                    comparator=">=",
                    target_value=5,
                    baseline=1,
                    due_date=_due(8),
                )
        plans.observation_add(
            actor=p.alice,
            client=p.dana_client,
            metric=activities,
            value=2,
            period_start=timezone.localdate(),
        )
        with CaptureQueriesContext(connection) as three_goals:
            response = http.get(_page(p))
        assert response.content.decode().count('class="mp-progress-item"') == 7
        assert len(three_goals) == len(one_goal), [q["sql"] for q in three_goals]


class TargetChartTests:
    def test_the_chart_is_an_svg_with_the_target_and_due_date(self, personas, login_as):
        target = dana_target(personas)
        response = login_as(personas.alice).get(_chart(personas, target.public_id))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response["Cache-Control"] == "private, no-store"
        text = _text_of(response.content)
        assert "Target ≤ 9" in text
        due = target.due_date
        assert f"Due {due.day} {due:%b}" in text
        assert "PHQ-9" in text
        assert "Moderately severe" in text  # the severity bands

    def test_identical_data_gives_identical_bytes(self, personas, login_as):
        target = dana_target(personas)
        _phq9(personas, 12, 0)
        http = login_as(personas.alice)
        first = http.get(_chart(personas, target.public_id)).content
        assert http.get(_chart(personas, target.public_id)).content == first

    def test_it_starts_at_the_baseline_administration(self, personas, login_as):
        _without_her_first_phq9(personas)
        _phq9(personas, 22, 70)  # history before the baseline
        _phq9(personas, 18, 56)  # the latest when the target is set: the baseline
        target = dana_target(personas)
        assert target.baseline == 18
        _phq9(personas, 14, 28)
        _phq9(personas, 11, 7)
        text = _text_of(login_as(personas.alice).get(_chart(personas, target.public_id)).content)
        assert " 14 " in f" {text} "
        assert " 11 " in f" {text} "
        assert " 22 " not in f" {text} "  # not a tick label either (ticks go by 3)
        assert "trend" in text
        page = login_as(personas.alice).get(_page(personas)).content.decode()
        assert "The 3 values as a table" in page

    def test_a_metric_chart_names_its_unit_and_period(self, personas, login_as):
        activities = _activities(personas)
        target = plans.target_set(
            actor=personas.alice,
            owner=dana_plan(personas).objective,
            metric=activities,
            comparator=">=",
            target_value=5,
            baseline=1,
            due_date=_due(8),
        )
        response = login_as(personas.bob).get(_chart(personas, target.public_id))
        text = _text_of(response.content)
        assert "activities per week" in text
        assert "Target ≥ 5" in text
        assert "No values yet" in text
        assert "Moderately severe" not in text

    def test_another_clients_target_under_danas_url_is_not_found(self, personas, login_as):
        plan = plans.plan_create_draft(actor=personas.charlie, client=personas.chris_client)
        goal = plans.goal_add(actor=personas.charlie, plan=plan, statement="Sleep 7 hours")
        theirs = plans.target_set(
            actor=personas.charlie,
            owner=goal,
            instrument_code="phq9",
            comparator="<=",
            target_value=9,
            baseline=15,
            due_date=_due(),
        )
        assert login_as(personas.alice).get(_chart(personas, theirs.public_id)).status_code == 404
        # Nor under its own client's URL, for someone outside that practice.
        url = reverse("progress:chart", args=[personas.chris_client.public_id, theirs.public_id])
        assert login_as(personas.alice).get(url).status_code == 404
        assert login_as(personas.charlie).get(url).status_code == 200

    def test_the_chart_takes_no_posts(self, personas, login_as):
        target = dana_target(personas)
        assert login_as(personas.alice).post(_chart(personas, target.public_id)).status_code == 405


class WordsTests:
    """The page's short verdicts, from the domain's progress (no request needed)."""

    TODAY = dt.date(2026, 2, 20)

    @pytest.mark.parametrize(
        ("due", "met", "expected"),
        [
            (dt.date(2026, 2, 21), False, "21 Feb 2026, in 1 day"),
            (dt.date(2026, 3, 23), False, "23 Mar 2026, in 31 days"),
            (dt.date(2026, 2, 20), False, "20 Feb 2026, today"),
            (dt.date(2026, 2, 17), False, "17 Feb 2026, overdue by 3 days"),
            # Met: no countdown, and never "overdue".
            (dt.date(2026, 2, 17), True, "17 Feb 2026"),
        ],
    )
    def test_due_words(self, due, met, expected):
        assert due_words(due, today=self.TODAY, met=met) == expected

    @pytest.mark.parametrize(
        ("series", "expected"),
        [
            ([], "Needs two values to project"),
            ([(dt.date(2026, 2, 1), 17)], "Needs two values to project"),
            # Falling 2 a week from 17: reaches 9 four weeks after the first value.
            ([(dt.date(2026, 2, 1), 17), (dt.date(2026, 2, 8), 15)], "On track: expected by 1 Mar"),
            (
                [(dt.date(2026, 2, 1), 17), (dt.date(2026, 2, 8), 17)],
                "Not on track at the current rate",
            ),
            ([(dt.date(2026, 2, 1), 17), (dt.date(2026, 2, 8), 8)], "Target met"),
        ],
    )
    def test_on_track_words(self, series, expected):
        due = dt.date(2026, 6, 1)
        target = DomainTarget(
            measure="phq9",
            instrument=True,
            target_value=9,
            comparator="<=",
            direction="decrease",
            baseline=17,
            due_date=due,
        )
        progress = target_progress(target, series, today=self.TODAY)
        assert on_track_words(progress, due=due, today=self.TODAY) == expected

    def test_a_passed_due_date_is_not_met(self):
        due = dt.date(2026, 2, 1)
        target = DomainTarget(
            measure="phq9",
            instrument=True,
            target_value=9,
            comparator="<=",
            direction="decrease",
            baseline=17,
            due_date=due,
        )
        progress = target_progress(target, [(dt.date(2026, 1, 5), 15)], today=self.TODAY)
        assert progress.status == "not-achieved"
        assert on_track_words(progress, due=due, today=self.TODAY) == "Not met by the due date"
