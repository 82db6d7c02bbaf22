"""Use cases for clients and care teams. Each checks access, saves atomically and audits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import CLINICAL_ROLES, Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach, visible_clients
from milepost.clients.models import (
    CareTeamMember,
    Client,
    ClientStatus,
    Coverage,
    EmergencyAccess,
    Programme,
)
from milepost.domain import demographics
from milepost.lib.concurrency import check_unchanged
from milepost.lib.models import apply_changes
from milepost.lib.validation import clean_text, raise_errors

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "pronouns",
    "sex",
    "gender_identity",
    "email",
    "phone",
    "address_line",
    "city",
    "state",
    "postal_code",
    "status",
    "referral_reason",
)
STRIPPED_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "gender_identity",
    "phone",
    "address_line",
    "city",
    "postal_code",
)


def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    for field in ("given_name", "family_name"):
        if field in values and not str(values[field]).strip():
            errors[field] = "This field is required."
    dob = values.get("date_of_birth")
    if dob is not None:
        if not isinstance(dob, dt.date):
            errors["date_of_birth"] = "Enter a date."
        elif dob > timezone.localdate():
            errors["date_of_birth"] = "The date of birth cannot be in the future."
        elif dob.year < 1900:
            errors["date_of_birth"] = "Enter a date of birth after 1900."
    if "status" in values and values["status"] not in ClientStatus.values:
        errors["status"] = "Choose a status from the list."
    if values.get("sex") and values["sex"] not in dict(demographics.ADMINISTRATIVE_SEX):
        errors["sex"] = "Choose the sex recorded for insurance from the list."
    if values.get("phone") and (problem := demographics.phone_problem(values["phone"])):
        errors["phone"] = problem
    if values.get("state") and (problem := demographics.state_problem(values["state"])):
        errors["state"] = problem
    if values.get("postal_code") and not demographics.zip_ok(values["postal_code"]):
        errors["postal_code"] = "Enter a ZIP code of 5 digits, or ZIP+4 (12345-6789)."
    if errors:
        raise ValidationError(errors)


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    for name in STRIPPED_FIELDS:
        if name in values:
            values[name] = str(values[name]).strip()
    if "email" in values:
        values["email"] = str(values["email"]).strip().lower()
    if "state" in values:
        values["state"] = str(values["state"]).strip().upper()
    return values


def _clinical_actor(actor: User, client: Client | None = None) -> None:
    """A clinician or supervisor; with `client`, one who may read that client now."""
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    if client is not None:
        require_client_in_reach(actor, client)


@transaction.atomic
def client_create(
    *,
    actor: User,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    preferred_name: str = "",
    pronouns: str = "",
    email: str = "",
    phone: str = "",
    status: str = ClientStatus.ACTIVE,
    referral_reason: str = "",
    **demographic: str,
) -> Client:
    """A new client of the actor's organization, with the actor as primary clinician.
    `demographic` takes sex, gender_identity and the address fields."""
    _clinical_actor(actor)
    unknown = set(demographic) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set."))
    values = _clean_values(
        {
            "given_name": given_name,
            "family_name": family_name,
            "preferred_name": preferred_name,
            "date_of_birth": date_of_birth,
            "pronouns": pronouns,
            "email": email,
            "phone": phone,
            "status": status,
            "referral_reason": referral_reason.strip(),
            **demographic,
        }
    )
    _validate(values)
    client = Client.objects.create(organization=actor.membership.organization, **values)
    CareTeamMember.objects.create(client=client, clinician=actor, is_primary=True)
    audit_record(
        action="client.create",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
    )
    return client


@transaction.atomic
def client_update(*, actor: User, client: Client, seen: object = None, **changes: Any) -> Client:
    """Change a client's details; `seen` refuses a save over someone else's (see
    milepost.lib.concurrency)."""
    _clinical_actor(actor, client)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    _clean_values(changes)
    _validate(changes)
    client = Client.objects.select_for_update().get(pk=client.pk)
    check_unchanged(
        client,
        seen,
        what="client's details",
        shown={
            "Preferred name": client.preferred_name,
            "Email": client.email,
            "Phone": client.phone,
            "Status": client.get_status_display(),
        },
    )
    changed = apply_changes(client, changes)
    if changed:
        client.updated_at = timezone.now()
        client.save(update_fields=[*changed, "updated_at"])
    audit_record(
        action="client.update",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"fields": changed},
    )
    return client


COVERAGE_FIELDS = (
    "payer",
    "plan_name",
    "member_id",
    "group_id",
    "relationship",
    "subscriber_name",
    "subscriber_date_of_birth",
)


def _coverage_values(values: dict[str, Any]) -> dict[str, Any]:
    """The coverage as stored, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    unknown = set(values) - set(COVERAGE_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This field cannot be changed."
    clean: dict[str, Any] = {}
    for name in ("payer", "plan_name", "member_id", "group_id", "subscriber_name"):
        clean[name] = clean_text(errors, name, values.get(name, ""), max_length=200)
    for name, label in (("payer", "the insurer"), ("member_id", "the member id")):
        if name not in errors and not clean[name]:
            errors[name] = f"Enter {label}, as the insurance card shows it."
    for name in ("member_id", "group_id"):
        if name in errors or not clean[name]:
            continue
        if len(clean[name]) > 40:
            errors[name] = "At most 40 characters."
        elif problem := demographics.insurance_id_problem(clean[name]):
            errors[name] = problem
    relationship = values.get("relationship") or "self"
    if relationship not in dict(demographics.SUBSCRIBER_RELATIONSHIP):
        errors["relationship"] = "Choose the client's relationship to the subscriber."
    clean["relationship"] = relationship
    dob = values.get("subscriber_date_of_birth")
    if dob is not None and not isinstance(dob, dt.date):
        errors["subscriber_date_of_birth"] = "Enter a date."
    elif dob is not None and dob > timezone.localdate():
        errors["subscriber_date_of_birth"] = "The date of birth cannot be in the future."
    clean["subscriber_date_of_birth"] = dob
    if relationship != "self" and "subscriber_name" not in errors and not clean["subscriber_name"]:
        errors["subscriber_name"] = (
            "Enter the subscriber's name: the client is covered through someone else's policy."
        )
    raise_errors(errors)
    return clean


@transaction.atomic
def coverage_set(*, actor: User, client: Client, **values: Any) -> Coverage:
    """Record or change the client's insurance coverage (payer, plan, member and group id,
    subscriber and relationship). Audited with the names of the fields changed, never
    their values."""
    _clinical_actor(actor, client)
    clean = _coverage_values(values)
    client = Client.objects.select_for_update().get(pk=client.pk)
    coverage = Coverage.objects.filter(client=client).first()
    if coverage is None:
        coverage = Coverage.objects.create(client=client, **clean)
        changed = list(clean)
    else:
        changed = apply_changes(coverage, clean)
        if changed:
            coverage.updated_at = timezone.now()
            coverage.save(update_fields=[*changed, "updated_at"])
    audit_record(
        action="client.coverage_update",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"fields": changed},
    )
    return coverage


