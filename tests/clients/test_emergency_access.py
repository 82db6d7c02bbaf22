"""Break the glass: a clinician outside the care team opens a record for a stated reason,
for a limited time; it is audited and shown to the practice's admins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.clients import services
from milepost.clients.access import (
    client_get_for_user,
    emergency_accesses_for_admin,
    emergency_client_lookup,
)
from milepost.clients.models import EmergencyAccess

pytestmark = pytest.mark.django_db

REASON = "Dana called the crisis line; her clinician is away today."


def _open(personas, **kwargs):
    return services.emergency_access_open(
        actor=personas.frank, client=personas.dana_client, reason=REASON, **kwargs
    )


def test_a_clinician_outside_the_team_cannot_read_the_record(personas):
    with pytest.raises(Http404):
        client_get_for_user(personas.frank, personas.dana_client.public_id)


def test_emergency_access_opens_the_record_and_is_audited(personas):
    grant = _open(personas)
    assert client_get_for_user(personas.frank, personas.dana_client.public_id)
    event = AuditEvent.objects.get(action="client.emergency_access")
    assert (event.actor, event.client) == (personas.frank, personas.dana_client)
    assert REASON not in str(event.detail)  # the reason is kept on the grant, not the trail
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=4)


def test_it_expires(personas, settings):
    grant = _open(personas)
    EmergencyAccess.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(Http404):
        client_get_for_user(personas.frank, personas.dana_client.public_id)


def test_the_duration_is_a_setting(personas, settings):
    settings.EMERGENCY_ACCESS_HOURS = 1
    grant = _open(personas)
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=1)


def test_the_clinician_can_end_it_early(personas):
    grant = _open(personas)
    services.emergency_access_end(actor=personas.frank, grant=grant)
    with pytest.raises(Http404):
        client_get_for_user(personas.frank, personas.dana_client.public_id)
    assert AuditEvent.objects.filter(action="client.emergency_access_end").count() == 1
    with pytest.raises(PermissionDenied):
        services.emergency_access_end(actor=personas.alice, grant=grant)


@pytest.mark.parametrize("reason", ["", "   ", "urgent", "x" * 1001, "\x00" * 20, None])
def test_a_reason_is_required(personas, reason):
    with pytest.raises(ValidationError) as error:
        services.emergency_access_open(
            actor=personas.frank, client=personas.dana_client, reason=reason
        )
    assert "reason" in error.value.message_dict
    assert not EmergencyAccess.objects.exists()


def test_never_across_practices(personas):
    with pytest.raises(PermissionDenied):
        services.emergency_access_open(
            actor=personas.charlie, client=personas.dana_client, reason=REASON
        )
    assert (
        emergency_client_lookup(
            personas.charlie,
            family_name=personas.dana_client.family_name,
            date_of_birth=personas.dana_client.date_of_birth,
        )
        == []
    )


def test_admins_and_clients_cannot_break_the_glass(personas):
    for user in (personas.erin, personas.dana):
        with pytest.raises(PermissionDenied):
            services.emergency_access_open(actor=user, client=personas.dana_client, reason=REASON)


def test_not_for_a_client_already_in_reach(personas):
    with pytest.raises(ValidationError):
        services.emergency_access_open(
            actor=personas.alice, client=personas.dana_client, reason=REASON
        )


def test_lookup_needs_the_exact_family_name_and_date_of_birth(personas):
    dana = personas.dana_client
    found = emergency_client_lookup(
        personas.frank, family_name=dana.family_name.upper(), date_of_birth=dana.date_of_birth
    )
    assert found == [dana]
    assert (
        emergency_client_lookup(
            personas.frank,
            family_name=dana.family_name[:-1],
            date_of_birth=dana.date_of_birth,
        )
        == []
    )
    event = AuditEvent.objects.filter(action="client.emergency_lookup").latest("pk")
    assert event.detail == {"matches": 0}
    assert dana.family_name not in str(event.detail)


def test_the_page_opens_the_record_and_keeps_names_out_of_the_url(personas, login_as):
    http = login_as(personas.frank)
    dana = personas.dana_client
    response = http.post(
        reverse("clients:emergency_access"),
        {
            "family_name": dana.family_name,
            "date_of_birth": dana.date_of_birth.isoformat(),
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[dana.public_id])
    assert dana.family_name not in response["Location"]
    assert http.get(response["Location"]).status_code == 200


def test_the_page_says_when_nobody_matches(personas, login_as):
    response = login_as(personas.frank).post(
        reverse("clients:emergency_access"),
        {"family_name": "Nobody", "date_of_birth": "1990-01-01", "reason": REASON},
    )
    assert response.status_code == 200
    assert "No client of the practice has this family name and date of birth." in (
        response.content.decode()
    )
    assert not EmergencyAccess.objects.exists()


def test_the_admin_sees_every_grant_with_its_reason(personas, login_as):
    _open(personas)
    grants = emergency_accesses_for_admin(personas.erin)
    assert [g.clinician for g in grants] == [personas.frank]
    response = login_as(personas.erin).get(reverse("clients_practice:emergency_access_report"))
    body = response.content.decode()
    assert REASON.replace("'", "&#x27;") in body
    assert personas.dana_client.public_id in body
    assert personas.dana_client.family_name not in body
    with pytest.raises(PermissionDenied):
        emergency_accesses_for_admin(personas.alice)
