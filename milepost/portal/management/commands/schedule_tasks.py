"""`manage.py schedule_tasks`: start the recurring background work if it is not waiting yet.

`make run` calls it before starting the worker (`manage.py db_worker`); a deployment calls it
once after each migrate. Safe to run any number of times (decision 0840).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from milepost.portal.tasks import ensure_reminders_scheduled


class Command(BaseCommand):
    help = "Enqueue the recurring reminder run unless one is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        started = ensure_reminders_scheduled()
        self.stdout.write(
            "Reminders scheduled." if started else "Reminders were already scheduled."
        )
