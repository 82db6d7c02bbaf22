"""Use cases for organizations, users, memberships and supervision."""

from __future__ import annotations

import zoneinfo

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from milepost.accounts import mfa
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
from milepost.domain import compliance, demographics, periods
from milepost.lib.models import apply_changes


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
    """A new user with their membership. Without a password the account cannot log in yet.

    Only the system (actor None: the demo data, a person accepting their own invitation) may
    give a password: nobody sets another person's password (docs/decisions/0705). A practice
    admin's new staff get an invitation instead (milepost/invites/staff.py).
    """
    if actor is not None and password is not None:
        raise PermissionDenied("Nobody sets another person's password: send an invitation.")
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
    actor: User | None,
    user: User,
    full_name: str,
    credentials: str,
    role: Role | str,
    is_active: bool,
    **identifiers: str,
) -> User:
    """Change a user's name, credentials, role and state; `identifiers` (npi, license_state,
    license_type, license_number), when given, are the clinician's provider identifiers."""
    membership = user.membership
    _check_admin_of(actor, membership.organization)
    clean_ids = provider_identifiers(identifiers)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if actor is not None and user.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError(
            {"role": "You cannot remove your own admin role or deactivate yourself."}
        )
    if (membership.role == Role.CLIENT) != (role == Role.CLIENT):
        raise ValidationError(
            {"role": "A client account cannot become a staff account, nor the reverse."}
        )
    changed = apply_changes(
        user,
        {
            "full_name": full_name.strip(),
            "credentials": credentials.strip(),
            "is_active": is_active,
            **clean_ids,
        },
    )
    if changed:
        user.save(update_fields=changed)
    if role != Role.ADMIN or not is_active:
        # The records-custodian grant ends with the admin role (decision 0606, as 0011).
        reason = "role_changed" if role != Role.ADMIN else "deactivated"
        if custodian_end(actor=actor, membership=membership, reason=reason):
            changed.append("custodian_ended")
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


PROVIDER_FIELDS = ("npi", "license_state", "license_type", "license_number")


