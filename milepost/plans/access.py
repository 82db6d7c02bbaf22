"""The only functions that fetch formulations, plans and their parts for a user. Every
fetch is audited.

Plans belong to a client, so the client rule applies (clients/access.py): the care team
and a supervisor of that team read them; practice admins, other clinicians and other
organizations read nothing; a record the user may not see answers 404.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_read, audit_record
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.lib.public_id import is_public_id
from milepost.plans.models import (
    Diagnosis,
    FactorKind,
    Formulation,
    FormulationFactor,
    Goal,
    Intervention,
    Metric,
    Objective,
    Observation,
    Target,
    TreatmentPlan,
)

# The parts' own targets, and the item of the previous version each was copied from.
_PART = ("target__metric", "target__baseline_administration", "origin")


def plans_with_parts() -> QuerySet[TreatmentPlan]:
    """Plan versions with every part prefetched (for access functions and services)."""
    return _plans_with_parts()


def _plans_with_parts() -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.select_related("client", "created_by").prefetch_related(
        "diagnoses",
        Prefetch(
            "goals",
            queryset=Goal.objects.select_related(*_PART).prefetch_related(
                "factors",
                Prefetch(
                    "objectives",
                    queryset=Objective.objects.select_related(*_PART).prefetch_related(
                        Prefetch(
                            "interventions",
                            queryset=Intervention.objects.select_related("responsible", "origin"),
                        )
                    ),
                ),
            ),
        ),
    )


def formulation_for_client(user: User, client: Client) -> Formulation | None:
    """The formulation and its factors of a client fetched for `user`; None when unwritten."""
    formulation = (
        Formulation.objects.filter(client=client)
        .prefetch_related(
            Prefetch("factors", queryset=FormulationFactor.objects.order_by("kind", "order", "id"))
        )
        .first()
    )
    audit_read(
        action="formulation.view",
        actor=user,
        client=client,
        object_type="formulation",
        object_id=formulation.public_id if formulation else "",
    )
    return formulation


def plans_for_client(user: User, client: Client) -> list[TreatmentPlan]:
    """Every plan version of a client already fetched for `user`, newest first."""
    plans = list(TreatmentPlan.objects.filter(client=client).order_by("-version"))
    audit_read(
        action="plan.list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"plans": [p.public_id for p in plans]},
    )
    return plans


def plan_get_for_user(
    user: User,
    client_public_id: str,
    plan_public_id: str,
    *,
    purpose: str = "view",
    with_parts: bool = True,
) -> TreatmentPlan:
    """One plan version with its diagnoses, goals, objectives, interventions and targets
    (only the plan row when `with_parts` is false)."""
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    plan = None
    if is_public_id(plan_public_id):
        plans = _plans_with_parts() if with_parts else TreatmentPlan.objects.all()
        plan = plans.filter(client=client, public_id=plan_public_id).first()
    if plan is None:
        raise Http404
    audit_read(
        action="plan.view",
        actor=user,
        client=client,
        object_type="treatmentplan",
        object_id=plan.public_id,
    )
    return plan


def _part_get[M: models.Model](
    user: User,
    client_public_id: str,
    public_id: str,
    queryset: QuerySet[M],
    client_path: str,
    object_type: str,
    purpose: str,
) -> M:
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    found = None
    if is_public_id(public_id):
        found = queryset.filter(**{client_path: client, "public_id": public_id}).first()
    if found is None:
        raise Http404
    audit_read(
        action=f"{object_type}.view",
        actor=user,
        client=client,
        object_type=object_type,
        object_id=public_id,
    )
    return found


def goal_get_for_user(
    user: User, client_public_id: str, goal_public_id: str, *, purpose: str = "view"
) -> Goal:
    return _part_get(
        user,
        client_public_id,
        goal_public_id,
        Goal.objects.select_related("plan__client"),
        "plan__client",
        "goal",
        purpose,
    )


def objective_get_for_user(
    user: User, client_public_id: str, objective_public_id: str, *, purpose: str = "view"
) -> Objective:
    return _part_get(
        user,
        client_public_id,
        objective_public_id,
        Objective.objects.select_related("goal__plan__client"),
        "goal__plan__client",
        "objective",
        purpose,
    )


def intervention_get_for_user(
    user: User, client_public_id: str, intervention_public_id: str, *, purpose: str = "view"
) -> Intervention:
    return _part_get(
        user,
        client_public_id,
        intervention_public_id,
        Intervention.objects.select_related("objective__goal__plan__client"),
        "objective__goal__plan__client",
        "intervention",
        purpose,
    )


def diagnosis_get_for_user(
    user: User, client_public_id: str, diagnosis_public_id: str, *, purpose: str = "view"
) -> Diagnosis:
    return _part_get(
        user,
        client_public_id,
        diagnosis_public_id,
        Diagnosis.objects.select_related("plan__client"),
        "plan__client",
        "diagnosis",
        purpose,
    )


def factor_get_for_user(
    user: User, client_public_id: str, factor_public_id: str, *, purpose: str = "view"
) -> FormulationFactor:
    return _part_get(
        user,
        client_public_id,
        factor_public_id,
        FormulationFactor.objects.select_related("formulation__client"),
        "formulation__client",
        "formulationfactor",
        purpose,
    )


def target_get_for_user(
    user: User, client_public_id: str, target_public_id: str, *, purpose: str = "view"
) -> Target:
    """One target (of a goal or an objective) of a client, with what it measures."""
    client = client_get_for_user(user, client_public_id, purpose=purpose)
    found = None
    if is_public_id(target_public_id):
        found = (
            Target.objects.select_related(
                "metric",
                "baseline_administration",
                "goal__plan__client",
                "objective__goal__plan__client",
            )
            .filter(
                models.Q(goal__plan__client=client)
                | models.Q(objective__goal__plan__client=client),
                public_id=target_public_id,
            )
            .first()
        )
    if found is None:
        raise Http404
    audit_read(
        action="target.view",
        actor=user,
        client=client,
        object_type="target",
        object_id=found.public_id,
    )
    return found


def maintaining_factors_for_client(user: User, client: Client) -> QuerySet[FormulationFactor]:
    """The maintaining (perpetuating) factors a goal of an already-fetched client may target."""
    return _factors_of_kind(user, client, (FactorKind.PERPETUATING,))


def goal_factors_for_client(
    user: User, client: Client
) -> tuple[QuerySet[FormulationFactor], QuerySet[FormulationFactor]]:
    """What a goal of an already-fetched client may link, as one audited read: the
    maintaining factors it targets and the strengths (protective factors) it draws on."""
    both = _factors_of_kind(user, client, (FactorKind.PERPETUATING, FactorKind.PROTECTIVE))
    return both.filter(kind=FactorKind.PERPETUATING), both.filter(kind=FactorKind.PROTECTIVE)


def _factors_of_kind(
    user: User, client: Client, kinds: tuple[str, ...]
) -> QuerySet[FormulationFactor]:
    factors = FormulationFactor.objects.filter(formulation__client=client, kind__in=kinds).order_by(
        "order", "id"
    )
    audit_read(
        action="formulation.view",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"factors": "maintaining" if len(kinds) == 1 else "maintaining, protective"},
    )
    return factors


def metrics_for_user(user: User) -> list[Metric]:
    """The custom metrics of the user's practice (names and units: not client data)."""
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    return list(Metric.objects.filter(organization=membership.organization))


def metric_get_for_user(user: User, metric_public_id: str) -> Metric:
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    metric = None
    if is_public_id(metric_public_id):
        metric = Metric.objects.filter(
            organization=membership.organization, public_id=metric_public_id
        ).first()
    if metric is None:
        raise Http404
    return metric


def observations_for_client(
    user: User, client: Client, *, metric: Metric | None = None
) -> list[Observation]:
    """Every observation of a client already fetched for `user`, oldest first (errors too)."""
    items = Observation.objects.filter(client=client)
    if metric is not None:
        items = items.filter(metric=metric)
    result = list(items.select_related("metric", "entered_by").order_by("period_start", "id"))
    audit_record(
        action="observation.list",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"metric": metric.public_id if metric else "all", "count": len(result)},
    )
    return result
