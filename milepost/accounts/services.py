"""Use cases for organizations, users, memberships and supervision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from milepost.accounts.access import require_membership
from milepost.accounts.models import (
    CLINICAL_ROLES,
    Membership,
    Organization,
    Role,
    Supervision,
    User,
)
from milepost.audit.services import audit_record


@transaction.atomic
def organization_create(*, name: str, actor: User | None = None) -> Organization:
    organization = Organization.objects.create(name=name.strip())
    audit_record(
        action="organization.create",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
    )
    return organization


def _check_admin_of(actor: User | None, organization: Organization) -> None:
    """None is the system itself (demo data, the command line); anyone else must be an admin."""
    if actor is None:
        return
    membership = require_membership(actor, Role.ADMIN)
    if membership.organization_id != organization.pk:
        raise PermissionDenied


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    organization: Organization,
    email: str,
    full_name: str,
    role: Role | str,
    password: str | None = None,
    credentials: str = "",
) -> User:
    """A new user with their membership. Without a password the account cannot log in yet."""
    _check_admin_of(actor, organization)
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "A user with this email address already exists."})
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name.strip(), credentials=credentials
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.create(user=user, organization=organization, role=role)
    audit_record(
        action="user.create",
        actor=actor,
        organization=organization,
        object_type="user",
        object_id=user.public_id,
        detail={"role": str(role)},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    credentials: str,
    role: Role | str,
    is_active: bool,
) -> User:
    membership = user.membership
    _check_admin_of(actor, membership.organization)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if user.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError(
            {"role": "You cannot remove your own admin role or deactivate yourself."}
        )
    if (membership.role == Role.CLIENT) != (role == Role.CLIENT):
        raise ValidationError(
            {"role": "A client account cannot become a staff account, nor the reverse."}
        )
    changed = []
    for field, value in (("full_name", full_name.strip()), ("credentials", credentials.strip())):
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if user.is_active != is_active:
        user.is_active = is_active
        changed.append("is_active")
    if changed:
        user.save(update_fields=changed)
    if membership.role != role:
        if membership.role == Role.SUPERVISOR:
            # Supervision is an access grant: it ends with the role.
            ended = Supervision.objects.filter(supervisor=user).delete()[0]
            if ended:
                changed.append("supervisions_ended")
        membership.role = role
        membership.save(update_fields=["role"])
        changed.append("role")
    audit_record(
        action="user.update",
        actor=actor,
        organization=membership.organization,
        object_type="user",
        object_id=user.public_id,
        detail={"fields": changed},
    )
    return user


@transaction.atomic
def supervision_add(*, actor: User | None, supervisor: User, clinician: User) -> Supervision:
    sup_membership = supervisor.membership
    clin_membership = clinician.membership
    _check_admin_of(actor, sup_membership.organization)
    if sup_membership.organization_id != clin_membership.organization_id:
        raise ValidationError({"clinician": "Supervision stays inside one organization."})
    if sup_membership.role != Role.SUPERVISOR:
        raise ValidationError({"supervisor": "Only a supervisor can oversee clinicians."})
    if clin_membership.role not in CLINICAL_ROLES:
        raise ValidationError({"clinician": "Only a clinician can be supervised."})
    supervision, _ = Supervision.objects.get_or_create(supervisor=supervisor, clinician=clinician)
    audit_record(
        action="supervision.add",
        actor=actor,
        organization=sup_membership.organization,
        object_type="user",
        object_id=clinician.public_id,
        detail={"supervisor": supervisor.public_id},
    )
    return supervision
