"""The pages where a user makes (sees once) and revokes their own API tokens."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from milepost.accounts.policies import Policy
from milepost.api.models import ApiToken
from milepost.api.services import api_token_create
from tests.api.helpers import ApiClient
from tests.base import PERSONA_NAMES
from tests.test_access_matrix import EXPECTED, _http, _outcome, _walk

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]


class TokenPageTests:
    def test_a_new_token_is_shown_once_and_works(self, login_as, personas):
        http = login_as(personas.alice)
        response = http.post(reverse("tokens:list"), {"name": "EHR sync", "lifetime": "30"})
        assert response.status_code == 201
        assert response["Cache-Control"] == "no-store, private"
        token = ApiToken.objects.get(user=personas.alice)
        secret = response.context["secret"]
        assert secret.startswith(token.prefix)
        assert secret.encode() in response.content
        assert token.expires_at is not None
        assert ApiClient(secret).get("/clients").status_code == 200
        # Never again: not on the next page, not in the session.
        again = http.get(reverse("tokens:list"))
        assert secret.encode() not in again.content
        assert token.prefix.encode() in again.content
        assert secret not in str(dict(http.session))

    def test_a_name_is_required(self, login_as, personas):
        response = login_as(personas.alice).post(reverse("tokens:list"), {"name": ""})
        assert response.status_code == 400
        assert not ApiToken.objects.exists()

    def test_a_token_is_revoked(self, login_as, personas):
        token, secret = api_token_create(actor=personas.alice, name="sync")
        http = login_as(personas.alice)
        response = http.post(reverse("tokens:revoke"), {"token": token.public_id}, follow=True)
        assert b"no longer works" in response.content
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert ApiClient(secret).get("/clients").status_code == 401

    def test_nobody_revokes_another_users_token(self, login_as, personas):
        token, _secret = api_token_create(actor=personas.alice, name="Alice's own")
        response = login_as(personas.bob).post(
            reverse("tokens:revoke"), {"token": token.public_id}, follow=True
        )
        assert b"not one of yours" in response.content
        token.refresh_from_db()
        assert token.revoked_at is None
        assert b"Alice&#x27;s own" in login_as(personas.alice).get(reverse("tokens:list")).content
        assert b"Alice&#x27;s own" not in login_as(personas.bob).get(reverse("tokens:list")).content

    def test_the_page_links_the_docs(self, login_as, personas):
        response = login_as(personas.alice).get(reverse("tokens:list"))
        assert reverse("api:openapi-view").encode() in response.content


def _token_routes():
    return [
        r for r in _walk(get_resolver("tests.api.urls").url_patterns) if r.namespace == "tokens"
    ]


def test_the_token_pages_declare_a_policy():
    routes = _token_routes()
    assert {r.name for r in routes} == {"tokens:list", "tokens:revoke"}
    for route in routes:
        assert getattr(route.callback, "access_policy", None) is Policy.CLINICAL, route.name


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_each_persona_gets_what_the_policy_allows(personas, persona, method):
    # What tests/test_access_matrix.py checks once config/urls.py includes these pages.
    for route in _token_routes():
        response = getattr(_http(personas, persona), method)(reverse(route.name))
        if response.status_code == 405:
            continue
        expected = EXPECTED[route.callback.access_policy][persona]
        assert _outcome(response) == expected, f"{persona} {method} {route.name}"


@pytest.mark.parametrize("value", ["\x00", "<script>alert(1)</script>", "9999-99-99", "x" * 5000])
def test_hostile_form_values_are_refused_not_failures(login_as, personas, value):
    data = {"name": value, "lifetime": value, "token": value}
    for name in ("alice", "erin"):
        http = login_as(getattr(personas, name))
        for url in (reverse("tokens:list"), reverse("tokens:revoke")):
            for response in (http.get(url, data), http.post(url, data)):
                assert response.status_code < 500
                assert b"<script>alert(1)</script>" not in response.content
    assert not ApiToken.objects.exists()
