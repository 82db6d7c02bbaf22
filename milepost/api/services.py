"""Use cases for API tokens: make one (its secret is returned once), revoke one, and
authenticate a request's token. Making and revoking are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.api.models import ApiToken
from milepost.audit.services import audit_record
from milepost.lib.validation import clean_text, raise_errors

# "mp_" makes a leaked token recognisable to secret scanners; the rest is 256 random bits.
TOKEN_MARK = "mp_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(TOKEN_MARK) + 8
# Anything longer than a real token is refused before it is hashed.
MAX_TOKEN_LENGTH = 100
MAX_LIFETIME = dt.timedelta(days=730)
# last_used_at is rewritten at most this often: one write per request would be wasted.
_TOUCH_EVERY = dt.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of `actor`, and its secret: show it once, it cannot be read again.

    Only clinicians and supervisors get tokens: the API serves clinical work only.
    """
    membership = require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    errors: dict[str, str] = {}
    clean_name = clean_text(errors, "name", name, required=True, max_length=100)
    now = timezone.now()
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            errors["expires_at"] = "Give the expiry with a time zone."
        elif expires_at <= now:
            errors["expires_at"] = "The expiry must be in the future."
        elif expires_at > now + MAX_LIFETIME:
            errors["expires_at"] = "A token lives at most two years."
    raise_errors(errors)
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=clean_name,
        prefix=raw[:PREFIX_LENGTH],
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        action="api_token.create",
        actor=actor,
        organization=membership.organization,
        object_type="api_token",
        object_id=token.public_id,
        detail={"expires": expires_at.isoformat() if expires_at else None},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError({"token": "This token was already revoked."})
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    membership = getattr(actor, "membership", None)
    audit_record(
        action="api_token.revoke",
        actor=actor,
        organization=membership.organization if membership else None,
        object_type="api_token",
        object_id=locked.public_id,
    )
    return locked


def api_token_authenticate(raw: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, expired)."""
    if not raw.startswith(TOKEN_MARK) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
