from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from milepost.audit.models import AuditEvent
from milepost.clients.access import caseload_for_user, client_get_for_portal, client_get_for_user


@pytest.mark.django_db
class ClientGetForUserTests:
    @pytest.mark.parametrize("name", ["alice", "bob", "sam"])
    def test_the_care_team_and_its_supervisor_may_read(self, personas, name):
        user = getattr(personas, name)
        client = client_get_for_user(user, personas.dana_client.public_id)
        assert client == personas.dana_client

    @pytest.mark.parametrize("name", ["frank", "charlie"])
    def test_clinicians_off_the_team_get_not_found(self, personas, name):
        with pytest.raises(Http404):
            client_get_for_user(getattr(personas, name), personas.dana_client.public_id)

    @pytest.mark.parametrize("name", ["erin", "dana"])
    def test_admins_and_clients_are_refused(self, personas, name):
        with pytest.raises(PermissionDenied):
            client_get_for_user(getattr(personas, name), personas.dana_client.public_id)

    def test_a_supervisor_of_nobody_on_the_team_cannot_read(self, personas):
        from milepost.accounts import services

        other_sup = services.user_create(
            actor=None,
            organization=personas.org,
            email="sid@example.org",
            full_name="Sid",
            role="supervisor",
        )
        with pytest.raises(Http404):
            client_get_for_user(other_sup, personas.dana_client.public_id)

    def test_an_inactive_user_reads_nothing(self, personas):
        personas.alice.is_active = False
        personas.alice.save(update_fields=["is_active"])
        with pytest.raises(PermissionDenied):
            client_get_for_user(personas.alice, personas.dana_client.public_id)

    def test_every_read_is_audited(self, personas):
        before = AuditEvent.objects.count()
        client_get_for_user(personas.bob, personas.dana_client.public_id)
        event = AuditEvent.objects.last()
        assert AuditEvent.objects.count() == before + 1
        assert event is not None
        assert (event.action, event.actor, event.client) == (
            "client.view",
            personas.bob,
            personas.dana_client,
        )

    def test_a_refused_read_is_audited_too(self, personas):
        with pytest.raises(Http404):
            client_get_for_user(personas.charlie, personas.dana_client.public_id)
        event = AuditEvent.objects.last()
        assert event is not None
        assert event.action == "client.access_denied"
        assert event.actor == personas.charlie
        assert event.client is None
        assert event.organization == personas.other_org

    def test_a_probe_from_another_practice_is_on_the_clients_practice_trail(self, personas):
        from milepost.audit.context import origin

        with origin("198.51.100.9", "Probe/1.0"), pytest.raises(Http404):
            client_get_for_user(personas.charlie, personas.dana_client.public_id)
        probe = AuditEvent.objects.get(action="client.probed")
        denied = AuditEvent.objects.get(action="client.access_denied")
        assert probe.organization == personas.org
        assert probe.chain == f"org-{personas.org.pk}"
        assert probe.client == personas.dana_client
        assert probe.object_id == personas.dana_client.public_id
        # Nothing of the prober: no account, no address, no browser, no practice.
        assert (probe.actor, probe.ip, probe.user_agent) == (None, "", "")
        assert probe.detail["by"] == "a user of another practice"
        assert set(probe.detail) == {"by", "probe"}
        # A token the installation's operator can match with the asking practice's event.
        assert denied.organization == personas.other_org
        assert denied.detail["probe"] == probe.detail["probe"]
        assert (denied.ip, denied.user_agent) == ("198.51.100.9", "Probe/1.0")

    @pytest.mark.parametrize("name", ["frank"])
    def test_a_refusal_within_the_practice_or_for_no_record_is_no_probe(self, personas, name):
        with pytest.raises(Http404):
            client_get_for_user(getattr(personas, name), personas.dana_client.public_id)
        with pytest.raises(Http404):
            client_get_for_user(personas.charlie, "a" * 16)
        assert not AuditEvent.objects.filter(action="client.probed").exists()
        denied = AuditEvent.objects.filter(action="client.access_denied").last()
        assert denied is not None
        assert "probe" not in denied.detail

    @pytest.mark.parametrize("bad", ["", "1", "../etc", "x" * 300, "Ω" * 16])
    def test_malformed_identifiers_are_not_found(self, personas, bad):
        with pytest.raises(Http404):
            client_get_for_user(personas.alice, bad)


@pytest.mark.django_db
class CaseloadTests:
    def test_a_clinician_sees_their_care_teams(self, personas):
        assert caseload_for_user(personas.alice) == [personas.dana_client]
        assert caseload_for_user(personas.frank) == []

    def test_a_supervisor_sees_their_supervisees_clients_once(self, personas):
        # dana has two supervised clinicians on her team; she is listed once.
        assert caseload_for_user(personas.sam) == [personas.dana_client]

    def test_it_never_crosses_the_organization(self, personas):
        assert caseload_for_user(personas.charlie) == [personas.chris_client]

    def test_it_filters_by_status_and_name(self, personas):
        assert caseload_for_user(personas.alice, status="discharged") == []
        assert caseload_for_user(personas.alice, search="quill") == [personas.dana_client]
        assert caseload_for_user(personas.alice, search="nobody") == []

    def test_the_listing_is_audited_with_the_clients_shown(self, personas):
        caseload_for_user(personas.alice)
        event = AuditEvent.objects.last()
        assert event is not None
        assert event.action == "client.list"
        assert event.detail == {"clients": [personas.dana_client.public_id]}

    def test_admins_have_no_caseload(self, personas):
        with pytest.raises(PermissionDenied):
            caseload_for_user(personas.erin)


@pytest.mark.django_db
class PortalAccessTests:
    def test_a_client_reads_their_own_record(self, personas):
        assert client_get_for_portal(personas.dana) == personas.dana_client

    def test_staff_have_no_portal_record(self, personas):
        with pytest.raises(PermissionDenied):
            client_get_for_portal(personas.alice)
