"""The request's reads: written once each at its end, and never lost (decision 0017)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from milepost.audit.middleware import AuditContextMiddleware
from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_read, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _read(personas, action="client.view", object_type="client", object_id="c1"):
    audit_read(
        action=action,
        actor=personas.alice,
        client=personas.dana_client,
        object_type=object_type,
        object_id=object_id,
    )


def _run(view):
    middleware = AuditContextMiddleware(view)
    return middleware(RequestFactory().get("/", REMOTE_ADDR="192.0.2.7"))


def _new_actions(before: int) -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)[before:])


def test_reads_wait_for_the_end_of_the_request_and_are_written_once(personas):
    before = AuditEvent.objects.count()

    def view(request):
        for _ in range(3):
            _read(personas)
        _read(personas, "plan.view", "treatmentplan", "p1")
        assert AuditEvent.objects.count() == before  # nothing yet
        return HttpResponse("ok")

    _run(view)
    assert _new_actions(before) == ["client.view", "plan.view"]
    assert AuditEvent.objects.latest("pk").ip == "192.0.2.7"
    assert audit_verify().ok


def test_a_failing_request_still_writes_its_reads(personas):
    before = AuditEvent.objects.count()

    def view(request):
        _read(personas)
        raise RuntimeError("the view broke")

    with pytest.raises(RuntimeError):
        _run(view)
    assert _new_actions(before) == ["client.view"]


def test_reads_go_before_a_change_in_the_changes_transaction(personas):
    before = AuditEvent.objects.count()

    def view(request):
        _read(personas, "plan.view", "treatmentplan", "p1")
        audit_record(action="goal.update", actor=personas.alice, client=personas.dana_client)
        return HttpResponse("ok")

    _run(view)
    assert _new_actions(before) == ["plan.view", "goal.update"]


def test_reads_a_rolled_back_change_had_made_unnecessary_are_written_after_all(personas):
    before = AuditEvent.objects.count()

    def view(request):
        _read(personas, "plan.view", "treatmentplan", "p1")  # subsumed while the change lasts
        try:
            with transaction.atomic():
                audit_record(
                    action="plan.update",
                    actor=personas.alice,
                    client=personas.dana_client,
                    object_type="treatmentplan",
                    object_id="p1",
                )
                raise ValueError("refused after the event was written")
        except ValueError:
            pass
        return HttpResponse("refused")

    _run(view)
    assert _new_actions(before) == ["plan.view"]
    assert audit_verify().ok


def test_outside_a_request_a_read_is_written_at_once(personas):
    before = AuditEvent.objects.count()
    _read(personas)
    assert _new_actions(before) == ["client.view"]


def test_a_request_that_reads_nothing_opens_no_transaction(personas, django_assert_num_queries):
    with django_assert_num_queries(0):
        _run(lambda request: HttpResponse("static"))
