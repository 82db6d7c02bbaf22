"""A SMART app's side of the flows, driven through Django's test client (nothing leaves the
machine): PKCE authorisation for a clinician, signed client assertions for a backend
service, and a requests adapter so that a real client library talks to the test server."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client as HttpClient
from requests.adapters import BaseAdapter

from milepost.accounts.models import Role, User
from milepost.fhirapi import services
from milepost.fhirapi.models import SmartApp

BASE = "http://testserver/fhir"
TOKEN_URL = f"{BASE}/auth/token"
AUTHORIZE_URL = f"{BASE}/auth/authorize"
REDIRECT = "http://localhost:9000/callback"


def admin_of(user) -> User:
    """The practice admin of `user`'s practice, who registers its apps."""
    return User.objects.get(
        membership__organization=user.membership.organization, membership__role=Role.ADMIN
    )


def public_app(clinician, name: str = "Outcome viewer", **extra) -> SmartApp:
    """A public app a clinician opens, registered by the admin of `clinician`'s practice."""
    app, _ = services.smart_app_register(
        actor=admin_of(clinician),
        name=name,
        redirect_uris=REDIRECT,
        launch_uri="http://localhost:9000/launch",
        **extra,
    )
    return app


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize_params(app: SmartApp, scope: str, challenge: str | None, **extra: str) -> dict:
    params = {
        "response_type": "code",
        "client_id": app.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-" + secrets.token_hex(4),
        "aud": BASE,
        **extra,
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params


def form_data(page, **form: str) -> dict:
    """The consent form as the page filled it, allowed, with `form` on top."""
    data = {**page.context["form"].initial, "allow": "on", **form}
    return {k: v for k, v in data.items() if v is not None}


def consent(http: HttpClient, params: dict, **form: str):
    """Open the consent page and allow; the response is the redirect back to the app."""
    page = http.get("/fhir/auth/authorize", params)
    assert page.status_code == 200, page.status_code
    return http.post("/fhir/auth/authorize?" + urlencode(params), form_data(page, **form))


def code_from(response) -> str:
    assert response.status_code == 302, response.status_code
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "code" in query, response["Location"]
    return query["code"][0]


def token_for(http: HttpClient, app: SmartApp, scope: str, **form: str) -> dict:
    """The whole standalone flow: consent, then the code for a token (PKCE)."""
    verifier, challenge = pkce()
    params = authorize_params(app, scope, challenge)
    code = code_from(consent(http, params, **form))
    response = HttpClient().post(
        "/fhir/auth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.application.client_id,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def get(path: str, token: str | None, **params: str):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return HttpClient().get(path, params, headers=headers)


# ---------------------------------------------------------------- backend services


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def jwks(key, kid: str) -> dict:
    public = json.loads(jwt.algorithms.get_default_algorithms()[_alg(key)].to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "alg": _alg(key)}]}


def _alg(key) -> str:
    return "ES384" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS384"


def backend_app(owner, key, kid: str = "k1", *, approve: bool = True) -> SmartApp:
    """A backend service acting for `owner`, registered by their practice's admin and (unless
    told otherwise) approved by `owner`."""
    app, _ = services.smart_app_register(
        actor=admin_of(owner), name="Registry sync", jwks=jwks(key, kid), acts_for=owner
    )
    if approve:
        services.smart_app_approve(actor=owner, app=app)
    return app


def assertion(app: SmartApp, key, kid: str = "k1", **claims) -> str:
    client_id = app.application.client_id
    body = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "exp": int(time.time()) + 240,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    return jwt.encode(body, key, algorithm=_alg(key), headers={"kid": kid})


def backend_token_response(signed: str, scope: str = "system/*.rs"):
    return HttpClient().post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "scope": scope,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": signed,
        },
    )


# ---------------------------------------------------------------- requests → test client


class DjangoAdapter(BaseAdapter):
    """Sends a `requests` request to Django's test client and turns the answer back into a
    `requests.Response`, so a client library runs unchanged against the test server."""

    def __init__(self, http: HttpClient | None = None) -> None:
        super().__init__()
        self.http = http or HttpClient()

    def send(self, request, **kwargs):  # type: ignore[override]
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in request.headers.items()
            if name.lower() not in ("content-type", "content-length")
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        method = request.method.lower()
        if method in ("post", "put", "patch"):
            answer = getattr(self.http, method)(
                path, data=body, content_type=content_type, **headers
            )
        else:
            answer = getattr(self.http, method)(path, **headers)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = requests.structures.CaseInsensitiveDict(answer.items())
        response.raw = io.BytesIO(answer.content)
        response._content = answer.content
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass
