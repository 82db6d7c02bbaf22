"""Unaudited reads of plans: plans as the domain's plain dataclasses (for the plan linter,
exports and the assistant), the plan in force, and progress toward targets.

The plan (or client) must already have been fetched through plans/access.py or
clients/access.py (which audit the read); the callers audit what they then do with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.utils import timezone

from milepost.clients.models import Client
from milepost.domain import instruments, library, periods, plan_checks, smart, target_progress
from milepost.domain import logs as log_units
from milepost.domain import plans as domain
from milepost.measures.models import Administration
from milepost.plans.models import (
    Formulation,
    Goal,
    Objective,
    Observation,
    PlanStatus,
    Target,
    TreatmentPlan,
)


def plan_in_force(client: Client) -> TreatmentPlan | None:
    """The plan version sessions work to: the newest signed version, else the draft.

    A signed version is what the client agreed to; while none exists the draft being
    written is the plan (early sessions work on it). Superseded and closed versions are
    never in force; a client without a plan has none.
    """
    plans = TreatmentPlan.objects.filter(client=client)
    signed = plans.filter(status=PlanStatus.SIGNED).order_by("-version").first()
    if signed is not None:
        return signed
    return plans.filter(status=PlanStatus.DRAFT).first()


def objective_number(objective: Objective) -> str:
    """The objective's number as the plan editor shows it: goal 2, objective 1 is "2.1"."""
    return f"{objective.goal.order}.{objective.order}"


def target_to_domain(target: Target | None) -> domain.Target | None:
    if target is None:
        return None
    metric = target.metric
    return domain_target(
        instrument_code=target.instrument_code,
        metric=(metric.name, metric.unit, metric.period) if metric else None,
        target_value=target.target_value,
        comparator=target.comparator,
        direction=target.direction,
        baseline=target.baseline,
        due_date=target.due_date,
        confirmed=target.confirmed,
        set_on=timezone.localdate(target.updated_at),
    )


def domain_target(
    *,
    instrument_code: str,
    metric: tuple[str, str, str] | None,
    target_value: float,
    comparator: str,
    direction: str,
    baseline: float | None,
    due_date: dt.date | None,
    confirmed: bool,
    set_on: dt.date | None,
) -> domain.Target:
    """A target's columns as the domain's Target; `metric` is its (name, unit, period).

    `target_to_domain` for a model instance, and the caseload dashboard for plain rows;
    `set_on` is the local day of its `updated_at`."""
    return domain.Target(
        measure=instrument_code or (metric[0] if metric else ""),
        instrument=bool(instrument_code),
        target_value=target_value,
        comparator=comparator,
        direction=direction,
        baseline=baseline,
        unit=metric[1] if metric else "points",
        period=metric[2] if metric else "",
        due_date=due_date,
        confirmed=confirmed,
        set_on=set_on,
    )


def target_of(owner: Goal | Objective) -> Target | None:
    """A goal's or objective's target, or None (the reverse one-to-one raises when absent;
    with the target prefetched, no query)."""
    try:
        return owner.target
    except Target.DoesNotExist:
        return None


def _origin_id(item: Any) -> str:
    return item.origin.public_id if item.origin_id else ""


def formulation_to_domain(formulation: Formulation) -> domain.Formulation:
    return domain.Formulation(
        presenting_problems=formulation.presenting_problems,
        factors=tuple(
            domain.FormulationFactor(id=f.public_id, kind=f.kind, text=f.text)
            for f in formulation.factors.all()
        ),
        situation=formulation.situation,
        thoughts=formulation.thoughts,
        emotions=formulation.emotions,
        behaviours=formulation.behaviours,
    )


def plan_to_domain(plan: TreatmentPlan, *, formulation: Formulation | None = None) -> domain.Plan:
    """The whole plan, in order: diagnoses, goals → objectives → interventions, targets."""
    goals = []
    for goal in plan.goals.all():
        objectives = tuple(
            domain.Objective(
                id=objective.public_id,
                order=objective.order,
                statement=objective.statement,
                target=target_to_domain(target_of(objective)),
                interventions=tuple(
                    domain.Intervention(
                        id=i.public_id,
                        modality=i.modality,
                        type=i.type,
                        frequency=i.frequency,
                        session_minutes=i.session_minutes,
                        responsible=i.responsible.display_name if i.responsible else "",
                        responsible_id=i.responsible.public_id if i.responsible else "",
                        origin=_origin_id(i),
                    )
                    for i in objective.interventions.all()
                ),
                origin=_origin_id(objective),
            )
            for objective in goal.objectives.all()
        )
        goals.append(
            domain.Goal(
                id=goal.public_id,
                order=goal.order,
                statement=goal.statement,
                client_words=goal.client_words,
                status=goal.status,
                factors=tuple(
                    domain.FormulationFactor(id=f.public_id, kind=f.kind, text=f.text)
                    for f in sorted(goal.factors.all(), key=lambda f: (f.order, f.pk))
                ),
                target=target_to_domain(target_of(goal)),
                objectives=objectives,
                origin=_origin_id(goal),
            )
        )
    return domain.Plan(
        id=plan.public_id,
        version=plan.version,
        status=plan.status,
        created_on=timezone.localdate(plan.created_at),
        review_interval_days=plan.review_interval_days,
        strengths=plan.strengths,
        functional_impairment=plan.functional_impairment,
        discharge_criteria=plan.discharge_criteria,
        diagnoses=tuple(
            domain.Diagnosis(code=d.code, text=d.text, order=d.order) for d in plan.diagnoses.all()
        ),
        goals=tuple(goals),
        formulation=formulation_to_domain(formulation) if formulation is not None else None,
    )