def provider_identifiers(values: dict[str, str]) -> dict[str, str]:
    """The NPI (10 digits with its Luhn check digit over the prefix 80840) and the state
    licence, cleaned, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    for name in sorted(set(values) - set(PROVIDER_FIELDS)):
        errors[name] = "This field cannot be changed."
    clean = {name: str(value).strip() for name, value in values.items() if name in PROVIDER_FIELDS}
    if "npi" in clean:
        clean["npi"] = "".join(clean["npi"].split())
        if clean["npi"] and (problem := demographics.npi_problem(clean["npi"])):
            errors["npi"] = problem
    if "license_state" in clean:
        clean["license_state"] = clean["license_state"].upper()
        state = clean["license_state"]
        if state and (problem := demographics.state_problem(state)):
            errors["license_state"] = problem
    for name, most in (("license_type", 40), ("license_number", 40)):
        if len(clean.get(name, "")) > most:
            errors[name] = f"At most {most} characters."
    if clean.get("license_number") and not clean.get("license_state"):
        errors["license_state"] = "Say which state issued the licence."
    if errors:
        raise ValidationError(errors)
    return clean


PRACTICE_FIELDS = (
    "address_line",
    "city",
    "state",
    "postal_code",
    "phone",
    "tax_id",
    "time_zone",
    "week_start",
)


@transaction.atomic
def practice_details_set(*, actor: User | None, organization: Organization, **values: str) -> None:
    """A practice admin sets what payers need of the practice: its address and phone, its
    tax id (EIN, NN-NNNNNNN), the time zone its documents print times in and the day its
    weeks begin on (1 Monday … 7 Sunday; weekly self-monitoring values are filed by it)."""
    _check_admin_of(actor, organization)
    errors: dict[str, str] = {}
    for name in sorted(set(values) - set(PRACTICE_FIELDS)):
        errors[name] = "This field cannot be changed."
    clean = {name: str(value).strip() for name, value in values.items() if name in PRACTICE_FIELDS}
    if clean.get("state"):
        clean["state"] = clean["state"].upper()
        if problem := demographics.state_problem(clean["state"]):
            errors["state"] = problem
    if clean.get("postal_code") and not demographics.zip_ok(clean["postal_code"]):
        errors["postal_code"] = "Enter a ZIP code of 5 digits, or ZIP+4 (12345-6789)."
    if clean.get("phone") and (problem := demographics.phone_problem(clean["phone"])):
        errors["phone"] = problem
    if clean.get("tax_id"):
        ein = demographics.normalise_ein(clean["tax_id"])
        if ein is None:
            errors["tax_id"] = "An EIN is nine digits, written 12-3456789."
        else:
            clean["tax_id"] = ein
    if "time_zone" in clean and clean["time_zone"] not in zoneinfo.available_timezones():
        errors["time_zone"] = "Choose a time zone from the list, e.g. America/New_York."
    values_to_set: dict[str, object] = dict(clean)
    if "week_start" in clean:
        day = clean["week_start"]
        if day.isdigit() and int(day) in dict(periods.WEEKDAYS):
            values_to_set["week_start"] = int(day)
        else:
            errors["week_start"] = "Choose the day the practice's week begins on."
    if errors:
        raise ValidationError(errors)
    changed = apply_changes(organization, values_to_set)
    if not changed:
        return
    organization.save(update_fields=changed)
    audit_record(
        action="organization.update",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={"fields": changed},
    )


def custodian_end(*, actor: User | None, membership: Membership, reason: str) -> bool:
    """End a grant (inside the caller's transaction); False when there was none."""
    if membership.custodian_granted_at is None:
        return False
    granted_by = membership.custodian_granted_by
    membership.custodian_granted_at = None
    membership.custodian_granted_by = None
    membership.save(update_fields=["custodian_granted_at", "custodian_granted_by"])
    audit_record(
        action="user.custodian_revoke",
        actor=actor,
        organization=membership.organization,
        object_type="user",
        object_id=membership.user.public_id,
        detail={
            "reason": reason,
            "granted_by": granted_by.public_id if granted_by is not None else "(system)",
        },
    )
    return True


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


@transaction.atomic
def practice_profile_set(
    *, actor: User | None, organization: Organization, payer_profile: str
) -> None:
    """A practice admin chooses the payer profile the linter applies (None: the system
    itself, e.g. the demo data)."""
    if actor is not None:
        membership = require_membership(actor, Role.ADMIN)
        if membership.organization_id != organization.pk:
            raise PermissionDenied
    if payer_profile not in compliance.all_profiles():
        raise ValidationError({"payer_profile": "Choose one of the payer profiles listed."})
    before = organization.payer_profile
    if before == payer_profile:
        return
    organization.payer_profile = payer_profile
    organization.save(update_fields=["payer_profile"])
    audit_record(
        action="organization.update",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={"payer_profile": [before, payer_profile]},
    )


@transaction.atomic
def practice_mfa_set(*, actor: User | None, organization: Organization, mfa_required: bool) -> None:
    """A practice admin requires (or stops requiring) two-factor sign-in for its staff."""
    _check_admin_of(actor, organization)
    before = organization.mfa_required
    if before == mfa_required:
        return
    organization.mfa_required = mfa_required
    organization.save(update_fields=["mfa_required"])
    audit_record(
        action="organization.update",
        actor=actor,
        organization=organization,
        object_type="organization",
        object_id=organization.public_id,
        detail={"mfa_required": [before, mfa_required]},
    )


# Two-factor sign-in (docs/decisions/0602-mfa.md). The verifying services are not one
# transaction: a wrong code must leave its mark (the device's throttle, the audit event)
# even though the service then refuses with a ValidationError.

WRONG_CODE = "That code does not match. Enter the 6-digit code your authenticator app shows now."


def _organization_of(user: User) -> Organization | None:
    try:
        return user.membership.organization
    except Membership.DoesNotExist:
        return None


def _audit_user(action: str, actor: User | None, user: User, **detail: object) -> None:
    audit_record(
        action=action,
        actor=actor,
        organization=_organization_of(user),
        object_type="user",
        object_id=user.public_id,
        detail=detail or None,
    )


def _throttled_message(device: Device) -> str | None:
    """Why this device may not be given a code now, or None (mfa.code_retry_at)."""
    until = mfa.code_retry_at(
        getattr(device, "throttling_failure_count", 0),
        getattr(device, "throttling_failure_timestamp", None),
    )
    now = timezone.now()
    if until is None or until <= now:
        return None
    seconds = max(1, int((until - now).total_seconds()) + 1)
    return f"Too many wrong codes: wait {seconds} seconds, then try again."


def _verify_on(device: Device, code: str) -> bool:
    """One attempt on one device, its row locked so two requests cannot both use a code.

    An authenticator code is looked for one step either side of the server's clock, always:
    a drift that django-otp learnt before decision 0605 turned its learning off is dropped.
    """
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        if isinstance(locked, TOTPDevice) and locked.drift:
            locked.drift = 0
        return bool(locked.verify_token(code))


def mfa_totp_check(*, user: User, code: object, field: str = "otp_code") -> TOTPDevice:
    """A fresh code from the user's authenticator app, or a ValidationError naming `field`.

    A code is good once: the device remembers the last time step it accepted.
    """
    device = mfa.totp_device_of(user)
    if device is None:
        raise ValidationError({field: "Set up two-factor sign-in first."})
    typed = mfa.normalise_code(code)
    if not mfa.is_totp_code(typed):
        raise ValidationError({field: "Enter the 6 digits your authenticator app shows."})
    throttled = _throttled_message(device)
    if throttled:
        raise ValidationError({field: throttled})
    if not _verify_on(device, typed):
        raise ValidationError({field: WRONG_CODE})
    return device


def mfa_setup_start(*, user: User) -> TOTPDevice:
    """The authenticator device being set up: the same key until it is confirmed."""
    if mfa.is_enrolled(user):
        raise ValidationError({"otp_code": "Two-factor sign-in is already set up."})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=mfa.TOTP_NAME, confirmed=False, tolerance=1
        )
    return device


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def mfa_enrol(*, user: User, code: object) -> tuple[TOTPDevice, list[str]]:
    """Confirm the device being set up with a code from it; hand out recovery codes.

    Returns the confirmed device (the session is then verified with it) and the
    recovery codes, which are shown once and never again.
    """
    if mfa.is_enrolled(user):
        raise ValidationError({"otp_code": "Two-factor sign-in is already set up."})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError({"otp_code": "Open the set-up page again for a new key."})
    typed = mfa.normalise_code(code)
    if not mfa.is_totp_code(typed):
        raise ValidationError({"otp_code": "Enter the 6 digits your authenticator app shows."})
    throttled = _throttled_message(device)
    if throttled:
        raise ValidationError({"otp_code": throttled})
    if not _verify_on(device, typed):
        raise ValidationError(
            {"otp_code": WRONG_CODE + " Check that the phone's clock is set automatically."}
        )
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_replace(user)
        _audit_user("mfa.enrol", user, user)
    return device, codes


