"""Starting a plan, the plan editor page and the small forms it posts (details, diagnoses).

Every inline form of the editor posts through `_editor_post`: on an error the editor comes
back with that one form bound; a plan signed meanwhile says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.access import org_clinicians
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.domain import icd10cm, instruments
from milepost.domain.compliance import Finding
from milepost.domain.target_progress import TargetProgress, progress_in_words, target_words
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.measures.access import administrations_for_client
from milepost.plans import services
from milepost.plans.access import (
    diagnosis_get_for_user,
    formulation_for_client,
    observations_for_client,
    plan_get_for_user,
    plans_for_client,
)
from milepost.plans.compliance import compliance_for
from milepost.plans.forms import (
    AmendForm,
    DiagnosisForm,
    InterventionForm,
    ObjectiveForm,
    PlanDetailsForm,
)
from milepost.plans.models import Goal, Intervention, Objective, Target, TreatmentPlan
from milepost.plans.permissions import version_actions
from milepost.plans.selectors import (
    plan_to_domain,
    series_by_measure,
    target_of,
    target_progress_for,
    target_to_domain,
)
from milepost.plans.views._common import (
    _attempt,
    _draft_or_back,
    _editor_url,
    _purpose,
    findings_for,
)


@policy(Policy.CLINICAL)
def plan_current(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """The draft when there is one, else the newest version, else a page to start one."""
    user = request.user
    client = client_get_for_user(user, client_id)
    plans = plans_for_client(user, client)
    if plans:
        current = next((p for p in plans if p.is_draft), plans[0])
        return redirect("plans:editor", client_id=client.public_id, plan_id=current.public_id)
    return render(request, "plans/start.html", {"client": client})


@require_POST
@policy(Policy.CLINICAL)
def plan_start(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    try:
        plan = services.plan_create_draft(actor=user, client=client)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:current", client_id=client.public_id)
    messages.success(request, f"Draft plan version {plan.version} started.")
    return redirect("plans:editor", client_id=client.public_id, plan_id=plan.public_id)


@dataclass
class TargetView:
    target: Target
    words: str
    progress: TargetProgress
    progress_words: str


@dataclass
class ObjectiveView:
    objective: Objective
    target: TargetView | None
    findings: tuple[Finding, ...]
    interventions: list[tuple[Intervention, tuple[Finding, ...]]]
    intervention_form: InterventionForm


@dataclass
class GoalView:
    goal: Goal
    target: TargetView | None
    findings: tuple[Finding, ...]
    objective_form: ObjectiveForm
    objectives: list[ObjectiveView] = field(default_factory=list)


def _target_view(
    owner: Goal | Objective, by_instrument: dict[str, Any], by_metric: dict[int, Any]
) -> TargetView | None:
    target = target_of(owner)
    if target is None:
        return None
    domain_target = target_to_domain(target)
    assert domain_target is not None
    short = instruments.get(target.instrument_code).short_name if target.instrument_code else None
    progress = target_progress_for(target, by_instrument=by_instrument, by_metric=by_metric)
    return TargetView(
        target=target,
        words=target_words(domain_target, short_name=short),
        progress=progress,
        progress_words=progress_in_words(progress, domain_target),
    )


def _render_editor(
    request: SignedInRequest, plan: TreatmentPlan, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    client = plan.client
    formulation = formulation_for_client(user, client)
    administrations = administrations_for_client(user, client)
    profile, checks = compliance_for(
        plan, user=user, formulation=formulation, administrations=administrations
    )
    by_instrument, by_metric = series_by_measure(
        administrations, observations_for_client(user, client)
    )
    clinicians = list(org_clinicians(user))
    objective_forms = forms.get("objective_forms", {})
    intervention_forms = forms.get("intervention_forms", {})
    goals = []
    for goal in plan.goals.all():
        view = GoalView(
            goal=goal,
            target=_target_view(goal, by_instrument, by_metric),
            findings=findings_for(checks, goal.public_id),
            objective_form=objective_forms.get(goal.public_id)
            or ObjectiveForm(auto_id=f"id_o_{goal.public_id}_%s"),
        )
        for objective in goal.objectives.all():
            view.objectives.append(
                ObjectiveView(
                    objective=objective,
                    target=_target_view(objective, by_instrument, by_metric),
                    findings=findings_for(checks, objective.public_id),
                    interventions=[
                        (i, findings_for(checks, i.public_id))
                        for i in objective.interventions.all()
                    ],
                    intervention_form=intervention_forms.get(objective.public_id)
                    or InterventionForm(
                        clinicians=clinicians,
                        initial={"responsible": user.public_id},
                        auto_id=f"id_i_{objective.public_id}_%s",
                    ),
                )
            )
        goals.append(view)
    domain_plan = plan_to_domain(plan)
    anchors = {g.goal.public_id: f"goal-{g.goal.public_id}" for g in goals}
    for g in goals:
        for o in g.objectives:
            anchors[o.objective.public_id] = f"objective-{o.objective.public_id}"
            for intervention, _ in o.interventions:
                anchors[intervention.public_id] = f"intervention-{intervention.public_id}"
    signatures = list(plan.signatures.select_related("signer", "witness"))
    roles = {s.role for s in signatures}
    context = {
        "client": client,
        "plan": plan,
        "signatures": signatures,
        "needs_client": plan.status == "signed" and "client" not in roles,
        "needs_cosign": plan.status == "signed"
        and "supervisor" not in roles
        and plan.organization.cosign_required,
        "actions": version_actions(user, plan, signatures=signatures),
        "reviews": list(plan.reviews.select_related("created_by", "next_plan")),
        "amend_form": forms.get("amend_form") or AmendForm(),
        "versions": plans_for_client(user, client),
        "goals": goals,
        "checks": [(f, _anchor(f, plan, anchors)) for f in checks],
        "plan_findings": findings_for(checks, plan.public_id),
        "profile": profile,
        "errors": sum(1 for f in checks if f.severity == "error"),
        "warnings": sum(1 for f in checks if f.severity == "warning"),
        "review_due": domain_plan.review_due,
        "has_formulation": formulation is not None and formulation.factors.exists(),
        "details_form": forms.get("details_form")
        or PlanDetailsForm(
            initial={
                SEEN: token(plan),
                "strengths": plan.strengths,
                "functional_impairment": plan.functional_impairment,
                "discharge_criteria": plan.discharge_criteria,
                "review_interval_days": plan.review_interval_days,
            }
        ),
        "diagnosis_form": forms.get("diagnosis_form") or DiagnosisForm(),
    }
    return render(request, "plans/editor.html", context, status=status)


def _anchor(finding: Finding, plan: TreatmentPlan, anchors: dict[str, str]) -> str:
    """Where on the editor page a finding's element is."""
    if finding.where in anchors:
        return anchors[finding.where]
    if finding.code == "no-diagnosis":
        return "diagnoses"
    return "signatures" if finding.pl in _SIGNATURE_ITEMS else "details"


