"""An attacker with the database and nothing else: every rewrite of the trail is caught.

Each test changes the tables the way someone with write access would (raw SQL, or querysets
that bypass the model's refusal to change or delete an event) and then runs the verifier.
The checkpoints are the file `milepost audit checkpoint` appends to, outside the database.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection

from milepost.audit.models import AuditChain, AuditEvent
from milepost.audit.services import audit_checkpoint, audit_record, audit_verify
from milepost.domain.audit_chain import GENESIS_HASH, canonical, key_id, link_hash

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table


def _events(personas, n: int) -> list[AuditEvent]:
    return [
        audit_record(
            action="test.event", actor=personas.alice, organization=personas.org, detail={"n": i}
        )
        for i in range(n)
    ]


def _chain_of(personas) -> str:
    return f"org-{personas.org.pk}"


def _rehash(chain: str, *, key: bytes | None, label_key: bytes | None = None) -> None:
    """Recompute every link of `chain` as someone without the real key would: plain SHA-256
    (labelled as such) or HMAC with a key of their own; then the head to match."""
    prev = GENESIS_HASH
    for position, event in enumerate(AuditEvent.objects.filter(chain=chain).order_by("seq"), 1):
        alg = "hmac-sha256" if key else "sha256"
        kid = key_id(label_key or key) if key else ""
        values = {"seq": position, "alg": alg, "key_id": kid, "prev_hash": prev}
        for name, value in values.items():
            setattr(event, name, value)
        new_hash = link_hash(prev, event.chain_fields(), key)
        AuditEvent.objects.filter(pk=event.pk).update(hash=new_hash, **values)
        prev = new_hash
    count = AuditEvent.objects.filter(chain=chain).count()
    AuditChain.objects.filter(key=chain).update(last_hash=prev, count=count)


def test_deleting_an_event_is_caught(personas):
    events = _events(personas, 4)
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(connection.alias)
    result = audit_verify()
    assert result.broken is not None
    assert result.broken.event_id == events[2].pk


def test_deleting_an_event_and_recomputing_the_chain_with_plain_sha256_is_caught(personas):
    events = _events(personas, 4)
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(connection.alias)
    _rehash(_chain_of(personas), key=None)
    result = audit_verify()
    assert result.broken is not None
    assert "without the audit key" in result.broken.reason


def test_rewriting_the_chain_with_a_wrong_key_is_caught(personas, settings):
    events = _events(personas, 3)
    AuditEvent.objects.filter(pk=events[0].pk).update(action="client.view")
    # Labelled with the real key's id, or with the attacker's own: neither verifies.
    _rehash(_chain_of(personas), key=b"attacker" * 4, label_key=settings.AUDIT_KEY.encode())
    result = audit_verify()
    assert result.broken is not None
    assert (result.broken.chain, result.broken.seq) == (_chain_of(personas), 1)
    _rehash(_chain_of(personas), key=b"attacker" * 4)
    broken = audit_verify().broken
    assert broken is not None
    assert "does not hold" in broken.reason


def test_appending_a_forged_event_is_caught(personas):
    (last,) = _events(personas, 1)
    chain = _chain_of(personas)
    position = last.seq + 1
    fields = {**last.chain_fields(), "seq": position, "action": "client.view"}
    forged_hash = hashlib.sha256(last.hash.encode() + b"\n" + canonical(fields)).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (occurred_at, action, object_type, object_id, ip, user_agent, "
            "detail, prev_hash, hash, chain, seq, alg, key_id, organization_id) "
            "VALUES (%s, 'client.view', '', '', '', '', '{}', %s, %s, %s, %s, %s, %s, %s)",
            [
                last.occurred_at,
                last.hash,
                forged_hash,
                chain,
                position,
                last.alg,
                last.key_id,
                personas.org.pk,
            ],
        )
    AuditChain.objects.filter(key=chain).update(last_hash=forged_hash, count=position)
    result = audit_verify()
    assert result.broken is not None
    assert result.broken.seq == position


def test_truncating_the_events_is_caught_by_the_head(personas):
    _events(personas, 3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    result = audit_verify()
    assert result.broken is not None
    assert "records" in result.broken.reason


def test_truncating_events_and_heads_is_caught_by_a_checkpoint(personas, tmp_path):
    _events(personas, 3)
    checkpoints = tmp_path / "checkpoints.jsonl"
    audit_checkpoint(checkpoints)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"DELETE FROM {AuditChain._meta.db_table}")
    assert audit_verify().ok  # the database alone cannot tell
    result = audit_verify(checkpoints)
    assert result.broken is not None
    assert result.broken.seq == 1
    assert "events but 0 exist" in result.broken.reason


def test_cutting_the_newest_events_and_the_head_back_is_caught_by_a_checkpoint(personas, tmp_path):
    events = _events(personas, 4)
    checkpoints = tmp_path / "checkpoints.jsonl"
    audit_checkpoint(checkpoints)
    AuditEvent.objects.filter(pk__in=[events[2].pk, events[3].pk])._raw_delete(connection.alias)
    AuditChain.objects.filter(key=_chain_of(personas)).update(
        last_hash=events[1].hash, count=events[1].seq
    )
    assert audit_verify().ok
    result = audit_verify(checkpoints)
    assert result.broken is not None
    assert (result.broken.chain, result.broken.seq) == (_chain_of(personas), events[2].seq)


def test_a_checkpoint_edited_in_its_file_is_refused(personas, tmp_path):
    _events(personas, 2)
    checkpoints = tmp_path / "checkpoints.jsonl"
    audit_checkpoint(checkpoints)
    lines = [json.loads(line) for line in checkpoints.read_text().splitlines()]
    lines[-1]["count"] -= 1
    checkpoints.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = audit_verify(checkpoints)
    assert result.broken is not None
    assert "not signed" in result.broken.reason


def test_moving_an_event_to_another_practices_chain_is_caught(personas):
    events = _events(personas, 2)
    audit_record(action="test.event", actor=personas.charlie, organization=personas.other_org)
    AuditEvent.objects.filter(pk=events[1].pk).update(organization=personas.other_org)
    result = audit_verify()
    assert result.broken is not None
    assert result.broken.event_id == events[1].pk
