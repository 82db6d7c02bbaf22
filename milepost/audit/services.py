"""Writing and verifying the audit trail. Every other service records its events here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from milepost.audit.context import current_origin
from milepost.audit.models import AuditChainHead, AuditEvent
from milepost.domain.audit_chain import GENESIS_HASH, Link, Verification, link_hash, verify

if TYPE_CHECKING:
    from milepost.accounts.models import Organization, User
    from milepost.clients.models import Client


def _check_detail(value: object) -> None:
    """Detail holds only strings, whole numbers, booleans, None, lists and string-keyed maps:
    values that round-trip through every database's JSON unchanged (floats may not)."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_detail(item)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("audit detail keys must be strings")
            _check_detail(item)
        return
    raise TypeError(f"audit detail cannot hold {type(value).__name__}")


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: User | None,
    organization: Organization | None = None,
    client: Client | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    The chain head row is locked first, so concurrent writers append one after the
    other and never link to the same predecessor.
    """
    _check_detail(detail or {})
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Migrations create the head; a test database flushed between tests may not have it.
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    if organization is None and client is not None:
        organization = client.organization
    where = current_origin()
    event = AuditEvent(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=client,
        ip=where.ip,
        user_agent=where.user_agent,
        detail=dict(detail or {}),
        prev_hash=head.last_hash,
    )
    event.hash = link_hash(event.prev_hash, event.chain_fields())
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


def _links() -> Iterator[Link]:
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        yield Link(
            event_id=event.pk,
            prev_hash=event.prev_hash,
            hash=event.hash,
            fields=event.chain_fields(),
        )


def audit_verify() -> Verification:
    """Walk the whole chain; report the first broken link."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return verify(_links(), head_hash=GENESIS_HASH, head_count=0)
    return verify(_links(), head_hash=head.last_hash, head_count=head.count)
