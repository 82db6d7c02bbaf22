"""Logins, logouts and failed logins go on the audit trail too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from milepost.audit.services import audit_record


def _organization_of(user: Any) -> Any:
    membership = getattr(user, "membership", None)
    return membership.organization if membership is not None else None


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.login", actor=user, organization=_organization_of(user))


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, organization=_organization_of(user))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The attempted name is kept only when it is a real account's: a typed
    # password or a stranger's address never reaches the trail.
    User = get_user_model()
    attempted = str(credentials.get("username") or credentials.get("email") or "").lower()
    user = User.objects.filter(email=attempted).select_related("membership").first()
    audit_record(
        action="auth.login_failed",
        actor=None,
        organization=_organization_of(user) if user else None,
        object_type="user" if user else "",
        object_id=user.public_id if user else "",
    )
