"""The outcome facts of a practice: one row per case, target due, review due and client.

Derived data, rebuilt by services.outcomes_refresh (SQL INSERT … SELECT with window functions,
decision 1001) and read only through access.py. Each row keeps what aggregates group by (the
clinician, the instrument, the diagnosis group, the programme, the period) and the flags they
count; never clinical text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Refresh(models.Model):
    """When a practice's outcome facts were last rebuilt, and how many of each."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="outcomes_refresh"
    )
    refreshed_at = models.DateTimeField()
    cases = models.PositiveIntegerField(default=0)
    targets = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    clients = models.PositiveIntegerField(default=0)

    class Meta:
        # The dashboard's permission (decision 1004), beside the roles that may hold it.
        default_permissions = ()
        permissions = [("view_practice_outcomes", "Can see the practice's outcomes dashboard")]

    def __str__(self) -> str:
        return f"Outcomes refreshed {self.refreshed_at:%Y-%m-%d %H:%M}"


class _Fact(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    diagnosis_group = models.CharField(max_length=3, blank=True)
    programme = models.ForeignKey(
        "clients.Programme", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    period = models.DateField(help_text="The first day of the quarter the fact falls in.")

    class Meta:
        abstract = True


class Case(_Fact):
    """A client's first and last score on one instrument with NHS TT thresholds."""

    instrument_code = models.CharField(max_length=20)
    scores = models.PositiveIntegerField()
    first_total = models.FloatField()
    last_total = models.FloatField()
    at_caseness_start = models.BooleanField()
    recovered = models.BooleanField()
    improved = models.BooleanField()
    deteriorated = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "period"], name="outcome_case_org_period"),
            models.Index(fields=["organization", "clinician"], name="outcome_case_org_clin"),
        ]

    def __str__(self) -> str:
        return f"Case of client {self.client_id} on {self.instrument_code}"


class TargetDue(_Fact):
    """An instrument target of a client's latest plan whose due date has passed."""

    instrument_code = models.CharField(max_length=20)
    met = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "period"], name="outcome_target_org_period")
        ]

    def __str__(self) -> str:
        return f"Target of client {self.client_id} due in {self.period}"


class ReviewDue(_Fact):
    """A plan version whose review fell due: held on time or not."""

    on_time = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "period"], name="outcome_review_org_period")
        ]

    def __str__(self) -> str:
        return f"Review of client {self.client_id} due in {self.period}"


class ClientFacts(_Fact):
    """A client's days to their first score, and how many scores and sessions they had."""

    days_to_first_measure = models.FloatField(null=True)
    administrations = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "period"], name="outcome_client_org_period")
        ]

    def __str__(self) -> str:
        return f"Facts of client {self.client_id}"


class GroupCount(models.Model):
    """The facts counted per grouping, key, quarter and instrument (decision 1006).

    What the dashboard sums: a few thousand rows where the facts are hundreds of thousands.
    ``family`` is ``case``, ``target``, ``review`` or ``client``; ``key`` is the clinician's
    id, the instrument code, the diagnosis group or the quarter's first day as text. The
    counts ``n``, ``a`` … ``e`` and the sum ``x`` mean what refresh.py's ``_SUMMARY`` says.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    family = models.CharField(max_length=10)
    group_by = models.CharField(max_length=12)
    key = models.CharField(max_length=40, blank=True)
    period = models.DateField()
    instrument_code = models.CharField(max_length=20, blank=True)
    n = models.BigIntegerField()
    a = models.BigIntegerField(db_default=0)
    b = models.BigIntegerField(db_default=0)
    c = models.BigIntegerField(db_default=0)
    d = models.BigIntegerField(db_default=0)
    e = models.BigIntegerField(db_default=0)
    x = models.FloatField(db_default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "group_by", "family", "period"], name="outcome_count_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.family} by {self.group_by} {self.key} in {self.period}"
