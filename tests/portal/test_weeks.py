"""The client's log is filed by the practice's week start, and the portal reads a weekly
value as "week of …" (decision 0831)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.accounts.models import Organization
from milepost.domain.periods import period_label
from milepost.plans import services as plans
from milepost.plans.models import Observation
from milepost.portal import services
from tests.portal_fixtures import dana_portal

pytestmark = pytest.mark.django_db


def _sunday_practice(personas) -> None:
    Organization.objects.filter(pk=personas.org.pk).update(week_start=7)
    personas.dana_client.organization.refresh_from_db()


def _last(weekday: int) -> dt.datetime:
    """Noon of the latest day with this ISO weekday before today (1 Monday … 7 Sunday)."""
    today = timezone.localdate()
    back = (today.isoweekday() - weekday) % 7 or 7
    day = today - dt.timedelta(days=back)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def test_a_sunday_practice_files_saturday_and_sunday_in_different_weeks(personas):
    portal = dana_portal(personas)
    _sunday_practice(personas)
    sunday = _last(7)
    saturday = sunday - dt.timedelta(days=1)
    for moment in (saturday, sunday, sunday + dt.timedelta(days=1)):
        if moment <= timezone.now():
            services.log_entry_add(
                actor=personas.dana,
                client=personas.dana_client,
                metric=portal.metric,
                occurred_at=moment,
            )
    counting = Observation.objects.filter(
        metric=portal.metric, entered_in_error_at__isnull=True
    ).order_by("period_start")
    monday_after = sunday + dt.timedelta(days=1)
    expected_this_week = 2.0 if monday_after <= timezone.now() else 1.0
    assert [(o.period_start, o.value) for o in counting] == [
        (saturday.date() - dt.timedelta(days=6), 1.0),  # the Sunday before the Saturday
        (sunday.date(), expected_this_week),
    ]


def test_a_monday_practice_files_sunday_with_the_week_before(personas):
    portal = dana_portal(personas)
    sunday = _last(7)
    services.log_entry_add(
        actor=personas.dana, client=personas.dana_client, metric=portal.metric, occurred_at=sunday
    )
    [observation] = Observation.objects.filter(
        metric=portal.metric, entered_in_error_at__isnull=True
    )
    assert observation.period_start == sunday.date() - dt.timedelta(days=6)


def test_the_clinicians_value_and_the_clients_log_of_one_week_add_up(personas, login_as):
    portal = dana_portal(personas)
    sunday = _last(7)
    services.log_entry_add(
        actor=personas.dana, client=personas.dana_client, metric=portal.metric, occurred_at=sunday
    )
    plans.observation_add(
        actor=personas.alice,
        client=personas.dana_client,
        metric=portal.metric,
        value=2,
        period_start=sunday.date() - dt.timedelta(days=3),  # the Thursday of the same week
    )
    week = period_label("week", sunday.date() - dt.timedelta(days=6), today=timezone.localdate())
    page = login_as(personas.dana).get(reverse("portal:goals")).content.decode()
    assert f"{week[0].upper()}{week[1:]}: 3</li>" in page
    assert f"in the {week}" in page
