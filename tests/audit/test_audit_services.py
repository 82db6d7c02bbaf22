from __future__ import annotations

import pytest
from django.db import connection

from milepost.audit.context import origin
from milepost.audit.models import AuditChainHead, AuditEvent, ImmutableEventError
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
        head = AuditChainHead.objects.get()
        assert (head.count, head.last_hash) == (3, third.hash)

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
