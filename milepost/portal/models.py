"""The client portal's own records.

Read only through portal/access.py, written only through portal/services.py. Each
section below belongs to one portal feature; add a feature's models as its own section.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField

# --------------------------------------------------------------------------- the plan side
# Goals the client drafts, their endorsement requests, self-monitoring logs and journal
# (docs/decisions/0702-portal-plan.md).


class ProposalStatus(models.TextChoices):
    NEW = "new", "New"
    ADOPTED = "adopted", "Adopted into the plan"
    DECLINED = "declined", "Declined"


class GoalProposal(models.Model):
    """A goal the client drafted in their own words ("imagine life when things are better")."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="goal_proposals"
    )
    text = models.TextField(help_text="The goal in the client's own words.")
    how_you_would_know = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.NEW
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why it was declined, for the client.")
    goal = models.ForeignKey(
        "plans.Goal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The plan goal it became.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Goal proposal {self.public_id} ({self.status})"


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class ChangeRequest(models.Model):
    """The client asks for a change to one exact plan version instead of endorsing it."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="plan_change_requests"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan", on_delete=models.PROTECT, related_name="change_requests"
    )
    comment = models.TextField()
    status = models.CharField(
        max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Change request {self.public_id} ({self.status})"


class GoalVisibility(models.Model):
    """The clinician's choice to keep one goal out of the portal (set on a draft).

    A goal copied into a later version (goal.origin) inherits the nearest choice made on
    it or on a goal it was copied from.
    """

    goal = models.OneToOneField("plans.Goal", on_delete=models.CASCADE, related_name="+")
    hidden_from_client = models.BooleanField(default=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return (
            f"Goal {self.goal_id} {'hidden from' if self.hidden_from_client else 'shown to'} client"
        )


class LogEntry(models.Model):
    """One self-monitoring entry: "a pleasurable activity", "a panic attack, intensity 7".

    Entries roll up into the period values (Observations) their metric's targets track.
    Never edited or deleted: a mistaken one is marked entered in error.
    """

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="log_entries"
    )
    metric = models.ForeignKey("plans.Metric", on_delete=models.PROTECT, related_name="log_entries")
    occurred_at = models.DateTimeField()
    value = models.FloatField(default=1, help_text="1 for a count; hours, minutes… otherwise.")
    intensity = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0-10")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["client", "metric", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(intensity__isnull=True) | models.Q(intensity__lte=10),
                name="log_entry_intensity_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="log_entry_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Log entry {self.public_id}"

    @property
    def counts(self) -> bool:
        return self.entered_in_error_at is None


class JournalEntry(models.Model):
    """Free text the client writes for themselves; private until they share it."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="journal_entries"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the client shared it with the care team."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Journal entry {self.public_id}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class DraftKind(models.TextChoices):
    JOURNAL = "journal", "Journal entry"
    CHANGE_REQUEST = "change_request", "Request for a change to the plan"
    PROPOSAL = "proposal", "Goal being drafted"
    PROPOSAL_HOW = "proposal_how", "How the client would know (goal being drafted)"


# Which form field each kind keeps, per form that the portal saves in the background.
DRAFT_FORMS: dict[str, tuple[tuple[DraftKind, str], ...]] = {
    "journal": ((DraftKind.JOURNAL, "text"),),
    "change": ((DraftKind.CHANGE_REQUEST, "comment"),),
    "proposal": ((DraftKind.PROPOSAL, "text"), (DraftKind.PROPOSAL_HOW, "how_you_would_know")),
}


class UnsentDraft(models.Model):
    """What the client was typing when the idle timeout came near, kept for them to send
    after signing in again (decision 0823). One per client and kind; deleted when sent.

    The text is the client's own and is shown only to them; it never reaches the audit trail.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DraftKind.choices)
    text = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "kind"], name="one_unsent_draft_per_kind"),
        ]

    def __str__(self) -> str:
        return f"Unsent {self.kind} of client {self.client_id}"


# --------------------------------------------------------------- questionnaires and reminders
# Crisis resources shown after an urgent answer, and the reminders sent for due
# questionnaires and logs (docs/decisions/0701-portal-questionnaires.md).

PHONE_NUMBER = RegexValidator(r"^\+?[0-9]{2,15}$", "Digits only, with an optional leading +.")

# The United States default; settings.PORTAL_CRISIS_RESOURCES (same keys) may replace it.
CRISIS_DEFAULTS_US: dict[str, str] = {
    "heading": "You don't have to face this alone",
    "call_label": "Call or text 988",
    "call_number": "988",
    "text_number": "988",
    "emergency_text": "In an emergency, call 911 or go to your nearest emergency room.",
    "emergency_number": "911",
    "more_text": "The 988 Suicide & Crisis Lifeline is free, confidential and open 24 hours a day.",
}


class CrisisResources(models.Model):
    """What the practice tells a client who may be in crisis; the settings' default otherwise.

    Plain text. The numbers are also shown as call (and text) links, so they hold only
    digits and a leading +.
    """

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="crisis_resources"
    )
    heading = models.CharField(max_length=200, default=CRISIS_DEFAULTS_US["heading"])
    call_label = models.CharField(
        max_length=200, default=CRISIS_DEFAULTS_US["call_label"], help_text="e.g. Call or text 988"
    )
    call_number = models.CharField(
        max_length=20,
        default=CRISIS_DEFAULTS_US["call_number"],
        validators=[PHONE_NUMBER],
        help_text="The number the call link dials: digits and a leading + only.",
    )
    text_number = models.CharField(
        max_length=20,
        blank=True,
        default=CRISIS_DEFAULTS_US["text_number"],
        validators=[PHONE_NUMBER],
        help_text="A number that takes text messages; empty for none.",
    )
    emergency_text = models.CharField(max_length=300, default=CRISIS_DEFAULTS_US["emergency_text"])
    emergency_number = models.CharField(
        max_length=20, default=CRISIS_DEFAULTS_US["emergency_number"], validators=[PHONE_NUMBER]
    )
    more_text = models.TextField(
        blank=True,
        default=CRISIS_DEFAULTS_US["more_text"],
        help_text="Anything else to say (opening hours, local services).",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "crisis resources"
        verbose_name_plural = "crisis resources"

    def __str__(self) -> str:
        return f"Crisis resources of organization {self.organization_id}"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "E-mail"


class Reminder(models.Model):
    """One reminder sent to a client for one occurrence of one item, on one channel.

    The unique constraint is what makes `milepost remind` safe to run again, even twice at
    once: a reminder exists only once per client, key and channel.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(
        max_length=120, help_text="Item and occurrence, e.g. assignment:<id>|weekly:2026-05-04"
    )
    channel = models.CharField(max_length=20, choices=ReminderChannel.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key", "channel"], name="one_reminder_per_occurrence_and_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.key} ({self.channel})"
