from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from milepost.audit.models import AuditEvent
from milepost.clients.models import Client
from milepost.directory.models import Referral, ReferralStatus
from milepost.portal.models import GoalProposal
from tests.directory.helpers import alice_referral, listed

pytestmark = pytest.mark.django_db

ACCEPT = {
    "accept": "1",
    "given_name": "Robin",
    "family_name": "Fairweather",
    "date_of_birth": "1991-03-04",
    "email": "robin@example.net",
}


def _url(referral: Referral) -> str:
    return reverse("directory:referral", args=[referral.public_id])


def test_accepting_creates_the_client_their_words_and_the_invitation(client, personas):
    referral = alice_referral(personas)
    client.force_login(personas.alice)
    response = client.post(_url(referral), ACCEPT)
    assert response.status_code == 302
    robin = Client.objects.get(family_name="Fairweather")
    assert robin.care_team.get().clinician == personas.alice
    proposal = GoalProposal.objects.get(client=robin)
    assert proposal.text == referral.message
    assert mail.outbox[-1].to == ["robin@example.net"]
    referral.refresh_from_db()
    assert (referral.status, referral.client) == (ReferralStatus.ACCEPTED, robin)
    assert AuditEvent.objects.filter(action="referral.accept", client=robin).exists()


def test_a_failed_invitation_leaves_nothing_half_saved(client, personas, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.invites.helpers.FailingMailBackend"}}
    referral = alice_referral(personas)
    client.force_login(personas.alice)
    response = client.post(_url(referral), ACCEPT)
    assert response.status_code == 200
    assert not Client.objects.filter(family_name="Fairweather").exists()
    assert not GoalProposal.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW


def test_accepting_without_a_date_of_birth_names_the_field(client, personas):
    referral = alice_referral(personas)
    client.force_login(personas.alice)
    response = client.post(_url(referral), {**ACCEPT, "date_of_birth": ""})
    assert response.status_code == 200
    assert 'id="id_date_of_birth"' in response.content.decode()
    assert not Client.objects.filter(family_name="Fairweather").exists()


def test_declining(client, personas):
    referral = alice_referral(personas)
    client.force_login(personas.alice)
    client.post(_url(referral), {"decline": "1"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    response = client.post(_url(referral), ACCEPT)
    assert "already declined" in response.content.decode()


@pytest.mark.parametrize("who", ["bob", "frank", "charlie"])
def test_another_clinicians_referral_answers_404(client, personas, who):
    referral = alice_referral(personas)
    client.force_login(getattr(personas, who))
    assert client.get(_url(referral)).status_code == 404
    assert client.post(_url(referral), ACCEPT).status_code == 404


def test_reading_a_referral_is_audited(client, personas):
    referral = alice_referral(personas)
    client.force_login(personas.alice)
    client.get(_url(referral))
    assert AuditEvent.objects.filter(action="referral.read", object_id=referral.public_id).exists()


def test_the_clinician_writes_their_listing(client, personas):
    listed(personas)
    client.force_login(personas.alice)
    response = client.get(reverse("directory:mine"))
    assert b"Shown in" in response.content
    response = client.post(
        reverse("directory:mine"),
        {"listed": "on", "display_name": "Alice E.", "telehealth": "on", "payers": ["Aetna"]},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("directory:mine"), {"display_name": "Alice", "payers": ["Made Up"]}
    )
    assert "Select a valid choice" in response.content.decode()


def test_the_admin_keeps_the_payer_list(client, personas):
    client.force_login(personas.erin)
    client.post(reverse("directory:practice"), {"listed": "on"})
    client.post(reverse("directory:payer_add"), {"name": "Aetna"})
    response = client.get(reverse("directory:practice"))
    assert b"Aetna" in response.content
    response = client.post(reverse("directory:payer_add"), {"name": "aetna"})
    assert b"already on the practice" in response.content
