"""The portal's background work on Django's tasks framework (decision 0840).

`send_reminders` sends the reminders that are due (portal/reminders.py, the same work as
`milepost remind`) and, when it is the scheduled run, enqueues the next one
REMINDER_INTERVAL_MINUTES later: the worker keeps the schedule, no cron is needed.
`ensure_reminders_scheduled` starts the chain when no run is waiting (`manage.py
schedule_tasks` calls it, and `make run` runs that); it is safe to call any number of times.

Arguments and results are counts and flags only: nothing about a client is stored with a task.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from milepost.audit.context import origin


def _interval() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "REMINDER_INTERVAL_MINUTES", 5)))


@task()
def send_reminders(*, scheduled: bool = False) -> dict[str, int]:
    """Send what is due now; a scheduled run also enqueues the next one."""
    from milepost.portal.reminders import remind

    try:
        with origin("127.0.0.1", "task send_reminders"):
            result = remind()
    finally:
        if scheduled:
            _enqueue_next(timezone.now() + _interval())
    return {
        "sent": result.sent,
        "reminders": result.reminders,
        "already_sent": result.already,
        "failed": result.failed,
    }


def _waiting(*statuses: TaskResultStatus) -> bool:
    """A scheduled run is in one of `statuses` (READY: waiting, due now or later)."""
    return DBTaskResult.objects.filter(
        status__in=statuses,
        task_path=send_reminders.module_path,
        args_kwargs__kwargs__scheduled=True,
    ).exists()


def _enqueue_next(when: dt.datetime) -> None:
    with transaction.atomic():
        if not _waiting(TaskResultStatus.READY):
            send_reminders.using(run_after=when).enqueue(scheduled=True)


def ensure_reminders_scheduled() -> bool:
    """Enqueue a scheduled reminder run now unless one is already waiting; True if enqueued."""
    with transaction.atomic():
        # A running one enqueues the next itself.
        if _waiting(TaskResultStatus.READY, TaskResultStatus.RUNNING):
            return False
        send_reminders.enqueue(scheduled=True)
        return True
