from __future__ import annotations

import pytest
from django.db import connection

from milepost.audit.context import origin
from milepost.audit.models import AuditChain, AuditEvent, ImmutableEventError
from milepost.audit.services import audit_record, audit_verify
from milepost.cli import main


def _events(n: int) -> list[AuditEvent]:
    return [audit_record(action="test.event", actor=None, detail={"n": i}) for i in range(n)]


@pytest.mark.django_db
class AuditRecordTests:
    def test_events_link_to_the_one_before(self):
        first, second, third = _events(3)
        assert first.prev_hash == "0" * 64
        assert second.prev_hash == first.hash
        assert third.prev_hash == second.hash
        head = AuditChain.objects.get(key="none")
        assert (head.count, head.last_hash) == (3, third.hash)
        assert [e.seq for e in (first, second, third)] == [1, 2, 3]

    def test_it_records_where_the_request_came_from(self):
        with origin("2001:DB8::0001", "Firefox " + "x" * 400):
            event = audit_record(action="test.event", actor=None)
        event.refresh_from_db()
        assert event.ip == "2001:db8::1"
        assert len(event.user_agent) == 256
        assert audit_verify().ok

    def test_a_malformed_address_is_left_out(self):
        with origin("not-an-ip", None):
            event = audit_record(action="test.event", actor=None)
        assert event.ip == ""

    def test_events_cannot_be_changed_or_deleted_through_the_model(self):
        (event,) = _events(1)
        event.action = "forged"
        with pytest.raises(ImmutableEventError):
            event.save()
        with pytest.raises(ImmutableEventError):
            event.delete()


@pytest.mark.django_db
class AuditVerifyTests:
    def test_an_untouched_chain_verifies(self):
        _events(4)
        result = audit_verify()
        assert result.ok
        assert result.checked == 4

    def test_it_catches_a_row_edited_behind_the_apps_back(self):
        events = _events(4)
        AuditEvent.objects.filter(pk=events[1].pk).update(action="client.view")
        result = audit_verify()
        assert not result.ok
        assert result.broken is not None
        assert result.broken.event_id == events[1].pk
        assert result.checked == 1

    def test_it_catches_a_row_edited_with_raw_sql(self):
        events = _events(3)
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET object_id = %s WHERE id = %s", ["x", events[2].pk])
        result = audit_verify()
        assert result.broken is not None
        assert result.broken.event_id == events[2].pk

    def test_it_catches_a_deleted_row(self):
        events = _events(3)
        AuditEvent.objects.filter(pk=events[1].pk).delete()
        result = audit_verify()
        assert result.broken is not None
        assert result.broken.event_id == events[2].pk

    def test_it_catches_the_newest_rows_deleted(self):
        events = _events(3)
        AuditEvent.objects.filter(pk=events[2].pk).delete()
        result = audit_verify()
        assert result.broken is not None
        assert result.broken.event_id is None


@pytest.mark.django_db
class AuditVerifyCommandTests:
    def test_it_reports_an_intact_chain(self, capsys):
        _events(2)
        assert main(["audit", "verify"]) == 0
        assert "2 events verified" in capsys.readouterr().out

    def test_it_names_the_first_broken_event(self, capsys):
        events = _events(3)
        AuditEvent.objects.filter(pk=events[0].pk).update(detail={"n": 99})
        assert main(["audit", "verify"]) == 1
        err = capsys.readouterr().err
        assert f"BROKEN at event {events[0].pk}" in err


@pytest.mark.django_db
class PracticeChainTests:
    def test_each_practice_has_its_own_chain(self, personas):
        a1 = audit_record(action="test.event", actor=personas.alice, organization=personas.org)
        b1 = audit_record(action="test.event", actor=personas.charlie)
        a2 = audit_record(action="test.event", actor=personas.alice, organization=personas.org)
        assert b1.organization_id is None
        assert b1.chain == "none"
        assert a1.chain == a2.chain == f"org-{personas.org.pk}"
        assert (a2.seq, a2.prev_hash) == (a1.seq + 1, a1.hash)
        c1 = audit_record(
            action="test.event", actor=personas.charlie, organization=personas.other_org
        )
        assert c1.chain == f"org-{personas.other_org.pk}"
        assert audit_verify().ok

    def test_events_are_keyed_with_the_audit_key(self, personas, settings):
        from milepost.domain.audit_chain import key_id, link_hash

        event = audit_record(action="test.event", actor=None)
        key = settings.AUDIT_KEY.encode()
        assert (event.alg, event.key_id) == ("hmac-sha256", key_id(key))
        assert event.hash == link_hash(event.prev_hash, event.chain_fields(), key)

    def test_events_signed_with_a_previous_key_still_verify(self, personas, settings):
        settings.AUDIT_KEY = "the-first-key-" + "y" * 40
        audit_record(action="test.event", actor=None)
        settings.AUDIT_PREVIOUS_KEYS = [settings.AUDIT_KEY]
        settings.AUDIT_KEY = "a-new-key-" + "x" * 40
        audit_record(action="test.event", actor=None)
        assert audit_verify().ok
        settings.AUDIT_PREVIOUS_KEYS = []
        assert not audit_verify().ok


@pytest.mark.django_db
class CheckpointCommandTests:
    def test_checkpoint_then_verify(self, personas, tmp_path, capsys):
        path = tmp_path / "checkpoints.jsonl"
        assert main(["audit", "checkpoint", "--file", str(path)]) == 0
        assert "Checkpoint: 2 chains" in capsys.readouterr().out
        assert path.stat().st_mode & 0o077 == 0
        assert main(["audit", "verify", "--checkpoints", str(path)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("Audit chain intact: ")
        assert "events verified. 2 checkpoints agree." in out

    def test_the_checkpoint_file_can_come_from_the_settings(self, personas, tmp_path, settings):
        settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "cp.jsonl")
        assert main(["audit", "checkpoint"]) == 0
        assert main(["audit", "checkpoint"]) == 0
        assert len((tmp_path / "cp.jsonl").read_text().splitlines()) == 4

    def test_without_a_file_it_says_what_to_set(self, personas, capsys, settings):
        settings.AUDIT_CHECKPOINT_FILE = ""
        assert main(["audit", "checkpoint"]) == 2
        assert "AUDIT_CHECKPOINT_FILE" in capsys.readouterr().err

    def test_verify_names_where_a_checkpoint_disagrees(self, personas, tmp_path, capsys):
        path = tmp_path / "checkpoints.jsonl"
        main(["audit", "checkpoint", "--file", str(path)])
        AuditChain.objects.all().delete()
        AuditEvent.objects.all()._raw_delete(connection.alias)
        capsys.readouterr()
        assert main(["audit", "verify", "--checkpoints", str(path)]) == 1
        err = capsys.readouterr().err
        assert "BROKEN at position 1 of chain" in err
