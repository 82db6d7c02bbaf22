"""Reviews on time (decision 1013): a review is judged against the date it answered, which the
review keeps; a date passed with no review is late; a discharged client has none due after
their last score."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from milepost.clients import services as clients
from milepost.clients.models import ClientStatus
from milepost.measures.models import Administration
from milepost.outcomes.models import ReviewDue
from milepost.outcomes.services import outcomes_refresh
from milepost.plans import versions
from milepost.plans.models import Review, TreatmentPlan
from tests.plans.test_versions import signed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _signed_days_ago(personas, days: int, due_in: int):
    """Dana's signed plan, signed `days` ago, its review due `due_in` days from today."""
    dp = signed(personas)
    TreatmentPlan.objects.filter(pk=dp.plan.pk).update(
        signed_at=timezone.now() - dt.timedelta(days=days),
        review_due_on=TODAY + dt.timedelta(days=due_in),
    )
    return dp


def _review(personas, dp, held_on: dt.date) -> Review:
    return versions.review_record(
        actor=personas.alice,
        plan=TreatmentPlan.objects.get(pk=dp.plan.pk),
        held_on=held_on,
        participants="Dana and Alice",
        decisions={dp.goal.public_id: ("continue", "")},
    )


def _facts(personas) -> list[bool]:
    outcomes_refresh(organization=personas.dana_client.organization)
    return sorted(bool(f.on_time) for f in ReviewDue.objects.all())


def test_a_late_review_stays_late_after_the_next_date_moves_on(personas):
    dp = _signed_days_ago(personas, 100, due_in=-10)
    review = _review(personas, dp, TODAY)
    assert review.due_on == TODAY - dt.timedelta(days=10)  # what it answered
    plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
    assert plan.review_due_on == TODAY + dt.timedelta(days=90)  # the next date, not due yet
    assert _facts(personas) == [False]


def test_a_review_on_time_then_a_missed_one(personas):
    dp = _signed_days_ago(personas, 100, due_in=-30)
    _review(personas, dp, TODAY - dt.timedelta(days=40))
    assert _facts(personas) == [True]
    # The next date passes with no review: that one is late.
    TreatmentPlan.objects.filter(pk=dp.plan.pk).update(review_due_on=TODAY - dt.timedelta(days=5))
    assert _facts(personas) == [False, True]


def test_a_review_held_early_counts_once_its_date_has_passed(personas):
    dp = _signed_days_ago(personas, 30, due_in=20)
    _review(personas, dp, TODAY)
    assert _facts(personas) == []


def test_a_discharged_client_has_no_review_due_after_their_last_score(personas):
    _signed_days_ago(personas, 100, due_in=-10)
    scores = Administration.objects.filter(client=personas.dana_client)
    scores.update(administered_at=timezone.now() - dt.timedelta(days=20))
    assert _facts(personas) == [False]
    clients.client_update(
        actor=personas.alice, client=personas.dana_client, status=ClientStatus.DISCHARGED
    )
    assert _facts(personas) == []  # due after she was last seen
    scores.update(administered_at=timezone.now() - dt.timedelta(days=5))
    assert _facts(personas) == [False]  # missed while she was still being seen


def test_the_migration_gives_reviews_on_file_the_date_they_answered(personas):
    """plans/0004: the first review answered one interval after the signing; the next, one
    interval after the review before it (what review_record does)."""
    import importlib

    from django.apps import apps

    from milepost.domain.plan_versions import review_due

    dp = _signed_days_ago(personas, 200, due_in=-110)
    first = _review(personas, dp, TODAY - dt.timedelta(days=100))
    second = _review(personas, dp, TODAY - dt.timedelta(days=5))
    expected = {first.pk: first.due_on, second.pk: second.due_on}
    Review.objects.update(due_on=None)
    importlib.import_module("milepost.plans.migrations.0004_review_due_on").backfill(apps, None)
    signed_on = timezone.localdate(TreatmentPlan.objects.get(pk=dp.plan.pk).signed_at)
    got = dict(Review.objects.values_list("pk", "due_on"))
    assert got[first.pk] == review_due(signed_on, 90)
    assert got[second.pk] == review_due(first.held_on, 90) == expected[second.pk]