@transaction.atomic
def care_team_add(
    *, actor: User, client: Client, clinician: User, is_primary: bool = False
) -> CareTeamMember:
    _clinical_actor(actor, client)
    membership = getattr(clinician, "membership", None)
    if (
        membership is None
        or membership.organization_id != client.organization_id
        or membership.role not in CLINICAL_ROLES
        or not clinician.is_active
    ):
        raise ValidationError({"clinician": "Choose an active clinician of this practice."})
    if is_primary:
        client.care_team.filter(is_primary=True).update(is_primary=False)
    member, created = CareTeamMember.objects.get_or_create(
        client=client, clinician=clinician, defaults={"is_primary": is_primary}
    )
    if not created and member.is_primary != is_primary and is_primary:
        member.is_primary = True
        member.save(update_fields=["is_primary"])
    audit_record(
        action="care_team.add",
        actor=actor,
        client=client,
        object_type="user",
        object_id=clinician.public_id,
    )
    return member


@transaction.atomic
def care_team_remove(*, actor: User, client: Client, clinician: User) -> None:
    _clinical_actor(actor, client)
    # Lock the client row: two removals at once must not both see two members.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    member = client.care_team.filter(clinician=clinician).first()
    if member is None:
        raise ValidationError({"clinician": "This clinician is not on the care team."})
    if client.care_team.count() == 1:
        raise ValidationError(
            {"clinician": "A client always keeps at least one clinician on the care team."}
        )
    member.delete()
    if member.is_primary:
        successor = client.care_team.order_by("added_at").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    audit_record(
        action="care_team.remove",
        actor=actor,
        client=client,
        object_type="user",
        object_id=clinician.public_id,
    )


