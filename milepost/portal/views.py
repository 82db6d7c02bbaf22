"""The client portal: thin views over portal/access.py and portal/services.py.

Every page starts from the signed-in client's own record (clients.access.
client_get_for_portal); records named in a URL are looked up within it, so another
client's id answers 404. A service's ValidationError lands on the field it names.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import care_team_of
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.lib.forms import add_service_errors
from milepost.measures.charts import TARGET_CHART_SIZE, target_chart_svg
from milepost.plans import versions
from milepost.plans.models import Goal, Objective, Target
from milepost.plans.selectors import (
    Series,
    target_of,
    target_progress_for,
    target_series,
    target_to_domain,
)
from milepost.portal import access, services, words
from milepost.portal.forms import (
    ChangeRequestForm,
    EndorseForm,
    JournalForm,
    LogForm,
    ProposalForm,
)
from milepost.portal.models import ProposalStatus


def _client(request: SignedInRequest) -> Client:
    return access.portal_client(request.user)


@require_safe
@policy(Policy.PORTAL)
def home(request: SignedInRequest) -> HttpResponseBase:
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "team": care_team_of(client),
            "shown": shown,
            "measures": access.log_measures_for(user, client),
        },
    )


# --------------------------------------------------------------------------- my goals


@dataclass(frozen=True)
class Progress:
    target: Target
    words: str
    chart_alt: str
    values: tuple[tuple[dt.date, float], ...]


@dataclass
class GoalView:
    goal: Goal
    progress: Progress | None
    steps: list[tuple[Objective, Progress | None]] = field(default_factory=list)


def _progress(
    target: Target | None,
    *,
    by_instrument: dict[str, Series],
    by_metric: dict[int, Series],
    today: dt.date,
) -> Progress | None:
    if target is None:
        return None
    domain_target = target_to_domain(target)
    assert domain_target is not None
    instrument = instruments.get(target.instrument_code) if target.instrument_code else None
    progress = target_progress_for(
        target, by_instrument=by_instrument, by_metric=by_metric, today=today
    )
    name = instrument.short_name if instrument else domain_target.measure
    said = words.progress_words(
        progress,
        domain_target,
        short_name=name,
        higher_is_better=bool(instrument and instrument.higher_is_better),
    )
    series = target_series(target, by_instrument=by_instrument, by_metric=by_metric)
    count = (
        "no values yet" if not series else f"{len(series)} value{'s' if len(series) > 1 else ''}"
    )
    alt = f"Chart of your {name} over time, {count}. {said} The numbers are listed below it."
    return Progress(target=target, words=said, chart_alt=alt, values=tuple(series))


@require_safe
@policy(Policy.PORTAL)
def goals(request: SignedInRequest) -> HttpResponseBase:
    """Each goal in the client's own words, the clinical wording beneath, the steps, and
    how it is going."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    views: list[GoalView] = []
    if shown is not None:
        by_instrument, by_metric = access.portal_series(user, client)
        today = timezone.localdate()
        said = functools.partial(
            _progress, by_instrument=by_instrument, by_metric=by_metric, today=today
        )
        for goal in shown.goals:
            view = GoalView(goal=goal, progress=said(target_of(goal)))
            for objective in goal.objectives.all():
                view.steps.append((objective, said(target_of(objective))))
            views.append(view)
    width, height = TARGET_CHART_SIZE
    return render(
        request,
        "portal/goals.html",
        {
            "client": client,
            "shown": shown,
            "goals": views,
            "chart_width": width,
            "chart_height": height,
        },
    )


