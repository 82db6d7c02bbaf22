"""Writes of the SMART side: registering, approving and revoking an app; EHR launches.

A practice admin registers the practice's SMART apps and revokes them (decision 0930). A
backend service acts for a clinician or supervisor named at registration, and gets no token
until that person approves it: an admin, who reads no clinical records, cannot make a
service read a caseload on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.validators import AllowedURIValidator

from milepost.accounts.access import membership_of, require_membership
from milepost.accounts.models import CLINICAL_ROLES, Role, User
from milepost.audit.services import audit_record
from milepost.clients.models import Client
from milepost.fhirapi import keys
from milepost.fhirapi.models import Launch, SmartApp

LAUNCH_LIFETIME = dt.timedelta(minutes=5)
MAX_REDIRECT_URIS = 10


def _redirect_uris(text: str) -> str:
    uris = text.split()
    if not uris:
        raise ValidationError(
            {"redirect_uris": "An app a clinician opens needs at least one redirect URI."}
        )
    if len(uris) > MAX_REDIRECT_URIS:
        raise ValidationError({"redirect_uris": f"Give at most {MAX_REDIRECT_URIS} redirect URIs."})
    validator = AllowedURIValidator(
        oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES,
        name="Redirect URI",
        allow_path=True,
        allow_query=True,
    )
    for uri in uris:
        try:
            validator(uri)
        except ValidationError:
            schemes = " or ".join(oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES)
            raise ValidationError(
                {"redirect_uris": f"{uri[:80]!r} is not an absolute {schemes} URL."}
            ) from None
    return " ".join(uris)


def _launch_uri(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    try:
        URLValidator(schemes=list(oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES))(text)
    except ValidationError:
        raise ValidationError(
            {"launch_uri": f"{text[:80]!r} is not an absolute URL the browser can open."}
        ) from None
    return text


def _acting_clinician(actor: User, acts_for: User | None) -> User:
    membership = membership_of(acts_for) if acts_for is not None else None
    if (
        acts_for is None
        or membership is None
        or membership.role not in CLINICAL_ROLES
        or membership.organization_id != actor.membership.organization_id
    ):
        raise ValidationError(
            {"acts_for": "Choose the clinician or supervisor of the practice it acts for."}
        )
    return acts_for


@transaction.atomic
def smart_app_register(
    *,
    actor: User,
    name: str,
    redirect_uris: str = "",
    launch_uri: str = "",
    confidential: bool = False,
    jwks: dict[str, Any] | str | None = None,
    acts_for: User | None = None,
    client_id: str = "",
) -> tuple[SmartApp, str]:
    """Register a SMART app for the practice of `actor`, a practice admin.

    With `jwks` (a JSON Web Key Set of public keys, or one public key in PEM) it is a
    backend service (client credentials, private_key_jwt) acting for `acts_for`, waiting
    for their approval. Without, an app a clinician opens (authorisation code with PKCE):
    public, or confidential with a client secret. Returns the app and the secret, shown
    once ("" for an app without one); Milepost keeps only its hash.
    """
    membership = require_membership(actor, Role.ADMIN)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the app."})
    if len(name) > 255:
        raise ValidationError({"name": "Keep the name under 255 characters."})
    if client_id and Application.objects.filter(client_id=client_id).exists():
        raise ValidationError({"client_id": "Another app has that client id."})
    backend = jwks is not None
    secret = ""
    if jwks is not None:
        key_set = keys.public_key_set(jwks)
        owner: User | None = _acting_clinician(actor, acts_for)
        uris, launch = "", ""
        client_type = Application.CLIENT_CONFIDENTIAL
        grant_type = Application.GRANT_CLIENT_CREDENTIALS
        algorithm = Application.NO_ALGORITHM
    else:
        key_set = {}
        owner = None
        uris, launch = _redirect_uris(redirect_uris), _launch_uri(launch_uri)
        client_type = Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC
        grant_type = Application.GRANT_AUTHORIZATION_CODE
        # id_tokens (OpenID Connect, `openid fhirUser`) are signed with the server's RS256 key.
        algorithm = Application.RS256_ALGORITHM
        if confidential:
            secret = generate_client_secret()
    extra = {"client_id": client_id} if client_id else {}
    application = Application.objects.create(
        name=name,
        user=owner,
        client_type=client_type,
        authorization_grant_type=grant_type,
        redirect_uris=uris,
        algorithm=algorithm,
        # The toolkit stores a hash of the secret; a public app or a backend service has
        # none it could use (a backend authenticates with its key).
        client_secret=secret or generate_client_secret(),
        **extra,
    )
    app = SmartApp.objects.create(
        application=application,
        organization=membership.organization,
        registered_by=actor,
        launch_uri=launch,
        jwks=key_set,
    )
    audit_record(
        action="smart_app.register",
        actor=actor,
        organization=membership.organization,
        object_type="smart_app",
        object_id=app.public_id,
        detail={
            "client_id": application.client_id,
            "backend": backend,
            "client_type": client_type,
            "ehr_launch": bool(launch),
            "acts_for": owner.public_id if owner is not None else None,
            "key_ids": app.key_ids,
        },
    )
    return app, secret


def _end_tokens(app: SmartApp) -> int:
    application = app.application
    ended = AccessToken.objects.filter(application=application).count()
    RefreshToken.objects.filter(application=application).delete()
    AccessToken.objects.filter(application=application).delete()
    IDToken.objects.filter(application=application).delete()
    Grant.objects.filter(application=application).delete()
    return ended


@transaction.atomic
def smart_app_revoke(*, actor: User, app: SmartApp) -> None:
    """Revoke an app: every token and code it holds ends now, and it gets no new one."""
    membership = require_membership(actor, Role.ADMIN)
    if app.organization_id != membership.organization_id:
        raise PermissionDenied
    if app.revoked_at is not None:
        raise ValidationError("The app was already revoked.")
    app.revoked_at = timezone.now()
    app.revoked_by = actor
    app.save(update_fields=["revoked_at", "revoked_by"])
    Launch.objects.filter(app=app, used_at__isnull=True).delete()
    audit_record(
        action="smart_app.revoke",
        actor=actor,
        organization=membership.organization,
        object_type="smart_app",
        object_id=app.public_id,
        detail={"client_id": app.application.client_id, "tokens_ended": _end_tokens(app)},
    )


def _own_backend_service(actor: User, app: SmartApp) -> None:
    require_membership(actor, *CLINICAL_ROLES)
    if not app.is_backend or app.application.user_id != actor.pk or app.revoked_at is not None:
        raise PermissionDenied


@transaction.atomic
def smart_app_approve(*, actor: User, app: SmartApp) -> None:
    """The clinician a backend service acts for approves it: from now on it may get tokens."""
    _own_backend_service(actor, app)
    if app.approved_at is not None:
        return
    app.approved_at = timezone.now()
    app.save(update_fields=["approved_at"])
    audit_record(
        action="smart_app.approve",
        actor=actor,
        organization=actor.membership.organization,
        object_type="smart_app",
        object_id=app.public_id,
        detail={"client_id": app.application.client_id},
    )


@transaction.atomic
def smart_app_refuse(*, actor: User, app: SmartApp) -> None:
    """The clinician a backend service acts for refuses it (or withdraws an approval): the
    app is revoked, as if the admin had revoked it."""
    _own_backend_service(actor, app)
    app.revoked_at = timezone.now()
    app.revoked_by = actor
    app.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action="smart_app.refuse",
        actor=actor,
        organization=actor.membership.organization,
        object_type="smart_app",
        object_id=app.public_id,
        detail={"client_id": app.application.client_id, "tokens_ended": _end_tokens(app)},
    )


def launch_start(*, actor: User, client: Client, app: SmartApp) -> str:
    """Record an EHR launch of `app` on `client` (already read for `actor`) and return its
    opaque launch value, good once for a few minutes."""
    value = secrets.token_urlsafe(32)
    Launch.objects.create(
        token_hash=hashlib.sha256(value.encode("ascii")).hexdigest(),
        app=app,
        user=actor,
        client=client,
        expires_at=timezone.now() + LAUNCH_LIFETIME,
    )
    audit_record(
        action="client.smart_launch",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"app": str(app.application.client_id)},
    )
    return value


def launch_use(*, actor: User, value: str) -> None:
    Launch.objects.filter(
        token_hash=hashlib.sha256(value.encode("utf-8")).hexdigest(), user=actor
    ).update(used_at=timezone.now())
