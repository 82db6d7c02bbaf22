"""Records as the API shows them: public ids only, never a primary key."""

from __future__ import annotations

from typing import Any

from milepost.clients.models import Client
from milepost.measures.models import Administration
from milepost.plans.models import (
    Goal,
    Intervention,
    Metric,
    Objective,
    Observation,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import target_of


def client_out(client: Client, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": client.public_id,
        "display_name": client.display_name,
        "given_name": client.given_name,
        "family_name": client.family_name,
        "preferred_name": client.preferred_name,
        "date_of_birth": client.date_of_birth,
        "pronouns": client.pronouns,
        "status": client.status,
        "care_team": [
            {
                "id": member.clinician.public_id,
                "name": member.clinician.display_name,
                "is_primary": member.is_primary,
            }
            for member in client.care_team.all()
        ],
    }
    if detail:
        out |= {
            "email": client.email,
            "phone": client.phone,
            "referral_reason": client.referral_reason,
            "created_at": client.created_at,
            "updated_at": client.updated_at,
        }
    return out


def metric_out(metric: Metric) -> dict[str, Any]:
    return {
        "id": metric.public_id,
        "name": metric.name,
        "unit": metric.unit,
        "period": metric.period,
    }


def target_out(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "id": target.public_id,
        "instrument": target.instrument_code or None,
        "metric": metric_out(target.metric) if target.metric is not None else None,
        "baseline": target.baseline,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "direction": target.direction,
        "due_date": target.due_date,
        "confirmed": target.confirmed,
    }


def intervention_out(intervention: Intervention) -> dict[str, Any]:
    return {
        "id": intervention.public_id,
        "order": intervention.order,
        "modality": intervention.modality,
        "type": intervention.type,
        "frequency": intervention.frequency,
        "session_minutes": intervention.session_minutes,
        "responsible": intervention.responsible.public_id if intervention.responsible else None,
    }


def objective_out(objective: Objective, *, goal_id: str) -> dict[str, Any]:
    return {
        "id": objective.public_id,
        "goal": goal_id,
        "order": objective.order,
        "statement": objective.statement,
        "target": target_out(target_of(objective)),
        "interventions": [intervention_out(i) for i in objective.interventions.all()],
    }


def goal_out(goal: Goal, *, plan_id: str) -> dict[str, Any]:
    return {
        "id": goal.public_id,
        "plan": plan_id,
        "order": goal.order,
        "statement": goal.statement,
        "client_words": goal.client_words,
        "status": goal.status,
        "factors": [f.public_id for f in sorted(goal.factors.all(), key=lambda f: (f.order, f.pk))],
        "target": target_out(target_of(goal)),
        "objectives": [objective_out(o, goal_id=goal.public_id) for o in goal.objectives.all()],
    }


def plan_summary_out(plan: TreatmentPlan) -> dict[str, Any]:
    return {
        "id": plan.public_id,
        "version": plan.version,
        "status": plan.status,
        "created_at": plan.created_at,
        "signed_at": plan.signed_at,
        "review_due_on": plan.review_due_on,
    }


def plan_out(plan: TreatmentPlan) -> dict[str, Any]:
    return plan_summary_out(plan) | {
        "review_interval_days": plan.review_interval_days,
        "strengths": plan.strengths,
        "discharge_criteria": plan.discharge_criteria,
        "diagnoses": [
            {"id": d.public_id, "code": d.code, "text": d.text} for d in plan.diagnoses.all()
        ],
        "goals": [goal_out(g, plan_id=plan.public_id) for g in plan.goals.all()],
    }


def administration_out(administration: Administration) -> dict[str, Any]:
    return {
        "id": administration.public_id,
        "instrument": administration.instrument_code,
        "administered_at": administration.administered_at,
        "answers": list(administration.answers),
        "total": administration.total,
        "band": administration.band_code or None,
        "band_label": administration.band_label or None,
        "answered": administration.answered,
        "prorated": administration.prorated,
        "unscorable_reason": administration.unscorable_reason or None,
        "subscales": dict(administration.subscales or {}),
        "flags": [
            {"code": f["code"], "severity": f["severity"], "message": f["message"]}
            for f in administration.flags or []
        ],
        "source": administration.source,
        "entered_in_error": administration.entered_in_error_at is not None,
        "alerts": [
            {
                "id": a.public_id,
                "code": a.code,
                "severity": a.severity,
                "message": a.message,
                "open": a.is_open,
            }
            for a in administration.alerts.all()
        ],
    }


def observation_out(observation: Observation) -> dict[str, Any]:
    return {
        "id": observation.public_id,
        "metric": metric_out(observation.metric),
        "value": observation.value,
        "period_start": observation.period_start,
        "source": observation.source,
        "entered_in_error": observation.entered_in_error_at is not None,
    }
