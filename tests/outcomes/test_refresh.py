"""The SQL facts agree with the domain, row by row, on a small synthetic practice; and the
generator draws its outcomes near the published rates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.db import models
from django.test import override_settings
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.domain.outcomes import case_outcome
from milepost.domain.progress import meets
from milepost.measures.models import Administration
from milepost.notes.models import SessionNote
from milepost.outcomes.models import Case, ClientFacts, Refresh, ReviewDue, TargetDue
from milepost.outcomes.services import outcomes_refresh
from milepost.outcomes.synthetic import RECOVERY, RELIABLE_IMPROVEMENT, Size, generate
from milepost.plans.models import Observation, Review, Target, TreatmentPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    made = generate(Size(clients=80, administrations=800, goals=240), seed=3)
    # Edges the generator does not make: an unscorable form and one entered in error.
    first = Administration.objects.filter(organization=made.organization).earliest("id")
    Administration.objects.filter(pk=first.pk).update(entered_in_error_at=timezone.now())
    second = Administration.objects.filter(organization=made.organization).order_by("id")[1]
    Administration.objects.filter(pk=second.pk).update(total=None)
    outcomes_refresh(organization=made.organization)
    return made


def _scores(organization):
    series = defaultdict(list)
    for a in (
        Administration.objects.filter(
            organization=organization, total__isnull=False, entered_in_error_at__isnull=True
        )
        .order_by("administered_at", "id")
        .values("client_id", "instrument_code", "total", "administered_at")
    ):
        series[(a["client_id"], a["instrument_code"])].append(a)
    return series


def test_every_case_agrees_with_the_domain(practice):
    series = _scores(practice.organization)
    expected = {key: rows for key, rows in series.items() if len(rows) >= 2}
    cases = {(c.client_id, c.instrument_code): c for c in Case.objects.all()}
    assert set(cases) == set(expected)
    for key, rows in expected.items():
        case = cases[key]
        outcome = case_outcome(instruments.get(key[1]), rows[0]["total"], rows[-1]["total"])
        assert case.first_total == rows[0]["total"]
        assert case.last_total == rows[-1]["total"]
        assert case.scores == len(rows)
        assert case.at_caseness_start is outcome.at_caseness_start
        assert case.recovered is bool(outcome.recovery)
        assert case.improved is outcome.reliable_improvement
        assert case.deteriorated is outcome.reliable_deterioration
        last_day = rows[-1]["administered_at"].date()
        assert case.period == dt.date(last_day.year, (last_day.month - 1) // 3 * 3 + 1, 1)


def test_the_edges_left_out_are_left_out(practice):
    erroneous = Administration.objects.filter(entered_in_error_at__isnull=False).get()
    unscorable = Administration.objects.filter(total__isnull=True).get()
    for left_out in (erroneous, unscorable):
        scored = Administration.objects.filter(
            client=left_out.client_id,
            instrument_code=left_out.instrument_code,
            total__isnull=False,
            entered_in_error_at__isnull=True,
        ).order_by("administered_at", "id")
        case = Case.objects.filter(
            client=left_out.client_id, instrument_code=left_out.instrument_code
        ).first()
        if scored.count() >= 2:
            assert case is not None
            assert case.first_total == scored[0].total
            assert case.scores == scored.count()
        else:
            assert case is None


def _met_by_due_date(target: Target, client_id: int) -> bool:
    """Independently of the SQL: a score (instrument) or a value (metric) on or before the
    due date that meets the target."""
    comparator: Any = target.comparator
    values: list[float | None]
    if target.metric_id is None:
        values = list(
            Administration.objects.filter(
                client=client_id,
                instrument_code=target.instrument_code,
                administered_at__date__lte=target.due_date,
                total__isnull=False,
                entered_in_error_at__isnull=True,
            ).values_list("total", flat=True)
        )
    else:
        values = list(
            Observation.objects.filter(
                client=client_id,
                metric=target.metric_id,
                period_start__lte=target.due_date,
                entered_in_error_at__isnull=True,
            ).values_list("value", flat=True)
        )
    return any(meets(v or 0, comparator, target.target_value) for v in values)


def test_every_target_due_counts_met_only_by_its_due_date(practice):
    today = timezone.localdate()
    facts = list(TargetDue.objects.all())
    due = Target.objects.filter(
        goal__plan__organization=practice.organization, due_date__lte=today
    ).select_related("goal__plan", "objective__goal__plan")
    assert len(facts) == due.count() > 0
    met = {"instrument": 0, "metric": 0}
    counted = {"instrument": 0, "metric": 0}
    for target in due:
        kind = "metric" if target.metric_id else "instrument"
        counted[kind] += 1
        met[kind] += _met_by_due_date(target, (target.goal or target.objective.goal).plan.client_id)  # type: ignore[union-attr]
    # Self-monitoring targets count as well as questionnaire ones, each with its own rule.
    by_kind = {
        "instrument": [f for f in facts if f.instrument_code],
        "metric": [f for f in facts if not f.instrument_code],
    }
    for kind in ("instrument", "metric"):
        assert len(by_kind[kind]) == counted[kind] > 0
        assert sum(f.met for f in by_kind[kind]) == met[kind]
        assert 0 < met[kind] < counted[kind]


def test_a_metric_value_after_the_due_date_or_in_error_does_not_meet_it(practice):
    # A client with one self-monitoring target due, not met: the values added below can
    # meet no other target of theirs.
    metric_facts = TargetDue.objects.filter(instrument_code="")
    fact = next(
        f
        for f in metric_facts.filter(met=False)
        if metric_facts.filter(client=f.client_id).count() == 1
    )
    target = Target.objects.filter(
        goal__plan__client=fact.client_id, metric__isnull=False, due_date__lte=timezone.localdate()
    ).first()
    assert target is not None
    unmet = TargetDue.objects.filter(client=fact.client_id, instrument_code="", met=False).count()
    value = Observation.objects.filter(client=fact.client_id, metric=target.metric_id).first()
    assert value is not None
    assert target.metric_id is not None
    # A value that meets it, but for the week after the due date; then one in error.
    for period_start, in_error in (
        (target.due_date + dt.timedelta(days=1), None),
        (target.due_date, timezone.now()),
    ):
        Observation.objects.create(
            organization=practice.organization,
            client_id=fact.client_id,
            metric_id=target.metric_id,
            value=target.target_value + 5,
            period_start=period_start,
            entered_by=value.entered_by,
            entered_in_error_at=in_error,
        )
    outcomes_refresh(organization=practice.organization)
    assert (
        TargetDue.objects.filter(client=fact.client_id, instrument_code="", met=False).count()
        == unmet
    )


def test_facts_carry_the_clients_programme(practice):
    programme_of = dict(
        Client.objects.filter(organization=practice.organization).values_list("id", "programme")
    )
    assert len(set(programme_of.values())) > 2  # several programmes and none
    for model in (Case, TargetDue, ReviewDue, ClientFacts):
        rows = list(model.objects.values_list("client_id", "programme_id"))
        assert rows
        assert all(programme_of[client] == programme for client, programme in rows)


def test_reviews_on_time_late_and_missing(practice):
    """Every review held whose date has passed, judged against the date it answered, and
    every signed version whose date passed with no review for it (decision 1013)."""
    today = timezone.localdate()
    held = Review.objects.filter(plan__organization=practice.organization, due_on__lte=today)
    missed = [
        p
        for p in TreatmentPlan.objects.filter(
            organization=practice.organization, status="signed", review_due_on__lte=today
        )
        if not Review.objects.filter(plan=p, due_on=p.review_due_on).exists()
    ]
    facts = ReviewDue.objects.all()
    assert facts.count() == held.count() + len(missed)
    on_time = sum(r.due_on is not None and r.held_on <= r.due_on for r in held)
    assert facts.filter(on_time=True).count() == on_time
    assert 0 < on_time < facts.count()
    assert missed
    assert held.exclude(held_on__lte=models.F("due_on")).exists()  # late ones too


def test_client_facts_count_scores_and_sessions(practice):
    facts = {f.client_id: f for f in ClientFacts.objects.all()}
    assert len(facts) == 80
    some = next(iter(facts.values()))
    assert (
        some.administrations
        == Administration.objects.filter(
            client=some.client_id, entered_in_error_at__isnull=True
        ).count()
    )
    assert some.sessions == SessionNote.objects.filter(client=some.client_id).count()
    first = Administration.objects.filter(
        client=some.client_id, entered_in_error_at__isnull=True
    ).earliest("administered_at")
    expected = (first.administered_at - some.client.created_at).total_seconds() / 86400
    assert some.days_to_first_measure == pytest.approx(max(expected, 0))


def test_a_refresh_replaces_the_facts_and_is_audited(practice):
    before = Case.objects.count()
    refresh = outcomes_refresh(organization=practice.organization)
    assert Case.objects.count() == before == refresh.cases
    assert Refresh.objects.get(organization=practice.organization).cases == before
    event = AuditEvent.objects.filter(action="outcomes.refresh").latest("id")
    assert event.detail["cases"] == before


def test_the_generator_draws_near_the_published_rates():
    made = generate(Size(clients=600, administrations=6000, goals=1200), seed=5)
    refresh = outcomes_refresh(organization=made.organization)
    assert refresh.clients == 600
    today = timezone.localdate()
    assert not Administration.objects.filter(administered_at__date__gt=today).exists()
    assert not SessionNote.objects.filter(held_on__gt=today).exists()
    assert Administration.objects.filter(organization=made.organization).count() == 6000
    assert Target.objects.filter(goal__plan__organization=made.organization).count() == 1200
    cases = Case.objects.filter(organization=made.organization)
    at_start = cases.filter(at_caseness_start=True)
    recovery = at_start.filter(recovered=True).count() / at_start.count()
    improvement = cases.filter(improved=True).count() / cases.count()
    assert recovery == pytest.approx(RECOVERY, abs=0.08)
    assert improvement == pytest.approx(RELIABLE_IMPROVEMENT, abs=0.08)


@pytest.mark.parametrize(
    ("group_by", "instrument", "since"),
    [
        ("clinician", "", None),
        ("diagnosis", "phq9", None),
        ("programme", "", None),
        ("period", "gad7", "recent"),
    ],
)
def test_the_report_sums_the_facts_exactly(practice, group_by, instrument, since):
    from milepost.outcomes.selectors import GROUP_FIELDS, Filters, practice_report

    cases = Case.objects.filter(organization=practice.organization)
    start = None
    if since:
        start = sorted(set(cases.values_list("period", flat=True)))[-2]
        cases = cases.filter(period__gte=start)
    if instrument:
        cases = cases.filter(instrument_code=instrument)
    filters = Filters(group_by=group_by, instrument=instrument, since=start)
    with override_settings(OUTCOMES_MINIMUM_CELL=1):
        report = practice_report(practice.organization, filters)
    field = GROUP_FIELDS[group_by]
    expected: dict[object, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        counts = expected[getattr(case, field)]
        counts[0] += 1
        counts[1] += case.improved
        counts[2] += case.deteriorated
    assert report.total.cases == sum(c[0] for c in expected.values())
    shown = {r.cases for r in report.rows if r.cases}
    assert shown == {c[0] for c in expected.values()}
    improved = sum(c[1] for c in expected.values())
    assert report.total.reliable_improvement == pytest.approx(100 * improved / cases.count())
    # The other families' totals, from their own facts.
    period = {"period__gte": start} if start else {}
    org = {"organization": practice.organization, **period}
    targets = TargetDue.objects.filter(**org)
    if instrument:
        targets = targets.filter(instrument_code=instrument)
    assert report.total.targets_due == targets.count()
    assert report.total.goal_attainment == pytest.approx(
        100 * targets.filter(met=True).count() / targets.count()
    )
    reviews = ReviewDue.objects.filter(**org)
    assert report.total.reviews_due == reviews.count()
    assert report.total.review_timeliness == pytest.approx(
        100 * reviews.filter(on_time=True).count() / reviews.count()
    )
    assert report.total.clients == ClientFacts.objects.filter(**org).count()
    assert report.refreshed_at == Refresh.objects.get().refreshed_at


def test_by_instrument_self_monitoring_targets_are_a_group_of_their_own(practice):
    from milepost.outcomes.selectors import METRICS_LABEL, Filters, practice_report

    with override_settings(OUTCOMES_MINIMUM_CELL=1):
        report = practice_report(practice.organization, Filters(group_by="instrument"))
    rows = {r.label: r for r in report.rows}
    metric_facts = TargetDue.objects.filter(instrument_code="")
    assert rows[METRICS_LABEL].targets_due == metric_facts.count() > 0
    assert rows[METRICS_LABEL].cases is None
    assert report.total.targets_due == TargetDue.objects.count()
    assert report.total.goal_attainment == pytest.approx(
        100 * TargetDue.objects.filter(met=True).count() / TargetDue.objects.count()
    )
