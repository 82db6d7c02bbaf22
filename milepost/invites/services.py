"""Use cases of portal invitations: send, revoke, accept. Each checks access and audits.

Neither the token nor its hash ever reaches the audit trail, a log or an e-mail subject:
events name the invitation by its public id.
"""

from __future__ import annotations

import re
import secrets
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients import services as clients
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.invites.models import Invitation, token_hash
from milepost.lib.validation import raise_errors

# The subject names no one and nothing clinical: it shows on lock screens and shared inboxes.
SUBJECT = "Your invitation to Milepost"
GONE_MESSAGE = (
    "This invitation link has expired or was already used. Ask your therapist for a new one."
)
# One answer whenever an address belongs to an account, here or in another practice: it must
# not tell a clinician (or whoever holds an invitation) which addresses have Milepost logins.
ADDRESS_UNUSABLE = (
    "This address cannot be used for a new portal login; use another address or ask the "
    "practice admin."
)
# secrets.token_urlsafe(32) gives 43 characters; anything far from that shape is unknown.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


class InvitationGone(Exception):
    """The token names no usable invitation: unknown, expired, used or revoked."""


@dataclass(frozen=True)
class Issued:
    invitation: Invitation
    token: str  # only ever handed to the e-mail; never stored, logged or audited
    # The open invitations this one revoked: reopened if its e-mail cannot be sent.
    superseded: tuple[int, ...] = ()


def _care_team_actor(actor: User, client: Client) -> None:
    """A clinician or supervisor who may read `client` now (clients/access.py's rule)."""
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


def _normalise_email(errors: dict[str, str], email: object) -> str:
    value = email.strip().lower() if isinstance(email, str) else ""
    if not value:
        errors["email"] = "Enter the client's e-mail address."
        return ""
    try:
        if len(value) > 254:
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError:
        errors["email"] = "Enter a valid e-mail address."
    return value


def _revoke_open(client: Client, *, actor: User | None, superseded: bool) -> tuple[int, ...]:
    now = timezone.now()
    revoked = []
    for old in Invitation.objects.select_for_update().filter(
        client=client, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        revoked.append(old.pk)
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoke",
            actor=actor,
            client=client,
            object_type="invitation",
            object_id=old.public_id,
            detail={"superseded": superseded},
        )
    return tuple(revoked)


@transaction.atomic
def invitation_create(*, actor: User, client: Client, email: str) -> Issued:
    """A new open invitation (revoking any open one) without sending it; `invitation_send`
    sends it. The token is returned once and exists nowhere else."""
    _care_team_actor(actor, client)
    # Lock the client: two sends at once must not both find no open invitation.
    client = Client.objects.select_for_update().get(pk=client.pk)
    errors: dict[str, str] = {}
    address = _normalise_email(errors, email)
    raise_errors(errors)
    if client.portal_user_id is not None:
        raise ValidationError("This client already has a portal login.")
    if User.objects.filter(email=address).exists():
        raise ValidationError({"email": ADDRESS_UNUSABLE})
    superseded = _revoke_open(client, actor=actor, superseded=True)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        client=client, email=address, token_hash=token_hash(token), invited_by=actor
    )
    audit_record(
        action="invitation.send",
        actor=actor,
        client=client,
        object_type="invitation",
        object_id=invitation.public_id,
        detail={"expires_at": invitation.expires_at.isoformat()},
    )
    return Issued(invitation, token, superseded)


