"""Seal the legacy chain (decision 0016): see 0003. A migration of its own, so that on
PostgreSQL the rows it writes are committed before 0005 alters the table."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from milepost.audit.models import chain_content
from milepost.domain.audit_chain import (
    GENESIS_HASH,
    KEYED,
    LEGACY_CHAIN,
    key_id,
    link_hash,
)


def freeze_legacy_chain(apps, schema_editor):
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    chain_model = apps.get_model("audit", "AuditChain")
    ids = list(event_model.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 1000):
        batch = list(event_model.objects.filter(id__in=ids[start : start + 1000]).order_by("id"))
        for offset, event in enumerate(batch, start=start + 1):
            event.seq = offset
        event_model.objects.bulk_update(batch, ["seq"])
    head = head_model.objects.filter(pk=1).first()
    if not ids and (head is None or head.count == 0):
        return
    last_hash = head.last_hash if head is not None else GENESIS_HASH
    key = str(settings.AUDIT_KEY).encode("utf-8")
    seal = event_model(
        occurred_at=timezone.now(),
        action="audit.chain_sealed",
        object_type="",
        object_id="",
        ip="",
        user_agent="",
        detail={"events": len(ids), "last_hash": last_hash},
        prev_hash=last_hash,
        chain=LEGACY_CHAIN,
        seq=len(ids) + 1,
        alg=KEYED,
        key_id=key_id(key),
    )
    seal.hash = link_hash(seal.prev_hash, chain_content(seal), key)
    seal.save(force_insert=True)
    chain_model.objects.create(key=LEGACY_CHAIN, last_hash=seal.hash, count=seal.seq)


def thaw_legacy_chain(apps, schema_editor):
    """Back to one chain: only while nothing but the seal was written after this migration."""
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    if event_model.objects.exclude(chain=LEGACY_CHAIN).exists():
        raise RuntimeError("events were written on the per-practice chains; cannot go back")
    event_model.objects.filter(chain=LEGACY_CHAIN, alg=KEYED)._raw_delete(schema_editor.connection.alias)
    last = event_model.objects.order_by("-id").first()
    head_model.objects.update_or_create(
        pk=1,
        defaults={
            "last_hash": last.hash if last else GENESIS_HASH,
            "count": event_model.objects.count(),
        },
    )



class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chains")]

    operations = [migrations.RunPython(freeze_legacy_chain, thaw_legacy_chain)]