# Checklist items whose findings are about the signatures (shown in the editor's own card).
_SIGNATURE_ITEMS = frozenset({"PL-11", "PL-12", "PL-13", "PL-26"})


@policy(Policy.CLINICAL)
def plan_editor(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    plan = plan_get_for_user(request.user, client_id, plan_id)
    return _render_editor(request, plan)


def _refused_as_signed(
    request: HttpRequest, plan: TreatmentPlan, error: ValidationError
) -> HttpResponse | None:
    """A plan signed meanwhile (another tab, a colleague): say so on the editor, which no
    longer shows the form the words were typed into."""
    if isinstance(error, services.PlanNotEditable):
        _draft_or_back(request, error)
        return redirect(_editor_url(plan))
    return None


def _editor_post(
    request: SignedInRequest,
    client_id: str,
    plan: TreatmentPlan,
    form: forms.Form,
    write: Callable[[dict[str, Any]], tuple[str, str]],
    **rebound: Any,
) -> HttpResponse:
    """An inline form of the editor: `write` saves and returns (message, anchor); on any
    error the editor comes back with this one form bound (what was typed, the field named),
    passed to it as `rebound`; a plan signed meanwhile says so."""
    if form.is_valid():
        try:
            message, anchor = write(form.cleaned_data)
        except ValidationError as error:
            if refused := _refused_as_signed(request, plan, error):
                return refused
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(_editor_url(plan, anchor))
    fresh = plan_get_for_user(request.user, client_id, plan.public_id)
    return _render_editor(request, fresh, **rebound)


@require_POST
@policy(Policy.CLINICAL)
def plan_details(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = PlanDetailsForm(request.POST)

    def write(data: dict[str, Any]) -> tuple[str, str]:
        seen = data.pop(SEEN, "")
        services.plan_update(actor=user, plan=plan, seen=seen, **data)
        return "Plan details saved.", "details"

    return _editor_post(request, client_id, plan, form, write, details_form=form)


@require_POST
@policy(Policy.CLINICAL)
def diagnosis_add(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = DiagnosisForm(request.POST)

    def write(data: dict[str, Any]) -> tuple[str, str]:
        diagnosis = services.diagnosis_add(actor=user, plan=plan, **data)
        info = icd10cm.lookup(diagnosis.code)
        if info is not None and not info.billable:
            below = ", ".join(icd10cm.more_specific(diagnosis.code))
            messages.warning(
                request,
                f"{diagnosis.code} is a category, not a billable code: payers want the most "
                f"specific code ({below}, …).",
            )
        return f"Diagnosis added: {diagnosis.code} {diagnosis.text}.", "diagnoses"

    return _editor_post(request, client_id, plan, form, write, diagnosis_form=form)


@require_POST
@policy(Policy.CLINICAL)
def diagnosis_remove(
    request: SignedInRequest, client_id: str, plan_id: str, diagnosis_id: str
) -> HttpResponseBase:
    user = request.user
    diagnosis = diagnosis_get_for_user(user, client_id, diagnosis_id, purpose=_purpose(request))
    if diagnosis.plan.public_id != plan_id:
        raise Http404
    _attempt(
        request,
        lambda: services.diagnosis_remove(actor=user, diagnosis=diagnosis),
        f"Diagnosis {diagnosis.code} removed.",
    )
    return redirect(_editor_url(diagnosis.plan, "diagnoses"))
