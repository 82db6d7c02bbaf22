"""Formulations, treatment plans (goals → objectives → interventions), targets, custom
metrics and their observations.

Read only through plans/access.py, written only through plans/services.py. A plan that
is not a draft never changes; nothing clinical is hard-deleted (removing an item from a
draft plan is the one exception, since a draft is still being written).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField


class FactorKind(models.TextChoices):
    PREDISPOSING = "predisposing", "Predisposing"
    PRECIPITATING = "precipitating", "Precipitating"
    PERPETUATING = "perpetuating", "Perpetuating (maintaining)"
    PROTECTIVE = "protective", "Protective (strength)"


class Formulation(models.Model):
    """One per client: the shared understanding the plan's goals are built on."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="formulation"
    )
    presenting_problems = models.TextField(blank=True)
    # The CBT cycle.
    situation = models.TextField(blank=True)
    thoughts = models.TextField(blank=True)
    emotions = models.TextField(blank=True)
    behaviours = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Formulation of client {self.client_id}"


class FormulationFactor(models.Model):
    """One of the 5 Ps, as its own row so that goals can link to it."""

    public_id = PublicIdField()
    formulation = models.ForeignKey(Formulation, on_delete=models.PROTECT, related_name="factors")
    kind = models.CharField(max_length=20, choices=FactorKind.choices)
    text = models.CharField(max_length=500)
    order = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"

    @property
    def is_maintaining(self) -> bool:
        return self.kind == FactorKind.PERPETUATING


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Superseded"
    CLOSED = "closed", "Closed"


