"""Rebuilding a practice's outcome facts: the one write of this app (derived data only)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from milepost.accounts.models import Organization, User
from milepost.audit.services import audit_record
from milepost.outcomes.models import Refresh
from milepost.outcomes.refresh import rebuild


def outcomes_refresh(*, organization: Organization, actor: User | None = None) -> Refresh:
    """Rebuild ``organization``'s outcome facts in one transaction and audit it.

    ``actor`` is the person who asked (None for the background task and the CLI). The event
    names counts only: the facts are about clients, the event is about the practice.
    """
    now = timezone.now()
    with transaction.atomic():
        counts = rebuild(organization.pk, timezone.localdate(now))
        refresh, _ = Refresh.objects.update_or_create(
            organization=organization, defaults={"refreshed_at": now, **counts}
        )
        audit_record(
            action="outcomes.refresh",
            actor=actor,
            organization=organization,
            object_type="organization",
            object_id=organization.public_id,
            detail=counts,
        )
    return refresh


def outcomes_refresh_request(*, actor: User, organization: Organization) -> None:
    """Queue a rebuild for the background worker, and audit who asked."""
    from milepost.outcomes.tasks import refresh_outcomes

    audit_record(
        action="outcomes.refresh_request",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
    )
    refresh_outcomes.enqueue(organization.public_id)


def outcomes_permission_grant(*, actor: User | None, user: User) -> None:
    """Let a supervisor or practice admin see the practice's outcomes dashboard (audited)."""
    from django.contrib.auth.models import Permission
    from django.core.exceptions import ValidationError

    from milepost.accounts.access import membership_of
    from milepost.accounts.models import Role

    membership = membership_of(user)
    if membership is None or membership.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise ValidationError({"user": "Only a supervisor or a practice admin may see outcomes."})
    permission = Permission.objects.get(
        content_type__app_label="outcomes", codename="view_practice_outcomes"
    )
    user.user_permissions.add(permission)
    audit_record(
        action="outcomes.permission_grant",
        actor=actor,
        organization=membership.organization,
        object_type="user",
        object_id=user.public_id,
    )
