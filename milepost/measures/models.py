"""Administrations of outcome instruments, the risk alerts they raise, and the
questionnaires assigned to clients to complete in the portal on a schedule.

Read only through measures/access.py, written only through measures/services.py.
An administration is never edited or deleted: a mistaken one is marked entered in
error (with a reason) and leaves every chart and statistic.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.domain import instruments
from milepost.domain.instruments import Instrument
from milepost.domain.schedules import Schedule
from milepost.lib.fields import PublicIdField


class Source(models.TextChoices):
    CLINICIAN = "clinician", "Entered by the clinician"
    PORTAL = "portal", "Completed by the client in the portal"
    IMPORT = "import", "Imported from another system"


class Administration(models.Model):
    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="administrations"
    )
    instrument_code = models.CharField(max_length=20)
    instrument_version = models.CharField(max_length=200, blank=True)
    answers = models.JSONField(help_text="Item values in item order; null for a missing item.")
    total = models.IntegerField(null=True, blank=True)
    exact_total = models.FloatField(null=True, blank=True)
    band_code = models.CharField(max_length=40, blank=True)
    band_label = models.CharField(max_length=80, blank=True)
    answered = models.PositiveSmallIntegerField()
    prorated = models.BooleanField(default=False)
    unscorable_reason = models.CharField(max_length=300, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    provisional_diagnosis = models.JSONField(null=True, blank=True)
    administered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CLINICIAN)
    assignment = models.ForeignKey(
        "measures.Assignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrations",
        help_text="The portal assignment this administration completed, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_reason = models.CharField(max_length=300, blank=True)
    # An imported administration keeps the sending system's identifier of it (its
    # `identifier`, or its `meta.source` and id), so a re-send is recognised: an amended one
    # replaces this one, an entered-in-error one withdraws it (decision 0900).
    sender_system = models.CharField(max_length=255, blank=True)
    sender_id = models.CharField(max_length=255, blank=True)
    # The administration that replaced this one (an amended re-send); this one is then
    # entered in error, and kept.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        ordering = ["administered_at", "id"]
        indexes = [
            models.Index(fields=["client", "instrument_code", "administered_at"]),
            models.Index(
                fields=["client", "sender_system", "sender_id"], name="administration_sender"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.total} on {self.administered_at:%Y-%m-%d}"

    @property
    def instrument(self) -> Instrument:
        return instruments.get(self.instrument_code)

    @property
    def counts(self) -> bool:
        return self.entered_in_error_at is None


class AlertAction(models.TextChoices):
    """What the clinician did about a risk alert. Acknowledging always records one."""

    SAFETY_PLAN = "safety_plan", "Reviewed or made a safety plan with the client"
    CONTACTED = "contacted", "Contacted the client and assessed risk"
    EMERGENCY = "emergency", "Arranged emergency or crisis services"
    CONSULTED = "consulted", "Consulted a supervisor or colleague"
    SESSION = "session", "Assessed risk in session; no further action needed"
    ENTERED_IN_ERROR = (
        "entered_in_error",
        "The questionnaire was entered in error (wrong client or typo)",
    )
    OTHER = "other", "Other (described in the note)"


class RiskAlert(models.Model):
    """An urgent flag from a questionnaire. It stays open until a clinician records an action."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="alerts")
    # Null while the answer that raised it sits in an unsent portal questionnaire: the alert
    # is raised as the client answers, not when (or if) they send it. Sending attaches it.
    administration = models.ForeignKey(
        Administration, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    assignment = models.ForeignKey(
        "Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=20)
    message = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AlertAction.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["organization", "acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True)
                | (~models.Q(action="") & ~models.Q(note="")),
                name="acknowledged_alert_records_action_and_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} alert for client {self.client_id}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class AssignmentSchedule(models.TextChoices):
    """The schedules of milepost.domain.schedules.Schedule, for the database and forms."""

    ONCE = Schedule.ONCE.value, Schedule.ONCE.label
    WEEKLY = Schedule.WEEKLY.value, Schedule.WEEKLY.label
    FORTNIGHTLY = Schedule.FORTNIGHTLY.value, Schedule.FORTNIGHTLY.label
    BEFORE_SESSION = Schedule.BEFORE_SESSION.value, Schedule.BEFORE_SESSION.label
    AT_REVIEW = Schedule.AT_REVIEW.value, Schedule.AT_REVIEW.label


class Assignment(models.Model):
    """A questionnaire the care team asked the client to complete in the portal, on a schedule.

    Never deleted: ending one sets `ended_at` (and `active` false) and keeps the record of
    what was asked, by whom and when. Its completions are the administrations that name it.
    """

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="assignments"
    )
    instrument_code = models.CharField(max_length=20)
    schedule = models.CharField(max_length=20, choices=AssignmentSchedule.choices)
    start_on = models.DateField()
    next_session_on = models.DateField(
        null=True, blank=True, help_text="For “before each session”: the next session's date."
    )
    active = models.BooleanField(default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["client", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(active=True) & models.Q(ended_at__isnull=True))
                | (models.Q(active=False) & models.Q(ended_at__isnull=False)),
                name="assignment_active_until_ended",
            ),
            # One live assignment per instrument: the client has one place to answer it.
            models.UniqueConstraint(
                fields=["client", "instrument_code"],
                condition=models.Q(active=True),
                name="one_active_assignment_per_instrument",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.schedule} for client {self.client_id}"

    @property
    def instrument(self) -> Instrument:
        return instruments.get(self.instrument_code)


class PortalResponseDraft(models.Model):
    """The answers a client has given so far to one occurrence of an assignment.

    `answers` maps an item number (as a string) to its answer, or to null when the client
    chose to skip it; an item not in the map has not been reached yet. It is replaced when
    a new occurrence begins and removed once the answers are submitted as an administration.
    """

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="draft")
    occurrence = models.CharField(max_length=60)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draft of assignment {self.assignment_id}"
