"""A goal's or an objective's target, bound to an instrument or to a custom metric; the
practice's metrics and the values observed for them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.models import Client
from milepost.domain import instruments, periods, smart, target_words, targets
from milepost.domain.errors import UnknownInstrument
from milepost.domain.instruments import Instrument
from milepost.domain.targets import MAX_METRIC_VALUE
from milepost.lib.concurrency import EditConflict, check_unchanged
from milepost.plans.models import (
    Goal,
    Metric,
    MetricPeriod,
    Objective,
    Observation,
    ObservationSource,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import target_to_domain
from milepost.plans.services._common import (
    _CLOCK_SKEW,
    _audit,
    _clinical_actor,
    _editable,
    _latest_administration,
    _number,
    _raise,
    _text,
)


def _latest_observation(client: Client, metric: Metric) -> Observation | None:
    return (
        Observation.objects.filter(client=client, metric=metric, entered_in_error_at__isnull=True)
        .order_by("-period_start", "-id")
        .first()
    )


def _measure(
    plan: TreatmentPlan, instrument_code: str, metric: Metric | None
) -> tuple[Instrument | None, str | None, dict[str, str]]:
    """The instrument, or the unit of the metric, a target counts in; and what is wrong.

    The unit is given when the metric is this practice's and no instrument was found; with
    neither, the values are judged without a range.
    """
    errors: dict[str, str] = {}
    instrument = None
    if bool(instrument_code) == (metric is not None):
        errors["measure"] = "Choose an instrument or a custom metric (one of the two)."
    elif instrument_code:
        try:
            instrument = instruments.get(str(instrument_code))
        except UnknownInstrument as error:
            errors["instrument_code"] = str(error)
    elif metric is not None and metric.organization_id != plan.organization_id:
        errors["metric"] = "Choose a metric of this practice."
    unit = (
        metric.unit
        if instrument is None and metric is not None and "metric" not in errors
        else None
    )
    return instrument, unit, errors


@transaction.atomic
def target_set(
    *,
    actor: User,
    owner: Goal | Objective,
    target_value: object,
    due_date: dt.date | None,
    comparator: str,
    instrument_code: str = "",
    metric: Metric | None = None,
    baseline: object = None,
    direction: str = "",
    confirmed: bool = False,
    seen: object = None,
) -> Target:
    """Bind a goal or objective to an instrument or a custom metric, with its target.

    `seen` is the form's token: the target's `updated_at` as shown, or "new" when the form
    showed no target (someone binding it meanwhile is then a conflict too).

    The rules on the values (range, due date, direction) are milepost.domain.targets'. With
    an instrument and no baseline given, the baseline is the client's latest scored
    administration; with a metric, the latest observation.
    """
    goal = owner if isinstance(owner, Goal) else owner.goal
    plan = _editable(actor, goal.plan)
    client = plan.client
    instrument, unit, errors = _measure(plan, instrument_code, metric)
    baseline_administration = None
    latest = None
    if targets.is_blank(baseline):
        if instrument is not None:
            baseline_administration = _latest_administration(client, instrument.code)
            if baseline_administration is not None:
                latest = float(baseline_administration.total)  # type: ignore[arg-type]
        elif unit is not None and metric is not None:
            observation = _latest_observation(client, metric)
            latest = observation.value if observation is not None else None
    checked = targets.check_target(
        target_value=target_value,
        baseline=baseline,
        comparator=comparator,
        direction=direction,
        due_date=due_date,
        today=timezone.localdate(),
        instrument=instrument,
        metric_unit=unit,
        latest=latest,
    )
    _raise({**errors, **checked.errors})
    value, start = checked.target_value, checked.baseline
    assert value is not None
    assert isinstance(due_date, dt.date)

    owner_field = "goal" if isinstance(owner, Goal) else "objective"
    existing = Target.objects.select_for_update().filter(**{owner_field: owner}).first()
    if existing is not None:
        shown = {
            "Measure": existing.instrument_code
            or (existing.metric.name if existing.metric else ""),
            "Target": f"{existing.comparator} {existing.target_value:g}",
            "Due": existing.due_date.isoformat() if existing.due_date else "",
        }
        if seen == "new":
            raise EditConflict("target", existing, shown)
        check_unchanged(existing, seen, what="target", shown=shown)
    target = existing or Target(**{owner_field: owner})
    target.instrument_code = instrument.code if instrument is not None else ""
    target.metric = metric if instrument is None else None
    target.baseline = start
    target.baseline_administration = baseline_administration
    target.comparator = comparator
    target.target_value = value
    target.direction = checked.direction
    target.due_date = due_date
    now = timezone.now()
    target.confirmed = bool(confirmed)
    target.confirmed_by = actor if confirmed else None
    target.confirmed_at = now if confirmed else None
    target.updated_at = now
    target.save()
    _audit(
        "target.set",
        actor,
        client,
        target,
        owner=owner.public_id,
        measure=target.instrument_code or (metric.public_id if metric else ""),
        confirmed=target.confirmed,
    )
    return target


@transaction.atomic
def target_remove(*, actor: User, target: Target) -> None:
    """Unbind a goal or objective from its measure, on a draft."""
    owner: Goal | Objective = target.goal if target.goal_id else target.objective  # type: ignore[assignment]
    goal = owner if isinstance(owner, Goal) else owner.goal
    plan = _editable(actor, goal.plan)
    _audit("target.remove", actor, plan.client, target, owner=owner.public_id)
    Target.objects.filter(pk=target.pk).delete()


# ---------------------------------------------------------------- metrics and observations


@transaction.atomic
def metric_create(*, actor: User, name: str, unit: str, period: str) -> Metric:
    """A custom metric for the whole practice (not client data: its values are)."""
    membership = require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    errors: dict[str, str] = {}
    clean_name = _text(errors, "name", name, required=True, max_length=120)
    clean_unit = _text(errors, "unit", unit, required=True, max_length=40)
    if period not in MetricPeriod.values:
        errors["period"] = "Choose per day, week, month or session."
    if (
        "name" not in errors
        and Metric.objects.filter(
            organization=membership.organization, name__iexact=clean_name, period=period
        ).exists()
    ):
        errors["name"] = "This practice already has a metric with this name and period."
    _raise(errors)
    metric = Metric.objects.create(
        organization=membership.organization,
        name=clean_name,
        unit=clean_unit,
        period=period,
        created_by=actor,
    )
    audit_record(
        action="metric.create",
        actor=actor,
        organization=membership.organization,
        object_type="metric",
        object_id=metric.public_id,
    )
    return metric


@transaction.atomic
def observation_add(
    *,
    actor: User,
    client: Client,
    metric: Metric,
    value: object,
    period_start: dt.date,
    source: str = ObservationSource.CLINICIAN,
) -> Observation:
    """One value of a custom metric; a client enters only their own, in the portal.

    `period_start` may be any day of the period: the value is filed under the period's
    first day (a week from the practice's week start, a month from its first; decision
    0831). A period's values add up wherever they are read (`target_series`)."""
    if source == ObservationSource.PORTAL:
        require_membership(actor, Role.CLIENT)
        if client.portal_user_id != actor.pk:
            raise PermissionDenied
    elif source == ObservationSource.CLINICIAN:
        _clinical_actor(actor, client)
    else:
        raise ValidationError({"source": "Unknown source."})
    errors: dict[str, str] = {}
    if metric.organization_id != client.organization_id:
        errors["metric"] = "Choose a metric of this practice."
    number = _number(errors, "value", value)
    if number is None and "value" not in errors:
        errors["value"] = "Enter a value."
    elif number is not None and number < 0:
        errors["value"] = "The value cannot be negative."
    elif number is not None and number > MAX_METRIC_VALUE:
        errors["value"] = f"Enter a value up to {MAX_METRIC_VALUE:,}."
    if not isinstance(period_start, dt.date) or isinstance(period_start, dt.datetime):
        errors["period_start"] = "Enter a date."
    elif period_start > timezone.localdate() + _CLOCK_SKEW:
        errors["period_start"] = "The date cannot be in the future."
    elif period_start < client.date_of_birth:
        errors["period_start"] = "The date is before the client's date of birth."
    _raise(errors)
    assert number is not None
    assert isinstance(period_start, dt.date)
    filed_under = periods.period_start(metric.period, period_start, client.organization.week_start)
    observation = Observation.objects.create(
        organization=client.organization,
        client=client,
        metric=metric,
        value=number,
        period_start=filed_under,
        entered_by=actor,
        source=source,
    )
    _audit("observation.create", actor, client, observation, metric=metric.public_id)
    return observation


