"""Step-up re-authentication before an act that needs the person themselves: signing a
plan, exporting the practice. The password again, and a fresh code from the
authenticator app when the user has enrolled one (docs/decisions/0602-mfa.md).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from milepost.accounts import mfa
from milepost.accounts.models import User
from milepost.accounts.services import mfa_totp_check


def step_up_needs_code(user: User) -> bool:
    return mfa.is_enrolled(user)


def check_step_up(user: User, password: object, code: object) -> None:
    """Raise a ValidationError naming `password` or `otp_code` unless both are right.

    A code is accepted once (the device keeps the last time step it accepted), so the
    code typed at sign-in does not serve again here.
    """
    if not isinstance(password, str) or not password or not user.check_password(password):
        raise ValidationError({"password": "That is not your password."})
    if step_up_needs_code(user):
        mfa_totp_check(user=user, code=code)
