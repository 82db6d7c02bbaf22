"""The assistant's page on a draft plan: the intake, the drafted items, accept/edit/reject.

The intake travels in the page's one form and is never stored; each post drafts again (the
draft is deterministic) and writes only the item accepted.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.domain import drafting
from milepost.domain.drafting import llm as model_rules
from milepost.drafting import services
from milepost.drafting.access import record_for_intake
from milepost.drafting.forms import IntakeForm, ModelEndpointForm
from milepost.drafting.llm import ModelUnavailable, ask
from milepost.drafting.models import ModelEndpoint
from milepost.drafting.selectors import model_endpoint_of, model_endpoint_settings
from milepost.lib.forms import add_service_errors
from milepost.plans.access import plan_get_for_user

# The model's checked answer travels in the page, signed so a post cannot forge it.
_REPLY_SALT = "milepost.drafting.model-reply"

SIGNED = (
    "This plan version is no longer a draft: the assistant writes only into a draft. "
    "Amend the plan to make a new draft version."
)


@policy(Policy.CLINICAL)
def assistant(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    purpose = "edit" if request.method == "POST" else "view"
    plan = plan_get_for_user(user, client_id, plan_id, purpose=purpose)
    if not plan.is_draft:
        messages.error(request, SIGNED)
        return redirect("plans:editor", client_id=client_id, plan_id=plan_id)
    problem, scores, diagnoses, factors = record_for_intake(user, plan)
    context = {
        "client": plan.client,
        "plan": plan,
        "scores": scores,
        "diagnoses": diagnoses,
        "result": None,
        "accepted": {},
        "rejected": [],
    }
    if request.method != "POST":
        context["form"] = IntakeForm(initial={"presenting_problem": problem})
        return render(request, "drafting/assistant.html", context)
    form = IntakeForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "drafting/assistant.html", context, status=400)
    try:
        intake = drafting.parse_intake(
            {
                "presenting_problem": form.cleaned_data["presenting_problem"],
                "client_words": form.cleaned_data["client_words"],
                "modality": form.cleaned_data["modality"],
            }
        )
    except drafting.InvalidIntake as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error).split(": ", 1)[-1])
        return render(request, "drafting/assistant.html", context, status=400)
    intake = replace(
        intake,
        scores=scores,
        diagnoses=diagnoses,
        formulation=factors,
        review_interval_days=plan.review_interval_days,
    )
    result = drafting.draft(intake, today=timezone.localdate())
    drafted_by, reply_token = "offline", ""
    endpoint = model_endpoint_of(plan.organization)
    if endpoint is not None:
        names = (plan.client.given_name, plan.client.family_name)
        checked, reply_token, problem = _model_draft(request, endpoint, intake, result, names)
        if checked is not None:
            result, drafted_by = checked.draft, "model"
            for reason in checked.dropped:
                messages.warning(request, f"Left out of the model's draft: {reason}.")
        else:
            messages.warning(request, f"Showing the offline draft: {problem}.")
    rejected = form.rejected_ids()
    action, _, item_id = request.POST.get("do", "").partition(" ")
    item_id = item_id[:40]
    try:
        if action == "accept":
            edits = {
                name: request.POST.get(f"{item_id}-{name}", "")
                for names in services.EDITABLE.values()
                for name in names
                if f"{item_id}-{name}" in request.POST
            }
            row = services.drafted_item_accept(
                actor=user,
                plan=plan,
                intake=intake,
                item_id=item_id,
                edits=edits,
                result=result,
                drafted_by=drafted_by,
            )
            messages.success(request, f"Added to the plan. {row.description}.")
        elif action == "reject":
            if result.item(item_id) is None and not _is_intervention(result, item_id):
                raise ValidationError({"item": "This item is not in the draft; draft again."})
            services.drafted_item_reject(actor=user, plan=plan, item_id=item_id)
            rejected.append(item_id)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    context.update(
        result=result,
        accepted=services.accepted_ids(plan, services.draft_key(plan, intake)),
        rejected=rejected,
        rejected_value=",".join(dict.fromkeys(rejected)),
        draft_json=drafting.as_dict(result),
        reply_token=reply_token,
        drafted_by=drafted_by,
    )
    return render(request, "drafting/assistant.html", context)


def _model_draft(
    request: SignedInRequest,
    endpoint: ModelEndpoint,
    intake: drafting.Intake,
    offline: drafting.Draft,
    names: tuple[str, ...],
) -> tuple[model_rules.Checked | None, str, str]:
    """(checked draft, signed reply, "") or (None, "", why the offline draft is shown).

    The model is asked once, when the clinician drafts; accepting an item re-checks the
    signed answer the page carries instead of asking again (a model need not answer the
    same twice).
    """
    token = request.POST.get("model_reply", "")
    content = None
    if token and request.POST.get("do", "") != "draft":
        try:
            content = signing.loads(token, salt=_REPLY_SALT, max_age=6 * 3600)
        except signing.BadSignature:
            content = None
    try:
        if content is None:
            chat = model_rules.messages(
                intake,
                health_information_covered=endpoint.covers_health_information,
                names=names,
            )
            content = ask(endpoint, chat)
        reply = model_rules.parse(content)
        checked = model_rules.check(reply, intake, offline, model_name=endpoint.model)
    except ModelUnavailable as error:
        return None, "", str(error)
    except model_rules.BadReply as error:
        return None, "", str(error)
    return checked, signing.dumps(content, salt=_REPLY_SALT, compress=True), ""


@policy(Policy.ORG_ADMIN)
def endpoint_settings(request: SignedInRequest) -> HttpResponseBase:
    membership = require_membership(request.user, Role.ADMIN)
    current = model_endpoint_settings(membership.organization)
    initial = {
        "enabled": current.enabled,
        "base_url": current.base_url,
        "model": current.model,
        "covers_health_information": current.covers_health_information,
        "timeout_seconds": current.timeout_seconds,
    }
    form = ModelEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.model_endpoint_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the drafting assistant's settings.")
            return redirect("drafting_practice:endpoint")
    return render(request, "drafting/endpoint.html", {"form": form})


def _is_intervention(result: drafting.Draft, item_id: str) -> bool:
    return any(x.id == item_id for g in result.goals for o in g.objectives for x in o.interventions)
