"""AuditEvent: who did what to which record of which client, when, from where; hash-chained,
one chain per practice (milepost/domain/audit_chain.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.domain.audit_chain import GENESIS_HASH, LEGACY


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
    # Which chain the event is a link of, and its position there (from 1).
    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    # "hmac-sha256" with the key named by key_id; "sha256" for events from before the key.
    alg = models.CharField(max_length=16)
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_position")
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
        return chain_content(self)


def chain_content(event: Any) -> dict[str, object]:
    """What an event's hash covers. A keyed link covers its chain, position, algorithm and
    key too; a legacy link keeps exactly the content it was hashed with. The migrations use
    this as well, so it must never change for existing rows."""
    fields: dict[str, object] = {
        "occurred_at": event.occurred_at.isoformat(),
        "organization": event.organization_id,
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client": event.client_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "detail": event.detail,
    }
    if event.alg != LEGACY:
        fields.update(chain=event.chain, seq=event.seq, alg=event.alg, key_id=event.key_id)
    return fields


class AuditChain(models.Model):
    """The head of one chain: its last link and length. Locked while an event is appended,
    so writers of one practice queue behind each other and never behind another practice."""

    key = models.CharField(max_length=40, unique=True)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chain {self.key} after {self.count} events"


class AuditRepeat(models.Model):
    """Reads repeated by one person on one record within a short window (live feedback while
    typing): the first read is a chained event; the later ones only count here, until a
    closing chained event records the count and the first and last time (decision 0017).

    Not chained: this row changes while the window is open. Once closed, the closing event
    holds the same numbers on the chain.
    """

    key = models.CharField(max_length=64)
    first_event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="repeats")
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField()
    closed = models.BooleanField(default=False)
    # The chained event that records the count; none when the read was never repeated.
    closed_by = models.OneToOneField(
        AuditEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="closes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(closed=False),
                name="audit_one_open_repeat_per_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} reads from event #{self.first_event_id}"
