"""Logs: one card per thing the plan asks the client to log, and taking an entry back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.domain import logs as log_units
from milepost.lib.forms import add_service_errors
from milepost.plans.models import Metric
from milepost.portal import access, services
from milepost.portal.forms import (
    LogForm,
)
from milepost.portal.selectors import LoggedMeasure


def _form(metric: Metric | None, *args: Any, **kwargs: Any) -> LogForm:
    if metric is None:
        return LogForm(*args, **kwargs)
    return LogForm(
        *args, rule=log_units.rule_for(metric.unit, metric.name), unit=metric.unit, **kwargs
    )


def _log_forms(
    measures: list[LoggedMeasure], bound: LogForm | None = None
) -> list[tuple[LoggedMeasure, LogForm]]:
    forms_ = []
    for measure in measures:
        metric = measure.metric
        if bound is not None and bound.data.get("metric") == metric.public_id:
            form = bound
        else:
            form = _form(
                metric, initial={"metric": metric.public_id}, auto_id=f"id_{metric.public_id}_%s"
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
        metric = next((m.metric for m in measures if m.metric.public_id == metric_id), None)
        bound = _form(
            metric,
            request.POST,
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
                    intensity=data.get("intensity"),
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
