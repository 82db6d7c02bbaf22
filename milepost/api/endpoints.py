"""The operations of the JSON API, one function each (docs/api.md).

Reads go only through the apps' access.py functions (they audit), writes only through
their services (they check access and audit). A client not on the caller's caseload
answers 404 as on the pages; a role without clinical access 403.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.api import presenters
from milepost.api.auth import ApiRequest
from milepost.api.errors import error_responses
from milepost.api.schemas import (
    AdministrationIn,
    AdministrationOut,
    ClientDetailOut,
    ClientOut,
    ClientSearchIn,
    GoalIn,
    GoalOut,
    GoalPatch,
    ObjectiveIn,
    ObjectiveOut,
    ObservationIn,
    ObservationOut,
    PlanOut,
    PlanSummaryOut,
    SmartIn,
    SmartOut,
    Text,
)
from milepost.clients.access import caseload_for_user, client_get_for_user
from milepost.clients.models import ClientStatus
from milepost.domain import smart
from milepost.measures import services as measures
from milepost.measures.access import administration_get_for_user, administrations_for_client
from milepost.plans import services as plans
from milepost.plans.access import (
    goal_get_for_user,
    maintaining_factors_for_client,
    metric_get_for_user,
    objective_get_for_user,
    observations_for_client,
    plan_get_for_user,
    plans_for_client,
    plans_with_parts,
    target_get_for_user,
)
from milepost.plans.models import FormulationFactor, Goal, Objective, TreatmentPlan

router = Router()

PathId = Annotated[str, Field(max_length=32)]


def _clinical(request: ApiRequest) -> User:
    user = request.auth
    require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    return user


# ---------------------------------------------------------------- clients


_NAME_IN_URL = (
    "A name never goes in a URL, where servers and proxies log it: POST /api/v1/clients/search "
    'with {"search": "..."} instead.'
)


def _caseload(request: ApiRequest, status: str | None, search: str) -> list[Any]:
    user = _clinical(request)
    if status is not None and status not in ClientStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    return [presenters.client_out(c) for c in caseload_for_user(user, status=status, search=search)]


@router.get("/clients", response=error_responses(_200=list[ClientOut]), tags=["clients"])
def client_list(
    request: ApiRequest,
    status: Annotated[
        str | None,
        Query(description="One of " + ", ".join(ClientStatus.values), max_length=20),
    ] = None,
    search: Annotated[
        Text | None,
        Query(
            description="Refused: a name is searched with POST /clients/search, never in a URL.",
            max_length=100,
            deprecated=True,
        ),
    ] = None,
) -> Any:
    """The caller's caseload: the clients of their care teams (and, for a supervisor,
    of the teams of the clinicians they supervise). To search by name, POST
    /clients/search: a name never goes in a URL."""
    if search:
        _clinical(request)
        raise ValidationError({"search": _NAME_IN_URL})
    return _caseload(request, status, "")


@router.post("/clients/search", response=error_responses(_200=list[ClientOut]), tags=["clients"])
def client_search(request: ApiRequest, payload: ClientSearchIn) -> Any:
    """The caller's caseload clients whose name holds these words. The name travels in
    the request's body, which nothing logs, not in its URL."""
    return _caseload(request, payload.status, payload.search)


@router.get(
    "/clients/{client_id}", response=error_responses(_200=ClientDetailOut), tags=["clients"]
)
def client_detail(request: ApiRequest, client_id: PathId) -> Any:
    client = client_get_for_user(request.auth, client_id)
    return presenters.client_out(client, detail=True)


# ---------------------------------------------------------------- plans


@router.get(
    "/clients/{client_id}/plans",
    response=error_responses(_200=list[PlanSummaryOut]),
    tags=["plans"],
)
def plan_list(request: ApiRequest, client_id: PathId) -> Any:
    """Every version of the client's plan, newest first."""
    user = request.auth
    client = client_get_for_user(user, client_id)
    return [presenters.plan_summary_out(p) for p in plans_for_client(user, client)]


@router.get(
    "/clients/{client_id}/plans/{plan_id}", response=error_responses(_200=PlanOut), tags=["plans"]
)
def plan_detail(request: ApiRequest, client_id: PathId, plan_id: PathId) -> Any:
    """One plan version with its diagnoses, goals → objectives → interventions, targets."""
    plan = plan_get_for_user(request.auth, client_id, plan_id)
    return presenters.plan_out(plan)


