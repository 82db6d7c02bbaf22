"""The public directory: a practice's opt-in and payer list, each clinician's listing, their
licences, and the referrals that arrive through "Contact this therapist".

A listing is built from the practice's own data: room is computed from the clinician's
active caseload (clients.CareTeamMember) against the capacity they state, and a listing not
confirmed for 90 days is hidden (milepost.domain.directory.ranking). Focus areas, modalities,
languages, age groups, populations and payers are rows of `Facet`, so every filter is an
indexed lookup on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField
from milepost.lib.public_id import LENGTH


class DirectoryPractice(models.Model):
    """A practice's choice to appear in the public directory (off until an admin turns it on)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="directory"
    )
    listed = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    # Whether the practice's own intake ranks its clinicians for a referral by their measured
    # outcomes too (decision 1220). Off until an admin turns it on; never public.
    outcome_matching = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"directory opt-in of organization {self.organization_id}"


class Payer(models.Model):
    """A payer (insurer) on the practice's controlled list; clinicians pick theirs from it."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="payers"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_practice_payer")
        ]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """A clinician's public listing, written by the clinician."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="directory_profiles"
    )
    clinician = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_profile"
    )
    listed = models.BooleanField(default=False)
    display_name = models.CharField(max_length=150)
    credentials = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    statement = models.TextField(blank=True)
    photo = models.BinaryField(null=True, blank=True)  # a re-encoded JPEG without metadata
    fee_min = models.PositiveIntegerField(null=True, blank=True)
    fee_max = models.PositiveIntegerField(null=True, blank=True)
    sliding_scale = models.BooleanField(default=False)
    in_person = models.BooleanField(default=False)
    telehealth = models.BooleanField(default=False)
    office_line = models.CharField(max_length=200, blank=True)
    office_city = models.CharField(max_length=100, blank=True)
    office_state = models.CharField(max_length=2, blank=True)
    office_zip = models.CharField(max_length=5, blank=True)
    office_lat = models.FloatField(null=True, blank=True)
    office_lon = models.FloatField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(default=0)
    next_opening = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Name, credentials, statement and the labels of its facets: what full-text search reads.
    search_text = models.TextField(blank=True)
    # Every facet as "|kind:value|", read with the candidate rows so ranking needs no join.
    facet_keys = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]
        indexes = [
            models.Index(fields=["listed", "confirmed_at"], name="directory_listed_fresh"),
            models.Index(fields=["office_lat", "office_lon"], name="directory_office_point"),
        ]

    def __str__(self) -> str:
        return self.display_name


class FacetKind(models.TextChoices):
    FOCUS = "focus", "Focus area"
    MODALITY = "modality", "Modality"
    LANGUAGE = "language", "Language"
    AGE = "age", "Age group"
    POPULATION = "population", "Population"
    PAYER = "payer", "Insurance"


class Facet(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=12, choices=FacetKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "profile"], name="directory_facet_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "kind", "value"], name="unique_directory_facet"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Licence(models.Model):
    public_id = PublicIdField()
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="licences")
    state = models.CharField(max_length=2)
    kind = models.CharField("Licence type", max_length=40)
    number = models.CharField(max_length=40)
    expires_on = models.DateField()

    class Meta:
        ordering = ["state", "kind"]
        indexes = [
            models.Index(fields=["state", "expires_on", "profile"], name="directory_licence_state")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}"


class SearchRow(models.Model):
    """What the public search reads: one row per listed listing and state it holds a licence
    in, with the columns filtering and ranking need, so a search scans one state's rows of
    one narrow table (decision 1210). Written only by `services.search_rows_sync`, which every
    service that changes a listing, its licences, facets or its practice's opt-in calls; a
    listing not shown (unlisted, or its practice not listed) has no rows.

    The clinician's account being active and their caseload are read live by the search,
    since other apps own them. On PostgreSQL the table also has `search_vector`, a stored
    tsvector of `search_text`; on SQLite an FTS5 index, `directory_searchrow_fts`, follows
    `search_text` by triggers (both from migration 0004, outside this model)."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="search_rows", db_index=False
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    state = models.CharField(max_length=2)
    # The latest expiry among the listing's licences in this state.
    expires_on = models.DateField()
    # The listing's public id, copied for the page's links; not this row's own id.
    listing_public_id = models.CharField(max_length=LENGTH, db_column="public_id")
    display_name = models.CharField(max_length=150)
    in_person = models.BooleanField(default=False)
    telehealth = models.BooleanField(default=False)
    office_lat = models.FloatField(null=True, blank=True)
    office_lon = models.FloatField(null=True, blank=True)
    fee_min = models.PositiveIntegerField(null=True, blank=True)
    sliding_scale = models.BooleanField(default=False)
    capacity = models.PositiveSmallIntegerField(default=0)
    next_opening = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    facet_keys = models.TextField(blank=True)
    search_text = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["state", "expires_on", "confirmed_at"], name="directory_search_state"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["profile", "state"], name="unique_search_row_state")
        ]

    def __str__(self) -> str:
        return f"search row {self.state} of {self.profile_id}"


class ReferralStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Referral(models.Model):
    """A person's request to be contacted, from the public directory. Health information:
    read through access.py and audited."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="referrals"
    )
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="referrals")
    name = models.CharField(max_length=150)
    contact = models.CharField("How to reach them", max_length=200)
    message = models.TextField(blank=True)
    consent = models.BooleanField(default=False)
    # A keyed hash of the sender's address, for rate limiting only; never the address.
    sender_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["profile", "status", "created_at"])]

    def __str__(self) -> str:
        return f"referral {self.public_id}"
