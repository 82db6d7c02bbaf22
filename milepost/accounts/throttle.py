"""Sign-in throttling that outsiders cannot turn into a denial of service (decision 0006).

Two limits work together:

* django-axes locks an **account at one address** after `LOGIN_FAILURE_LIMIT` (5) failures
  for `LOGIN_LOCKOUT_MINUTES` (15). Five wrong passwords typed elsewhere lock that other
  address out, not the clinician at their own.
* Guessing one account from many addresses is slowed by a **progressive delay per account**:
  once the account has `LOGIN_ACCOUNT_DELAY_AFTER` (10) recent failures from all addresses
  together, each sign-in attempt from an address the account has not signed in from in
  `LOGIN_USUAL_ADDRESS_DAYS` (90) must wait 1 s, 2 s, 4 s, … after the account's last
  failure, at most `LOGIN_LOCKOUT_MINUTES`. The account's usual addresses are never delayed.

`AccountThrottleBackend` applies the delay inside Django's sign-in, after axes' own backend
and before the password is checked; a delayed attempt is answered with the lockout page
(429, with the wait) and is not counted as another failure.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from milepost.accounts.access import login_name

# The doubling stops here; the cap (LOGIN_LOCKOUT_MINUTES) applies long before.
_MAX_DOUBLINGS = 20


def delay_for(failures: int, *, after: int, cap: timedelta) -> timedelta:
    """The wait imposed after the account's last failure, given its recent failures."""
    over = failures - after
    if over < 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(over, _MAX_DOUBLINGS)), cap)


def _cap() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def is_usual_address(username: str, ip_address: str | None, *, now: datetime) -> bool:
    """Has this account signed in with its password from this address lately?"""
    if not ip_address:
        return False
    since = now - timedelta(days=settings.LOGIN_USUAL_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username__iexact=username, ip_address=ip_address, attempt_time__gte=since
    ).exists()


def account_failures(username: str, *, now: datetime) -> tuple[int, datetime | None]:
    """Recent failures of this account from every address, and the time of the last one."""
    attempts = AccessAttempt.objects.filter(username__iexact=username)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return int(totals["failures"] or 0), totals["last"]


def wait_before_attempt(
    username: str | None, ip_address: str | None, *, now: datetime | None = None
) -> timedelta | None:
    """How long an attempt on this account from this address must still wait, or None."""
    if not username:
        return None
    now = now or timezone.now()
    failures, last = account_failures(username, now=now)
    wait = delay_for(failures, after=settings.LOGIN_ACCOUNT_DELAY_AFTER, cap=_cap())
    if not wait or last is None:
        return None
    remaining = last + wait - now
    if remaining <= timedelta(0):
        return None
    if is_usual_address(username, ip_address, now=now):
        return None
    return remaining


def retry_after_seconds(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds()))


class AccountThrottleBackend:
    """An authentication backend that authenticates nobody: it refuses an attempt that
    must still wait, before the password is checked. It has no `get_user`, so no session
    is ever bound to it."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if request is None:
            return None
        username = login_name(request, credentials)
        address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        wait = wait_before_attempt(username, address)
        if wait is None:
            return None
        # axes' middleware answers with the lockout page, and does not count the attempt.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.milepost_retry_after = retry_after_seconds(wait)  # type: ignore[attr-defined]
        raise AxesBackendPermissionDenied("this account's sign-in is delayed at this address")
