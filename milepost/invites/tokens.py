"""What every invitation shares, client or staff: the token, the link, the e-mail, the
password the invited person chooses, and the one answer for a dead link.

The token is `secrets.token_urlsafe(32)` and only its SHA-256 is stored (models.token_hash).
Neither reaches the audit trail, a log or an e-mail subject: events name an invitation by its
public id, and logs.py redacts `/invite/<token>` wherever it is written.
"""

from __future__ import annotations

import re
import secrets
import smtplib

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse

from milepost.accounts.models import User
from milepost.invites.models import InvitationBase, token_hash

# The subject names no one and nothing clinical: it shows on lock screens and shared inboxes.
SUBJECT = "Your invitation to Milepost"
# One page for every dead link, client's or staff's: it tells a stranger nothing.
GONE_MESSAGE = (
    "This invitation link has expired or was already used. Ask the person who invited you "
    "(your therapist or your practice admin) for a new one."
)
NOT_SENT = "The e-mail could not be sent. Check the address and try again."
# secrets.token_urlsafe(32) gives 43 characters; anything far from that shape is unknown.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


class InvitationGone(Exception):
    """The token names no usable invitation: unknown, expired, used or revoked."""


class MailNotSent(Exception):
    """The mail server refused or hung up; the invitation's link reached no one."""


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store; the token itself goes only into the e-mail."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def hash_of(token: object) -> str | None:
    """The stored hash a link's token would have, or None when it cannot be a token."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return token_hash(token)


def normalise_email(errors: dict[str, str], email: object, *, missing: str) -> str:
    """The address lower-cased; a message on `errors["email"]` when it is unusable."""
    value = email.strip().lower() if isinstance(email, str) else ""
    if not value:
        errors["email"] = missing
        return ""
    try:
        if len(value) > 254:
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError:
        errors["email"] = "Enter a valid e-mail address."
    return value


def invitation_link(token: str, *, fallback_base_url: str) -> str:
    """The accept page's absolute URL: settings.PORTAL_BASE_URL when set (production),
    else the address the sender's request came to."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or fallback_base_url
    return base.rstrip("/") + reverse("invites:accept", kwargs={"token": token})


def send_invitation_email(
    *, template: str, invitation: InvitationBase, to: str, token: str, fallback_base_url: str
) -> None:
    """The invitation e-mail with its link; MailNotSent when the server fails."""
    body = render_to_string(
        template,
        {
            "link": invitation_link(token, fallback_base_url=fallback_base_url),
            "expires_at": invitation.expires_at,
        },
    )
    message = EmailMessage(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [to])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        raise MailNotSent from None


def check_new_password(password: object, password_again: object, *, candidate: User) -> str:
    """The password the invited person chose, checked by the project's
    AUTH_PASSWORD_VALIDATORS against `candidate` (the account, or the account-to-be);
    a ValidationError naming `password` or `password_again` else."""
    # Messages keyed by field name (ruff's S105 mistakes them for hard-coded passwords).
    errors: dict[str, str] = {}
    if not isinstance(password, str) or not password:
        errors["password"] = "Choose a password."  # noqa: S105
    elif "\x00" in password:
        errors["password"] = "The password contains a character that cannot be used."  # noqa: S105
    else:
        try:
            password_validation.validate_password(password, user=candidate)
        except ValidationError as error:
            errors["password"] = " ".join(error.messages)
        if password_again != password:
            errors["password_again"] = "The two passwords do not match."  # noqa: S105
    if errors:
        raise ValidationError(errors)
    assert isinstance(password, str)
    return password
