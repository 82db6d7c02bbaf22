"""Password change for everyone signed in, and password reset by e-mail, on Django's own views.

- Change (`accounts/password/change/`): the old password and the new one twice, checked by the
  project's validators; the session stays signed in (Django keeps its hash in step) and the
  change is audited (`password.change`).
- Reset (`accounts/password/reset/`): the same answer for a known and an unknown address, so
  the page tells nobody who has an account; Django's token generator makes the link, which is
  single-use (it is bound to the password hash and the last sign-in) and expires after
  `PASSWORD_RESET_TIMEOUT`. Requests are limited per address and per e-mail (a throttled
  request still gets the same answer, and sends nothing). Setting the new password never signs
  anyone in: the next sign-in still asks for the second factor. Requests, sends and resets are
  audited without the e-mail address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from milepost.accounts.access import active_user_with_email, membership_of
from milepost.accounts.models import Organization, User
from milepost.accounts.policies import Policy, policy
from milepost.audit.context import current_origin
from milepost.audit.services import audit_record

_HOUR = 3600


def _throttled(kind: str, key: str, limit: int) -> bool:
    """Counts one request for `key` in this hour; True once it is over `limit`."""
    name = f"milepost:reset:{kind}:{key}"
    cache.add(name, 0, timeout=_HOUR)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=_HOUR)
        count = 1
    return count > limit


def _membership_org(user: User) -> Organization | None:
    membership = membership_of(user)
    return membership.organization if membership is not None else None


def _audit_own(action: str, user: User) -> None:
    """An event of a person acting on their own account (no e-mail address in it)."""
    audit_record(
        action=action,
        actor=user,
        organization=_membership_org(user),
        object_type="user",
        object_id=user.public_id,
    )


@method_decorator(policy(Policy.AUTHENTICATED), name="dispatch")
class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        assert isinstance(user, User)
        _audit_own("password.change", user)
        return response


@method_decorator(policy(Policy.AUTHENTICATED), name="dispatch")
class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(policy(Policy.PUBLIC), name="dispatch")
class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_sent")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        address = current_origin().ip or "unknown"
        if _throttled("address", address, settings.PASSWORD_RESET_PER_ADDRESS) or _throttled(
            "email", email, settings.PASSWORD_RESET_PER_EMAIL
        ):
            audit_record(action="password.reset_throttled", actor=None)
            # The same answer as a sent link: nothing tells the requester it was held back.
            return super(auth_views.PasswordResetView, self).form_valid(form)
        known = active_user_with_email(email)
        audit_record(
            action="password.reset_requested",
            actor=None,
            organization=_membership_org(known) if known is not None else None,
            object_type="user" if known is not None else "",
            object_id=known.public_id if known is not None else "",
        )
        return super().form_valid(form)


@method_decorator(policy(Policy.PUBLIC), name="dispatch")
class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


@method_decorator(policy(Policy.PUBLIC), name="dispatch")
class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False  # the next sign-in asks for the password and the second factor

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _audit_own("password.reset", form.user)
        return response


@method_decorator(policy(Policy.PUBLIC), name="dispatch")
class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