def _goal_with_parts(goal: Goal) -> Goal:
    """The goal again, with its objectives, interventions and targets in a few queries
    (already fetched through plans/access.py: this read is audited there)."""
    plan = plans_with_parts().get(pk=goal.plan_id)
    return next(g for g in plan.goals.all() if g.pk == goal.pk)


def _objective_with_parts(objective: Objective) -> Objective:
    goal = _goal_with_parts(objective.goal)
    return next(o for o in goal.objectives.all() if o.pk == objective.pk)


@router.get(
    "/clients/{client_id}/goals/{goal_id}", response=error_responses(_200=GoalOut), tags=["plans"]
)
def goal_detail(request: ApiRequest, client_id: PathId, goal_id: PathId) -> Any:
    goal = goal_get_for_user(request.auth, client_id, goal_id)
    return presenters.goal_out(_goal_with_parts(goal), plan_id=goal.plan.public_id)


def _factors(user: User, plan: TreatmentPlan, ids: list[str]) -> list[FormulationFactor]:
    if not ids:
        return []
    found = list(maintaining_factors_for_client(user, plan.client).filter(public_id__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {"factors": "Link only maintaining factors from this client's formulation."}
        )
    return found


@router.post(
    "/clients/{client_id}/plans/{plan_id}/goals",
    response=error_responses(_201=GoalOut),
    tags=["plans"],
)
def goal_create(request: ApiRequest, client_id: PathId, plan_id: PathId, payload: GoalIn) -> Any:
    """Add a goal to a draft plan (a signed version never changes: 400 with field "plan")."""
    user = request.auth
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit", with_parts=False)
    goal = plans.goal_add(
        actor=user,
        plan=plan,
        statement=payload.statement,
        client_words=payload.client_words,
        factors=_factors(user, plan, payload.factors),
    )
    return Status(201, presenters.goal_out(_goal_with_parts(goal), plan_id=plan.public_id))


@router.patch(
    "/clients/{client_id}/goals/{goal_id}", response=error_responses(_200=GoalOut), tags=["plans"]
)
def goal_update(request: ApiRequest, client_id: PathId, goal_id: PathId, payload: GoalPatch) -> Any:
    """Change a goal of a draft plan; fields left out stay as they are."""
    user = request.auth
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    factors = None if payload.factors is None else _factors(user, goal.plan, payload.factors)
    updated = plans.goal_update(
        actor=user,
        goal=goal,
        statement=payload.statement,
        client_words=payload.client_words,
        status=payload.status,
        factors=factors,
    )
    return presenters.goal_out(_goal_with_parts(updated), plan_id=goal.plan.public_id)


@router.get(
    "/clients/{client_id}/objectives/{objective_id}",
    response=error_responses(_200=ObjectiveOut),
    tags=["plans"],
)
def objective_detail(request: ApiRequest, client_id: PathId, objective_id: PathId) -> Any:
    objective = objective_get_for_user(request.auth, client_id, objective_id)
    return presenters.objective_out(
        _objective_with_parts(objective), goal_id=objective.goal.public_id
    )


@router.post(
    "/clients/{client_id}/goals/{goal_id}/objectives",
    response=error_responses(_201=ObjectiveOut),
    tags=["plans"],
)
def objective_create(
    request: ApiRequest, client_id: PathId, goal_id: PathId, payload: ObjectiveIn
) -> Any:
    """Add an objective to a goal of a draft plan."""
    user = request.auth
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    objective = plans.objective_add(actor=user, goal=goal, statement=payload.statement)
    return Status(
        201, presenters.objective_out(_objective_with_parts(objective), goal_id=goal.public_id)
    )


@router.patch(
    "/clients/{client_id}/objectives/{objective_id}",
    response=error_responses(_200=ObjectiveOut),
    tags=["plans"],
)
def objective_update(
    request: ApiRequest, client_id: PathId, objective_id: PathId, payload: ObjectiveIn
) -> Any:
    """Reword an objective of a draft plan."""
    user = request.auth
    objective = objective_get_for_user(user, client_id, objective_id, purpose="edit")
    updated = plans.objective_update(actor=user, objective=objective, statement=payload.statement)
    return presenters.objective_out(
        _objective_with_parts(updated), goal_id=objective.goal.public_id
    )


# ---------------------------------------------------------------- measures


@router.get(
    "/clients/{client_id}/administrations",
    response=error_responses(_200=list[AdministrationOut]),
    tags=["measures"],
)
def administration_list(
    request: ApiRequest,
    client_id: PathId,
    instrument: Annotated[
        str | None, Query(description="e.g. phq9", pattern=r"^[a-z0-9_-]{1,20}$")
    ] = None,
) -> Any:
    """The client's questionnaires, oldest first (entered-in-error ones too, marked)."""
    user = request.auth
    client = client_get_for_user(user, client_id)
    items = administrations_for_client(user, client, instrument_code=instrument)
    return [presenters.administration_out(a) for a in items]


@router.get(
    "/clients/{client_id}/administrations/{administration_id}",
    response=error_responses(_200=AdministrationOut),
    tags=["measures"],
)
def administration_detail(request: ApiRequest, client_id: PathId, administration_id: PathId) -> Any:
    administration = administration_get_for_user(request.auth, client_id, administration_id)
    return presenters.administration_out(administration)


@router.post(
    "/clients/{client_id}/administrations",
    response=error_responses(_201=AdministrationOut),
    tags=["measures"],
)
def administration_submit(request: ApiRequest, client_id: PathId, payload: AdministrationIn) -> Any:
    """Submit a completed questionnaire: it is scored, and an urgent flag (PHQ-9 item 9
    above 0) raises a risk alert for the care team. A wrong answer names its item
    (`item_3`)."""
    user = request.auth
    client = client_get_for_user(user, client_id, purpose="edit")
    administration = measures.administration_submit(
        actor=user,
        client=client,
        instrument_code=payload.instrument,
        answers=payload.answers,
        administered_at=payload.administered_at,
    )
    return Status(201, presenters.administration_out(administration))


@router.get(
    "/clients/{client_id}/observations",
    response=error_responses(_200=list[ObservationOut]),
    tags=["measures"],
)
def observation_list(
    request: ApiRequest,
    client_id: PathId,
    metric: Annotated[
        str | None, Query(description="A metric's id", pattern=r"^[0-9a-z]{16}$")
    ] = None,
) -> Any:
    """The client's self-monitoring values, oldest first."""
    user = request.auth
    client = client_get_for_user(user, client_id)
    chosen = metric_get_for_user(user, metric) if metric is not None else None
    return [
        presenters.observation_out(o) for o in observations_for_client(user, client, metric=chosen)
    ]


@router.post(
    "/clients/{client_id}/targets/{target_id}/observations",
    response=error_responses(_201=ObservationOut),
    tags=["measures"],
)
def observation_record(
    request: ApiRequest, client_id: PathId, target_id: PathId, payload: ObservationIn
) -> Any:
    """Record one value of the custom metric a target measures (e.g. 3 activities in the
    week of `period_start`: any day of the week or month, filed under its first day by the
    practice's week start; values of one period add up). A target bound to an instrument
    takes administrations."""
    user = request.auth
    target = target_get_for_user(user, client_id, target_id, purpose="edit")
    if target.metric is None:
        raise ValidationError(
            {"target": "This target measures a questionnaire; submit an administration instead."}
        )
    # Fetched with the target, through the same audited read.
    owner = target.goal if target.goal_id else target.objective.goal  # type: ignore[union-attr]
    client = owner.plan.client  # type: ignore[union-attr]
    observation = plans.observation_add(
        actor=user,
        client=client,
        metric=target.metric,
        value=payload.value,
        period_start=payload.period_start,
    )
    return Status(201, presenters.observation_out(observation))


# ---------------------------------------------------------------- SMART check


@router.post("/smart", response=error_responses(_200=SmartOut), tags=["smart"])
def smart_check(request: ApiRequest, payload: SmartIn) -> Any:
    """Check a goal's wording: the same JSON as `milepost smart "TEXT" --json`."""
    _clinical(request)
    today = payload.today or timezone.localdate()
    return smart.as_dict(smart.analyse(payload.text, today=today))
