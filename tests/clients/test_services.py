from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_verify
from milepost.clients import services
from milepost.clients.models import Client


def _new(actor, **overrides):
    values: dict[str, Any] = {
        "given_name": "Eli",
        "family_name": "Stone",
        "date_of_birth": dt.date(1999, 9, 9),
    }
    values.update(overrides)
    return services.client_create(actor=actor, **values)


@pytest.mark.django_db
class ClientCreateTests:
    def test_the_creator_becomes_primary_clinician(self, personas):
        client = _new(personas.alice)
        member = client.care_team.get()
        assert (member.clinician, member.is_primary) == (personas.alice, True)
        assert client.organization == personas.org
        assert AuditEvent.objects.filter(action="client.create", client=client).exists()
        assert audit_verify().ok

    def test_public_ids_are_opaque(self, personas):
        a, b = _new(personas.alice), _new(personas.alice)
        assert a.public_id != b.public_id
        assert len(a.public_id) == 16
        assert not a.public_id.isdigit()
        assert "eli" not in a.public_id.lower()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("given_name", "   "),
            ("family_name", ""),
            ("date_of_birth", dt.date(1850, 1, 1)),
            ("date_of_birth", "1990-01-01"),
            ("status", "vanished"),
        ],
    )
    def test_bad_values_name_their_field_and_save_nothing(self, personas, field, value):
        count = Client.objects.count()
        with pytest.raises(ValidationError) as caught:
            _new(personas.alice, **{field: value})
        assert field in caught.value.error_dict
        assert Client.objects.count() == count

    def test_a_birth_date_in_the_future_is_refused(self, personas):
        with pytest.raises(ValidationError) as caught:
            _new(personas.alice, date_of_birth=timezone.localdate() + dt.timedelta(days=1))
        assert "date_of_birth" in caught.value.error_dict

    def test_admins_and_clients_cannot_create_clients(self, personas):
        for user in (personas.erin, personas.dana):
            with pytest.raises(PermissionDenied):
                _new(user)


@pytest.mark.django_db
class ClientUpdateTests:
    def test_it_saves_the_changed_fields_and_audits_their_names_only(self, personas):
        client = personas.dana_client
        services.client_update(actor=personas.alice, client=client, pronouns="they/them")
        client.refresh_from_db()
        assert client.pronouns == "they/them"
        event = AuditEvent.objects.last()
        assert event is not None
        assert event.detail == {"fields": ["pronouns"]}
        assert "they/them" not in str(event.chain_fields())

    def test_unknown_fields_are_refused(self, personas):
        with pytest.raises(ValidationError) as caught:
            services.client_update(
                actor=personas.alice, client=personas.dana_client, organization=personas.other_org
            )
        assert "organization" in caught.value.error_dict


@pytest.mark.django_db
class CareTeamTests:
    def test_a_colleague_can_be_added_once(self, personas):
        services.care_team_add(
            actor=personas.alice, client=personas.dana_client, clinician=personas.frank
        )
        services.care_team_add(
            actor=personas.alice, client=personas.dana_client, clinician=personas.frank
        )
        assert personas.dana_client.care_team.filter(clinician=personas.frank).count() == 1

    @pytest.mark.parametrize("name", ["charlie", "erin", "dana"])
    def test_only_clinicians_of_the_practice_can_join(self, personas, name):
        with pytest.raises(ValidationError):
            services.care_team_add(
                actor=personas.alice, client=personas.dana_client, clinician=getattr(personas, name)
            )

    def test_making_someone_primary_moves_the_role(self, personas):
        services.care_team_add(
            actor=personas.alice,
            client=personas.dana_client,
            clinician=personas.bob,
            is_primary=True,
        )
        primary = personas.dana_client.care_team.get(is_primary=True)
        assert primary.clinician == personas.bob

    def test_the_last_clinician_cannot_be_removed(self, personas):
        client = _new(personas.alice)
        with pytest.raises(ValidationError):
            services.care_team_remove(actor=personas.alice, client=client, clinician=personas.alice)

    def test_removing_the_primary_promotes_the_next(self, personas):
        services.care_team_remove(
            actor=personas.alice, client=personas.dana_client, clinician=personas.alice
        )
        assert personas.dana_client.care_team.get().clinician == personas.bob
        assert personas.dana_client.care_team.get().is_primary
