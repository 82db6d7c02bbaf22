"""The formulation and the plan editor: thin views over plans/access.py and plans/services.py.

Every page reads through access.py (audited) and writes through a service; a service's
ValidationError lands on the field it names and the page comes back with what was typed.
Each form posts on its own, so a mistake in one never loses what another holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from milepost.accounts.access import org_clinicians
from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.stepup import step_up_needs_code
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.domain import instruments, library, smart
from milepost.domain.compliance import Finding
from milepost.domain.target_progress import TargetProgress, progress_in_words, target_words
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.measures.access import administrations_for_client
from milepost.notes.access import unworked_objectives_for_plan
from milepost.plans import services, versions
from milepost.plans.access import (
    diagnosis_get_for_user,
    factor_get_for_user,
    formulation_for_client,
    goal_get_for_user,
    intervention_get_for_user,
    maintaining_factors_for_client,
    metrics_for_user,
    objective_get_for_user,
    observations_for_client,
    plan_get_for_user,
    plans_for_client,
)
from milepost.plans.compliance import compliance_for
from milepost.plans.forms import (
    NEW_METRIC,
    AmendForm,
    CosignForm,
    DiagnosisForm,
    EndorseForm,
    FactorForm,
    FormulationForm,
    GoalForm,
    InterventionForm,
    LibrarySearchForm,
    ObjectiveForm,
    ObservationForm,
    PlanDetailsForm,
    ReviewForm,
    SignForm,
    TargetForm,
)
from milepost.plans.models import (
    FactorKind,
    Goal,
    Intervention,
    Objective,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import (
    plan_to_domain,
    series_by_measure,
    target_of,
    target_progress_for,
    target_to_domain,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def findings_for(findings: list[Finding], where: str) -> tuple[Finding, ...]:
    """The compliance findings about one element (the plan, a goal, an objective…)."""
    return tuple(f for f in findings if f.where == where)


def _purpose(request: HttpRequest) -> str:
    """How a read is named in the audit trail: to change a record, or to look at it."""
    return "edit" if request.method == "POST" else "view"


def _editor_url(plan: TreatmentPlan, anchor: str = "") -> str:
    url = reverse("plans:editor", args=[plan.client.public_id, plan.public_id])
    return f"{url}#{anchor}" if anchor else url


def _maintaining_factors(request: HttpRequest, client: Client) -> Any:
    return maintaining_factors_for_client(_user(request), client)


def _measure_name(target: Target | None) -> str:
    if target is None:
        return ""
    if target.instrument_code:
        return instruments.get(target.instrument_code).short_name
    return str(target.metric)


# ---------------------------------------------------------------- formulation


@policy(Policy.CLINICAL)
def formulation_edit(request: HttpRequest, client_id: str) -> HttpResponseBase:
    user = _user(request)
    client = client_get_for_user(
        user, client_id, purpose="edit" if request.method == "POST" else "view"
    )
    formulation = formulation_for_client(user, client)
    initial = {
        name: getattr(formulation, name, "") if formulation else ""
        for name in services.FORMULATION_FIELDS
    }
    if formulation is not None:
        initial[SEEN] = token(formulation)
    form = FormulationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seen = data.pop(SEEN, "")
        try:
            services.formulation_update(actor=user, client=client, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Formulation saved.")
            return redirect("plans:formulation", client_id=client.public_id)
    return _formulation_page(request, client, formulation, form=form)


def _formulation_page(
    request: HttpRequest,
    client: Client,
    formulation: Any,
    *,
    form: FormulationForm | None = None,
    factor_form: FactorForm | None = None,
    editing: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    editing = editing or {}
    rows = [
        {
            "factor": f,
            "kind": editing["kind"] if editing.get("id") == f.public_id else f.kind,
            "text": editing["text"] if editing.get("id") == f.public_id else f.text,
            "seen": editing["seen"] if editing.get("id") == f.public_id else token(f),
            "errors": editing["errors"] if editing.get("id") == f.public_id else [],
        }
        for f in (formulation.factors.all() if formulation else [])
    ]
    groups = [
        (kind, label, [r for r in rows if r["factor"].kind == kind])
        for kind, label in FactorKind.choices
    ]
    return render(
        request,
        "plans/formulation.html",
        {
            "client": client,
            "form": form or FormulationForm(),
            "factor_form": factor_form or FactorForm(initial={"kind": FactorKind.PERPETUATING}),
            "groups": groups,
            "kinds": FactorKind.choices,
        },
        status=status,
    )


@require_POST
@policy(Policy.CLINICAL)
def factor_add(request: HttpRequest, client_id: str) -> HttpResponseBase:
    user = _user(request)
    client = client_get_for_user(user, client_id, purpose="edit")
    factor_form = FactorForm(request.POST)
    if factor_form.is_valid():
        try:
            data = {k: v for k, v in factor_form.cleaned_data.items() if k != SEEN}
            services.formulation_factor_add(actor=user, client=client, **data)
        except ValidationError as error:
            add_service_errors(factor_form, error)
        else:
            messages.success(request, "Factor added.")
            return redirect(reverse("plans:formulation", args=[client.public_id]) + "#factors")
    formulation = formulation_for_client(user, client)
    initial = {n: getattr(formulation, n, "") for n in services.FORMULATION_FIELDS}
    return _formulation_page(
        request, client, formulation, form=FormulationForm(initial=initial), factor_form=factor_form
    )


@require_POST
@policy(Policy.CLINICAL)
def factor_edit(request: HttpRequest, client_id: str, factor_id: str) -> HttpResponseBase:
    user = _user(request)
    factor = factor_get_for_user(user, client_id, factor_id, purpose="edit")
    form = FactorForm(request.POST)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            seen = data.pop(SEEN, "")
            services.formulation_factor_update(actor=user, factor=factor, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Factor saved.")
            return redirect(
                reverse("plans:formulation", args=[client_id]) + f"#f-{factor.public_id}"
            )
    # Back to the page with the factor open, what was typed in it, and why it was refused.
    client = factor.formulation.client
    formulation = formulation_for_client(user, client)
    initial = {n: getattr(formulation, n, "") for n in services.FORMULATION_FIELDS}
    editing = {
        "id": factor.public_id,
        "kind": form.data.get("kind", factor.kind),
        "text": form.data.get("text", factor.text),
        "seen": form.data.get(SEEN, ""),
        "errors": [
            f"{form.fields[k].label if k in form.fields else 'Factor'}: {e}"
            for k, errs in form.errors.items()
            for e in errs
        ],
    }
    return _formulation_page(
        request, client, formulation, form=FormulationForm(initial=initial), editing=editing
    )


# ---------------------------------------------------------------- plan: start and current


@policy(Policy.CLINICAL)
def plan_current(request: HttpRequest, client_id: str) -> HttpResponseBase:
    """The draft when there is one, else the newest version, else a page to start one."""
    user = _user(request)
    client = client_get_for_user(user, client_id)
    plans = plans_for_client(user, client)
    if plans:
        current = next((p for p in plans if p.is_draft), plans[0])
        return redirect("plans:editor", client_id=client.public_id, plan_id=current.public_id)
    return render(request, "plans/start.html", {"client": client})


@require_POST
@policy(Policy.CLINICAL)
def plan_start(request: HttpRequest, client_id: str) -> HttpResponseBase:
    user = _user(request)
    client = client_get_for_user(user, client_id, purpose="edit")
    try:
        plan = services.plan_create_draft(actor=user, client=client)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:current", client_id=client.public_id)
    messages.success(request, f"Draft plan version {plan.version} started.")
    return redirect("plans:editor", client_id=client.public_id, plan_id=plan.public_id)


# ---------------------------------------------------------------- the editor


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
    request: HttpRequest, plan: TreatmentPlan, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
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
        "may_cosign": plan.status == "signed"
        and "supervisor" not in roles
        and user.membership.role == "supervisor",
        "reviews": list(plan.reviews.select_related("created_by", "next_plan")),
        "unworked": unworked_objectives_for_plan(user, plan) if plan.status != "superseded" else [],
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
def plan_editor(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    plan = plan_get_for_user(_user(request), client_id, plan_id)
    return _render_editor(request, plan)


def _draft_or_back(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


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
    request: HttpRequest,
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
    fresh = plan_get_for_user(_user(request), client_id, plan.public_id)
    return _render_editor(request, fresh, **rebound)


def _attempt(request: HttpRequest, change: Callable[[], object], success: str = "") -> None:
    """Run one change of a plan; its refusal (e.g. a signed plan) becomes a message."""
    try:
        change()
    except ValidationError as error:
        _draft_or_back(request, error)
    else:
        if success:
            messages.success(request, success)


@require_POST
@policy(Policy.CLINICAL)
def plan_details(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = PlanDetailsForm(request.POST)

    def write(data: dict[str, Any]) -> tuple[str, str]:
        seen = data.pop(SEEN, "")
        services.plan_update(actor=user, plan=plan, seen=seen, **data)
        return "Plan details saved.", "details"

    return _editor_post(request, client_id, plan, form, write, details_form=form)


@require_POST
@policy(Policy.CLINICAL)
def diagnosis_add(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = DiagnosisForm(request.POST)

    def write(data: dict[str, Any]) -> tuple[str, str]:
        services.diagnosis_add(actor=user, plan=plan, **data)
        return "Diagnosis added.", "diagnoses"

    return _editor_post(request, client_id, plan, form, write, diagnosis_form=form)


@require_POST
@policy(Policy.CLINICAL)
def diagnosis_remove(
    request: HttpRequest, client_id: str, plan_id: str, diagnosis_id: str
) -> HttpResponseBase:
    user = _user(request)
    diagnosis = diagnosis_get_for_user(user, client_id, diagnosis_id, purpose=_purpose(request))
    if diagnosis.plan.public_id != plan_id:
        raise Http404
    _attempt(
        request,
        lambda: services.diagnosis_remove(actor=user, diagnosis=diagnosis),
        f"Diagnosis {diagnosis.code} removed.",
    )
    return redirect(_editor_url(diagnosis.plan, "diagnoses"))


# ---------------------------------------------------------------- goals

_CRITERIA = (
    ("specific", "Specific"),
    ("measurable", "Measurable"),
    ("achievable", "Achievable"),
    ("relevant", "Relevant"),
    ("time_bound", "Time-bound"),
)
_STATE_WORDS = {"met": "met", "unmet": "not met", "open": "cannot judge yet"}


def _smart_context(analysis: smart.Analysis | None) -> dict[str, Any] | None:
    """The analysis shaped for the feedback fragment."""
    if analysis is None:
        return None
    criteria = []
    for key, label in _CRITERIA:
        criterion = getattr(analysis.criteria, key)
        state = "open" if criterion.met is None else ("met" if criterion.met else "unmet")
        criteria.append(
            {
                "key": key,
                "label": label,
                "state": state,
                "state_words": _STATE_WORDS[state],
                "why": criterion.why,
            }
        )
    st = analysis.structure
    structure = []
    if st.measure:
        structure.append(("Measure", st.measure))
    if st.baseline is not None:
        structure.append(("Baseline", f"{st.baseline:g}"))
    if st.target is not None:
        comparator = {"<=": "≤", ">=": "≥"}.get(st.comparator or "", st.comparator or "")
        structure.append(("Target", f"{comparator} {st.target:g}".strip()))
    if st.direction:
        structure.append(("Direction", st.direction))
    if st.deadline is not None:
        when = st.deadline.text
        if st.deadline.days is not None:
            when += f" ({st.deadline.days} days)"
        structure.append(("Deadline", when))
    return {
        "criteria": criteria,
        "met": sum(1 for c in criteria if c["state"] == "met"),
        "positive": analysis.positive,
        "findings": analysis.findings,
        # A rewrite is offered to mend something: not for a goal that is already SMART.
        "rewrite": analysis.rewrite
        if analysis.rewrite.strip() != analysis.text.strip()
        and (
            not analysis.positive.met
            or any(c["state"] == "unmet" for c in criteria if c["key"] != "relevant")
        )
        else "",
        "structure": structure,
    }


def _goal_page(
    request: HttpRequest,
    plan: TreatmentPlan,
    form: GoalForm,
    *,
    goal: Goal | None = None,
    analysis: smart.Analysis | None = None,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    if goal is not None and target_form is None:
        target_form = _target_form_for(request, goal, analysis)
    return render(
        request,
        "plans/goal_form.html",
        {
            "client": plan.client,
            "plan": plan,
            "goal": goal,
            "form": form,
            "smart": _smart_context(analysis),
            "target_form": target_form,
            "target": target_of(goal) if goal is not None else None,
            "target_measure": _measure_name(target_of(goal)) if goal is not None else "",
            "has_factors": form.fields["factors"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )


def _analyse_form(
    request: HttpRequest, plan: TreatmentPlan, form: GoalForm, goal: Goal | None
) -> smart.Analysis | None:
    """Feedback for what the form holds, or None when it cannot be read yet."""
    text = form.data.get("statement", "") if form.is_bound else (goal.statement if goal else "")
    if not isinstance(text, str) or not text.strip():
        return None
    factors = form.cleaned_data.get("factors") if form.is_bound and form.is_valid() else None
    words = form.data.get("client_words") if form.is_bound else None
    try:
        return services.smart_feedback(
            actor=_user(request),
            plan=plan,
            goal=goal,
            text=text,
            client_words=words if isinstance(words, str) else None,
            factors=list(factors) if factors is not None else None,
        )
    except ValidationError:
        return None


@policy(Policy.CLINICAL)
def goal_new(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = GoalForm(
        request.POST or None, factors=_maintaining_factors(request, plan.client), with_status=False
    )
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            goal = services.goal_add(
                actor=user,
                plan=plan,
                statement=form.cleaned_data["statement"],
                client_words=form.cleaned_data["client_words"],
                factors=list(form.cleaned_data["factors"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Goal {goal.order} added. Now bind it to a measure.")
            return redirect("plans:goal", client_id=plan.client.public_id, goal_id=goal.public_id)
    analysis = _analyse_form(request, plan, form, None) if request.method == "POST" else None
    return _goal_page(request, plan, form, analysis=analysis)


@policy(Policy.CLINICAL)
def goal_edit(request: HttpRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = _user(request)
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    plan = goal.plan
    form = GoalForm(
        request.POST or None,
        factors=_maintaining_factors(request, plan.client),
        with_status=True,
        initial={
            SEEN: token(goal),
            "statement": goal.statement,
            "client_words": goal.client_words,
            "status": goal.status,
            "factors": list(goal.factors.all()),
        },
    )
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            services.goal_update(
                actor=user,
                goal=goal,
                seen=form.cleaned_data[SEEN],
                statement=form.cleaned_data["statement"],
                client_words=form.cleaned_data["client_words"],
                status=form.cleaned_data["status"],
                factors=list(form.cleaned_data["factors"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Goal {goal.order} saved.")
            return redirect(_editor_url(plan, f"goal-{goal.public_id}"))
    return _goal_page(
        request, plan, form, goal=goal, analysis=_analyse_form(request, plan, form, goal)
    )


@require_POST
@policy(Policy.CLINICAL)
def smart_check(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """Live SMART feedback on what is being typed: the fragment HTMX swaps in.

    One transaction for the whole keystroke: its audit events commit together.
    """
    with transaction.atomic():
        return _smart_check(request, client_id, plan_id)


def _smart_check(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponse:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, with_parts=False)
    goal = None
    goal_id = request.POST.get("goal", "")
    if goal_id:
        goal = goal_get_for_user(user, client_id, goal_id, purpose="view")
        if goal.plan_id != plan.pk:
            raise Http404
    if request.POST.get("kind") == "objective" and goal is not None:
        # An objective is judged in its goal's context (its factors and client's words).
        text = request.POST.get("statement", "")
        try:
            analysis = (
                services.smart_feedback(actor=user, plan=plan, goal=goal, text=text)
                if text.strip()
                else None
            )
        except ValidationError:
            analysis = None
    else:
        form = GoalForm(
            request.POST, factors=_maintaining_factors(request, plan.client), with_status=False
        )
        analysis = _analyse_form(request, plan, form, goal)
    return render(
        request,
        "plans/_smart_feedback.html",
        {"smart": _smart_context(analysis)},
    )


def _move(items: list[Any], public_id: str, direction: str) -> list[str] | None:
    if direction not in ("up", "down"):
        return None
    ids = [item.public_id for item in items]
    index = ids.index(public_id)
    swap = index - 1 if direction == "up" else index + 1
    if not 0 <= swap < len(ids):
        return None
    ids[index], ids[swap] = ids[swap], ids[index]
    return ids


@require_POST
@policy(Policy.CLINICAL)
def goal_move(request: HttpRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = _user(request)
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    order = _move(list(goal.plan.goals.all()), goal.public_id, request.POST.get("direction", ""))
    if order is not None:
        _attempt(request, lambda: services.goal_reorder(actor=user, plan=goal.plan, goal_ids=order))
    return redirect(_editor_url(goal.plan, f"goal-{goal.public_id}"))


@require_POST
@policy(Policy.CLINICAL)
def goal_remove(request: HttpRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = _user(request)
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    _attempt(
        request,
        lambda: services.goal_remove(actor=user, goal=goal),
        f"Goal {goal.order} removed, with its objectives.",
    )
    return redirect(_editor_url(goal.plan, "goals"))


# ---------------------------------------------------------------- targets


# A deadline read from the words is offered as a due date up to ten years ahead.
_PREFILL_DAYS = 3653


def _plain(value: float | None) -> float | int | None:
    """9.0 shown as 9 in a number field."""
    return int(value) if value is not None and float(value).is_integer() else value


def _target_initial(owner: Goal | Objective, analysis: smart.Analysis | None) -> dict[str, Any]:
    """An existing target as it is; otherwise what the SMART engine read in the words."""
    target = target_of(owner)
    if target is not None:
        measure = (
            f"instrument:{target.instrument_code}"
            if target.instrument_code
            else f"metric:{target.metric.public_id}"  # type: ignore[union-attr]
        )
        return {
            "measure": measure,
            "baseline": _plain(target.baseline),
            "comparator": target.comparator,
            "target_value": _plain(target.target_value),
            "direction": target.direction,
            "due_date": target.due_date,
            "confirmed": target.confirmed,
            SEEN: token(target),
        }
    if analysis is None:
        return {SEEN: "new"}
    st = analysis.structure
    initial: dict[str, Any] = {SEEN: "new"}
    if st.measure:
        try:
            initial["measure"] = f"instrument:{instruments.get(st.measure).code}"
        except Exception:
            initial["measure"] = ""
    for name, value in (("baseline", st.baseline), ("target_value", st.target)):
        if value is not None:
            initial[name] = _plain(value)
    if st.comparator:
        initial["comparator"] = st.comparator
    if st.direction:
        initial["direction"] = st.direction
    if st.deadline is not None:
        if st.deadline.date is not None:
            initial["due_date"] = st.deadline.date
        elif st.deadline.days is not None and st.deadline.days <= _PREFILL_DAYS:
            initial["due_date"] = timezone.localdate() + dt.timedelta(days=st.deadline.days)
    return initial


def _target_form_for(
    request: HttpRequest, owner: Goal | Objective, analysis: smart.Analysis | None
) -> TargetForm:
    return TargetForm(
        metrics=metrics_for_user(_user(request)), initial=_target_initial(owner, analysis)
    )


def _save_target(request: HttpRequest, owner: Goal | Objective, form: TargetForm) -> bool:
    user = _user(request)
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        with transaction.atomic():  # a new metric stays only if its target is set
            _bind(user, owner, form, data)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "name" in error.error_dict:
            error.error_dict["new_metric_name"] = error.error_dict.pop("name")
        for source, dest in (("instrument_code", "measure"), ("metric", "measure")):
            if hasattr(error, "error_dict") and source in error.error_dict:
                error.error_dict[dest] = error.error_dict.pop(source)
        add_service_errors(form, error)
        return False
    return True


def _bind(user: User, owner: Goal | Objective, form: TargetForm, data: dict[str, Any]) -> None:
    metric = form.metric()
    if data["measure"] == NEW_METRIC:
        metric = services.metric_create(
            actor=user,
            name=data["new_metric_name"],
            unit=data["new_metric_unit"],
            period=data["new_metric_period"],
        )
    services.target_set(
        actor=user,
        owner=owner,
        instrument_code=form.instrument_code(),
        metric=metric,
        baseline=data["baseline"],
        comparator=data["comparator"],
        target_value=data["target_value"],
        direction=data["direction"],
        due_date=data["due_date"],
        confirmed=data["confirmed"],
        seen=data.get(SEEN),
    )


@policy(Policy.CLINICAL)
def goal_target(request: HttpRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = _user(request)
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    if request.method == "POST":
        form = TargetForm(request.POST, metrics=metrics_for_user(user))
        if _save_target(request, goal, form):
            messages.success(request, f"Goal {goal.order} is bound to its measure.")
            return redirect(_editor_url(goal.plan, f"goal-{goal.public_id}"))
    else:
        return redirect("plans:goal", client_id=client_id, goal_id=goal_id)
    goal_form = GoalForm(
        factors=_maintaining_factors(request, goal.plan.client),
        with_status=True,
        initial={
            "statement": goal.statement,
            "client_words": goal.client_words,
            "status": goal.status,
            "factors": list(goal.factors.all()),
        },
    )
    return _goal_page(request, goal.plan, goal_form, goal=goal, target_form=form)


def _target_remove(request: HttpRequest, owner: Goal | Objective, success: str) -> None:
    target = target_of(owner)
    if target is not None:
        _attempt(
            request, lambda: services.target_remove(actor=_user(request), target=target), success
        )


@require_POST
@policy(Policy.CLINICAL)
def goal_target_remove(request: HttpRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    goal = goal_get_for_user(_user(request), client_id, goal_id, purpose=_purpose(request))
    _target_remove(request, goal, f"Goal {goal.order} is no longer bound to a measure.")
    return redirect(_editor_url(goal.plan, f"goal-{goal.public_id}"))


# ---------------------------------------------------------------- objectives


@require_POST
@policy(Policy.CLINICAL)
def objective_add(request: HttpRequest, client_id: str, goal_id: str) -> HttpResponseBase:
    user = _user(request)
    goal = goal_get_for_user(user, client_id, goal_id, purpose=_purpose(request))
    form = ObjectiveForm(request.POST, auto_id=f"id_o_{goal.public_id}_%s")

    def write(data: dict[str, Any]) -> tuple[str, str]:
        objective = services.objective_add(actor=user, goal=goal, statement=data["statement"])
        return (
            f"Objective {goal.order}.{objective.order} added.",
            f"objective-{objective.public_id}",
        )

    return _editor_post(
        request, client_id, goal.plan, form, write, objective_forms={goal.public_id: form}
    )


def _objective_page(
    request: HttpRequest,
    objective: Objective,
    form: ObjectiveForm,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    user = _user(request)
    analysis = None
    text = form.data.get("statement") if form.is_bound else objective.statement
    if isinstance(text, str) and text.strip():
        try:
            analysis = services.smart_feedback(
                actor=user, plan=objective.goal.plan, goal=objective.goal, text=text
            )
        except ValidationError:
            analysis = None
    return render(
        request,
        "plans/objective_form.html",
        {
            "client": objective.goal.plan.client,
            "plan": objective.goal.plan,
            "goal": objective.goal,
            "objective": objective,
            "form": form,
            "smart": _smart_context(analysis),
            "target": target_of(objective),
            "target_measure": _measure_name(target_of(objective)),
            "target_form": target_form or _target_form_for(request, objective, analysis),
        },
    )


@policy(Policy.CLINICAL)
def objective_edit(request: HttpRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = _user(request)
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    form = ObjectiveForm(
        request.POST or None, initial={SEEN: token(objective), "statement": objective.statement}
    )
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            services.objective_update(
                actor=user,
                objective=objective,
                statement=form.cleaned_data["statement"],
                seen=form.cleaned_data[SEEN],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Objective saved.")
            return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))
    return _objective_page(request, objective, form)


@require_POST
@policy(Policy.CLINICAL)
def objective_target(request: HttpRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = _user(request)
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    form = TargetForm(request.POST, metrics=metrics_for_user(user))
    if _save_target(request, objective, form):
        messages.success(request, "The objective is bound to its measure.")
        return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))
    return _objective_page(
        request, objective, ObjectiveForm(initial={"statement": objective.statement}), form
    )


@require_POST
@policy(Policy.CLINICAL)
def objective_target_remove(
    request: HttpRequest, client_id: str, objective_id: str
) -> HttpResponseBase:
    objective = objective_get_for_user(
        _user(request), client_id, objective_id, purpose=_purpose(request)
    )
    _target_remove(request, objective, "The objective is no longer bound to a measure.")
    return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))


@require_POST
@policy(Policy.CLINICAL)
def objective_move(request: HttpRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = _user(request)
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    goal = objective.goal
    direction = request.POST.get("direction", "")
    order = _move(list(goal.objectives.all()), objective.public_id, direction)
    if order is not None:
        _attempt(
            request,
            lambda: services.objective_reorder(actor=user, goal=goal, objective_ids=order),
        )
    return redirect(_editor_url(goal.plan, f"objective-{objective.public_id}"))


@require_POST
@policy(Policy.CLINICAL)
def objective_remove(request: HttpRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = _user(request)
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    _attempt(
        request,
        lambda: services.objective_remove(actor=user, objective=objective),
        "Objective removed, with its interventions.",
    )
    return redirect(_editor_url(objective.goal.plan, f"goal-{objective.goal.public_id}"))


# ---------------------------------------------------------------- interventions


@require_POST
@policy(Policy.CLINICAL)
def intervention_add(request: HttpRequest, client_id: str, objective_id: str) -> HttpResponseBase:
    user = _user(request)
    objective = objective_get_for_user(user, client_id, objective_id, purpose=_purpose(request))
    form = InterventionForm(
        request.POST,
        clinicians=list(org_clinicians(user)),
        auto_id=f"id_i_{objective.public_id}_%s",
    )

    def write(data: dict[str, Any]) -> tuple[str, str]:
        data.pop(SEEN, None)
        services.intervention_add(actor=user, objective=objective, **data)
        return "Intervention added.", f"objective-{objective.public_id}"

    return _editor_post(
        request,
        client_id,
        objective.goal.plan,
        form,
        write,
        intervention_forms={objective.public_id: form},
    )


@policy(Policy.CLINICAL)
def intervention_edit(
    request: HttpRequest, client_id: str, intervention_id: str
) -> HttpResponseBase:
    user = _user(request)
    intervention = intervention_get_for_user(
        user, client_id, intervention_id, purpose=_purpose(request)
    )
    form = InterventionForm(
        request.POST or None,
        clinicians=list(org_clinicians(user)),
        initial={
            SEEN: token(intervention),
            "modality": intervention.modality,
            "type": intervention.type,
            "frequency": intervention.frequency,
            "session_minutes": intervention.session_minutes,
            "responsible": intervention.responsible.public_id if intervention.responsible else "",
        },
    )
    plan = intervention.objective.goal.plan
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            seen = data.pop(SEEN, "")
            services.intervention_update(actor=user, intervention=intervention, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Intervention saved.")
            return redirect(_editor_url(plan, f"objective-{intervention.objective.public_id}"))
    return render(
        request,
        "plans/intervention_form.html",
        {
            "client": plan.client,
            "plan": plan,
            "intervention": intervention,
            "objective": intervention.objective,
            "form": form,
        },
    )


@require_POST
@policy(Policy.CLINICAL)
def intervention_remove(
    request: HttpRequest, client_id: str, intervention_id: str
) -> HttpResponseBase:
    user = _user(request)
    intervention = intervention_get_for_user(
        user, client_id, intervention_id, purpose=_purpose(request)
    )
    _attempt(
        request,
        lambda: services.intervention_remove(actor=user, intervention=intervention),
        "Intervention removed.",
    )
    objective = intervention.objective
    return redirect(_editor_url(objective.goal.plan, f"objective-{objective.public_id}"))


# ---------------------------------------------------------------- library


@policy(Policy.CLINICAL)
def library_browse(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """Search the library; insert a goal into the plan or an objective/intervention into
    a chosen goal/objective. HTMX swaps only the results while typing."""
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id)
    form = LibrarySearchForm(request.GET or None)
    items: tuple[library.LibraryItem, ...] = ()
    if form.is_valid():
        items = library.search(
            form.cleaned_data["q"],
            kind=form.cleaned_data["kind"] or None,
            area=form.cleaned_data["area"] or None,
            limit=30,
        )
    elif not form.is_bound:
        items = library.search("", kind="goal", limit=30)
    areas = {a.code: a.label for a in library.areas()}
    context = {
        "client": plan.client,
        "plan": plan,
        "form": form,
        "rows": [(item, areas.get(item.area, "")) for item in items],
        "goals": list(plan.goals.all()),
        "objectives": [(g, o) for g in plan.goals.all() for o in g.objectives.all()],
    }
    template = "plans/library.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#library-results"
    return render(request, template, context)


@require_POST
@policy(Policy.CLINICAL)
def library_insert(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    item_id = request.POST.get("item", "")
    into = request.POST.get("into", "")
    try:
        item = library.get(item_id)
    except library.UnknownLibraryItem:
        messages.error(request, "Choose an item from the library.")
        return redirect("plans:library", client_id=client_id, plan_id=plan_id)
    try:
        if item.kind == "goal":
            goal = services.goal_add_from_library(actor=user, plan=plan, item_id=item.id)
            anchor = f"goal-{goal.public_id}"
        elif item.kind == "objective":
            parent = _goal_in_plan(user, client_id, plan, into)
            objective = services.objective_add_from_library(
                actor=user, goal=parent, item_id=item.id
            )
            anchor = f"objective-{objective.public_id}"
        else:
            target = _objective_in_plan(user, client_id, plan, into)
            services.intervention_add_from_library(actor=user, objective=target, item_id=item.id)
            anchor = f"objective-{target.public_id}"
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:library", client_id=client_id, plan_id=plan_id)
    messages.success(
        request, "Inserted from the library. Make its words this client's own before signing."
    )
    return redirect(_editor_url(plan, anchor))


def _goal_in_plan(user: User, client_id: str, plan: TreatmentPlan, goal_id: str) -> Goal:
    if not goal_id:
        raise ValidationError({"into": "Choose the goal to add the objective to."})
    goal = goal_get_for_user(user, client_id, goal_id, purpose="edit")
    if goal.plan_id != plan.pk:
        raise Http404
    return goal


def _objective_in_plan(
    user: User, client_id: str, plan: TreatmentPlan, objective_id: str
) -> Objective:
    if not objective_id:
        raise ValidationError({"into": "Choose the objective to add the intervention to."})
    objective = objective_get_for_user(user, client_id, objective_id, purpose="edit")
    if objective.goal.plan_id != plan.pk:
        raise Http404
    return objective


# ---------------------------------------------------------------- observations


@policy(Policy.CLINICAL)
def observations(request: HttpRequest, client_id: str) -> HttpResponseBase:
    """Self-monitoring values the clinician enters (the client's portal comes later)."""
    user = _user(request)
    client = client_get_for_user(
        user, client_id, purpose="edit" if request.method == "POST" else "view"
    )
    metrics = metrics_for_user(user)
    form = ObservationForm(
        request.POST or None, metrics=metrics, initial={"period_start": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            metric = form.metrics.get(form.cleaned_data["metric"])
            if metric is None:
                raise ValidationError({"metric": "Choose a metric of this practice."})
            services.observation_add(
                actor=user,
                client=client,
                metric=metric,
                value=form.cleaned_data["value"],
                period_start=form.cleaned_data["period_start"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Entry saved.")
            return redirect("plans:observations", client_id=client.public_id)
    rows = observations_for_client(user, client)
    return render(
        request,
        "plans/observations.html",
        {"client": client, "form": form, "rows": list(reversed(rows)), "metrics": metrics},
    )


# ---------------------------------------------------------------- versions: sign, endorse, amend


def _plan_page(
    request: HttpRequest, template: str, plan: TreatmentPlan, **context: Any
) -> HttpResponse:
    return render(request, template, {"client": plan.client, "plan": plan, **context})


def _checks_of(request: HttpRequest, plan: TreatmentPlan) -> list[Finding]:
    return compliance_for(plan, user=_user(request))[1]


@policy(Policy.CLINICAL)
def plan_sign(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """The clinician reads the checks and signs with their password (step-up)."""
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    if not plan.is_draft:
        messages.info(request, f"Version {plan.version} is already signed.")
        return redirect(_editor_url(plan))
    form = SignForm(request.POST or None)
    if not step_up_needs_code(user):
        del form.fields["otp_code"]
    if request.method == "POST" and form.is_valid():
        try:
            versions.plan_sign(actor=user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {plan.version} is signed and can no longer change.")
            return redirect(_editor_url(plan, "signatures"))
    checks = _checks_of(request, plan)
    return _plan_page(
        request,
        "plans/sign.html",
        plan,
        form=form,
        errors=[f for f in checks if f.severity == "error"],
        warnings=[f for f in checks if f.severity == "warning"],
    )


@policy(Policy.CLINICAL)
def plan_cosign(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    form = CosignForm(request.POST or None)
    if not step_up_needs_code(user):
        del form.fields["otp_code"]
    if request.method == "POST" and form.is_valid():
        try:
            versions.plan_cosign(
                actor=user,
                plan=plan,
                password=form.cleaned_data["password"],
                otp_code=form.cleaned_data.get("otp_code"),
            )
        except PermissionDenied:
            messages.error(request, "Only a supervisor of the signing clinician can co-sign.")
            return redirect(_editor_url(plan, "signatures"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {plan.version} is co-signed.")
            return redirect(_editor_url(plan, "signatures"))
    return _plan_page(request, "plans/cosign.html", plan, form=form)


@policy(Policy.CLINICAL)
def plan_endorse(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """In session: the client reads the plan with the clinician and types their name."""
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    form = EndorseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            versions.plan_endorse_in_session(actor=user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The client's endorsement of version {plan.version} is kept."
            )
            return redirect(_editor_url(plan, "signatures"))
    return _plan_page(request, "plans/endorse.html", plan, form=form)


@require_POST
@policy(Policy.CLINICAL)
def plan_amend(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose="edit")
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, plan, amend_form=form)
    try:
        draft = versions.plan_amend(actor=user, plan=plan, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _draft_or_back(request, error)
        return redirect(_editor_url(plan, "signatures"))
    messages.success(request, f"Draft version {draft.version} made; the signed one stays in force.")
    return redirect(_editor_url(draft))


@policy(Policy.CLINICAL)
def plan_compare(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """Two versions side by side: the one in the URL against `?with=` (default: its previous)."""
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id)
    other_id = request.GET.get("with", "")
    if other_id:
        other = plan_get_for_user(user, client_id, other_id)
    elif plan.previous_version_id:
        other = plan_get_for_user(user, client_id, plan.previous_version.public_id)  # type: ignore[union-attr]
    else:
        messages.info(request, "This is the first version: there is nothing to compare it with.")
        return redirect(_editor_url(plan))
    older, newer = sorted((plan, other), key=lambda p: p.version)
    return _plan_page(
        request,
        "plans/compare.html",
        plan,
        older=older,
        newer=newer,
        diff=versions.plan_diff(older, newer),
        versions=plans_for_client(user, plan.client),
    )


@policy(Policy.CLINICAL)
def plan_review(request: HttpRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """The review form, pre-filled with each objective's progress from the data."""
    user = _user(request)
    plan = plan_get_for_user(user, client_id, plan_id, purpose=_purpose(request))
    goals = [g for g in plan.goals.all() if g.status == "active"]
    form = ReviewForm(
        request.POST or None,
        goals=goals,
        initial={
            "held_on": timezone.localdate(),
            "participants": f"{plan.client.display_name}, {user.display_name}",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = versions.review_record(
                actor=user,
                plan=plan,
                held_on=form.cleaned_data["held_on"],
                participants=form.cleaned_data["participants"],
                summary=form.cleaned_data["summary"],
                decisions=form.decisions(),
                new_version=form.cleaned_data["new_version"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if review.next_plan is not None:
                messages.success(
                    request,
                    f"Review recorded. Draft version {review.next_plan.version} carries the "
                    "decisions: revise it, then sign it.",
                )
                return redirect(_editor_url(review.next_plan))
            messages.success(request, "Review recorded; the next review is one interval on.")
            return redirect(_editor_url(plan, "signatures"))
    administrations = administrations_for_client(user, plan.client)
    observations = observations_for_client(user, plan.client)
    by_instrument, by_metric = series_by_measure(administrations, observations)
    rows = []
    for goal in plan.goals.all():
        for objective in goal.objectives.all():
            rows.append((goal, objective, _target_view(objective, by_instrument, by_metric)))
    return _plan_page(request, "plans/review.html", plan, form=form, rows=rows)
