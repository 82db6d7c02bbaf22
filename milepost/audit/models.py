"""AuditEvent: who did what to which record of which client, when, from where; hash-chained."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImmutableEventError(Exception):
    pass


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableEventError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("Audit events are never deleted.")

    def chain_fields(self) -> dict[str, object]:
        """The content the hash covers (everything but the id and the hashes)."""
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "organization": self.organization_id,
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "client": self.client_id,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "detail": self.detail,
        }


class AuditChainHead(models.Model):
    """One row: the last link of the chain. Locked while an event is appended."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chain head after {self.count} events"
