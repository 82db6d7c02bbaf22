"""OpenID Connect for SMART App Launch: `openid fhirUser` gives an id_token, signed RS256 with
the server's key, whose `fhirUser` claim is the clinician's Practitioner on this server; the
discovery documents advertise it; without a key it is off and refused."""

from __future__ import annotations

import jwt
import pytest
from django.test import Client as HttpClient

from milepost.audit.models import AuditEvent
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver"


def _verified(id_token: str, audience: str) -> dict:
    """The id_token's claims, verified as an app would: the issuer's discovery document, its
    JWKS, RS256, the app's client id as the audience."""
    discovery = HttpClient().get("/.well-known/openid-configuration").json()
    assert discovery["issuer"] == ISSUER
    keys = HttpClient().get(discovery["jwks_uri"].removeprefix(ISSUER)).json()
    [key] = jwt.PyJWKSet.from_dict(keys).keys
    return jwt.decode(id_token, key=key.key, algorithms=["RS256"], audience=audience, issuer=ISSUER)


def test_openid_fhiruser_gives_an_id_token_naming_the_practitioner(personas, login_as):
    app = helpers.public_app(personas.alice)
    dana = personas.dana_client.public_id
    token = helpers.token_for(
        login_as(personas.alice), app, "openid fhirUser launch/patient patient/*.rs", patient=dana
    )
    assert token["patient"] == dana
    claims = _verified(token["id_token"], app.application.client_id)
    fhir_user = f"{helpers.BASE}/Practitioner/{personas.alice.public_id}"
    assert claims["fhirUser"] == fhir_user
    assert claims["sub"] == personas.alice.public_id
    # The claim resolves on this server, with the same access token.
    practitioner = helpers.get(fhir_user.removeprefix("http://testserver"), token["access_token"])
    assert practitioner.status_code == 200
    body = practitioner.json()
    assert (body["resourceType"], body["id"]) == ("Practitioner", personas.alice.public_id)
    assert body["name"][0]["text"] == personas.alice.full_name
    event = AuditEvent.objects.filter(action="practitioner.fhir_read").latest("id")
    assert event.detail["app"] == app.application.client_id


def test_userinfo_answers_the_same_claims(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "openid fhirUser user/*.rs")
    answer = helpers.get("/fhir/auth/userinfo", token["access_token"])
    assert answer.status_code == 200
    assert answer.json()["fhirUser"].endswith(f"/Practitioner/{personas.alice.public_id}")


def test_without_fhiruser_the_id_token_has_no_fhiruser_claim(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "openid user/*.rs")
    claims = _verified(token["id_token"], app.application.client_id)
    assert "fhirUser" not in claims
    assert claims["sub"] == personas.alice.public_id


def test_without_openid_there_is_no_id_token(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")
    assert "id_token" not in token


def test_discovery_advertises_openid_connect(personas):
    smart = HttpClient().get("/.well-known/smart-configuration").json()
    assert {"openid", "fhirUser"} <= set(smart["scopes_supported"])
    assert "sso-openid-connect" in smart["capabilities"]
    assert smart["issuer"] == ISSUER
    assert smart["jwks_uri"] == f"{helpers.BASE}/auth/jwks"
    assert smart["userinfo_endpoint"] == f"{helpers.BASE}/auth/userinfo"
    statement = HttpClient().get("/fhir/metadata").json()
    security = statement["rest"][0]["security"]
    codes = {e.get("valueCode") for e in security["extension"]}
    assert {"sso-openid-connect", "launch-ehr", "client-confidential-asymmetric"} <= codes
    assert {"type": "Practitioner", "interaction": [{"code": "read"}]} in statement["rest"][0][
        "resource"
    ]


def test_another_practitioner_needs_a_practitioner_scope(personas, login_as):
    app = helpers.public_app(personas.alice)
    identity = helpers.token_for(login_as(personas.alice), app, "openid fhirUser")["access_token"]
    bob = f"/fhir/Practitioner/{personas.bob.public_id}"
    assert helpers.get(bob, identity).status_code == 403
    reader = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    assert helpers.get(bob, reader).status_code == 200
    # Someone of another practice, or a practice admin, is no practitioner of this one.
    for person in (personas.charlie, personas.erin):
        assert helpers.get(f"/fhir/Practitioner/{person.public_id}", reader).status_code == 404
    assert helpers.get("/fhir/Practitioner", reader).status_code == 405
    assert helpers.get("/fhir/Practitioner/%00", reader).status_code == 404


def test_a_backend_service_cannot_ask_for_openid(personas):
    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key)
    response = helpers.backend_token_response(
        helpers.assertion(app, key), scope="openid system/*.rs"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_without_a_key_openid_connect_is_off(personas, login_as, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ENABLED": False,
        "OIDC_RSA_PRIVATE_KEY": "",
    }
    smart = HttpClient().get("/.well-known/smart-configuration").json()
    assert "openid" not in smart["scopes_supported"]
    assert "issuer" not in smart
    assert "sso-openid-connect" not in smart["capabilities"]
    assert HttpClient().get("/.well-known/openid-configuration").status_code == 404
    assert HttpClient().get("/fhir/auth/jwks").status_code == 404
    app = helpers.public_app(personas.alice)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "openid fhirUser user/*.rs", challenge)
    response = login_as(personas.alice).get("/fhir/auth/authorize", params)
    assert response.status_code == 302
    assert "error=invalid_scope" in response["Location"]