@transaction.atomic
def observation_mark_entered_in_error(
    *, actor: User, observation: Observation, reason: str
) -> Observation:
    """Take a mistaken value out of charts and progress. It is never deleted."""
    _clinical_actor(actor, observation.client)
    errors: dict[str, str] = {}
    clean = _text(errors, "reason", reason, required=True, max_length=300)
    _raise(errors)
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.entered_in_error_at is not None:
        raise ValidationError({"reason": "This entry is already marked as entered in error."})
    observation.entered_in_error_at = timezone.now()
    observation.entered_in_error_reason = clean
    observation.save(update_fields=["entered_in_error_at", "entered_in_error_reason"])
    _audit("observation.entered_in_error", actor, observation.client, observation)
    return observation


def target_rebind_to_words(
    *, actor: User, owner: Goal | Objective, text: str, seen: object
) -> Target:
    """Update the bound target from what the words state, where the two disagree (decision
    0312). The values go through `target_set`, with its rules, concurrency token and audit;
    `seen` is the target's token as the page showed it. Nothing bound: a refusal.
    """
    errors: dict[str, str] = {}
    words = _text(errors, "statement", text, required=True)
    _raise(errors)
    owner_field = "goal" if isinstance(owner, Goal) else "objective"
    existing = Target.objects.select_related("metric").filter(**{owner_field: owner}).first()
    bound = target_to_domain(existing)
    if existing is None or bound is None:
        raise ValidationError({"target": "Bind a measure first: there is no target to update."})
    goal = owner if isinstance(owner, Goal) else owner.goal
    start = timezone.localdate(goal.plan.created_at)
    new = target_words.rebound(smart.analyse(words).structure, bound, start=start)
    instrument = new.measure if new.instrument else ""
    return target_set(
        actor=actor,
        owner=owner,
        instrument_code=instrument,
        metric=existing.metric if not instrument else None,
        baseline=new.baseline if new.baseline is not None else "",
        comparator=new.comparator,
        target_value=new.target_value,
        direction="" if new.comparator != bound.comparator else existing.direction,
        due_date=new.due_date,
        confirmed=existing.confirmed,
        seen=seen,
    )
