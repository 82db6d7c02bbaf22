"""Clients and their care teams. Read only through access.py, written only through services.py."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from milepost.domain.demographics import ADMINISTRATIVE_SEX, SUBSCRIBER_RELATIONSHIP
from milepost.lib.fields import PublicIdField


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WAITLIST = "waitlist", "Waitlist"
    ON_HOLD = "on_hold", "On hold"
    DISCHARGED = "discharged", "Discharged"


class Programme(models.Model):
    """A service line the practice defines, e.g. "Adult anxiety clinic" (decision 1010).

    A name, not client data: the outcomes dashboard groups by it. A client is in one or none.
    """

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="unique_programme_name_per_practice"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="clients"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    pronouns = models.CharField(max_length=40, blank=True)
    # Administrative sex as payers and claims use it (FHIR administrative-gender); the
    # client's gender identity is recorded separately, in their words.
    sex = models.CharField(max_length=10, choices=ADMINISTRATIVE_SEX, blank=True)
    gender_identity = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter US state code.")
    postal_code = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    referral_reason = models.TextField(
        blank=True, help_text="Why the client came, in a sentence or two."
    )
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="client_record",
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        help_text="The practice's programme the client is in, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"


class Coverage(models.Model):
    """The client's health insurance, as a claim names it (FHIR Coverage). One per client:
    the primary coverage. Read through clients/access.py, written by clients/services.py."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="coverage")
    payer = models.CharField(max_length=200, help_text="The insurer, e.g. Aetna.")
    plan_name = models.CharField(max_length=200, blank=True)
    member_id = models.CharField(max_length=40)
    group_id = models.CharField(max_length=40, blank=True)
    relationship = models.CharField(max_length=10, choices=SUBSCRIBER_RELATIONSHIP, default="self")
    subscriber_name = models.CharField(
        max_length=200, blank=True, help_text="The policy holder, when not the client."
    )
    subscriber_date_of_birth = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Coverage of client {self.client_id}"

    @property
    def relationship_label(self) -> str:
        return dict(SUBSCRIBER_RELATIONSHIP).get(self.relationship, self.relationship)


class CareTeamMember(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="care_team")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_teams"
    )
    is_primary = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "clinician"], name="unique_care_team_member"),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} on {self.client}'s care team"


class EmergencyAccess(models.Model):
    """ "Break the glass": a clinician outside the care team opens a client's record.

    Granted for a stated reason and a limited time (settings.EMERGENCY_ACCESS_HOURS); every
    read during it is audited as usual, and the practice's admins see every grant.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="emergency_accesses")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [
            models.Index(fields=["clinician", "expires_at"], name="emergency_clinician_expiry")
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.clinician} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.expires_at > now
