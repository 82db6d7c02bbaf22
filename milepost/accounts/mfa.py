"""Two-factor sign-in: who must use it, what a user has enrolled, who is locked out.

Reads only; the writes (enrol, verify, regenerate, reset, unlock) are services in
services.py. A user is *enrolled* when they have a confirmed TOTP device (an
authenticator app); their recovery codes live on a StaticDevice beside it. Passkeys
(django-otp-webauthn) come on top of an enrolment, as another way through the second step.
See docs/decisions/0602-mfa.md and 0605-mfa-passkeys.md.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime, timedelta

import segno
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from milepost.accounts.access import membership_of
from milepost.accounts.models import Role, User

STAFF_ROLES = frozenset({Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN})
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# The session key that puts the suggestion to set up two-factor sign-in away.
SUGGESTION_DISMISSED = "milepost_mfa_suggestion_dismissed"


def totp_device_of(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    """The user's passkeys, the newest first."""
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("-pk"))


def has_second_factor(user: User) -> bool:
    """Any confirmed way through the second step: an authenticator app or a passkey.

    Passkeys are only offered once an authenticator app is set up, but a passkey alone
    (one added some other way) must still be asked for, never skipped.
    """
    return (
        is_enrolled(user) or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_device_of(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device_of(user)
    return device.token_set.count() if device is not None else 0


def mfa_required_for(user: User) -> bool:
    """Staff of a practice that requires two-factor sign-in must enrol; clients may."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in STAFF_ROLES
        and membership.organization.mfa_required
    )


def pending_step(user: User) -> str | None:
    """The URL name of the two-factor step this signed-in session still owes, or None.

    A session that gave only its password has not signed in as far as client data goes: the
    pages send it to this step (accounts/middleware.py) and the JSON API refuses it (api/auth.py).
    """
    if user.is_verified():  # type: ignore[attr-defined]
        return None
    if has_second_factor(user):
        return "accounts:mfa_verify"
    return "accounts:mfa_setup" if mfa_required_for(user) else None


def recommended_for(user: User) -> bool:
    """Staff of a practice that does not require two-factor sign-in, who have none: the
    pages suggest it (a banner they can put away for the session)."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in STAFF_ROLES
        and not membership.organization.mfa_required
        and not has_second_factor(user)
    )


def code_retry_at(failures: int, last_failure: datetime | None) -> datetime | None:
    """When a device may next be given a code, after `failures` wrong ones in a row; None
    when it may be now, whatever the clock says.

    The first MFA_FREE_TRIES wrong codes cost nothing, so a right code right after a typo is
    accepted; after them each wait doubles (1, 2, 4 … seconds), with no upper bound: the
    count lives on the device, so signing in with the password again does not reset it.
    """
    free = settings.MFA_FREE_TRIES
    if last_failure is None or failures < free:
        return None
    return last_failure + timedelta(seconds=2 ** (failures - free))


def qr_data_uri(uri: str) -> str:
    """The set-up address as a QR code: an SVG `data:` URI for an <img> in the page itself
    (no URL of the site holds the key; the CSP allows `data:` images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=4)


def key_groups(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps ask for it, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def normalise_code(raw: object) -> str:
    """What the user typed, without the spaces and hyphens people put in codes."""
    if not isinstance(raw, str):
        return ""
    return "".join(ch for ch in raw if ch not in " -\t").lower()


def is_totp_code(code: str) -> bool:
    """Six digits: an authenticator code. Recovery codes are 8 letters and digits 2–7."""
    return len(code) == 6 and code.isascii() and code.isdigit()


def locked_out_emails(emails: Iterable[str]) -> set[str]:
    """Which of these accounts django-axes has locked at one address or more (it locks an
    account per address; decision 0006)."""
    attempts = AccessAttempt.objects.filter(username__in=list(emails))
    cool_off = get_cool_off()
    if cool_off is not None:  # None: a lockout lasts until an admin lifts it
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def enrolled_user_ids(users: Iterable[User]) -> set[int]:
    return set(
        TOTPDevice.objects.filter(user__in=list(users), confirmed=True).values_list(
            "user_id", flat=True
        )
    )


def passkey_user_ids(users: Iterable[User]) -> set[int]:
    return set(
        WebAuthnCredential.objects.filter(user__in=list(users), confirmed=True).values_list(
            "user_id", flat=True
        )
    )