@require_safe
@policy(Policy.PORTAL)
def goal_chart(request: SignedInRequest, portal_target_id: str) -> HttpResponseBase:
    """One chart of the My goals page, as its own SVG (the page's CSP forbids inline SVG)."""
    user = request.user
    client = access.portal_client(user)
    target = access.portal_target_get(user, client, portal_target_id)
    by_instrument, by_metric = access.portal_series(user, client)
    today = timezone.localdate()
    domain_target = target_to_domain(target)
    assert domain_target is not None
    baseline = target.baseline_administration
    # Drawn without the questionnaire's severity bands and clinical cut-off: the client
    # sees their values against their aim, in words they use (decision 0702).
    svg = target_chart_svg(
        domain_target,
        target_series(target, by_instrument=by_instrument, by_metric=by_metric),
        today=today,
        baseline_on=timezone.localdate(baseline.administered_at) if baseline else None,
        projection=target_progress_for(
            target, by_instrument=by_instrument, by_metric=by_metric, today=today
        ).projection,
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- drafting goals


@policy(Policy.PORTAL)
def propose(request: SignedInRequest) -> HttpResponseBase:
    """The seed's exercise: imagine life when things are better. "See ideas" shows the
    gentle feedback without sending; "Send" sends the proposal to the care team."""
    user = request.user
    client = access.portal_client(user)
    form = ProposalForm(request.POST or None)
    feedback = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        how = form.cleaned_data["how_you_would_know"]
        if request.POST.get("action") == "preview":
            feedback = words.proposal_feedback(text, how)
        else:
            try:
                proposal = services.goal_proposal_create(
                    actor=user, client=client, text=text, how_you_would_know=how
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your goal is sent to your therapist.")
                return redirect("portal:proposal", proposal_id=proposal.public_id)
    return render(
        request,
        "portal/propose.html",
        {
            "client": client,
            "form": form,
            "feedback": feedback,
            "proposals": access.proposals_for_portal(user, client),
        },
    )


@require_safe
@policy(Policy.PORTAL)
def proposal(request: SignedInRequest, proposal_id: str) -> HttpResponseBase:
    user = request.user
    client = access.portal_client(user)
    found = access.proposal_get_for_portal(user, client, proposal_id)
    return render(
        request,
        "portal/propose_detail.html",
        {
            "client": client,
            "proposal": found,
            "feedback": words.proposal_feedback(found.text, found.how_you_would_know)
            if found.status == ProposalStatus.NEW
            else None,
        },
    )


# --------------------------------------------------------------------------- the plan


@require_safe
@policy(Policy.PORTAL)
def plan(request: SignedInRequest) -> HttpResponseBase:
    """The plan in force in plain words, printable, with its endorsement."""
    user = request.user
    client = access.portal_client(user)
    return render(
        request,
        "portal/plan.html",
        {
            "client": client,
            "shown": access.portal_plan_for(user, client),
            "requests": access.change_requests_for_portal(user, client),
        },
    )


@policy(Policy.PORTAL)
def endorse(request: SignedInRequest) -> HttpResponseBase:
    """Endorse the version in force with an electronic signature, or ask for a change."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    form = EndorseForm(request.POST or None)
    if request.method == "POST" and shown is not None and form.is_valid():
        try:
            versions.plan_endorse_in_portal(actor=user, plan=shown.plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Thank you: you endorsed version {shown.plan.version}.")
            return redirect("portal:plan")
    return render(
        request,
        "portal/endorse.html",
        {
            "client": client,
            "shown": shown,
            "form": form,
            "change_form": ChangeRequestForm(),
        },
    )


@policy(Policy.PORTAL)
def change_request(request: SignedInRequest) -> HttpResponseBase:
    """Ask for a change to the version in force, with a comment."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and shown is not None and form.is_valid():
        try:
            services.change_request_create(
                actor=user, plan=shown.plan, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request is sent to your therapist.")
            return redirect("portal:plan")
    return render(
        request,
        "portal/endorse.html",
        {"client": client, "shown": shown, "form": EndorseForm(), "change_form": form},
    )


# --------------------------------------------------------------------------- logs


def _log_forms(measures: list, bound: LogForm | None = None) -> list[tuple[object, LogForm]]:
    forms_ = []
    for measure in measures:
        metric = measure.metric
        if bound is not None and bound.data.get("metric") == metric.public_id:
            form = bound
        else:
            form = LogForm(
                initial={"metric": metric.public_id},
                unit=metric.unit,
                auto_id=f"id_{metric.public_id}_%s",
            )
        forms_.append((measure, form))
    return forms_


@policy(Policy.PORTAL)
def log(request: SignedInRequest) -> HttpResponseBase:
    """One card per thing the plan asks the client to log: one tap logs one now."""
    user = request.user
    client = access.portal_client(user)
    measures = access.log_measures_for(user, client)
    bound = None
    if request.method == "POST":
        metric_id = request.POST.get("metric", "")
        unit = next((m.metric.unit for m in measures if m.metric.public_id == metric_id), "")
        bound = LogForm(
            request.POST,
            unit=unit,
            auto_id=f"id_{metric_id}_%s" if metric_id.isalnum() else "id_%s",
        )
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                entry = services.log_entry_add(
                    actor=user,
                    client=client,
                    metric=data["metric"],
                    occurred_at=data["occurred_at"],
                    value=data["value"],
                    intensity=data["intensity"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_service_errors(bound, error)
            else:
                messages.success(request, f"Logged: {entry.metric.name}.")
                return redirect("portal:log")
    return render(
        request,
        "portal/log.html",
        {
            "client": client,
            "cards": _log_forms(measures, bound),
            "unmatched": bound
            if bound is not None
            and bound.errors
            and not any(bound.data.get("metric") == m.metric.public_id for m in measures)
            else None,
            "entries": access.log_entries_for_portal(user, client),
        },
    )


@require_POST
@policy(Policy.PORTAL)
def log_entry_remove(request: SignedInRequest, log_entry_id: str) -> HttpResponseBase:
    """Take back an entry logged by mistake (it stays on record, marked as a mistake)."""
    user = request.user
    client = access.portal_client(user)
    entry = access.log_entry_get_for_portal(user, client, log_entry_id)
    try:
        services.log_entry_mark_entered_in_error(actor=user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "That entry no longer counts.")
    return redirect("portal:log")


# --------------------------------------------------------------------------- journal


@policy(Policy.PORTAL)
def journal(request: SignedInRequest) -> HttpResponseBase:
    user = request.user
    client = access.portal_client(user)
    form = JournalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_add(actor=user, client=client, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved. Only you can see it.")
            return redirect("portal:journal")
    return render(
        request,
        "portal/journal.html",
        {"client": client, "form": form, "entries": access.journal_for_portal(user, client)},
    )


@require_POST
@policy(Policy.PORTAL)
def journal_share(request: SignedInRequest, journal_entry_id: str) -> HttpResponseBase:
    """Share one entry with the care team (action=share) or make it private (unshare)."""
    user = request.user
    client = access.portal_client(user)
    entry = access.journal_entry_get_for_portal(user, client, journal_entry_id)
    action = request.POST.get("action", "")
    if action not in ("share", "unshare"):
        messages.error(request, "Choose whether to share the entry or keep it private.")
        return redirect("portal:journal")
    services.journal_entry_share(actor=user, entry=entry, shared=action == "share")
    messages.success(
        request,
        "Shared with your care team."
        if action == "share"
        else "Private again: only you can see it.",
    )
    return redirect("portal:journal")
