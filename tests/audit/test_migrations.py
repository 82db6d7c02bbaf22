"""Migration 0003: events written before the key keep their hashes and still verify."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from milepost.audit.models import AuditChain, AuditEvent
from milepost.audit.services import audit_record, audit_verify
from milepost.domain.audit_chain import GENESIS_HASH, link_hash

BEFORE = [("audit", "0002_chain_head")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _old_chain(apps, n: int) -> list[str]:
    """Events as the code before 0003 wrote them: one chain, plain SHA-256."""
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    prev = GENESIS_HASH
    hashes = []
    for i in range(n):
        fields = {
            "occurred_at": dt.datetime(2026, 1, 1, 9, i, tzinfo=dt.UTC).isoformat(),
            "organization": None,
            "actor": None,
            "action": "test.old",
            "object_type": "",
            "object_id": "",
            "client": None,
            "ip": "",
            "user_agent": "",
            "detail": {"n": i},
        }
        digest = link_hash(prev, fields)
        event_model.objects.create(
            occurred_at=dt.datetime.fromisoformat(str(fields["occurred_at"])),
            action="test.old",
            detail={"n": i},
            prev_hash=prev,
            hash=digest,
        )
        prev = digest
        hashes.append(digest)
    head_model.objects.update_or_create(pk=1, defaults={"last_hash": prev, "count": n})
    return hashes


@pytest.mark.django_db(transaction=True)
def test_old_events_keep_their_hashes_on_a_sealed_legacy_chain():
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("audit")
    try:
        hashes = _old_chain(_migrate(BEFORE), 3)
        _migrate(leaf)
        old = list(AuditEvent.objects.filter(action="test.old").order_by("seq"))
        assert [e.hash for e in old] == hashes
        assert [(e.chain, e.seq, e.alg) for e in old] == [
            ("legacy", i, "sha256") for i in (1, 2, 3)
        ]
        seal = AuditEvent.objects.get(action="audit.chain_sealed")
        assert (seal.seq, seal.prev_hash, seal.alg) == (4, hashes[-1], "hmac-sha256")
        assert AuditChain.objects.get(key="legacy").count == 4
        assert audit_verify().ok
        # New events go on their own chains; the legacy chain stays closed.
        audit_record(action="test.new", actor=None)
        assert AuditChain.objects.get(key="legacy").count == 4
        assert audit_verify().ok
        # Rewriting the old events with plain SHA-256 no longer verifies: the seal is keyed.
        prev = old[0].hash
        for event in old[1:]:
            event.detail = {"n": 99}
            event.prev_hash = prev
            event.hash = link_hash(prev, event.chain_fields())
            AuditEvent.objects.filter(pk=event.pk).update(
                detail=event.detail, prev_hash=prev, hash=event.hash
            )
            prev = event.hash
        result = audit_verify()
        assert result.broken is not None
        assert result.broken.event_id == seal.pk
    finally:
        AuditEvent.objects.all()._raw_delete(connection.alias)
        _migrate(leaf)


@pytest.mark.django_db(transaction=True)
def test_an_empty_trail_gets_no_legacy_chain():
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("audit")
    _migrate(BEFORE)
    _migrate(leaf)
    assert not AuditChain.objects.filter(key="legacy").exists()
