"""Imports waiting on someone: an uploaded Bundle kept while the clinician decides
(PendingImport, decision 0521) and a large Bundle imported in the background (ImportJob,
decision 0902).

When a Bundle's Patient is not the client, nothing is imported and the page asks for a
confirmation; the file waits here so it need not be chosen again. It is found only by the
SHA-256 of a random token that lives in the uploader's session and in the confirmation
form, for the same user and client, for PENDING_MINUTES; it is deleted when used, replaced
or expired. It is not a clinical record: nothing of it is imported until confirmed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField


class PendingImport(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="pending_imports"
    )
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="pending_import_expiry")]

    def __str__(self) -> str:
        return f"Pending import until {self.expires_at:%Y-%m-%d %H:%M}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    REFUSED = "refused", "Refused: nothing was saved"
    MISMATCH = "mismatch", "Held: the file names someone else"
    FAILED = "failed", "Failed: nothing was saved"


class ImportJob(models.Model):
    """A large Bundle imported in the background (decision 0902).

    The upload waits here, not in the task: the task is given this row's id only. The file
    is emptied once the import has ended (kept while it is held for the clinician's
    confirmation). `result` is what the result page shows: what was saved, skipped and
    refused. Read through interop/access.py, written through interop/jobs.py.
    """

    public_id = PublicIdField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="import_jobs"
    )
    content = models.BinaryField(blank=True)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    stage = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    mismatch_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import job {self.public_id} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