@transaction.atomic
def client_portal_link(*, actor: User | None, client: Client, portal_user: User) -> Client:
    """Give a client portal user their record. The invitation flow calls this later."""
    if actor is not None:
        _clinical_actor(actor, client)
    membership = getattr(portal_user, "membership", None)
    if (
        membership is None
        or membership.role != Role.CLIENT
        or membership.organization_id != client.organization_id
    ):
        raise PermissionDenied
    client.portal_user = portal_user
    client.save(update_fields=["portal_user"])
    audit_record(
        action="client.portal_link",
        actor=actor,
        client=client,
        object_type="user",
        object_id=portal_user.public_id,
    )
    return client


PROGRAMME_NAME_MAX = 80


@transaction.atomic
def programme_create(*, actor: User, name: object) -> Programme:
    """A new programme of the actor's practice, e.g. "Couples service" (decision 1010).

    Supervisors and practice admins define them; the name must be new to the practice
    (letter case aside).
    """
    membership = require_membership(actor, Role.SUPERVISOR, Role.ADMIN)
    errors: dict[str, str] = {}
    text = " ".join(clean_text(errors, "name", name, max_length=PROGRAMME_NAME_MAX).split())
    if not errors and not text:
        errors["name"] = "Name the programme, e.g. Adult anxiety clinic."
    if (
        not errors
        and Programme.objects.filter(
            organization=membership.organization, name__iexact=text
        ).exists()
    ):
        errors["name"] = "The practice already has a programme with this name."
    raise_errors(errors)
    programme = Programme.objects.create(organization=membership.organization, name=text)
    audit_record(
        action="programme.create",
        actor=actor,
        organization=membership.organization,
        object_type="programme",
        object_id=programme.public_id,
    )
    return programme


@transaction.atomic
def client_programme_set(*, actor: User, client: Client, programme: Programme | None) -> Client:
    """Put the client in one of the practice's programmes, or in none (``None``).

    By someone who may edit the client (their care team or a supervisor of it); audited
    with the programme's public id, before and after.
    """
    _clinical_actor(actor, client)
    if programme is not None and programme.organization_id != client.organization_id:
        raise ValidationError({"programme": "Choose one of this practice's programmes."})
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = client.programme.public_id if client.programme_id else ""  # type: ignore[union-attr]
    after = programme.public_id if programme is not None else ""
    if before != after:
        client.programme = programme
        client.updated_at = timezone.now()
        client.save(update_fields=["programme", "updated_at"])
    audit_record(
        action="client.programme",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"from": before, "to": after},
    )
    return client


EMERGENCY_REASON_MIN = 15


@transaction.atomic
def emergency_access_open(*, actor: User, client: Client, reason: object) -> EmergencyAccess:
    """ "Break the glass": open `client`'s record to a clinician outside its care team.

    The reason is required (a sentence, not a word); the grant lasts
    settings.EMERGENCY_ACCESS_HOURS and is shown to the practice's admins.
    """
    membership = require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    if client.organization_id != membership.organization_id:
        raise PermissionDenied
    errors: dict[str, str] = {}
    text = clean_text(errors, "reason", reason, max_length=1000, required=True)
    if not errors and len(text) < EMERGENCY_REASON_MIN:
        errors["reason"] = (
            f"Say why in a sentence (at least {EMERGENCY_REASON_MIN} characters): "
            "the practice's privacy officer reads it."
        )
    raise_errors(errors)
    if visible_clients(actor).filter(pk=client.pk).exists():
        raise ValidationError({"family_name": "You can already open this client's record."})
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        client=client,
        clinician=actor,
        reason=text,
        granted_at=now,
        expires_at=now + dt.timedelta(hours=settings.EMERGENCY_ACCESS_HOURS),
    )
    audit_record(
        action="client.emergency_access",
        actor=actor,
        client=client,
        object_type="emergency_access",
        object_id=str(grant.pk),
        detail={"expires_at": grant.expires_at.isoformat()},
    )
    return grant


@transaction.atomic
def emergency_access_end(*, actor: User, grant: EmergencyAccess) -> EmergencyAccess:
    """The clinician closes their own emergency access before it expires."""
    if grant.clinician_id != actor.pk:
        raise PermissionDenied
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.is_active():
        grant.ended_at = timezone.now()
        grant.save(update_fields=["ended_at"])
        audit_record(
            action="client.emergency_access_end",
            actor=actor,
            client=grant.client,
            object_type="emergency_access",
            object_id=str(grant.pk),
        )
    return grant