def invitation_link(token: str, *, fallback_base_url: str) -> str:
    """The accept page's absolute URL: settings.PORTAL_BASE_URL when set (production),
    else the address the clinician's request came to."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or fallback_base_url
    return base.rstrip("/") + reverse("invites:accept", kwargs={"token": token})


def invitation_send(
    *, actor: User, client: Client, email: str, fallback_base_url: str
) -> Invitation:
    """Invite `client` to the portal by e-mail; a new invitation revokes the open one.

    The e-mail goes out after the invitation is saved, outside the transaction, so no
    database lock is held while a mail server answers. If sending fails, the new invitation
    is revoked again, the one it replaced is reopened (a resend that fails must not leave
    the client without a working link), and the error names the e-mail field.
    """
    issued = invitation_create(actor=actor, client=client, email=email)
    invitation = issued.invitation
    body = render_to_string(
        "invites/email.txt",
        {
            "link": invitation_link(issued.token, fallback_base_url=fallback_base_url),
            "expires_at": invitation.expires_at,
        },
    )
    message = EmailMessage(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        invitation_revoke(actor=actor, invitation=invitation)
        _reopen(actor, client, issued.superseded)
        raise ValidationError(
            {"email": "The e-mail could not be sent. Check the address and try again."}
        ) from None
    return invitation


@transaction.atomic
def _reopen(actor: User, client: Client, superseded: tuple[int, ...]) -> None:
    """Reopen the invitation a failed resend revoked, unless something happened meanwhile:
    another invitation is open, the client has a login, or it has expired."""
    if not superseded:
        return
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.portal_user_id is not None:
        return
    open_now = Invitation.objects.filter(
        client=client, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if open_now.exists():
        return
    now = timezone.now()
    for old in (
        Invitation.objects.select_for_update()
        .filter(pk__in=superseded, accepted_at__isnull=True, expires_at__gt=now)
        .exclude(revoked_at__isnull=True)
        .order_by("-created_at", "-id")[:1]
    ):
        old.revoked_at = None
        old.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.reopen",
            actor=actor,
            client=client,
            object_type="invitation",
            object_id=old.public_id,
            detail={"reason": "resend_failed"},
        )


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """End an open invitation: its link then answers as expired."""
    _care_team_actor(actor, invitation.client)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoke",
            actor=actor,
            client=invitation.client,
            object_type="invitation",
            object_id=invitation.public_id,
            detail={"superseded": False},
        )
    return invitation


def _find(token: object, *, lock: bool) -> Invitation | None:
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    invitations = Invitation.objects.select_related("client", "client__organization")
    if lock:
        # The invitation row only: the client is locked on its own when needed, and the
        # organisation never (PostgreSQL would lock every joined row; SQLite ignores both).
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=token_hash(token)).first()


def _refuse(invitation: Invitation | None) -> InvitationGone:
    """The one answer for every unusable token; a known invitation records the attempt."""
    if invitation is not None:
        audit_record(
            action="invitation.accept_refused",
            actor=None,
            client=invitation.client,
            object_type="invitation",
            object_id=invitation.public_id,
            detail={"state": str(invitation.state())},
        )
    return InvitationGone(GONE_MESSAGE)


def invitation_for_token(token: object) -> Invitation:
    """The open invitation a link names, for showing the accept page; InvitationGone else."""
    invitation = _find(token, lock=False)
    if invitation is None or not invitation.is_usable() or invitation.client.portal_user_id:
        raise _refuse(invitation)
    return invitation


def _portal_name(client: Client) -> str:
    return f"{client.preferred_name or client.given_name} {client.family_name}".strip()


def invitation_accept(*, token: object, password: object, password_again: object) -> User:
    """Create the client's portal login from an open invitation and link it to their record.

    Valid once and before expiry. A weak password or a mismatched confirmation raises a
    ValidationError naming the field and leaves the invitation open. Two accepts of one
    token at once make one account: the invitation row is locked, and the loser finds it
    accepted (unique e-mail and portal user are the backstop).
    """
    with transaction.atomic():
        invitation = _find(token, lock=True)
        if invitation is not None and invitation.is_usable():
            client = Client.objects.select_for_update().get(pk=invitation.client_id)
            if client.portal_user_id is None:
                return _create_portal_user(invitation, client, password, password_again)
    # Outside the block: the refusal's audit event is kept.
    raise _refuse(invitation)


def _create_portal_user(
    invitation: Invitation, client: Client, password: object, password_again: object
) -> User:
    # Messages keyed by field name (ruff's S105 mistakes them for hard-coded passwords).
    errors: dict[str, str] = {}
    if not isinstance(password, str) or not password:
        errors["password"] = "Choose a password."  # noqa: S105
    elif "\x00" in password:
        errors["password"] = "The password contains a character that cannot be used."  # noqa: S105
    else:
        # The project's AUTH_PASSWORD_VALIDATORS, judged against the account-to-be.
        candidate = User(email=invitation.email, full_name=_portal_name(client))
        try:
            password_validation.validate_password(password, user=candidate)
        except ValidationError as error:
            errors["password"] = " ".join(error.messages)
        if password_again != password:
            errors["password_again"] = "The two passwords do not match."  # noqa: S105
    raise_errors(errors)
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError(ADDRESS_UNUSABLE)
    assert isinstance(password, str)
    # The system creates the account (actor None): the token was the authority.
    user = accounts.user_create(
        actor=None,
        organization=client.organization,
        email=invitation.email,
        full_name=_portal_name(client),
        role=Role.CLIENT,
        password=password,
    )
    clients.client_portal_link(actor=None, client=client, portal_user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        action="invitation.accept",
        actor=user,
        client=client,
        object_type="invitation",
        object_id=invitation.public_id,
    )
    return user
