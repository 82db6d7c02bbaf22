"""SMART on FHIR on top of django-oauth-toolkit (decision 0920).

- :class:`SmartScopes`: every SMART scope (milepost/domain/fhir_access.py) is known, with a
  description for the consent page.
- :class:`SmartValidator`: scopes are checked against the grant (a backend service asks for
  ``system/`` scopes only; a clinician's app for ``patient/`` and ``user/`` scopes); a
  backend service authenticates with a signed JWT (``private_key_jwt``, RS384 or ES384,
  SMART Backend Services); the patient chosen at authorisation follows the code into the
  token, whose response names it (``patient``); a revoked app, or a backend service its
  clinician has not approved, is no client at all; with ``openid fhirUser`` the token
  response carries an OpenID Connect id_token (RS256, the toolkit's OIDC support) whose
  ``fhirUser`` claim is the user's Practitioner (decision 0931).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import jwt
from django.core.exceptions import DisallowedHost
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

from milepost.clients.models import Client
from milepost.domain import fhir_access
from milepost.fhirapi.models import GrantContext, SmartApp, TokenContext, UsedAssertion

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# SMART Backend Services 2.2.0: servers SHALL support RS384 and ES384.
ASSERTION_ALGORITHMS = ("RS384", "ES384")
# The longest an assertion may live (SMART: "no more than five minutes in the future").
ASSERTION_MAX_LIFETIME = dt.timedelta(minutes=5)
# Scopes asking for the user's identity (SMART App Launch 2.2.0, "Scopes for requesting
# identity data"): an id_token, and in it the user's FHIR resource.
IDENTITY_SCOPES = frozenset({"openid", "fhirUser"})


def oidc_enabled() -> bool:
    """OpenID Connect is on when the server has its RS256 signing key (settings)."""
    return bool(oauth2_settings.OIDC_ENABLED and oauth2_settings.OIDC_RSA_PRIVATE_KEY)


class _Descriptions(dict[str, str]):
    def __missing__(self, scope: str) -> str:
        return describe(scope)


def describe(scope: str) -> str:
    """A scope in words, for the consent page."""
    words = {
        "launch": "Open with the record you have open in Milepost",
        "launch/patient": "Choose which client's record to open",
        "openid": "Know who you are (OpenID Connect)",
        "fhirUser": "Know your clinician record in Milepost (name, NPI, licence)",
        "offline_access": "Keep access after you sign out, until you revoke it",
        "online_access": "Keep access while you are signed in",
    }
    if scope in words:
        return words[scope]
    grant = fhir_access.parse_scope(scope)
    assert grant is not None
    what = "every kind of record" if grant.resource_type == "*" else grant.resource_type
    verbs = []
    if "r" in grant.letters or "s" in grant.letters:
        verbs.append("read")
    if "c" in grant.letters or "u" in grant.letters or "d" in grant.letters:
        verbs.append("write")
    whose = {
        "patient": "of the chosen client",
        "user": "of every client you may see",
        "system": "of the clients its owner may see",
    }[grant.context]
    return f"{' and '.join(verbs).capitalize()} {what} {whose}"


class SmartScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return _Descriptions()

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        requested = getattr(request, "scopes", None) or []
        return [s for s in requested if fhir_access.is_scope(s)]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return []


def _checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SmartValidator(OAuth2Validator):
    # The fhirUser claim goes into the id_token (and userinfo) with the fhirUser scope.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "fhirUser": "fhirUser"}

    # ------------------------------------------------------------ the registered app

    def _load_application(self, client_id: str, request: Any) -> Any:
        """The toolkit's application, only if it is a SMART app that may get tokens now:
        not revoked, and for a backend service approved by the clinician it acts for."""
        application = super()._load_application(client_id, request)
        if application is None:
            return None
        app = SmartApp.objects.filter(application=application).first()
        if app is None or not app.usable:
            request.client = None
            return None
        return application

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        """The toolkit's check (used by userinfo), with the token's scopes as granted: SMART
        scopes are patterns, so the scopes backend lists no fixed set to pick them from."""
        if not super().validate_bearer_token(token, scopes, request):
            return False
        access_token = request.access_token
        app = SmartApp.objects.filter(application_id=access_token.application_id).first()
        if app is None or not app.usable:
            return False
        request.scopes = str(access_token.scope).split()
        return True

    # ------------------------------------------------------------ scopes

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        if not scopes or not all(fhir_access.is_scope(s) for s in scopes):
            return False
        contexts = fhir_access.contexts(scopes)
        identity = IDENTITY_SCOPES & set(scopes)
        if identity and not oidc_enabled():
            return False
        if request.grant_type == "client_credentials":
            launch = {"launch", "launch/patient"} & set(scopes)
            return contexts <= {"system"} and not launch and not identity
        return "system" not in contexts

    # ------------------------------------------------------------ OpenID Connect

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return issuer(request)

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        """`sub` is the user's public id (never the database key); `fhirUser` the absolute
        URL of their Practitioner resource on this server."""
        user = request.user
        return {
            "sub": str(user.public_id),
            "fhirUser": f"{fhir_base(request)}/Practitioner/{user.public_id}",
        }

    # ------------------------------------------------------------ private_key_jwt

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        assertion_type = getattr(request, "client_assertion_type", None)
        if assertion_type is None:
            return bool(super().authenticate_client(request, *args, **kwargs))
        if assertion_type != JWT_BEARER:
            return False
        app = self._asserted_app(request)
        if app is None:
            return False
        request.client = app.application
        request.client_id = app.application.client_id
        request.smart_app = app
        return True

    def _asserted_app(self, request: Any) -> SmartApp | None:
        """The app whose key signed `client_assertion`, if the assertion is good and new."""
        assertion = getattr(request, "client_assertion", None) or ""
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        client_id = claims.get("iss")
        if not isinstance(client_id, str) or claims.get("sub") != client_id:
            return None
        app = (
            SmartApp.objects.select_related("application__user")
            .filter(application__client_id=client_id)
            .first()
        )
        if app is None or not app.is_backend or not app.usable:
            return None
        if header.get("alg") not in ASSERTION_ALGORITHMS:
            return None
        audience = _token_url(request)
        verified = None
        for key in _keys(app.jwks, header.get("kid")):
            try:
                verified = jwt.decode(
                    assertion,
                    key=key,
                    algorithms=list(ASSERTION_ALGORITHMS),
                    audience=audience,
                    issuer=client_id,
                    options={"require": ["exp", "jti", "iss", "sub", "aud"]},
                )
                break
            except jwt.PyJWTError:
                continue
        if verified is None:
            return None
        expires = dt.datetime.fromtimestamp(int(verified["exp"]), tz=dt.UTC)
        if expires > timezone.now() + ASSERTION_MAX_LIFETIME:
            return None
        UsedAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
        try:
            with transaction.atomic():
                UsedAssertion.objects.create(app=app, jti=str(verified["jti"]), expires_at=expires)
        except IntegrityError:
            return None  # replayed
        return app

    # ------------------------------------------------------------ the patient context

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        grant = self._create_authorization_code(request, code)
        client = getattr(request, "smart_client", None)
        if client is not None:
            GrantContext.objects.create(grant=grant, client=client)

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = bool(super().validate_code(client_id, code, client, request, *args, **kwargs))
        if valid:
            context = GrantContext.objects.filter(grant__code=code).select_related("client")
            found = context.first()
            request.smart_client = found.client if found is not None else None
        return valid

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = bool(
            super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        )
        if valid:
            previous = getattr(request, "refresh_token_instance", None)
            old = getattr(previous, "access_token", None)
            found = TokenContext.objects.filter(access_token=old).first() if old else None
            request.smart_client = found.client if found is not None else None
        return valid

    def _save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kw: Any) -> Any:
        result = super()._save_bearer_token(token, request, *args, **kw)
        client: Client | None = getattr(request, "smart_client", None)
        if client is not None:
            access = AccessToken.objects.get(token_checksum=_checksum(token["access_token"]))
            TokenContext.objects.create(access_token=access, client=client)
            token["patient"] = client.public_id
            token["need_patient_banner"] = True
        return result


class _OAuthlibHttpRequest(HttpRequest):
    """A Django request rebuilt from an oauthlib one; the toolkit marks a request that came
    over HTTPS with X_DJANGO_OAUTH_TOOLKIT_SECURE."""

    def __init__(self, *, secure: bool) -> None:
        super().__init__()
        self._secure = secure

    def _get_scheme(self) -> str:
        return "https" if self._secure else "http"


def _absolute(request: Any, path: str) -> str:
    """An absolute URL on this server for an oauthlib request (or a Django one): rebuilt
    from the request's WSGI environment, which the toolkit passes as its headers (so the
    allowed hosts and a proxy's HTTPS header count as they do for any page)."""
    if isinstance(request, HttpRequest):
        return request.build_absolute_uri(path)
    http = _OAuthlibHttpRequest(secure=bool(request.headers.get("X_DJANGO_OAUTH_TOOLKIT_SECURE")))
    http.META = dict(request.headers)
    http.path = path
    try:
        return http.build_absolute_uri(path)
    except DisallowedHost:
        return ""


def _token_url(request: Any) -> str:
    """The token endpoint's absolute URL, as the assertion's `aud` must name it."""
    return _absolute(request, request.uri.split("?", 1)[0])


def issuer(request: Any) -> str:
    """The OpenID Connect issuer: the server's root URL. It is what the toolkit already
    sends as the authorisation response's `iss` (RFC 9207), and
    `<issuer>/.well-known/openid-configuration` is its discovery document."""
    return _absolute(request, "/").rstrip("/")


def fhir_base(request: Any) -> str:
    return _absolute(request, reverse("fhir:metadata")).removesuffix("/metadata")


def _keys(jwks: dict[str, Any], kid: object) -> list[Any]:
    """The public keys of a JSON Web Key Set, those with the header's `kid` first."""
    try:
        key_set = jwt.PyJWKSet.from_dict(jwks)
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, json.JSONDecodeError):
        return []
    keys = list(key_set.keys)
    keys.sort(key=lambda k: k.key_id != kid)
    return [k.key for k in keys]
