"""Session notes and the objectives each one cites (the "golden thread").

Read only through notes/access.py, written only through notes/services.py. A note is
never edited or deleted once saved: a mistaken one is marked entered in error (with a
reason), stays on the record struck through, and no longer counts anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField


class SessionType(models.TextChoices):
    """Who was in the room; the same words as an intervention's type."""

    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"
    FAMILY = "family", "Family"


class SessionSetting(models.TextChoices):
    """Where the session took place; payers ask for the telehealth method (PL-23)."""

    IN_PERSON = "in_person", "In person"
    TELEHEALTH_VIDEO = "telehealth_video", "Telehealth (video)"
    TELEHEALTH_PHONE = "telehealth_phone", "Telehealth (phone)"


class Progress(models.TextChoices):
    """How an objective went in one session, in the words clinicians write."""

    PROGRESSING = "progressing", "Progressing"
    MAINTAINED = "maintained", "Maintained"
    NO_CHANGE = "no_change", "No change"
    REGRESSED = "regressed", "Regressed"
    MET = "met", "Met"


class SessionNote(models.Model):
    """One session: when, how, what was worked on, by whom."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="session_notes"
    )
    # The plan version in force when the note was written; none before the first plan.
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_notes",
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField()
    started_at = models.TimeField()
    ended_at = models.TimeField()
    type = models.CharField(max_length=20, choices=SessionType.choices)
    setting = models.CharField(max_length=20, choices=SessionSetting.choices)
    narrative = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-held_on", "-started_at", "-id"]
        indexes = [models.Index(fields=["client", "held_on"], name="session_note_client_day")]
        constraints = [
            # Sessions that run past midnight are not supported: two times on one date.
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")),
                name="session_note_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=SessionType.values),
                name="session_note_type_known",
            ),
            models.CheckConstraint(
                condition=models.Q(setting__in=SessionSetting.values),
                name="session_note_setting_known",
            ),
            # Marked in error always with a reason; never a reason without the mark.
            models.CheckConstraint(
                condition=(
                    models.Q(entered_in_error_at__isnull=True)
                    & models.Q(entered_in_error_reason="")
                )
                | (
                    models.Q(entered_in_error_at__isnull=False)
                    & ~models.Q(entered_in_error_reason="")
                ),
                name="session_note_error_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Session note of client {self.client_id} on {self.held_on}"

    @property
    def counts(self) -> bool:
        """False once entered in error: the note then leaves every count and the thread."""
        return self.entered_in_error_at is None

    @property
    def minutes(self) -> int:
        start = self.started_at.hour * 60 + self.started_at.minute
        end = self.ended_at.hour * 60 + self.ended_at.minute
        return end - start


class NoteObjective(models.Model):
    """One objective a note cites, with how it went that session."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="objectives")
    # PROTECT: an objective a note cites is part of that clinical record and must stay.
    objective = models.ForeignKey(
        "plans.Objective", on_delete=models.PROTECT, related_name="note_citations"
    )
    # The objective's wording when the note was saved: a draft objective may be reworded
    # later, and a note reads as it was written.
    statement = models.TextField()
    progress = models.CharField(max_length=20, choices=Progress.choices)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "objective"], name="one_citation_per_objective"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__in=Progress.values),
                name="note_objective_progress_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_progress_display()} on objective {self.objective_id}"