def mfa_verify(*, user: User, code: object) -> Device:
    """Sign-in's second step: a code from the app or a recovery code (used up by it).

    Every attempt is audited (`mfa.verify`, `mfa.verify_failed`, with the kind of code).
    """
    typed = mfa.normalise_code(code)
    device: Device | None
    if mfa.is_totp_code(typed):
        method, device = "totp", mfa.totp_device_of(user)
    else:
        method, device = "recovery_code", mfa.recovery_device_of(user)
    if not typed:
        raise ValidationError({"otp_code": "Enter the code from your authenticator app."})
    throttled = _throttled_message(device) if device is not None else None
    if device is None or throttled or not _verify_on(device, typed):
        _audit_user("mfa.verify_failed", user, user, method=method)
        raise ValidationError(
            {
                "otp_code": throttled
                or (
                    "That code does not match. Enter the 6-digit code your authenticator "
                    "app shows now, or one of your recovery codes."
                )
            }
        )
    _audit_user("mfa.verify", user, user, method=method)
    return device


def mfa_recovery_codes_regenerate(*, user: User, code: object) -> tuple[TOTPDevice, list[str]]:
    """New recovery codes for old ones (all of which stop working), on a current code."""
    device = mfa_totp_check(user=user, code=code)
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        _audit_user("mfa.recovery_codes", user, user, count=len(codes))
    return device, codes


# Passkeys (docs/decisions/0605-mfa-passkeys.md). django-otp-webauthn checks and stores the
# passkey itself; these record what happened, and remove one.


def mfa_passkey_registered(*, user: User, passkey: WebAuthnCredential) -> None:
    _audit_user("mfa.passkey_register", user, user, passkey=passkey.pk)


def mfa_passkey_verified(*, user: User, passkey: WebAuthnCredential) -> None:
    _audit_user("mfa.passkey_verify", user, user, passkey=passkey.pk)


def mfa_passkey_failed(*, user: User, step: str, reason: str) -> None:
    """A passkey ceremony that did not succeed: `step` is register or verify, `reason` the
    package's error code (no credential data)."""
    _audit_user(f"mfa.passkey_{step}_failed", user, user, reason=reason[:64])


@transaction.atomic
def mfa_passkey_remove(*, user: User, passkey_id: object) -> None:
    """The user removes one of their own passkeys."""
    raw = str(passkey_id or "")
    passkey = (
        WebAuthnCredential.objects.filter(user=user, pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 19
        else None
    )
    if passkey is None:
        raise ValidationError({"passkey": "Choose one of your passkeys to remove."})
    removed = passkey.pk
    passkey.delete()
    _audit_user("mfa.passkey_remove", user, user, passkey=removed)


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """A practice admin lifts django-axes' lockout of one of its users.

    Returns how many attempt records were removed (0: the account was not locked).
    """
    _check_admin_of(actor, user.membership.organization)
    removed = axes_reset(username=user.email)
    _audit_user("user.unlock", actor, user, attempts=removed)
    return removed


@transaction.atomic
def user_mfa_reset(*, actor: User, user: User) -> int:
    """A practice admin removes a user's authenticator, recovery codes and passkeys (a lost
    phone); the user sets up two-factor sign-in again when they next sign in."""
    _check_admin_of(actor, user.membership.organization)
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    _audit_user("mfa.reset", actor, user, devices=removed)
    return removed
