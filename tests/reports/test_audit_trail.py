"""Audit reports: a practice admin filters the trail and exports it; nothing crosses practices."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_record
from milepost.clients.access import client_get_for_user
from milepost.reports.audit_trail import AuditFilters, audit_events_for_admin

pytestmark = pytest.mark.django_db


def _actions(personas, **filters) -> list[str]:
    return [e.action for e in audit_events_for_admin(personas.erin, AuditFilters(**filters))]


def test_the_admin_sees_the_practice_events_newest_first(personas):
    client_get_for_user(personas.alice, personas.dana_client.public_id)
    events = list(audit_events_for_admin(personas.erin, AuditFilters()))
    # Opening the report is the newest event; the read before it comes next.
    assert (events[0].action, events[0].actor) == ("audit.report", personas.erin)
    assert (events[1].action, events[1].actor) == ("client.view", personas.alice)
    times = [e.occurred_at for e in events]
    assert times == sorted(times, reverse=True)


def test_another_practice_never_appears(personas):
    client_get_for_user(personas.charlie, personas.chris_client.public_id)
    assert AuditEvent.objects.filter(actor=personas.charlie, action="client.view").exists()
    events = audit_events_for_admin(personas.erin, AuditFilters())
    assert not any(e.actor == personas.charlie for e in events)
    assert not any(e.client == personas.chris_client for e in events)


def test_filter_by_who_acted(personas):
    client_get_for_user(personas.bob, personas.dana_client.public_id)
    mine = audit_events_for_admin(personas.erin, AuditFilters(actor_id=personas.bob.public_id))
    assert {e.actor for e in mine} == {personas.bob}
    assert any(e.action == "client.view" for e in mine)


def test_filter_by_client(personas):
    dana = personas.dana_client.public_id
    events = list(audit_events_for_admin(personas.erin, AuditFilters(client_id=dana)))
    assert events
    assert {e.client for e in events} == {personas.dana_client}


def test_filter_by_action_prefix(personas):
    assert set(_actions(personas, action="client.")) >= {"client.create"}
    assert all(a.startswith("client.") for a in _actions(personas, action="client."))
    assert _actions(personas, action="nothing.like.this") == []


def test_filter_by_date_range_includes_both_ends(personas):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    assert _actions(personas, date_from=today, date_to=today)
    assert _actions(personas, date_to=yesterday) == []
    assert _actions(personas, date_from=today + dt.timedelta(days=1)) == []


def test_reading_the_report_is_audited_with_its_filters(personas):
    audit_events_for_admin(personas.erin, AuditFilters(action="plan."))
    event = AuditEvent.objects.filter(action="audit.report").latest("pk")
    assert event.actor == personas.erin
    assert event.detail == {"action": "plan."}


def test_only_admins_may_read_the_trail(personas):
    from django.core.exceptions import PermissionDenied

    for user in (personas.alice, personas.sam, personas.dana):
        with pytest.raises(PermissionDenied):
            audit_events_for_admin(user, AuditFilters())


def test_the_page_lists_events_without_client_names(personas, login_as):
    client_get_for_user(personas.alice, personas.dana_client.public_id)
    response = login_as(personas.erin).get(reverse("audit:report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "client.view" in body
    assert personas.dana_client.public_id in body
    assert "Quillfeather" not in body  # dana's family name
    assert response["Content-Security-Policy"]


def test_a_bad_filter_names_the_field_and_shows_no_rows(personas, login_as):
    response = login_as(personas.erin).get(reverse("audit:report"), {"client": "Dana Q"})
    assert response.status_code == 400
    assert "A client reference is 16 letters and digits." in response.content.decode()
    response = login_as(personas.erin).get(
        reverse("audit:report"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_csv_export_has_every_matching_event_and_is_audited(personas, login_as):
    response = login_as(personas.erin).get(reverse("audit:report_csv"), {"action": "client."})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["occurred_at", "actor", "actor_id", "role", "action"]
    expected = AuditEvent.objects.filter(
        organization=personas.org, action__startswith="client."
    ).count()
    assert len(rows) - 1 == expected
    assert all(row[4].startswith("client.") for row in rows[1:])
    assert AuditEvent.objects.filter(action="audit.export", actor=personas.erin).exists()


def test_csv_cells_cannot_run_as_formulas(personas, login_as):
    audit_record(
        action="client.note",
        actor=personas.alice,
        organization=personas.org,
        object_type="x",
        object_id="=HYPERLINK(1)",
    )
    response = login_as(personas.erin).get(reverse("audit:report_csv"), {"action": "client.note"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][6] == "'=HYPERLINK(1)"


def _feedback(http, personas, dp, n: int) -> None:
    url = reverse("plans:smart", args=[personas.dana_client.public_id, dp.plan.public_id])
    for i in range(n):
        http.post(url, {"goal": dp.goal.public_id, "statement": "Sleep 7 hours" + "!" * i})


def test_repeated_reads_show_their_count_and_first_and_last_time(personas, login_as):
    from milepost.audit.services import audit_close_repeats
    from tests.base import dana_plan

    dp = dana_plan(personas)
    _feedback(login_as(personas.alice), personas, dp, 5)
    erin = login_as(personas.erin)
    page = erin.get(reverse("audit:report"), {"action": "goal.smart_feedback"}).content.decode()
    assert page.count('data-repeated="5"') == 1
    assert "read 5 times" in page
    audit_close_repeats(everything=True)
    response = erin.get(reverse("audit:report_csv"), {"action": "goal.smart_feedback"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-3:] == ["count", "first_at", "last_at"]
    # The first read and the closing event that put the count on the chain.
    assert [row[-3] for row in rows[1:]] == ["5", "5"]
    assert rows[1][-2] == rows[2][-2]
    assert all(row[1] == personas.alice.display_name for row in rows[1:])


def test_a_probe_from_another_practice_shows_no_one(personas, login_as):
    from django.http import Http404

    with pytest.raises(Http404):
        client_get_for_user(personas.charlie, personas.dana_client.public_id)
    page = login_as(personas.erin).get(reverse("audit:report"), {"action": "client.probed"})
    body = page.content.decode()
    assert "a user of another practice" in body
    assert personas.dana_client.public_id in body
    for secret in (personas.charlie.display_name, personas.charlie.email, personas.other_org.name):
        assert secret not in body


def test_the_report_names_the_records_custodians_and_marks_a_self_grant(personas, login_as):
    from milepost.accounts.custodian import custodian_grant
    from tests.base import PASSWORD

    http = login_as(personas.erin)
    assert "None: no one can export the clinical archive." in (
        http.get(reverse("audit:report")).content.decode()
    )
    custodian_grant(actor=personas.erin, user=personas.erin, password=PASSWORD)
    body = http.get(reverse("audit:report")).content.decode()
    start = body.index('id="custodians-h"')
    custodians = body[start : body.index("<form", start)]
    assert "<strong>Erin Example</strong>" in custodians
    assert "self-granted" in custodians
    body = http.get(reverse("audit:report"), {"action": "user.custodian"}).content.decode()
    assert "user.custodian_grant" in body
    assert "self_granted=True" in body


def test_the_report_shows_who_exported_what(personas):
    """Each export names its kind and how many clients; the clinical one is also a
    disclosure in each client's own history (ONC (d)(11))."""
    from milepost.interop.access import organization_records_for_admin, practice_summary_for_admin
    from tests.accounts.test_mfa import verified
    from tests.interop.conftest import make_custodian

    practice_summary_for_admin(personas.erin)
    make_custodian(personas)
    organization_records_for_admin(personas.erin)
    http = verified(personas.erin)  # she has an authenticator now
    body = http.get(reverse("audit:report"), {"action": "organization.export"}).content.decode()
    assert "kind=non_clinical" in body
    assert "kind=clinical" in body
    assert body.count("client_count=1") == 2
    body = http.get(
        reverse("audit:report"), {"client": personas.dana_client.public_id}
    ).content.decode()
    assert "client.export_archive" in body
    assert "Erin Example" in body
