"""SMART Backend Services: a system signs a JWT with its private key (private_key_jwt) and
gets a token with system/ scopes; it reads what the clinician it acts for may read, once
that clinician has approved it (a practice admin registers it)."""

from __future__ import annotations

import time

import pytest

from milepost.fhirapi import services
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make_key", [helpers.rsa_key, helpers.ec_key], ids=["RS384", "ES384"])
def test_a_signed_assertion_gets_a_system_token_that_reads_the_owners_caseload(personas, make_key):
    key = make_key()
    app = helpers.backend_app(personas.alice, key)
    response = helpers.backend_token_response(helpers.assertion(app, key))
    assert response.status_code == 200, response.content
    token = response.json()
    assert token["scope"] == "system/*.rs"
    assert "patient" not in token
    found = helpers.get("/fhir/Patient", token["access_token"]).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [personas.dana_client.public_id]
    chris = helpers.get(f"/fhir/Patient/{personas.chris_client.public_id}", token["access_token"])
    assert chris.status_code == 404


def test_an_assertion_is_accepted_once(personas):
    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key)
    signed = helpers.assertion(app, key)
    assert helpers.backend_token_response(signed).status_code == 200
    again = helpers.backend_token_response(signed)
    assert again.status_code == 401
    assert again.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://elsewhere.example/token"},
        {"exp": int(time.time()) - 10},
        {"exp": int(time.time()) + 3600},
        {"sub": "someone-else"},
    ],
    ids=["wrong audience", "expired", "lives too long", "sub is not the client"],
)
def test_a_bad_assertion_is_refused(personas, claims):
    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key)
    response = helpers.backend_token_response(helpers.assertion(app, key, **claims))
    assert response.status_code == 401


def test_a_key_that_is_not_registered_is_refused(personas):
    app = helpers.backend_app(personas.alice, helpers.rsa_key())
    response = helpers.backend_token_response(helpers.assertion(app, helpers.rsa_key()))
    assert response.status_code == 401


def test_rs256_is_not_one_of_the_algorithms(personas):
    import jwt

    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key)
    client_id = app.application.client_id
    signed = jwt.encode(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": helpers.TOKEN_URL,
            "exp": int(time.time()) + 60,
            "jti": "j",
        },
        key,
        algorithm="RS256",
        headers={"kid": "k1"},
    )
    assert helpers.backend_token_response(signed).status_code == 401


@pytest.mark.parametrize("scope", ["user/*.rs", "patient/*.rs", "launch system/*.rs"])
def test_a_system_asks_for_system_scopes_only(personas, scope):
    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key)
    response = helpers.backend_token_response(helpers.assertion(app, key), scope=scope)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_only_a_practice_admin_registers_a_backend_service(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.smart_app_register(
            actor=personas.alice,
            name="Payroll",
            jwks=helpers.jwks(helpers.rsa_key(), "k"),
            acts_for=personas.alice,
        )


def test_a_backend_service_acts_for_a_clinician_of_the_practice_only(personas):
    from django.core.exceptions import ValidationError

    for someone in (personas.erin, personas.charlie, personas.dana, None):
        with pytest.raises(ValidationError) as refused:
            services.smart_app_register(
                actor=personas.erin,
                name="Payroll",
                jwks=helpers.jwks(helpers.rsa_key(), "k"),
                acts_for=someone,
            )
        assert "acts_for" in refused.value.message_dict


def test_an_unapproved_service_gets_no_token(personas):
    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key, approve=False)
    assert helpers.backend_token_response(helpers.assertion(app, key)).status_code == 401
    services.smart_app_approve(actor=personas.alice, app=app)
    assert helpers.backend_token_response(helpers.assertion(app, key)).status_code == 200
