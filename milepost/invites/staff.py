"""New staff accounts by invitation: nobody ever knows another person's password.

A practice admin adds a person (name, e-mail, role, credentials): the account exists at once
with an unusable password, and an e-mail carries a single-use, expiring link with which the
person chooses their own password (docs/decisions/0705). The token scheme, the link, the
e-mail, the redaction from logs and the one page for a dead link are the client invitations'
(tokens.py, logs.py). Audited: `user.invite`, `user.invite_resend`, `user.invite_accept`,
`user.invite_revoke`, `user.invite_accept_refused`; no event holds an e-mail address or a token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.access import require_membership
from milepost.accounts.models import Organization, Role, User
from milepost.audit.services import audit_record
from milepost.invites.models import StaffInvitation
from milepost.invites.tokens import (
    GONE_MESSAGE,
    NOT_SENT,
    InvitationGone,
    MailNotSent,
    check_new_password,
    hash_of,
    new_token,
    normalise_email,
    send_invitation_email,
)
from milepost.lib.validation import clean_text, raise_errors

STAFF_ROLES = (Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)
EMAIL_TEMPLATE = "invites/staff_email.txt"


class InvitationNotSent(Exception):
    """The account was made but its invitation e-mail was not sent: resend it."""

    def __init__(self, user: User) -> None:
        super().__init__(NOT_SENT)
        self.user = user


@dataclass(frozen=True)
class _Issued:
    invitation: StaffInvitation
    token: str  # only ever handed to the e-mail; never stored, logged or audited
    superseded: tuple[int, ...] = ()


def _audit(action: str, actor: User | None, user: User, **detail: object) -> None:
    audit_record(
        action=action,
        actor=actor,
        organization=user.membership.organization,
        object_type="user",
        object_id=user.public_id,
        detail=detail or None,
    )


def _open_invitations(user: User) -> list[StaffInvitation]:
    return list(
        StaffInvitation.objects.select_for_update().filter(
            user=user, accepted_at__isnull=True, revoked_at__isnull=True
        )
    )


def _issue(actor: User, user: User, *, action: str) -> _Issued:
    """A new open invitation for `user`, revoking the open one; inside the caller's
    transaction, with `user`'s row locked so two sends cannot both find none open."""
    now = timezone.now()
    superseded = []
    for old in _open_invitations(user):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        superseded.append(old.pk)
    token, digest = new_token()
    invitation = StaffInvitation.objects.create(user=user, token_hash=digest, invited_by=actor)
    detail: dict[str, object] = {
        "invitation": invitation.public_id,
        "expires_at": invitation.expires_at.isoformat(),
    }
    if action == "user.invite":
        detail["role"] = str(user.membership.role)
    else:
        detail["superseded"] = len(superseded)
    _audit(action, actor, user, **detail)
    return _Issued(invitation, token, tuple(superseded))


def _send(issued: _Issued, fallback_base_url: str) -> None:
    send_invitation_email(
        template=EMAIL_TEMPLATE,
        invitation=issued.invitation,
        to=issued.invitation.user.email,
        token=issued.token,
        fallback_base_url=fallback_base_url,
    )


