"""The records-custodian grant: who of a practice's admins may export its clinical records.

The admin role alone manages accounts and never reads a clinical record. Exporting the
clinical archive needs this grant as well, given by a practice admin to a named admin of
the same practice after re-entering their password (and a fresh code when they have an
authenticator). An admin grants it to themselves only when they are the practice's only
active admin; otherwise another admin must (docs/decisions/0606-records-custodian.md).
Any admin of the practice may revoke it; it also ends when the person stops being an
active admin (accounts/services.py, `user_update`). Each grant and revocation is audited
(`user.custodian_grant`, `user.custodian_revoke`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Membership, Role, User
from milepost.accounts.services import custodian_end
from milepost.accounts.stepup import check_step_up
from milepost.audit.services import audit_record

NOT_AN_ADMIN = "Only an active practice admin can be a records custodian."
SELF_GRANT_REFUSED = (
    "Another admin of the practice must grant this to you: an admin grants it to themselves "
    "only when they are the practice's only active admin."
)


def _membership_for(actor: User | None, user: User) -> Membership:
    """The user's membership, when the actor is an admin of the same practice (None: the
    system itself, e.g. the demo data)."""
    membership = user.membership
    if actor is not None:
        mine = require_membership(actor, Role.ADMIN)
        if mine.organization_id != membership.organization_id:
            raise PermissionDenied
    return membership


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.ADMIN, user__is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def custodian_grant(
    *, actor: User | None, user: User, password: object = None, otp_code: object = None
) -> Membership:
    """Make `user` (an active admin of the actor's practice) a records custodian.

    The actor re-authenticates first (`password`, and `otp_code` when they have an
    authenticator); None is the system itself and needs neither. Granting it again to a
    custodian changes nothing and writes no event.
    """
    membership = _membership_for(actor, user)
    if membership.role != Role.ADMIN or not user.is_active:
        raise ValidationError({"user": NOT_AN_ADMIN})
    self_granted = actor is not None and actor.pk == user.pk
    if self_granted and _other_active_admins(membership):
        raise ValidationError({"user": SELF_GRANT_REFUSED})
    if actor is not None:
        # Not inside the transaction: a wrong code must still count toward the throttle.
        check_step_up(actor, password, otp_code)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.custodian_granted_at is not None:
            return locked
        locked.custodian_granted_at = timezone.now()
        locked.custodian_granted_by = actor
        locked.save(update_fields=["custodian_granted_at", "custodian_granted_by"])
        user.membership = locked  # the caller's user sees the grant too
        audit_record(
            action="user.custodian_grant",
            actor=actor,
            organization=locked.organization,
            object_type="user",
            object_id=user.public_id,
            detail={
                "granted_by": actor.public_id if actor is not None else "(system)",
                "self_granted": self_granted,
            },
        )
    return locked


@transaction.atomic
def custodian_revoke(*, actor: User, user: User) -> bool:
    """Any admin of the practice ends a grant (their own too); False when there was none."""
    membership = _membership_for(actor, user)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    ended = custodian_end(actor=actor, membership=locked, reason="revoked")
    user.membership = locked
    return ended


def self_grant_allowed(user: User) -> bool:
    """Whether this admin may grant the custodian role to themselves: only as the practice's
    only active admin."""
    membership = require_membership(user, Role.ADMIN)
    return not _other_active_admins(membership)
