"""Large Bundles imported in the background (decision 0902).

The web request never waits for a large import: ``import_job_start`` keeps the upload in
an ImportJob row and enqueues ``interop.tasks.import_bundle`` with that row's id only (no
file, no name, nothing about the client in the task). The worker runs
``import_job_run``: the same ``bundle_import`` as a small upload, as the clinician who
uploaded it (their access is checked again when it runs), telling the row how far it has
got. The result page lists what was saved, skipped and refused. A Bundle whose Patient is
not the client is held (status *mismatch*) until the clinician confirms it with a reason
(``import_job_confirm``), which queues it again.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.interop.fhir.import_ import (
    BundleImportError,
    PatientMismatch,
    bundle_import,
    practice_zone,
)
from milepost.interop.models import ImportJob, ImportJobStatus

# Uploads larger than this run in the background; smaller ones are imported while the
# page waits (a second or two). 200 KB is about 250 questionnaire responses.
BACKGROUND_BYTES = 200 * 1024


def runs_in_background(content: bytes) -> bool:
    return len(content) > BACKGROUND_BYTES


def _enqueue(job: ImportJob) -> None:
    from milepost.interop.tasks import import_bundle

    job_id = job.pk
    transaction.on_commit(lambda: import_bundle.enqueue(job_id))


@transaction.atomic
def import_job_start(*, actor: User, client: Client, content: bytes) -> ImportJob:
    """Keep the upload and queue its import; `client` already fetched for `actor`."""
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)
    job = ImportJob.objects.create(user=actor, client=client, content=content, size=len(content))
    audit_record(
        action="client.import_fhir_queued",
        actor=actor,
        client=client,
        object_type="import_job",
        object_id=job.public_id,
        detail={"bytes": len(content)},
    )
    _enqueue(job)
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob, reason: str) -> ImportJob:
    """Queue a held job again, to import although its patient differs, for `reason` (the
    import checks the reason, as for a small upload)."""
    if job.user_id != actor.pk:
        raise PermissionDenied
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJobStatus.MISMATCH:
        return job
    job.status = ImportJobStatus.QUEUED
    job.mismatch_reason = reason
    job.stage, job.done, job.total = "", 0, 0
    job.save(update_fields=["status", "mismatch_reason", "stage", "done", "total"])
    audit_record(
        action="client.import_fhir_queued",
        actor=actor,
        client=job.client,
        object_type="import_job",
        object_id=job.public_id,
        detail={"confirmed_mismatch": True},
    )
    _enqueue(job)
    return job


def import_job_run(job_id: int) -> dict[str, Any]:
    """Run one queued job (the task's body). Returns counts only."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .select_related("user", "client__organization")
            .get(pk=job_id)
        )
        if job.status != ImportJobStatus.QUEUED:
            return {"ran": 0}  # already run (a task delivered twice)
        job.status = ImportJobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])

    def progress(stage: str, done: int, total: int) -> None:
        # Inside the saving transaction an update would be seen only at its end.
        if stage == "saving" and done:
            return
        ImportJob.objects.filter(pk=job_id).update(stage=stage, done=done, total=total)

    keep_file = False
    try:
        result = bundle_import(
            job.user,
            job.client,
            bytes(job.content),
            mismatch_reason=job.mismatch_reason or None,
            progress=progress,
        )
    except BundleImportError as error:
        job.status = ImportJobStatus.REFUSED
        job.result = {"refused": [str(e) for e in error.errors[:200]], "count": len(error.errors)}
    except PatientMismatch as mismatch:
        job.status = ImportJobStatus.MISMATCH
        job.result = {
            "differences": [str(d) for d in mismatch.match.differences],
            "notes": list(mismatch.match.notes),
            **mismatch.result.summary(),
        }
        keep_file = True
    except PermissionDenied:
        job.status = ImportJobStatus.FAILED
        job.result = {"error": "You may no longer import for this client."}
    except Exception:
        job.status = ImportJobStatus.FAILED
        job.result = {"error": "The import stopped on an unexpected error; nothing was saved."}
        _finish(job, keep_file=False)
        raise
    else:
        job.status = ImportJobStatus.DONE
        job.result = result.summary(practice_zone(job.client))
    _finish(job, keep_file=keep_file)
    return {
        "ran": 1,
        "saved": len(job.result.get("saved", [])) if job.status == ImportJobStatus.DONE else 0,
    }


def _finish(job: ImportJob, *, keep_file: bool) -> None:
    if not keep_file:
        job.content = b""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "content", "finished_at"])
