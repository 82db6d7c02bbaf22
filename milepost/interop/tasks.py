"""Interop's background work on Django's tasks framework (decision 0840): large FHIR
imports (interop/jobs.py). The task is given the ImportJob row's id only; the file and the
result stay in that row, and the task's own result is counts."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from milepost.audit.context import origin


@task()
def import_bundle(job_id: int) -> dict[str, Any]:
    from milepost.interop.jobs import import_job_run

    with origin("127.0.0.1", "task import_bundle"):
        return import_job_run(job_id)