def plan_checks_for(plan: TreatmentPlan, formulation: Formulation | None) -> tuple[Any, ...]:
    """The live plan checks of a plan already fetched through plans/access.py."""
    return plan_checks.check_plan(
        plan_to_domain(plan, formulation=formulation),
        today=timezone.localdate(),
        scripted=_scripted_id,
        read_words=_read_words,
    )


def _read_words(text: str) -> smart.Structure:
    """The target a statement's words state, for the words-against-target check."""
    return smart.analyse(text).structure


def _scripted_id(text: str) -> str | None:
    item = library.scripted_match(text)
    return item.id if item is not None else None


Series = list[tuple[dt.date, float]]


def series_by_measure(
    administrations: Sequence[Administration], observations: Sequence[Observation]
) -> tuple[dict[str, Series], dict[int, Series]]:
    """Dated values that count, by instrument code and by metric id."""
    by_instrument: dict[str, Series] = {}
    for a in administrations:
        if a.counts and a.total is not None:
            by_instrument.setdefault(a.instrument_code, []).append(
                (timezone.localdate(a.administered_at), float(a.total))
            )
    by_metric: dict[int, Series] = {}
    for o in observations:
        if o.counts:
            by_metric.setdefault(o.metric_id, []).append((o.period_start, o.value))
    return by_instrument, by_metric


def target_series(
    target: Target, *, by_instrument: dict[str, Series], by_metric: dict[int, Series]
) -> Series:
    """The values that count for a target, oldest first.

    An instrument's values from before the baseline administration are history, not
    progress: the series starts at the baseline of the course of treatment, the first
    version's (a goal carried into a later version, and re-baselined there, keeps its
    earlier values); with a typed baseline every value counts. A metric's series is one
    value per period: the values filed under one period's first day add up (a scale's
    take their mean; decision 0831).
    """
    return measure_series(
        instrument_code=target.instrument_code,
        metric_id=target.metric_id,
        start=course_start(target) if target.instrument_code else None,
        by_instrument=by_instrument,
        by_metric=by_metric,
        metric=(
            (target.metric.period, target.metric.unit, target.metric.name)
            if target.metric is not None
            else None
        ),
    )


@lru_cache(maxsize=1024)
def _unit_kind(unit: str, name: str) -> str:
    """Whether a metric's values add up or take the mean (`domain.logs`, a data file read
    once): asked once per metric rather than for every target of a caseload."""
    return log_units.rule_for(unit, name).kind


def measure_series(
    *,
    instrument_code: str,
    metric_id: int | None,
    start: dt.date | None,
    by_instrument: dict[str, Series],
    by_metric: dict[int, Series],
    metric: tuple[str, str, str] | None = None,
) -> Series:
    """The values of an instrument from `start` (every value when None), or of a metric
    (`metric` is its period, unit and name: one value per period), oldest first:
    `target_series` once the course start is known (the caseload dashboard finds it for
    many targets at once)."""
    if instrument_code:
        series = by_instrument.get(instrument_code, [])
        if start is not None:
            series = [p for p in series if p[0] >= start]
    else:
        series = by_metric.get(metric_id or 0, [])
        if metric is not None:
            # One value per period: values filed under one period's first day add up (a
            # scale's take their mean; decision 0831).
            period, unit, name = metric
            return periods.one_per_period(
                series, period, week_start=None, kind=_unit_kind(unit, name)
            )
    return sorted(series, key=itemgetter(0))


MAX_VERSIONS_FOLLOWED = 100


def course_start(target: Target) -> dt.date | None:
    """The day the course of treatment of this target's measure began: the baseline
    administration of the earliest version of its goal or objective (followed back through
    `origin`) that tracked the same instrument. None when that version's baseline was typed:
    then every value counts."""
    start: dt.date | None = None
    current: Target | None = target
    for _ in range(MAX_VERSIONS_FOLLOWED):
        if current is None or current.instrument_code != target.instrument_code:
            break
        administration = current.baseline_administration
        start = timezone.localdate(administration.administered_at) if administration else None
        owner: Goal | Objective | None = current.goal or current.objective
        origin = owner.origin if owner is not None else None
        current = target_of(origin) if origin is not None else None
    return start


def target_progress_for(
    target: Target,
    *,
    by_instrument: dict[str, Series],
    by_metric: dict[int, Series],
    today: dt.date | None = None,
) -> target_progress.TargetProgress:
    today = today or timezone.localdate()
    domain_target = target_to_domain(target)
    assert domain_target is not None
    series = target_series(target, by_instrument=by_instrument, by_metric=by_metric)
    instrument = instruments.get(target.instrument_code) if target.instrument_code else None
    return target_progress.target_progress(
        domain_target, series, today=today, instrument=instrument
    )
