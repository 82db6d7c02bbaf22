"""Users, organizations (the tenancy boundary), memberships and supervision."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from milepost.domain.compliance import DEFAULT_PROFILE, profile_choices
from milepost.domain.periods import ISO_MONDAY, WEEKDAYS
from milepost.lib.fields import PublicIdField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses sign in whatever their case; they are stored lower-case.
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: staff of one organization, or a client using the portal.

    `is_staff` only opens Django's admin for maintenance; what a user may do in
    Milepost comes from their Membership.
    """

    public_id = PublicIdField()
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    credentials = models.CharField(
        max_length=60, blank=True, help_text="Licence and degree after the name, e.g. LCSW, PhD."
    )
    # Provider identifiers payers ask for (docs/decisions/0802): the NPI (checked with its
    # check digit) and the state licence.
    npi = models.CharField("NPI", max_length=10, blank=True)
    license_state = models.CharField(max_length=2, blank=True)
    license_type = models.CharField(max_length=40, blank=True)
    license_number = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name


def default_time_zone() -> str:
    """A new practice starts in the server's zone (settings.TIME_ZONE) until its admin sets one."""
    return str(settings.TIME_ZONE)


class Organization(models.Model):
    """A practice. Nothing — no record, no list, no report — ever crosses it."""

    public_id = PublicIdField()
    name = models.CharField(max_length=200)
    # Plan rules of the practice (its payers' and accreditors' rules; see docs/decisions/0310).
    review_interval_days = models.PositiveSmallIntegerField(
        default=90,
        help_text="Days from signing (or the last review) until a plan is due for review.",
    )
    cosign_required = models.BooleanField(
        default=False, help_text="Every signed plan also needs a supervisor's co-signature."
    )
    # The payer or accreditor whose rules the compliance linter applies (docs/compliance.md);
    # the choices are the profile files of milepost/domain/compliance/data.
    payer_profile = models.CharField(
        max_length=60,
        choices=profile_choices,
        default=DEFAULT_PROFILE,
        help_text="Whose rules the plan checks and the compliance report apply.",
    )
    # Staff sign in with a one-time code as well as the password (docs/decisions/0602-mfa.md).
    mfa_required = models.BooleanField(
        default=True,
        help_text="Clinicians, supervisors and admins sign in with an authenticator app too.",
    )
    # What payers need on a plan (docs/decisions/0802): the practice's address, phone and
    # tax id (EIN, NN-NNNNNNN), and the time zone its documents print times in.
    address_line = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    tax_id = models.CharField("Tax id (EIN)", max_length=10, blank=True)
    time_zone = models.CharField(max_length=60, default=default_time_zone)
    # The day weekly self-monitoring values are filed under (docs/decisions/0831): 1 Monday
    # (ISO 8601, the default) … 7 Sunday.
    week_start = models.PositiveSmallIntegerField(
        choices=WEEKDAYS,
        default=ISO_MONDAY,
        help_text="The day the practice's weeks begin on, for weekly self-monitoring values.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Practice admin"
    CLIENT = "client", "Client"


CLINICAL_ROLES = frozenset({Role.CLINICIAN, Role.SUPERVISOR})


class Membership(models.Model):
    """A user's place in their organization. One per user: see docs/decisions/0003-tenancy.md."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="membership")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # The records-custodian grant (docs/decisions/0606-records-custodian.md): a practice admin
    # who holds it may export the clinical archive. Granted by a named admin, never implied
    # by the role; it ends with the admin role. Both ends are on the audit trail.
    custodian_granted_at = models.DateTimeField(null=True, blank=True)
    custodian_granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organization})"

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def is_custodian(self) -> bool:
        """Holds the records-custodian grant (and so is an admin: it ends with the role)."""
        return self.role == Role.ADMIN and self.custodian_granted_at is not None

    @property
    def custodian_self_granted(self) -> bool:
        return self.is_custodian and self.custodian_granted_by_id == self.user_id


class Supervision(models.Model):
    """A supervisor oversees a clinician, and so may read the clients of that clinician's teams."""

    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervisees")
    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervisors")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "clinician"], name="unique_supervision"),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("clinician")), name="no_self_supervision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.clinician}"
