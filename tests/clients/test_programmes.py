"""Programmes (decision 1010): the practice defines them, a client's care team puts the client
in one on the client's page, and each change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_verify
from milepost.clients import services
from milepost.clients.models import Client, Programme

pytestmark = pytest.mark.django_db

PROGRAMMES = reverse("clients_practice:programmes")


def test_supervisors_and_admins_define_programmes(personas):
    made = services.programme_create(actor=personas.sam, name="  Adult   anxiety clinic ")
    assert made.name == "Adult anxiety clinic"
    assert made.organization == personas.org
    services.programme_create(actor=personas.erin, name="Couples service")
    event = AuditEvent.objects.get(action="programme.create", object_id=made.public_id)
    assert event.actor == personas.sam
    for user in (personas.alice, personas.dana):
        with pytest.raises(PermissionDenied):
            services.programme_create(actor=user, name="Trauma service")


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Name the programme"), ("x" * 81, "under 80"), ("adult ANXIETY clinic", "already")],
)
def test_a_bad_name_is_named(personas, name, message):
    services.programme_create(actor=personas.sam, name="Adult anxiety clinic")
    with pytest.raises(ValidationError) as error:
        services.programme_create(actor=personas.sam, name=name)
    assert message in error.value.message_dict["name"][0]


def test_the_care_team_sets_the_programme_and_it_is_audited(personas):
    programme = services.programme_create(actor=personas.sam, name="Depression pathway")
    client = personas.dana_client
    services.client_programme_set(actor=personas.bob, client=client, programme=programme)
    assert Client.objects.get(pk=client.pk).programme == programme
    services.client_programme_set(actor=personas.alice, client=client, programme=None)
    assert Client.objects.get(pk=client.pk).programme is None
    events = AuditEvent.objects.filter(action="client.programme", client=client).order_by("id")
    assert [e.detail for e in events] == [
        {"from": "", "to": programme.public_id},
        {"from": programme.public_id, "to": ""},
    ]
    assert audit_verify().ok


def test_no_one_outside_the_care_team_and_no_other_practices_programme(personas):
    programme = services.programme_create(actor=personas.sam, name="Depression pathway")
    with pytest.raises(PermissionDenied):
        services.client_programme_set(
            actor=personas.frank, client=personas.dana_client, programme=programme
        )
    elsewhere = Programme.objects.create(organization=personas.other_org, name="Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.client_programme_set(
            actor=personas.alice, client=personas.dana_client, programme=elsewhere
        )
    assert "programme" in error.value.message_dict
    assert Client.objects.get(pk=personas.dana_client.pk).programme is None


def test_the_clients_page_sets_the_programme(personas, login_as):
    programme = services.programme_create(actor=personas.sam, name="Depression pathway")
    client = personas.dana_client
    http = login_as(personas.alice)
    page = http.get(reverse("clients:detail", args=[client.public_id]))
    assert "Depression pathway" in page.content.decode()
    url = reverse("clients:programme", args=[client.public_id])
    response = http.post(url, {"programme": programme.public_id}, follow=True)
    assert "Saved the programme." in response.content.decode()
    assert Client.objects.get(pk=client.pk).programme == programme
    refused = http.post(url, {"programme": "not-a-programme"}, follow=True)
    assert "Programme: Select a valid choice" in refused.content.decode()
    assert Client.objects.get(pk=client.pk).programme == programme
    assert login_as(personas.frank).post(url, {"programme": ""}).status_code == 404
    assert Client.objects.get(pk=client.pk).programme == programme


def test_the_practice_page_lists_and_adds_programmes(personas, login_as):
    http = login_as(personas.erin)
    added = http.post(PROGRAMMES, {"name": "Couples service"}, follow=True)
    assert "Added the programme Couples service." in added.content.decode()
    again = http.post(PROGRAMMES, {"name": "couples service"})
    assert "already has a programme" in again.content.decode()
    assert Programme.objects.filter(organization=personas.org).count() == 1
    assert login_as(personas.alice).get(PROGRAMMES).status_code == 403


def test_a_programme_in_use_is_never_deleted_with_its_clients(personas):
    from django.db.models import ProtectedError

    programme = services.programme_create(actor=personas.sam, name="Depression pathway")
    services.client_programme_set(
        actor=personas.alice, client=personas.dana_client, programme=programme
    )
    with pytest.raises(ProtectedError):
        programme.delete()
