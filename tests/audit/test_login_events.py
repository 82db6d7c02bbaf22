from __future__ import annotations

import pytest
from django.urls import reverse

from milepost.audit.models import AuditEvent
from tests.base import PASSWORD


@pytest.mark.django_db
class LoginAuditTests:
    def test_a_login_is_recorded(self, personas, client):
        client.post(reverse("login"), {"username": "alice@example.org", "password": PASSWORD})
        event = AuditEvent.objects.filter(action="auth.login").last()
        assert event is not None
        assert event.actor == personas.alice
        assert event.organization == personas.org

    def test_a_failed_login_names_the_account_but_never_the_password(self, personas, client):
        client.post(reverse("login"), {"username": "alice@example.org", "password": "wrong-one"})
        event = AuditEvent.objects.filter(action="auth.login_failed").last()
        assert event is not None
        assert event.object_id == personas.alice.public_id
        assert "wrong-one" not in str(event.chain_fields())

    def test_a_failed_login_for_an_unknown_address_keeps_no_address(self, personas, client):
        client.post(reverse("login"), {"username": "nobody@example.org", "password": "x"})
        event = AuditEvent.objects.filter(action="auth.login_failed").last()
        assert event is not None
        assert "nobody" not in str(event.chain_fields())
