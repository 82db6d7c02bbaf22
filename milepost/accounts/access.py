"""Who a request's user is in Milepost: their membership and what it lets them reach.

Practice admins manage users, never records; these functions are the only way a
view fetches another user of the organization.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from milepost.accounts.models import Membership, Role, User


def membership_of(user: User) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def require_membership(user: User, *roles: Role) -> Membership:
    membership = membership_of(user)
    if membership is None or (roles and membership.role not in roles):
        raise PermissionDenied
    return membership


def org_users_for_admin(user: User) -> QuerySet[User]:
    membership = require_membership(user, Role.ADMIN)
    return (
        User.objects.filter(membership__organization=membership.organization)
        .select_related("membership")
        .order_by("full_name")
    )


def org_user_get_for_admin(user: User, public_id: str) -> User:
    try:
        return org_users_for_admin(user).get(public_id=public_id)
    except User.DoesNotExist:
        raise Http404 from None


def org_clinicians(user: User) -> QuerySet[User]:
    """The clinicians and supervisors of the user's organization (for care-team choices)."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)
    return User.objects.filter(
        membership__organization=membership.organization,
        membership__role__in=[Role.CLINICIAN, Role.SUPERVISOR],
        is_active=True,
    ).order_by("full_name")


def login_name(request: object, credentials: dict[str, object] | None) -> str | None:
    """The account a sign-in attempt names, normalised, for django-axes' lockout."""
    raw = None
    if credentials:
        raw = credentials.get("username") or credentials.get("email")
    if raw is None:
        post = getattr(request, "POST", None)
        raw = post.get("username") if post is not None else None
    return str(raw).strip().lower() if raw else None


def active_user_with_email(email: str) -> User | None:
    """The active account signed in with `email` (any case), or None: for the password reset
    flow, which names the account in its audit event and tells the requester nothing."""
    return User.objects.filter(email__iexact=email, is_active=True).first()


def is_records_custodian(user: User) -> bool:
    """Whether the user holds the records-custodian grant of their practice (decision 0606)."""
    membership = membership_of(user)
    return membership is not None and membership.is_custodian


def practice_custodians(user: User) -> list[Membership]:
    """The records custodians of a practice admin's practice, who granted each and when."""
    membership = require_membership(user, Role.ADMIN)
    return list(
        Membership.objects.filter(
            organization=membership.organization,
            role=Role.ADMIN,
            custodian_granted_at__isnull=False,
            user__is_active=True,
        )
        .select_related("user", "custodian_granted_by")
        .order_by("user__full_name")
    )
