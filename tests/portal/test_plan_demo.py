"""The demo's portal plan side (milepost/demo/portal_plans.py): what Dana sent and logged."""

from __future__ import annotations

import pytest
from django.utils import timezone

from milepost.demo import data
from milepost.plans.models import Observation, ObservationSource
from milepost.portal.models import (
    ChangeRequest,
    ChangeRequestStatus,
    GoalProposal,
    JournalEntry,
    LogEntry,
)

pytestmark = pytest.mark.django_db


def test_dana_has_a_proposal_two_journal_entries_and_this_weeks_log():
    data.load()
    assert GoalProposal.objects.filter(client__given_name="Dana").count() == 1
    journal = JournalEntry.objects.filter(client__given_name="Dana")
    assert journal.count() == 2
    assert journal.filter(shared_at__isnull=False).count() == 1
    entries = LogEntry.objects.filter(client__given_name="Dana")
    assert entries.count() == 3
    # The meet-up is logged for a goal whose own progress is a weekly count (issue 16).
    assert entries.filter(metric__name="Meet-ups with friends", note__startswith="Coffee").exists()
    answered = ChangeRequest.objects.get(client__given_name="Dana")
    assert answered.status == ChangeRequestStatus.ANSWERED
    today = timezone.localdate()
    week = Observation.objects.get(
        client__given_name="Dana",
        metric__name="Pleasurable activities",
        source=ObservationSource.PORTAL,
        entered_in_error_at__isnull=True,
    )
    assert week.value == 2
    assert week.period_start.weekday() == 0
    assert (today - week.period_start).days < 7


def test_loading_twice_adds_nothing():
    data.load()
    counts = (GoalProposal.objects.count(), JournalEntry.objects.count(), LogEntry.objects.count())
    data.load()
    assert (
        GoalProposal.objects.count(),
        JournalEntry.objects.count(),
        LogEntry.objects.count(),
    ) == counts
