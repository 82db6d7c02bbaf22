"""Keeping an uploaded Bundle while the clinician confirms an import (decision 0521).

``pending_keep`` stores the file and returns an opaque token; the view puts the token in
the session (one per client) and in the confirmation form, never in a URL.
``pending_take`` gives the file back only to the same user, for the same client, with the
token the session holds, before it expires. The token itself is never stored: the row
holds its SHA-256, as API tokens are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.interop.models import PendingImport

PENDING_MINUTES = 30
_SESSION_KEY = "interop.pending_imports"  # client public id → token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _tokens(session: SessionBase) -> dict[str, str]:
    kept = session.get(_SESSION_KEY)
    return dict(kept) if isinstance(kept, dict) else {}


@transaction.atomic
def pending_keep(*, session: SessionBase, user: User, client: Client, content: bytes) -> str:
    """Keep `content` for `user` to confirm into `client`; the token for the form."""
    now = timezone.now()
    PendingImport.objects.filter(expires_at__lte=now).delete()
    tokens = _tokens(session)
    if client.public_id in tokens:  # a new upload replaces the one kept before
        PendingImport.objects.filter(
            token_hash=_hash(tokens[client.public_id]), user=user, client=client
        ).delete()
    token = secrets.token_urlsafe(32)
    PendingImport.objects.create(
        token_hash=_hash(token),
        user=user,
        client=client,
        content=content,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=PENDING_MINUTES),
    )
    tokens[client.public_id] = token
    session[_SESSION_KEY] = tokens
    return token


def pending_take(
    *, session: SessionBase, user: User, client: Client, token: object
) -> bytes | None:
    """The kept file, when `token` is the one this session holds for `client`, kept by
    `user` and not expired; None otherwise (tampered, another user's, used or expired)."""
    if not isinstance(token, str) or not token or token != _tokens(session).get(client.public_id):
        return None
    pending = PendingImport.objects.filter(
        token_hash=_hash(token), user=user, client=client, expires_at__gt=timezone.now()
    ).first()
    return bytes(pending.content) if pending is not None else None


def pending_drop(*, session: SessionBase, user: User, client: Client) -> None:
    """Forget the file kept for `client` (imported, or replaced by a new choice)."""
    tokens = _tokens(session)
    token = tokens.pop(client.public_id, None)
    if token is not None:
        PendingImport.objects.filter(token_hash=_hash(token), user=user, client=client).delete()
        session[_SESSION_KEY] = tokens
