"""A background FHIR import of dana's, for routes that name one (tests/test_access_matrix.py)."""

from __future__ import annotations

from milepost.interop.jobs import import_job_start
from milepost.interop.models import ImportJob
from tests.base import Personas

_JOBS: dict[int, tuple[Personas, ImportJob]] = {}


def dana_import_job(p: Personas) -> ImportJob:
    """Alice's queued import of a file for dana, made on first use and cached per set of
    personas like tests.base.dana_plan."""
    cached = _JOBS.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    job = import_job_start(
        actor=p.alice, client=p.dana_client, content=b'{"resourceType": "Bundle"}'
    )
    _JOBS[id(p)] = (p, job)
    return job
