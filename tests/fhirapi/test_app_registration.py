"""A practice admin registers the practice's SMART apps on /practice/apps/ and revokes them;
a backend service works once the clinician it acts for approves it (/account/apps/). The
page shows client ids, kinds, addresses and key ids — no client's data — and every change
is on the audit trail."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import PermissionDenied
from django.test import Client as HttpClient
from jwcrypto.jwk import JWK

from milepost.audit.models import AuditEvent
from milepost.fhirapi import services
from milepost.fhirapi.models import SmartApp
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db

PAGE = "/practice/apps/"


def _register(http, **form: str):
    data = {"name": "Outcome viewer", "kind": "public", "redirect_uris": helpers.REDIRECT}
    return http.post(PAGE, {**data, **form})


def test_an_admin_registers_a_public_app_and_sees_its_client_id(personas, login_as):
    http = login_as(personas.erin)
    response = _register(http, launch_uri="http://localhost:9000/launch")
    assert response.status_code == 201
    app = SmartApp.objects.get(application__name="Outcome viewer")
    assert app.application.client_id.encode() in response.content
    assert app.application.client_type == "public"
    assert app.organization == personas.org
    assert app.registered_by == personas.erin
    event = AuditEvent.objects.get(action="smart_app.register")
    assert event.actor == personas.erin
    assert event.detail["client_id"] == app.application.client_id
    assert event.detail["ehr_launch"] is True
    listing = http.get(PAGE).content.decode()
    assert "EHR launch and standalone" in listing
    # The app is offered on a client's record (EHR launch) to the practice's clinicians.
    launch = login_as(personas.alice).get(f"/fhir/launch/{personas.dana_client.public_id}/")
    assert app in launch.context["apps"]


def test_a_confidential_app_gets_a_secret_shown_once_that_the_token_endpoint_needs(
    personas, login_as
):
    response = _register(login_as(personas.erin), kind="confidential")
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret
    assert secret.encode() in response.content
    app = response.context["created"]
    assert app.application.client_type == "confidential"
    assert secret not in app.application.client_secret  # only a hash is kept
    assert secret.encode() not in login_as(personas.erin).get(PAGE).content

    verifier, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "user/*.rs", challenge)
    code = helpers.code_from(helpers.consent(login_as(personas.alice), params))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": helpers.REDIRECT,
        "code_verifier": verifier,
    }
    without = HttpClient().post(
        "/fhir/auth/token", {**form, "client_id": app.application.client_id}
    )
    assert without.status_code == 401
    basic = base64.b64encode(f"{app.application.client_id}:{secret}".encode()).decode()
    with_secret = HttpClient().post(
        "/fhir/auth/token", form, headers={"Authorization": f"Basic {basic}"}
    )
    assert with_secret.status_code == 200, with_secret.content
    # client_secret_post: the secret in the form, for a second code.
    verifier, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "user/*.rs", challenge)
    code = helpers.code_from(helpers.consent(login_as(personas.alice), params))
    posted = HttpClient().post(
        "/fhir/auth/token",
        {
            **form,
            "code": code,
            "code_verifier": verifier,
            "client_id": app.application.client_id,
            "client_secret": secret,
        },
    )
    assert posted.status_code == 200, posted.content


def test_a_backend_service_by_pem_waits_for_its_clinicians_approval(personas, login_as):
    key = helpers.rsa_key()
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    response = _register(
        login_as(personas.erin),
        name="Registry sync",
        kind="backend",
        redirect_uris="",
        jwks=pem.decode(),
        acts_for=personas.alice.public_id,
    )
    assert response.status_code == 201, response.context["form"].errors
    app = response.context["created"]
    [jwk] = app.jwks["keys"]
    assert jwk["alg"] == "RS384"
    assert "d" not in jwk
    kid = jwk["kid"]
    assert kid == JWK.from_pem(pem).thumbprint()  # RFC 7638
    assert b"Awaiting approval" in login_as(personas.erin).get(PAGE).content

    refused = helpers.backend_token_response(helpers.assertion(app, key, kid=kid))
    assert refused.status_code == 401  # not approved yet

    alice = login_as(personas.alice)
    listed = alice.get("/account/apps/")
    assert app in listed.context["apps"]
    assert login_as(personas.bob).get("/account/apps/").context["apps"] == []
    assert alice.post("/account/apps/decide/", {"app": app.public_id, "decision": "approve"})
    assert AuditEvent.objects.filter(action="smart_app.approve", actor=personas.alice).exists()
    granted = helpers.backend_token_response(helpers.assertion(app, key, kid=kid))
    assert granted.status_code == 200, granted.content
    found = helpers.get("/fhir/Patient", granted.json()["access_token"]).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [personas.dana_client.public_id]


def test_a_clinician_refusing_a_backend_service_revokes_it(personas, login_as):
    key = helpers.ec_key()
    app = helpers.backend_app(personas.alice, key, approve=False)
    # Bob cannot decide for Alice.
    login_as(personas.bob).post(
        "/account/apps/decide/", {"app": app.public_id, "decision": "approve"}
    )
    app.refresh_from_db()
    assert app.approved_at is None
    login_as(personas.alice).post(
        "/account/apps/decide/", {"app": app.public_id, "decision": "refuse"}
    )
    app.refresh_from_db()
    assert app.revoked_at is not None
    assert app.revoked_by == personas.alice
    event = AuditEvent.objects.get(action="smart_app.refuse")
    assert event.actor == personas.alice
    assert event.detail["client_id"] == app.application.client_id
    assert helpers.backend_token_response(helpers.assertion(app, key)).status_code == 401


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"redirect_uris": "not a url"}, "redirect_uris", "not an absolute"),
        ({"redirect_uris": ""}, "redirect_uris", "at least one redirect URI"),
        ({"launch_uri": "javascript:alert(1)"}, "launch_uri", "not an absolute URL"),
        ({"kind": "backend", "jwks": "", "acts_for": ""}, "jwks", "public keys"),
        ({"kind": "backend", "jwks": "{}", "acts_for": "u_nobody"}, "acts_for", "Select a valid"),
        ({"kind": "backend", "jwks": '{"keys": []}'}, "jwks", "list of"),
        ({"kind": "backend", "jwks": "hello"}, "jwks", "Paste a JSON Web Key Set"),
        ({"kind": "backend", "jwks": "[" * 5000}, "jwks", "Paste a JSON Web Key Set"),
        (
            {"kind": "backend", "jwks": '{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}'},
            "jwks",
            "not a usable public key",
        ),
    ],
)
def test_bad_registrations_name_the_field_and_save_nothing(personas, login_as, form, field, says):
    if form.get("kind") == "backend" and "acts_for" not in form:
        form = {**form, "acts_for": personas.alice.public_id}
    response = _register(login_as(personas.erin), **form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert says in " ".join(errors[field])
    assert not SmartApp.objects.exists()


def test_a_private_key_is_refused_and_never_kept(personas, login_as):
    key = helpers.rsa_key()
    private = json.loads(
        __import__("jwt").algorithms.RSAAlgorithm.to_jwk(key)  # with "d", "p", "q"…
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    for pasted in (json.dumps({"keys": [private]}), pem):
        response = _register(
            login_as(personas.erin),
            kind="backend",
            jwks=pasted,
            acts_for=personas.alice.public_id,
        )
        assert response.status_code == 400
        assert "private key" in " ".join(response.context["form"].errors["jwks"])
    assert not SmartApp.objects.exists()


def test_weak_keys_are_refused(personas):
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from django.core.exceptions import ValidationError

    p256 = ec.generate_private_key(ec.SECP256R1())
    rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the point)
    for key, says in ((p256, "P-384"), (rsa1024, "2048 bits")):
        with pytest.raises(ValidationError, match=says):
            helpers.backend_app(personas.alice, key)


def test_revoking_ends_the_apps_tokens_and_its_sign_in(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    assert helpers.get("/fhir/Patient", token).status_code == 200
    admin = login_as(personas.erin)
    revoked = admin.post("/practice/apps/revoke/", {"app": app.public_id})
    assert revoked.status_code == 302
    assert helpers.get("/fhir/Patient", token).status_code == 401
    event = AuditEvent.objects.get(action="smart_app.revoke")
    assert event.detail == {"client_id": app.application.client_id, "tokens_ended": 1}
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "user/*.rs", challenge)
    assert login_as(personas.alice).get("/fhir/auth/authorize", params).status_code == 400
    launch = login_as(personas.alice).get(f"/fhir/launch/{personas.dana_client.public_id}/")
    assert launch.context["apps"] == []
    assert b"Revoked" in admin.get(PAGE).content
    again = admin.post("/practice/apps/revoke/", {"app": app.public_id}, follow=True)
    assert b"already revoked" in again.content


def test_only_the_practices_admin_manages_its_apps(personas, login_as):
    app = helpers.public_app(personas.alice)
    for user in (personas.alice, personas.sam, personas.dana):
        assert login_as(user).get(PAGE).status_code == 403
        assert (
            login_as(user).post("/practice/apps/revoke/", {"app": app.public_id}).status_code == 403
        )
    with pytest.raises(PermissionDenied):
        services.smart_app_register(
            actor=personas.alice, name="Mine", redirect_uris=helpers.REDIRECT
        )
    # An admin of another practice (made here: the personas have none) cannot revoke it.
    from milepost.accounts import services as accounts
    from milepost.accounts.models import Role

    other = accounts.user_create(
        actor=None,
        organization=personas.other_org,
        email="oscar@example.org",
        full_name="Oscar Other",
        role=Role.ADMIN,
        password="a-long-enough-password-1",
    )
    response = login_as(other).post("/practice/apps/revoke/", {"app": app.public_id}, follow=True)
    assert b"not one of the practice" in response.content
    nul = login_as(personas.erin).post("/practice/apps/revoke/", {"app": "\x00"}, follow=True)
    assert b"not one of the practice" in nul.content
    app.refresh_from_db()
    assert app.revoked_at is None


def test_the_page_shows_no_clients_data(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(
        login_as(personas.alice),
        app,
        "launch/patient patient/*.rs",
        patient=personas.dana_client.public_id,
    )["access_token"]
    helpers.get("/fhir/Observation", token)
    content = login_as(personas.erin).get(PAGE).content
    for secret in (b"Quillfeather", b"Dana", personas.dana_client.public_id.encode()):
        assert secret not in content
