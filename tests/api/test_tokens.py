"""Token authentication: who a request is, and when it is nobody (401)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient
from django.utils import timezone

from milepost.api import services
from milepost.api.models import ApiToken
from milepost.audit.models import AuditEvent
from tests.api.helpers import ApiClient, token_for

pytestmark = pytest.mark.django_db


def _is_401(response) -> None:
    assert response.status_code == 401
    assert response.json()["field"] is None
    assert response["WWW-Authenticate"].startswith("Bearer")


class TokenAuthenticationTests:
    def test_a_valid_token_is_its_user(self, personas):
        response = ApiClient(token_for(personas.alice)).get("/clients")
        assert response.status_code == 200
        assert [c["id"] for c in response.json()] == [personas.dana_client.public_id]
        event = AuditEvent.objects.filter(action="client.list").latest("id")
        assert event.actor == personas.alice

    def test_no_token_is_401(self, personas):
        _is_401(ApiClient().get("/clients"))

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer mp_not-a-real-token",
            "Bearer ",
            "Bearer " + "mp_" + "a" * 500,
            "Basic YWxpY2U6cGFzc3dvcmQ=",
            "mp_without-a-scheme",
        ],
    )
    def test_a_wrong_token_is_401(self, personas, header):
        response = HttpClient().get("/api/v1/clients", headers={"Authorization": header})
        _is_401(response)

    def test_a_revoked_token_is_401(self, personas):
        token, raw = services.api_token_create(actor=personas.alice, name="sync")
        assert ApiClient(raw).get("/clients").status_code == 200
        services.api_token_revoke(actor=personas.alice, token=token)
        _is_401(ApiClient(raw).get("/clients"))

    def test_an_expired_token_is_401(self, personas):
        soon = timezone.now() + dt.timedelta(days=1)
        token, raw = services.api_token_create(actor=personas.alice, name="sync", expires_at=soon)
        assert ApiClient(raw).get("/clients").status_code == 200
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        _is_401(ApiClient(raw).get("/clients"))

    def test_the_token_of_a_deactivated_user_is_401(self, personas):
        raw = token_for(personas.alice)
        personas.alice.is_active = False
        personas.alice.save(update_fields=["is_active"])
        _is_401(ApiClient(raw).get("/clients"))

    def test_use_updates_last_used_at(self, personas):
        token, raw = services.api_token_create(actor=personas.alice, name="sync")
        assert token.last_used_at is None
        ApiClient(raw).get("/clients")
        token.refresh_from_db()
        assert token.last_used_at is not None
        assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)

    def test_only_a_hash_and_a_short_prefix_are_stored(self, personas):
        token, raw = services.api_token_create(actor=personas.alice, name="sync")
        row = ApiToken.objects.filter(pk=token.pk).values().get()
        assert row["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
        assert row["prefix"] == raw[:11]
        assert not any(raw in str(value) for value in row.values())
        assert len(raw) > 40  # 32 random bytes, url-safe, after "mp_"

    def test_a_presented_token_is_judged_alone_even_with_a_session(self, personas):
        http = HttpClient()
        http.force_login(personas.alice)
        response = http.get("/api/v1/clients", headers={"Authorization": "Bearer mp_wrong"})
        _is_401(response)

    def test_a_token_wins_over_the_session_of_someone_else(self, personas):
        http = HttpClient()
        http.force_login(personas.charlie)
        response = ApiClient(token_for(personas.alice), http=http).get("/clients")
        assert [c["id"] for c in response.json()] == [personas.dana_client.public_id]


class SessionAuthenticationTests:
    """The docs page's "Try it out" uses the session, with the CSRF token for writes."""

    def _smart(self, http: HttpClient, **headers: str):
        return http.post(
            "/api/v1/smart",
            {"text": "Walk 3 times a week by June"},
            content_type="application/json",
            headers=headers,
        )

    def test_a_signed_in_user_reads_with_the_session(self, personas):
        http = HttpClient()
        http.force_login(personas.alice)
        assert http.get("/api/v1/clients").status_code == 200

    def test_an_unsafe_method_needs_the_csrf_token(self, personas):
        http = HttpClient(enforce_csrf_checks=True)
        http.force_login(personas.alice)
        refused = self._smart(http)
        assert refused.status_code == 403
        assert refused.json() == {
            "message": "CSRF check failed: send the X-CSRFToken header.",
            "field": None,
        }
        http.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page does
        csrf = http.cookies["csrftoken"].value
        assert self._smart(http, **{"X-CSRFToken": csrf}).status_code == 200

    def test_an_anonymous_write_is_401_not_a_csrf_failure(self, personas):
        _is_401(self._smart(HttpClient(enforce_csrf_checks=True)))


class TokenServiceTests:
    def test_making_and_revoking_are_audited(self, personas):
        token, _ = services.api_token_create(actor=personas.alice, name="sync")
        services.api_token_revoke(actor=personas.alice, token=token)
        actions = list(
            AuditEvent.objects.filter(object_id=token.public_id).values_list("action", "actor")
        )
        assert actions == [
            ("api_token.create", personas.alice.pk),
            ("api_token.revoke", personas.alice.pk),
        ]

    @pytest.mark.parametrize("name", ["erin", "dana"])
    def test_only_clinical_roles_get_tokens(self, personas, name):
        with pytest.raises(PermissionDenied):
            services.api_token_create(actor=getattr(personas, name), name="x")

    @pytest.mark.parametrize(
        ("name", "expires_in", "field"),
        [
            ("", None, "name"),
            ("a\x00b", None, "name"),
            ("x" * 101, None, "name"),
            ("sync", dt.timedelta(days=-1), "expires_at"),
            ("sync", dt.timedelta(days=800), "expires_at"),
        ],
    )
    def test_bad_values_name_their_field(self, personas, name, expires_in, field):
        expires_at = timezone.now() + expires_in if expires_in else None
        with pytest.raises(ValidationError) as caught:
            services.api_token_create(actor=personas.alice, name=name, expires_at=expires_at)
        assert field in caught.value.error_dict
        assert not ApiToken.objects.exists()

    def test_nobody_revokes_another_users_token(self, personas):
        token, raw = services.api_token_create(actor=personas.alice, name="sync")
        with pytest.raises(PermissionDenied):
            services.api_token_revoke(actor=personas.bob, token=token)
        assert ApiClient(raw).get("/clients").status_code == 200

    def test_revoking_twice_says_so(self, personas):
        token, _ = services.api_token_create(actor=personas.alice, name="sync")
        services.api_token_revoke(actor=personas.alice, token=token)
        with pytest.raises(ValidationError):
            services.api_token_revoke(actor=personas.alice, token=token)