@transaction.atomic
def _undo_send(actor: User, issued: _Issued) -> None:
    """The e-mail failed: its invitation is revoked (no one has the link) and the one it
    replaced, if still unexpired, is open again, so a failed resend costs nobody a link."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=issued.invitation.pk)
    user = invitation.user
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _audit(
            "user.invite_revoke", actor, user, invitation=invitation.public_id, reason="not_sent"
        )
    if not issued.superseded or _open_invitations(user):
        return
    previous = (
        StaffInvitation.objects.select_for_update()
        .filter(pk__in=issued.superseded, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at", "-id")
        .first()
    )
    if previous is not None:
        previous.revoked_at = None
        previous.save(update_fields=["revoked_at"])
        _audit("user.invite_reopen", actor, user, invitation=previous.public_id)


def staff_invite(
    *,
    actor: User,
    organization: Organization,
    email: object,
    full_name: object,
    role: object,
    credentials: object = "",
    fallback_base_url: str,
) -> User:
    """Add a staff member (an account without a usable password, and its membership) and
    e-mail them an invitation to choose their password.

    Bad input raises a ValidationError naming the field, and nothing is made. The account is
    saved before the e-mail goes out (no lock is held while a mail server answers): if the
    server fails, the account stays, its link is revoked, and InvitationNotSent says to resend.
    """
    require_membership(actor, Role.ADMIN)
    errors: dict[str, str] = {}
    name = clean_text(errors, "full_name", full_name, max_length=150, required=True)
    address = normalise_email(errors, email, missing="Enter the person's e-mail address.")
    letters = clean_text(errors, "credentials", credentials, max_length=60)
    if role not in STAFF_ROLES:
        errors["role"] = "Choose clinician, supervisor or practice admin."
    raise_errors(errors)
    with transaction.atomic():
        user = accounts.user_create(
            actor=actor,
            organization=organization,
            email=address,
            full_name=name,
            role=str(role),
            credentials=letters,
        )
        issued = _issue(actor, user, action="user.invite")
    try:
        _send(issued, fallback_base_url)
    except MailNotSent:
        _undo_send(actor, issued)
        raise InvitationNotSent(user) from None
    return user


def _invitable(actor: User, user: User) -> None:
    """An admin of `user`'s practice; `user` an active staff account without a password."""
    membership = require_membership(actor, Role.ADMIN)
    target = user.membership
    if target.organization_id != membership.organization_id:
        raise PermissionDenied
    if target.role not in STAFF_ROLES:
        raise ValidationError("Clients are invited to the portal from their record.")
    if not user.is_active:
        raise ValidationError("The account is inactive: make it active first.")
    if user.has_usable_password():
        raise ValidationError(
            "This person has already chosen a password. If they forgot it, "
            "“Forgot your password?” on the sign-in page sends them a reset link."
        )


def staff_invitation_send(*, actor: User, user: User, fallback_base_url: str) -> StaffInvitation:
    """(Re)send the invitation of a staff account that has no password yet: a new link,
    and the old one stops working. A ValidationError explains a refusal."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("membership")
            .get(pk=user.pk)
        )
        _invitable(actor, user)
        issued = _issue(actor, user, action="user.invite_resend")
    try:
        _send(issued, fallback_base_url)
    except MailNotSent:
        _undo_send(actor, issued)
        raise ValidationError(NOT_SENT) from None
    return issued.invitation


def _find(token: object, *, lock: bool) -> StaffInvitation | None:
    digest = hash_of(token)
    if digest is None:
        return None
    invitations = StaffInvitation.objects.select_related("user", "user__membership")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=digest).first()


def _usable(invitation: StaffInvitation) -> bool:
    user = invitation.user
    return invitation.is_usable() and user.is_active and not user.has_usable_password()


def _refuse(invitation: StaffInvitation) -> InvitationGone:
    _audit(
        "user.invite_accept_refused",
        None,
        invitation.user,
        invitation=invitation.public_id,
        state=str(invitation.state()),
    )
    return InvitationGone(GONE_MESSAGE)


def staff_invitation_for_token(token: object) -> StaffInvitation | None:
    """The open staff invitation a link names; None when it names none (it may be a client's);
    InvitationGone when it names one that can no longer be used."""
    invitation = _find(token, lock=False)
    if invitation is None:
        return None
    if not _usable(invitation):
        raise _refuse(invitation)
    return invitation


def staff_invitation_accept(
    *, token: object, password: object, password_again: object
) -> User | None:
    """Set the password the invited person chose; None when the token names no staff
    invitation. Valid once, before expiry, while the account is active and has no password.
    A weak password or a mismatched confirmation raises a ValidationError naming the field
    and leaves the invitation open; a dead link raises InvitationGone."""
    with transaction.atomic():
        invitation = _find(token, lock=True)
        if invitation is None:
            return None
        if _usable(invitation):
            user = User.objects.select_for_update().get(pk=invitation.user_id)
            chosen = check_new_password(password, password_again, candidate=user)
            user.set_password(chosen)
            user.save(update_fields=["password"])
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            _audit("user.invite_accept", user, user, invitation=invitation.public_id)
            return user
    # Outside the block: the refusal's audit event is kept.
    raise _refuse(invitation)
