"""Background work on Django's tasks framework with the database backend (decision 0840):
reminders run in the worker and keep their own schedule; nothing about a client is stored
with a task."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from milepost.portal import tasks
from tests.portal.questionnaire_helpers import dana_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # The worker recycles database connections between tasks as a request does; inside a
    # test's transaction that would close the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _work() -> None:
    """What `manage.py db_worker` does, until nothing is due (then it exits)."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_scheduling_twice_enqueues_one_run():
    assert tasks.ensure_reminders_scheduled() is True
    assert tasks.ensure_reminders_scheduled() is False
    assert DBTaskResult.objects.count() == 1


@override_settings(REMINDER_INTERVAL_MINUTES=7)
def test_the_worker_sends_due_reminders_and_schedules_the_next_run(personas):
    dana_assignment(personas)
    tasks.ensure_reminders_scheduled()
    before = timezone.now()
    _work()
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value == {"sent": 1, "reminders": 1, "already_sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert before + dt.timedelta(minutes=7) <= waiting.run_after
    assert waiting.run_after <= timezone.now() + dt.timedelta(minutes=7)
    # The next run is not due yet: the worker leaves it, and scheduling again adds nothing.
    _work()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    assert tasks.ensure_reminders_scheduled() is False
    # Nothing about the client is stored with a task.
    stored = json.dumps([(r.args_kwargs, r.return_value) for r in DBTaskResult.objects.all()])
    for secret in ("Dana", "Quillfeather", "dana@", "PHQ", personas.dana_client.public_id):
        assert secret not in stored


def test_a_one_off_run_does_not_schedule_another(personas):
    dana_assignment(personas)
    tasks.send_reminders.enqueue()
    _work()
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1


def test_the_command_make_run_calls_is_safe_to_repeat(capsys):
    call_command("schedule_tasks")
    call_command("schedule_tasks")
    assert capsys.readouterr().out.splitlines() == [
        "Reminders scheduled.",
        "Reminders were already scheduled.",
    ]
    assert DBTaskResult.objects.count() == 1
