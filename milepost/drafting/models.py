"""What the drafting assistant keeps: where each accepted item came from (provenance), and
each practice's optional language-model endpoint.

Nothing of a draft is stored until the clinician accepts an item: the intake travels in
the page's form, and only an accepted item is written (through the plans services) with
one `DraftedItem` row saying it was drafted by the assistant and who accepted or edited it.
Read only through drafting/access.py, written only through drafting/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField


class DraftedKind(models.TextChoices):
    FACTOR = "factor", "Formulation factor"
    GOAL = "goal", "Goal"
    OBJECTIVE = "objective", "Objective"
    INTERVENTION = "intervention", "Intervention"


class DraftedItem(models.Model):
    """One item the assistant drafted and a clinician accepted, as it was or edited."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        "plans.TreatmentPlan", on_delete=models.PROTECT, related_name="drafted_items"
    )
    kind = models.CharField(max_length=20, choices=DraftedKind.choices)
    # The public id of the factor, goal, objective or intervention written.
    object_id = models.CharField(max_length=40, db_index=True)
    # The draft's own id of the item ("g1.o2") and a digest of the intake it was drafted
    # from, so a later item can find the goal or objective it belongs under.
    draft_item = models.CharField(max_length=40)
    draft_key = models.CharField(max_length=64)
    # "offline" (rules and library) or "model" (a practice's language model).
    drafted_by = models.CharField(max_length=20, default="offline")
    edited_fields = models.JSONField(default=list, blank=True)
    sources = models.JSONField(default=list, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "draft_key", "draft_item"], name="drafted_item_once_per_draft"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.draft_item}"

    @property
    def description(self) -> str:
        """ "Drafted by the assistant from the intake, edited by Alice Example"."""
        who = self.accepted_by.full_name or "a clinician"
        source = "the intake" if self.drafted_by == "offline" else "the intake with a model"
        verb = "edited" if self.edited_fields else "accepted"
        return f"Drafted by the assistant from {source}, {verb} by {who}"


class ModelEndpoint(models.Model):
    """A practice's OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp); off by default.

    Health information goes to it only when `covers_health_information` is set by the
    practice admin (an agreement such as a BAA covers it); otherwise only de-identified text.
    """

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    enabled = models.BooleanField(default=False)
    base_url = models.URLField(
        blank=True, help_text="The server's OpenAI-compatible base URL, ending in /v1."
    )
    model = models.CharField(max_length=200, blank=True)
    api_key = models.CharField(max_length=400, blank=True)
    covers_health_information = models.BooleanField(
        default=False,
        help_text="An agreement (e.g. a BAA) covers health information sent to this endpoint.",
    )
    timeout_seconds = models.PositiveSmallIntegerField(default=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"model endpoint ({'on' if self.enabled else 'off'})"
