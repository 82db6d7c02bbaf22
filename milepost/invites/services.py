"""Use cases of portal invitations: send, revoke, accept. Each checks access and audits.

Neither the token nor its hash ever reaches the audit trail, a log or an e-mail subject:
events name the invitation by its public id. The accept page serves staff invitations too
(staff.py): `invitation_for_token` and `invitation_accept` take either kind of link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients import services as clients
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.invites import staff
from milepost.invites.models import Invitation, StaffInvitation
from milepost.invites.tokens import (
    GONE_MESSAGE,
    NOT_SENT,
    SUBJECT,
    InvitationGone,
    MailNotSent,
    check_new_password,
    hash_of,
    invitation_link,
    new_token,
    normalise_email,
    send_invitation_email,
)
from milepost.lib.validation import raise_errors

__all__ = ["GONE_MESSAGE", "SUBJECT", "InvitationGone", "invitation_link"]
# One answer whenever an address belongs to an account, here or in another practice: it must
# not tell a clinician (or whoever holds an invitation) which addresses have Milepost logins.
ADDRESS_UNUSABLE = (
    "This address cannot be used for a new portal login; use another address or ask the "
    "practice admin."
)


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
    address = normalise_email(errors, email, missing="Enter the client's e-mail address.")
    raise_errors(errors)
    if client.portal_user_id is not None:
        raise ValidationError("This client already has a portal login.")
    if User.objects.filter(email=address).exists():
        raise ValidationError({"email": ADDRESS_UNUSABLE})
    superseded = _revoke_open(client, actor=actor, superseded=True)
    token, digest = new_token()
    invitation = Invitation.objects.create(
        client=client, email=address, token_hash=digest, invited_by=actor
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
    try:
        send_invitation_email(
            template="invites/email.txt",
            invitation=invitation,
            to=invitation.email,
            token=issued.token,
            fallback_base_url=fallback_base_url,
        )
    except MailNotSent:
        invitation_revoke(actor=actor, invitation=invitation)
        _reopen(actor, client, issued.superseded)
        raise ValidationError({"email": NOT_SENT}) from None
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
    digest = hash_of(token)
    if digest is None:
        return None
    invitations = Invitation.objects.select_related("client", "client__organization")
    if lock:
        # The invitation row only: the client is locked on its own when needed, and the
        # organisation never (PostgreSQL would lock every joined row; SQLite ignores both).
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=digest).first()


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


def invitation_for_token(token: object) -> Invitation | StaffInvitation:
    """The open invitation a link names (a client's or a new staff member's), for showing
    the accept page; InvitationGone else."""
    staff_invitation = staff.staff_invitation_for_token(token)
    if staff_invitation is not None:
        return staff_invitation
    invitation = _find(token, lock=False)
    if invitation is None or not invitation.is_usable() or invitation.client.portal_user_id:
        raise _refuse(invitation)
    return invitation


def _portal_name(client: Client) -> str:
    return f"{client.preferred_name or client.given_name} {client.family_name}".strip()


def invitation_accept(*, token: object, password: object, password_again: object) -> User:
    """Create the client's portal login from an open invitation and link it to their record
    (or, for a staff invitation, set the new staff member's password: staff.py).

    Valid once and before expiry. A weak password or a mismatched confirmation raises a
    ValidationError naming the field and leaves the invitation open. Two accepts of one
    token at once make one account: the invitation row is locked, and the loser finds it
    accepted (unique e-mail and portal user are the backstop).
    """
    user = staff.staff_invitation_accept(
        token=token, password=password, password_again=password_again
    )
    if user is not None:
        return user
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
    # The project's AUTH_PASSWORD_VALIDATORS, judged against the account-to-be.
    candidate = User(email=invitation.email, full_name=_portal_name(client))
    chosen = check_new_password(password, password_again, candidate=candidate)
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError(ADDRESS_UNUSABLE)
    # The system creates the account (actor None): the token was the authority.
    user = accounts.user_create(
        actor=None,
        organization=client.organization,
        email=invitation.email,
        full_name=_portal_name(client),
        role=Role.CLIENT,
        password=chosen,
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