class TreatmentPlan(models.Model):
    """One version of a client's plan. Only a draft may change."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    review_interval_days = models.PositiveSmallIntegerField(default=90)
    strengths = models.TextField(blank=True)
    # How the problems limit work, school, relationships or self-care: what a payer's medical-
    # necessity review reads beside the presenting problem (decision 0804).
    functional_impairment = models.TextField(blank=True)
    discharge_criteria = models.TextField(blank=True)
    amendment_reason = models.TextField(
        blank=True, help_text="Why this version was made from the previous one."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    # When the signed version next comes due for review: signing day (or the last review)
    # plus the interval. Stored so caseload views filter overdue plans in SQL.
    review_due_on = models.DateField(null=True, blank=True)
    # The SHA-256 of the version's content as signed; every signature carries it too.
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="unique_plan_version"),
            # One draft at a time: two drafts would fork the plan's history.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="draft"),
                name="one_draft_plan_per_client",
            ),
            models.CheckConstraint(
                condition=models.Q(review_interval_days__gte=1),
                name="plan_review_interval_positive",
            ),
            # A version that is no longer a draft was signed, at a time, with a hash.
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(signed_at__isnull=False) & ~models.Q(content_hash="")),
                name="plan_signed_unless_draft",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_due_on"])]

    def __str__(self) -> str:
        return f"Plan v{self.version} ({self.status}) of client {self.client_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class Diagnosis(models.Model):
    public_id = PublicIdField()
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="diagnoses")
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    code = models.CharField(max_length=8, help_text="ICD-10-CM, e.g. F32.1")
    text = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_diagnosis_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MET = "met", "Met"
    PARTIALLY_MET = "partially_met", "Partially met"
    REVISED = "revised", "Revised"
    DISCONTINUED = "discontinued", "Discontinued"


class Goal(models.Model):
    public_id = PublicIdField()
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="goals")
    # The goal of the previous version this one was copied from (amendments, reviews):
    # how versions are compared and how a goal's history is followed across them.
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    order = models.PositiveIntegerField(default=1)
    client_words = models.TextField(blank=True, help_text="The goal in the client's own words.")
    statement = models.TextField(help_text="The SMART wording.")
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    factors = models.ManyToManyField(FormulationFactor, blank=True, related_name="goals")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"Goal {self.order} of plan {self.plan_id}"


class Objective(models.Model):
    public_id = PublicIdField()
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    order = models.PositiveIntegerField(default=1)
    statement = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"Objective {self.order} of goal {self.goal_id}"


class InterventionType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"
    FAMILY = "family", "Family"


class Intervention(models.Model):
    public_id = PublicIdField()
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="interventions")
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    order = models.PositiveIntegerField(default=1)
    modality = models.CharField(
        max_length=200, help_text="Modality or technique, e.g. behavioural activation."
    )
    type = models.CharField(
        max_length=20, choices=InterventionType.choices, default=InterventionType.INDIVIDUAL
    )
    frequency = models.CharField(max_length=100, help_text="e.g. weekly")
    session_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.modality} ({self.type})"


class MetricPeriod(models.TextChoices):
    DAY = "day", "per day"
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    SESSION = "session", "per session"


class Metric(models.Model):
    """A custom measure of the organization, e.g. "pleasurable activities" per week."""

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="metrics"
    )
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=40, help_text="e.g. activities, attacks, hours")
    period = models.CharField(max_length=20, choices=MetricPeriod.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name", "period"], name="unique_metric_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit} {self.get_period_display()})"


class Comparator(models.TextChoices):
    AT_MOST = "<=", "at most"
    BELOW = "<", "below"
    AT_LEAST = ">=", "at least"
    ABOVE = ">", "above"
    EXACTLY = "=", "exactly"


class Direction(models.TextChoices):
    DECREASE = "decrease", "Decrease"
    INCREASE = "increase", "Increase"
    MAINTAIN = "maintain", "Maintain"


class Target(models.Model):
    """The structured, tracked form of one goal or one objective."""

    public_id = PublicIdField()
    goal = models.OneToOneField(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="target"
    )
    objective = models.OneToOneField(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="target"
    )
    instrument_code = models.CharField(max_length=20, blank=True)
    metric = models.ForeignKey(
        Metric, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    baseline = models.FloatField(null=True, blank=True)
    baseline_administration = models.ForeignKey(
        "measures.Administration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The administration the baseline was taken from, when pre-filled.",
    )
    comparator = models.CharField(max_length=2, choices=Comparator.choices)
    target_value = models.FloatField()
    direction = models.CharField(max_length=20, choices=Direction.choices)
    due_date = models.DateField()
    confirmed = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(goal__isnull=False) & models.Q(objective__isnull=True))
                | (models.Q(goal__isnull=True) & models.Q(objective__isnull=False)),
                name="target_belongs_to_a_goal_or_an_objective",
            ),
            models.CheckConstraint(
                condition=(~models.Q(instrument_code="") & models.Q(metric__isnull=True))
                | (models.Q(instrument_code="") & models.Q(metric__isnull=False)),
                name="target_measures_an_instrument_or_a_metric",
            ),
        ]

    def __str__(self) -> str:
        measure = self.instrument_code or f"metric {self.metric_id}"
        return f"{measure} {self.comparator} {self.target_value} by {self.due_date}"


class ObservationSource(models.TextChoices):
    CLINICIAN = "clinician", "Entered by the clinician"
    PORTAL = "portal", "Entered by the client in the portal"


class Observation(models.Model):
    """One value of a custom metric for a client, e.g. 3 panic attacks in the week of 4 May.

    Never edited or deleted: a mistaken one is marked entered in error.
    """

    public_id = PublicIdField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="observations"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="observations")
    value = models.FloatField()
    period_start = models.DateField(help_text="The day, or the first day of the week or month.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        max_length=20, choices=ObservationSource.choices, default=ObservationSource.CLINICIAN
    )
    created_at = models.DateTimeField(default=timezone.now)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["period_start", "id"]
        indexes = [models.Index(fields=["client", "metric", "period_start"])]

    def __str__(self) -> str:
        return f"{self.value} on {self.period_start}"

    @property
    def counts(self) -> bool:
        return self.entered_in_error_at is None


class SignatureRole(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    CLIENT = "client", "Client"
    SUPERVISOR = "supervisor", "Supervisor (co-signature)"


class SignatureMethod(models.TextChoices):
    PASSWORD = "password", "Signed by re-entering the account password"
    IN_SESSION = "in_session", "Endorsed in session, witnessed by the clinician"
    PORTAL = "portal", "Endorsed in the client portal"


class Signature(models.Model):
    """Who signed which exact plan version, in which role, when and how.

    Bound to the version's content by its hash: the signature proves what was signed.
    Never edited or deleted.
    """

    public_id = PublicIdField()
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=20, choices=SignatureRole.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=120, blank=True)
    method = models.CharField(max_length=20, choices=SignatureMethod.choices)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    override_reason = models.TextField(
        blank=True, help_text="Why the plan was signed although its checks found errors."
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "role"], name="one_signature_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature on plan {self.plan_id}"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue"
    REVISE = "revise", "Revise"
    MET = "met", "Met"
    DISCONTINUE = "discontinue", "Discontinue"


class Review(models.Model):
    """A reassessment of a signed plan version, with the data as it stood that day."""

    public_id = PublicIdField()
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    # The review date the version had when this review was held: what the review answered,
    # so "on time" stays what it was after the next date moves on (decision 1013).
    due_on = models.DateField(null=True, blank=True)
    participants = models.TextField(help_text="Who took part, e.g. the client and the clinician.")
    summary = models.TextField(blank=True)
    next_plan = models.OneToOneField(
        TreatmentPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="made_by_review",
        help_text="The draft version the review made.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} on {self.held_on}"


class ReviewGoal(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="goals")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="review_decisions")
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="one_decision_per_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for goal {self.goal_id}"


class ReviewObjective(models.Model):
    """An objective's progress as the review saw it (kept as it was, whatever comes later)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="objectives")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="+")
    latest = models.FloatField(null=True, blank=True)
    change = models.FloatField(null=True, blank=True)
    reliable_change = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, blank=True)
    words = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Objective {self.objective_id} at review {self.review_id}"
