"""Reminders: a due questionnaire or empty log reminds once, by a message that names no
one; running the job again — even two at once — sends nothing twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.measures import assignments
from milepost.plans import services as plans
from milepost.portal import questionnaires, reminders
from milepost.portal.models import Reminder
from tests.base import dana_plan
from tests.portal.questionnaire_helpers import dana_assignment

SECRETS = ("Dana", "Quillfeather", "PHQ", "mood", "depress", "Alice", "Riverbend")


def _today():
    return timezone.localdate()


class FailingChannel:
    name = "email"

    def can_reach(self, client):
        return True

    def send(self, client, message):
        raise ConnectionError("mail server down")


class RecordingChannel:
    def __init__(self, name="email"):
        self.name = name
        self.sent = []

    def can_reach(self, client):
        return True

    def send(self, client, message):
        self.sent.append((client.public_id, message))


@pytest.mark.django_db
class QuestionnaireReminderTests:
    def test_a_due_questionnaire_reminds_once(self, personas):
        assignment = dana_assignment(personas)
        first = reminders.remind(include_logs=False)
        assert (first.sent, first.reminders) == (1, 1)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["dana@example.org"]
        reminder = Reminder.objects.get()
        assert reminder.client == personas.dana_client
        assert reminder.key == f"assignment:{assignment.public_id}|weekly:{_today().isoformat()}"
        again = reminders.remind(include_logs=False)
        assert (again.sent, again.already) == (0, 1)
        assert len(mail.outbox) == 1
        assert Reminder.objects.count() == 1

    def test_the_message_names_no_one_and_nothing_clinical(self, personas):
        dana_assignment(personas)
        with override_settings(PORTAL_BASE_URL="https://portal.example.org/"):
            reminders.remind(include_logs=False)
        message = mail.outbox[0]
        assert message.subject == "You have something to complete in Milepost"
        for secret in SECRETS:
            assert secret.lower() not in message.subject.lower()
            assert secret.lower() not in message.body.lower()
        assert "https://portal.example.org/portal/questionnaires/" in message.body

    def test_it_is_audited_by_key(self, personas):
        assignment = dana_assignment(personas)
        reminders.remind(include_logs=False)
        event = AuditEvent.objects.get(action="reminder.send")
        assert event.client_id == personas.dana_client.pk
        assert event.detail["channel"] == "email"
        assert event.detail["keys"][0].startswith(f"assignment:{assignment.public_id}|")

    def test_not_due_sends_nothing(self, personas):
        assignments.assignment_create(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            schedule="weekly",
            start_on=_today() + dt.timedelta(days=1),
        )
        result = reminders.remind(include_logs=False)
        assert result.sent == 0
        assert mail.outbox == []
        assert not Reminder.objects.exists()

    def test_a_completed_questionnaire_sends_nothing(self, personas):
        assignment = dana_assignment(personas)
        for number in range(1, 10):
            questionnaires.portal_answer_save(
                actor=personas.dana, assignment=assignment, question=number, answer=0
            )
        questionnaires.portal_submit(actor=personas.dana, assignment=assignment)
        assert reminders.remind(include_logs=False).sent == 0
        assert mail.outbox == []

    def test_an_ended_assignment_sends_nothing(self, personas):
        assignments.assignment_end(actor=personas.alice, assignment=dana_assignment(personas))
        assert reminders.remind(include_logs=False).sent == 0

    def test_the_next_occurrence_reminds_again(self, personas):
        dana_assignment(personas)
        reminders.remind(include_logs=False)
        reminders.remind(today=_today() + dt.timedelta(days=3), include_logs=False)
        assert len(mail.outbox) == 1  # still the same week's occurrence
        reminders.remind(today=_today() + dt.timedelta(days=7), include_logs=False)
        assert len(mail.outbox) == 2
        assert Reminder.objects.count() == 2

    def test_two_due_items_make_one_message(self, personas):
        dana_assignment(personas)
        assignments.assignment_create(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="gad7",
            schedule="once",
            start_on=_today(),
        )
        result = reminders.remind(include_logs=False)
        assert (result.sent, result.reminders) == (1, 2)
        assert len(mail.outbox) == 1
        assert Reminder.objects.count() == 2

    def test_a_failed_send_records_nothing_and_is_tried_again(self, personas):
        dana_assignment(personas)
        failed = reminders.remind(channels=[FailingChannel()], include_logs=False)
        assert (failed.sent, failed.failed) == (0, 1)
        assert not Reminder.objects.exists()
        assert reminders.remind(include_logs=False).sent == 1
        assert len(mail.outbox) == 1

    def test_each_channel_is_reminded_once(self, personas):
        dana_assignment(personas)
        email, sms = RecordingChannel("email"), RecordingChannel("sms")
        reminders.remind(channels=[email, sms], include_logs=False)
        reminders.remind(channels=[email, sms], include_logs=False)
        assert len(email.sent) == 1
        assert len(sms.sent) == 1
        assert Reminder.objects.count() == 2

    def test_a_client_without_a_portal_login_is_not_reminded(self, personas):
        assignments.assignment_create(
            actor=personas.charlie,
            client=personas.chris_client,
            instrument_code="phq9",
            schedule="weekly",
            start_on=_today(),
        )
        assert reminders.remind(include_logs=False).sent == 0

    def test_a_discharged_client_is_not_reminded(self, personas):
        dana_assignment(personas)
        type(personas.dana_client).objects.filter(pk=personas.dana_client.pk).update(
            status="discharged"
        )
        assert reminders.remind(include_logs=False).sent == 0


@pytest.mark.django_db
class LogReminderTests:
    @pytest.fixture
    def metric(self, personas):
        metric = plans.metric_create(
            actor=personas.alice, name="Pleasurable activities", unit="activities", period="week"
        )
        plans.target_set(
            actor=personas.alice,
            owner=dana_plan(personas).objective,
            target_value=5,
            due_date=_today() + dt.timedelta(weeks=8),
            comparator=">=",
            metric=metric,
        )
        return metric

    def _week(self):
        monday = _today() - dt.timedelta(days=_today().weekday())
        return monday, monday + dt.timedelta(days=3), monday + dt.timedelta(days=4)

    def test_an_empty_week_reminds_from_friday(self, personas, metric):
        _, thursday, friday = self._week()
        assert reminders.remind(today=thursday).sent == 0
        result = reminders.remind(today=friday)
        assert (result.sent, result.reminders) == (1, 1)
        assert Reminder.objects.get().key.startswith(f"log:{metric.public_id}|log-week:")
        assert "Pleasurable" not in mail.outbox[0].body
        assert reminders.remind(today=friday + dt.timedelta(days=1)).sent == 0

    def test_a_logged_week_sends_nothing(self, personas, metric):
        monday, _, friday = self._week()
        plans.observation_add(
            actor=personas.alice,
            client=personas.dana_client,
            metric=metric,
            value=3,
            period_start=monday,
        )
        assert reminders.remind(today=friday).sent == 0
        assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_reminder(personas):
    dana_assignment(personas)
    results = []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(reminders.remind(include_logs=False))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.sent for r in results) == [0, 1]
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
