"""An uploaded Bundle kept while the clinician decides (decision 0521).

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
