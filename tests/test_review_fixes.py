"""Regression tests for the review of the foundation and measures (one class per finding)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from milepost.accounts import services as accounts
from milepost.accounts.models import Supervision
from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_record
from milepost.clients import services as clients
from milepost.clients.access import caseload_for_user
from milepost.measures import services as measures


@pytest.mark.django_db
class MalformedIdsStayOutOfTheTrailTests:
    @pytest.mark.parametrize("segment", ["John Smith", "Quillfeather", "%00abc"])
    def test_a_typed_name_in_the_url_is_not_recorded(self, personas, login_as, segment):
        response = login_as(personas.alice).get(f"/clients/{segment}/")
        assert response.status_code == 404
        event = AuditEvent.objects.filter(action="client.access_denied").last()
        assert event is not None
        assert event.object_id == ""
        assert event.detail == {"malformed_id": True}


@pytest.mark.django_db
class DemotedSupervisorTests:
    def test_a_demoted_supervisor_loses_access_and_the_supervisions_end(self, personas):
        assert caseload_for_user(personas.sam) == [personas.dana_client]
        accounts.user_update(
            actor=personas.erin,
            user=personas.sam,
            full_name="Sam",
            credentials="",
            role="clinician",
            is_active=True,
        )
        personas.sam.refresh_from_db()
        assert caseload_for_user(personas.sam) == []
        assert not Supervision.objects.filter(supervisor=personas.sam).exists()
        event = AuditEvent.objects.filter(action="user.update").last()
        assert event is not None
        assert "supervisions_ended" in event.detail["fields"]


@pytest.mark.django_db
class ServicesCheckTheClientIsInReachTests:
    @pytest.mark.parametrize("name", ["charlie", "frank"])
    def test_outsiders_cannot_change_a_client_through_a_service(self, personas, name):
        outsider = getattr(personas, name)
        with pytest.raises(PermissionDenied):
            clients.client_update(actor=outsider, client=personas.dana_client, pronouns="x")
        with pytest.raises(PermissionDenied):
            clients.care_team_add(
                actor=outsider, client=personas.dana_client, clinician=personas.frank
            )
        with pytest.raises(PermissionDenied):
            measures.administration_submit(
                actor=outsider,
                client=personas.dana_client,
                instrument_code="gad7",
                answers=[0] * 7,
            )
        with pytest.raises(PermissionDenied):
            measures.risk_alert_acknowledge(
                actor=outsider, alert=personas.dana_alert, action="session", note="x"
            )
        with pytest.raises(PermissionDenied):
            measures.administration_mark_entered_in_error(
                actor=outsider, administration=personas.dana_phq9, reason="x"
            )
        personas.dana_client.refresh_from_db()
        assert personas.dana_client.pronouns == "she/her"


@pytest.mark.django_db
class LatestIgnoresEntriesInErrorTests:
    def test_latest_is_the_newest_entry_that_counts(self, personas, login_as):
        severe = measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            answers=[3, 3, 3, 3, 3, 3, 3, 3, 0],
        )
        measures.administration_mark_entered_in_error(
            actor=personas.alice, administration=severe, reason="Wrong client"
        )
        url = reverse("measures:client_measures", args=[personas.dana_client.public_id])
        html = login_as(personas.alice).get(url).content.decode()
        assert "Latest <strong>17</strong>" in html
        assert "Latest <strong>24</strong>" not in html


@pytest.mark.django_db
class NoClientNamesInCookiesTests:
    def test_flash_messages_stay_on_the_server(self, personas, login_as):
        http = login_as(personas.alice)
        data = {"given_name": "Zed", "family_name": "Secretname", "date_of_birth": "1990-01-01"}
        response = http.post(reverse("clients:create"), {**data, "status": "active"})
        assert response.status_code == 302
        assert "messages" not in response.cookies
        assert b"Added Zed Secretname." in http.get(response["Location"]).content


@pytest.mark.django_db
class AuditOriginTests:
    @override_settings(AUDIT_TRUST_X_FORWARDED_FOR=True)
    def test_behind_a_proxy_the_forwarded_address_is_recorded(self, personas, login_as):
        url = reverse("clients:detail", args=[personas.dana_client.public_id])
        login_as(personas.alice).get(
            url, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9", REMOTE_ADDR="10.0.0.1"
        )
        event = AuditEvent.objects.filter(action="client.view").last()
        assert event is not None
        assert event.ip == "203.0.113.9"

    def test_without_a_proxy_the_header_is_ignored(self, personas, login_as):
        url = reverse("clients:detail", args=[personas.dana_client.public_id])
        login_as(personas.alice).get(url, HTTP_X_FORWARDED_FOR="198.51.100.7")
        event = AuditEvent.objects.filter(action="client.view").last()
        assert event is not None
        assert event.ip == "127.0.0.1"


@pytest.mark.django_db
class AlertReadsAreAuditedTests:
    def test_the_client_page_records_the_alerts_it_shows(self, personas, login_as):
        url = reverse("clients:detail", args=[personas.dana_client.public_id])
        login_as(personas.bob).get(url)
        event = AuditEvent.objects.filter(action="risk_alert.list").last()
        assert event is not None
        assert event.detail == {"alerts": [personas.dana_alert.public_id]}
        assert event.actor == personas.bob


@pytest.mark.django_db
class AlertOfAnEntryInErrorTests:
    def test_the_alert_says_its_entry_was_a_mistake_and_can_be_closed_so(self, personas, login_as):
        measures.administration_mark_entered_in_error(
            actor=personas.alice, administration=personas.dana_phq9, reason="Wrong client"
        )
        http = login_as(personas.alice)
        url = reverse(
            "measures:alert", args=[personas.dana_client.public_id, personas.dana_alert.public_id]
        )
        assert b"entered in error</strong>: Wrong client" in http.get(url).content
        response = http.post(url, {"action": "entered_in_error", "note": "Belongs to Eli."})
        assert response.status_code == 302
        personas.dana_alert.refresh_from_db()
        assert personas.dana_alert.action == "entered_in_error"


@pytest.mark.django_db
class AuditDetailTypesTests:
    @pytest.mark.parametrize("bad", [{"x": 1.5}, {"x": [float("nan")]}, {1: "a"}, {"x": object()}])
    def test_values_that_may_not_round_trip_are_refused(self, bad):
        with pytest.raises(TypeError):
            audit_record(action="test", actor=None, detail=bad)
