"""Weekly and monthly self-monitoring values are filed under their period's first day, by
the practice's week start, and a period's values read as one (decision 0831)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from milepost.accounts.models import Organization
from milepost.domain.periods import period_label
from milepost.plans import services
from milepost.plans.models import Observation
from milepost.plans.selectors import series_by_measure, target_progress_for, target_series
from tests.base import Personas, dana_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _days_ago_on(weekday: int, weeks: int = 1) -> dt.date:
    """The day with ISO weekday `weekday` (1 Monday … 7 Sunday) of the Monday-to-Sunday
    week `weeks` weeks before this one."""
    monday = TODAY - dt.timedelta(days=TODAY.isoweekday() - 1, weeks=weeks)
    return monday + dt.timedelta(days=weekday - 1)


def _week_start(p: Personas, day: int) -> None:
    Organization.objects.filter(pk=p.org.pk).update(week_start=day)
    p.dana_client.organization.refresh_from_db()


def _metric(p: Personas, period: str = "week", unit: str = "activities", name: str = "Walks"):
    return services.metric_create(actor=p.alice, name=name, unit=unit, period=period)


def _add(p: Personas, metric, day: dt.date, value: float) -> Observation:
    return services.observation_add(
        actor=p.alice, client=p.dana_client, metric=metric, value=value, period_start=day
    )


@pytest.mark.parametrize("weekday", range(1, 8))
def test_a_weekly_value_is_filed_under_monday_by_default(personas, weekday):
    day = _days_ago_on(weekday)
    observation = _add(personas, _metric(personas), day, 2)
    assert observation.period_start.isoweekday() == 1
    assert observation.period_start <= day < observation.period_start + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("weekday", "back"),
    [(6, 6), (7, 0), (1, 1), (3, 3)],  # Saturday ends the Sunday week; Sunday opens it
)
def test_a_sunday_practice_files_it_under_the_sunday(personas, weekday, back):
    _week_start(personas, 7)
    day = _days_ago_on(weekday)
    observation = _add(personas, _metric(personas), day, 2)
    assert observation.period_start == day - dt.timedelta(days=back)
    assert observation.period_start.isoweekday() == 7


def test_a_monthly_value_is_filed_under_the_first(personas):
    day = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=17)
    observation = _add(personas, _metric(personas, "month"), day, 2)
    assert observation.period_start == day.replace(day=1)


def test_a_daily_value_keeps_its_day(personas):
    day = _days_ago_on(3)
    assert _add(personas, _metric(personas, "day"), day, 2).period_start == day


def test_a_future_day_is_refused_before_it_is_filed(personas):
    # The week of a day next week starts in the future; the day itself is what is checked.
    with pytest.raises(ValidationError) as caught:
        _add(personas, _metric(personas), TODAY + dt.timedelta(days=8), 2)
    assert caught.value.message_dict == {"period_start": ["The date cannot be in the future."]}


def _bound(p: Personas, metric):
    objective = dana_plan(p).objective
    return services.target_set(
        actor=p.alice,
        owner=objective,
        metric=metric,
        comparator=">=",
        target_value=5,
        baseline=1,
        due_date=TODAY + dt.timedelta(weeks=8),
    )


def _series(p: Personas, target):
    _, by_metric = series_by_measure(
        [], list(Observation.objects.filter(client=p.dana_client).select_related("metric"))
    )
    return target_series(target, by_instrument={}, by_metric=by_metric)


def test_two_entries_of_one_week_are_one_value_that_adds_up(personas):
    metric = _metric(personas)
    target = _bound(personas, metric)
    _add(personas, metric, _days_ago_on(2, weeks=2), 1)  # Tuesday two weeks ago
    _add(personas, metric, _days_ago_on(2), 2)  # Tuesday last week
    _add(personas, metric, _days_ago_on(6), 3)  # Saturday of the same week
    monday = _days_ago_on(1)
    assert _series(personas, target) == [(monday - dt.timedelta(weeks=1), 1.0), (monday, 5.0)]
    _, by_metric = series_by_measure(
        [], list(Observation.objects.filter(client=personas.dana_client))
    )
    progress = target_progress_for(target, by_instrument={}, by_metric=by_metric)
    assert (progress.latest, progress.latest_on) == (5.0, monday)


def test_a_value_taken_back_leaves_the_rest_of_its_week(personas):
    metric = _metric(personas)
    target = _bound(personas, metric)
    _add(personas, metric, _days_ago_on(2), 2)
    slip = _add(personas, metric, _days_ago_on(4), 40)
    services.observation_mark_entered_in_error(actor=personas.alice, observation=slip, reason="x")
    assert _series(personas, target) == [(_days_ago_on(1), 2.0)]


def test_a_rating_of_one_week_takes_the_mean(personas):
    metric = _metric(personas, unit="rating (0–10)", name="Mood")
    target = _bound(personas, metric)
    _add(personas, metric, _days_ago_on(2), 4)
    _add(personas, metric, _days_ago_on(5), 7)
    assert _series(personas, target) == [(_days_ago_on(1), 5.5)]


def test_the_observations_page_reads_week_of_and_the_weeks_total(personas, login_as):
    from django.urls import reverse

    metric = _metric(personas)
    monday = _days_ago_on(1)
    http = login_as(personas.alice)
    url = reverse("plans:observations", kwargs={"client_id": personas.dana_client.public_id})
    response = http.post(
        url,
        {"metric": metric.public_id, "value": "2", "period_start": _days_ago_on(3).isoformat()},
        follow=True,
    )
    body = response.content.decode()
    week = period_label("week", monday, today=TODAY)
    assert f"Saved under the {week}." in body
    assert week in body
    response = http.post(
        url,
        {"metric": metric.public_id, "value": "3", "period_start": _days_ago_on(5).isoformat()},
        follow=True,
    )
    body = response.content.decode()
    assert f"Saved under the {week}; its values add up to 5 activities." in body
    assert body.count(f'<td data-label="When">{week}</td>') == 2
    assert body.count("(the week's total: 5 activities)") == 2


def test_the_progress_page_reads_week_of_and_the_weeks_total(personas, login_as):
    from django.urls import reverse

    metric = _metric(personas)
    _bound(personas, metric)
    _add(personas, metric, _days_ago_on(2), 2)
    _add(personas, metric, _days_ago_on(4), 1)
    monday = _days_ago_on(1)
    week = period_label("week", monday, today=TODAY)
    plan = dana_plan(personas).plan
    url = reverse(
        "progress:plan",
        kwargs={"client_id": personas.dana_client.public_id, "plan_id": plan.public_id},
    )
    body = login_as(personas.alice).get(url).content.decode()
    assert f"<dd>3 in the {week}</dd>" in body
    assert f"<tr><td>{week}</td><td>3</td></tr>" in body


def test_a_monthly_value_reads_its_month(personas):
    from milepost.plans.views.progress import value_when

    metric = _metric(personas, "month", name="Gatherings")
    target = _bound(personas, metric)
    assert value_when(target, dt.date(2026, 5, 1), today=TODAY) == "May 2026"
