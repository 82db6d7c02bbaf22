"""Throttling the password step-up of the practice archives, and auditing refusals.

The clinical archive is every clinical record of the practice, so guessing the admin's
password at it is worth stopping: each wrong password is audited
(`organization.export_refused`), and after MAX_FAILURES of them in one session both archives
refuse every attempt, right or wrong, for LOCKOUT. The count lives in the session: signing
in again starts a new one, which the sign-in page's own lockout (django-axes) throttles.
A clinical export refused for want of the custodian grant or a second factor is audited
too, with its reason.
"""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
_FAILURES = "interop.archive.failures"
_LOCKED_UNTIL = "interop.archive.locked_until"


def _now() -> dt.datetime:
    return timezone.now()


def _locked_until(session: SessionBase) -> dt.datetime | None:
    raw = session.get(_LOCKED_UNTIL)
    until = dt.datetime.fromisoformat(raw) if isinstance(raw, str) else None
    if until is not None and until <= _now():
        del session[_LOCKED_UNTIL]
        return None
    return until


def archive_lock_message(session: SessionBase) -> str:
    """Why the archive refuses this session for now; "" when it does not."""
    until = _locked_until(session)
    if until is None:
        return ""
    minutes = max(1, math.ceil((until - _now()).total_seconds() / 60))
    return (
        f"{MAX_FAILURES} wrong passwords: the archive is locked for this session. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def archive_refusal_record(*, actor: User, session: SessionBase, locked: bool, kind: str) -> int:
    """Audit a refused archive attempt, count a wrong password towards the lockout, and
    return the wrong passwords counted so far (MAX_FAILURES: now locked)."""
    failures = 0
    if not locked:
        window = _now() - LOCKOUT
        recent = [t for t in session.get(_FAILURES, []) if dt.datetime.fromisoformat(t) > window]
        recent.append(_now().isoformat())
        failures = len(recent)
        if failures >= MAX_FAILURES:
            session[_LOCKED_UNTIL] = (_now() + LOCKOUT).isoformat()
            recent = []
        session[_FAILURES] = recent
    organization = require_membership(actor, Role.ADMIN).organization
    audit_record(
        action="organization.export_refused",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={
            "reason": "locked" if locked else "wrong_password",
            "failures": failures,
            "kind": kind,
        },
    )
    return failures


def clinical_refusal_record(*, actor: User, reason: str) -> None:
    """Audit a clinical export refused before any password was checked: `not_custodian`,
    `no_authenticator` or `session_not_verified` (decision 0606)."""
    organization = require_membership(actor, Role.ADMIN).organization
    audit_record(
        action="organization.export_refused",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={"reason": reason, "kind": "clinical"},
    )


def archive_step_up_passed(session: SessionBase) -> None:
    """The right password (and code): the count starts again."""
    session.pop(_FAILURES, None)
