"""Plans as the domain's plain dataclasses, for the plan linter, exports and the assistant.

The plan must already have been fetched through plans/access.py (which audits the read).
"""

from __future__ import annotations

from django.utils import timezone

from milepost.domain import plans as domain
from milepost.plans.models import Formulation, Target, TreatmentPlan


def _target(target: Target | None) -> domain.Target | None:
    if target is None:
        return None
    metric = target.metric
    return domain.Target(
        measure=target.instrument_code or (metric.name if metric else ""),
        instrument=bool(target.instrument_code),
        target_value=target.target_value,
        comparator=target.comparator,
        direction=target.direction,
        baseline=target.baseline,
        unit=metric.unit if metric else "points",
        period=metric.period if metric else "",
        due_date=target.due_date,
        confirmed=target.confirmed,
    )


def _target_of(owner: object) -> Target | None:
    # The reverse one-to-one raises when no target exists.
    try:
        return owner.target  # type: ignore[attr-defined]
    except Target.DoesNotExist:
        return None


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
                target=_target(_target_of(objective)),
                interventions=tuple(
                    domain.Intervention(
                        id=i.public_id,
                        modality=i.modality,
                        type=i.type,
                        frequency=i.frequency,
                        session_minutes=i.session_minutes,
                        responsible=i.responsible.display_name if i.responsible else "",
                    )
                    for i in objective.interventions.all()
                ),
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
                target=_target(_target_of(goal)),
                objectives=objectives,
            )
        )
    return domain.Plan(
        id=plan.public_id,
        version=plan.version,
        status=plan.status,
        created_on=timezone.localdate(plan.created_at),
        review_interval_days=plan.review_interval_days,
        strengths=plan.strengths,
        discharge_criteria=plan.discharge_criteria,
        diagnoses=tuple(
            domain.Diagnosis(code=d.code, text=d.text, order=d.order) for d in plan.diagnoses.all()
        ),
        goals=tuple(goals),
        formulation=formulation_to_domain(formulation) if formulation is not None else None,
    )
