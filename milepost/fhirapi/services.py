"""Writes of the SMART side: registering an app, starting an EHR launch, using it up."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import Application

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.models import Client
from milepost.fhirapi.models import Launch, SmartApp

LAUNCH_LIFETIME = dt.timedelta(minutes=5)


@transaction.atomic
def smart_app_register(
    *,
    actor: User,
    name: str,
    redirect_uris: str = "",
    launch_uri: str = "",
    jwks: dict[str, Any] | None = None,
    client_id: str = "",
) -> SmartApp:
    """Register a SMART app for `actor`'s practice.

    With `jwks` it is a backend service (client credentials, private_key_jwt) acting for
    `actor`; without, a public app a clinician launches (authorisation code with PKCE).
    """
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    if not name.strip():
        raise ValidationError({"name": "Name the app."})
    if jwks is not None and not (isinstance(jwks, dict) and jwks.get("keys")):
        raise ValidationError({"jwks": "A backend service needs a JSON Web Key Set with keys."})
    if jwks is None and not redirect_uris.strip():
        raise ValidationError(
            {"redirect_uris": "An app a clinician launches needs a redirect URI."}
        )
    extra = {"client_id": client_id} if client_id else {}
    application = Application.objects.create(
        name=name.strip()[:255],
        user=actor,
        client_type=Application.CLIENT_CONFIDENTIAL if jwks else Application.CLIENT_PUBLIC,
        authorization_grant_type=(
            Application.GRANT_CLIENT_CREDENTIALS if jwks else Application.GRANT_AUTHORIZATION_CODE
        ),
        redirect_uris=redirect_uris.strip(),
        algorithm="",
        **extra,
    )
    app = SmartApp.objects.create(application=application, launch_uri=launch_uri, jwks=jwks or {})
    audit_record(
        action="smart_app.register",
        actor=actor,
        organization=actor.membership.organization,
        object_type="smart_app",
        object_id=app.public_id,
        detail={"client_id": application.client_id, "backend": bool(jwks)},
    )
    return app


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
