"""When a questionnaire assigned to the portal is next due, and what completes it
(portal/questionnaires.py): the client's own portal submissions, not entries marked in
error, and for "at each review" the review date of the plan in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.measures import assignments
from milepost.measures import services as measures
from milepost.measures.models import PortalResponseDraft, Source
from milepost.plans.models import TreatmentPlan
from milepost.portal import questionnaires
from tests.base import dana_plan


def _assign(personas, **overrides):
    values = {
        "actor": personas.alice,
        "client": personas.dana_client,
        "instrument_code": "phq9",
        "schedule": "weekly",
        "start_on": timezone.localdate(),
    }
    return assignments.assignment_create(**{**values, **overrides})


def _complete(personas, assignment, answers):
    for number, answer in enumerate(answers, start=1):
        questionnaires.portal_answer_save(
            actor=personas.dana,
            assignment=assignment,
            question=number,
            answer=answer,
            skip=answer is None,
        )
    return questionnaires.portal_submit(actor=personas.dana, assignment=assignment)


@pytest.mark.django_db
class CompletionTests:
    def test_a_new_assignment_is_due_on_its_start_day(self, personas):
        occurrence = questionnaires.assignment_next_due(_assign(personas))
        assert occurrence is not None
        assert occurrence.due_on == timezone.localdate()

    def test_a_portal_submission_completes_this_week(self, personas):
        assignment = _assign(personas)
        administration = _complete(personas, assignment, [1, 1, 1, 1, 1, 1, 1, 1, 0])
        assert administration.source == Source.PORTAL
        assert administration.entered_by == personas.dana
        assert administration.assignment == assignment
        assert administration.total == 8
        assert not PortalResponseDraft.objects.filter(assignment=assignment).exists()
        occurrence = questionnaires.assignment_next_due(assignment)
        assert occurrence is not None
        assert occurrence.due_on == timezone.localdate() + dt.timedelta(days=7)

    def test_a_clinician_entry_does_not_complete_the_portal_assignment(self, personas):
        # dana's persona already has a clinician-entered PHQ-9 from today.
        assignment = _assign(personas)
        occurrence = questionnaires.assignment_next_due(assignment)
        assert occurrence is not None
        assert occurrence.due_on == timezone.localdate()

    def test_an_entry_marked_in_error_no_longer_completes_it(self, personas):
        assignment = _assign(personas)
        administration = _complete(personas, assignment, [0] * 9)
        measures.administration_mark_entered_in_error(
            actor=personas.alice, administration=administration, reason="Answered for a friend"
        )
        occurrence = questionnaires.assignment_next_due(assignment)
        assert occurrence is not None
        assert occurrence.due_on == timezone.localdate()

    def test_the_submission_is_audited_with_its_assignment(self, personas):
        assignment = _assign(personas)
        _complete(personas, assignment, [0] * 9)
        event = AuditEvent.objects.filter(action="administration.create").last()
        assert event is not None
        assert event.detail["source"] == "portal"
        assert event.detail["assignment"] == assignment.public_id

    def test_at_each_review_follows_the_plan_review_date(self, personas):
        plan = dana_plan(personas).plan
        review = timezone.localdate() + dt.timedelta(days=3)
        TreatmentPlan.objects.filter(pk=plan.pk).update(review_due_on=review)
        assignment = _assign(personas, schedule="at_review")
        occurrence = questionnaires.assignment_next_due(assignment)
        assert occurrence is not None
        assert occurrence.due_on == review
        assert occurrence.status(timezone.localdate()).value == "due"

    def test_at_each_review_without_a_review_date_asks_nothing(self, personas):
        assert questionnaires.assignment_next_due(_assign(personas, schedule="at_review")) is None

    def test_before_each_session_moves_with_the_next_session(self, personas):
        today = timezone.localdate()
        assignment = _assign(
            personas, schedule="before_session", next_session_on=today + dt.timedelta(days=1)
        )
        occurrence = questionnaires.assignment_next_due(assignment)
        assert occurrence is not None
        assert occurrence.due_on == today + dt.timedelta(days=1)
        assignments.assignment_next_session_set(
            actor=personas.alice, assignment=assignment, next_session_on=today + dt.timedelta(9)
        )
        occurrence = questionnaires.assignment_next_due(assignment)
        assert occurrence is not None
        assert occurrence.due_on == today + dt.timedelta(days=9)
        assert occurrence.status(today).value == "upcoming"
