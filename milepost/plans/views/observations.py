"""Self-monitoring values of the practice's custom metrics, entered by the clinician."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.domain import logs as log_units
from milepost.domain import periods
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import metrics_for_user, observations_for_client
from milepost.plans.forms import ObservationForm
from milepost.plans.models import Observation


@policy(Policy.CLINICAL)
def observations(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """Self-monitoring values the clinician enters (the client's portal comes later)."""
    user = request.user
    client = client_get_for_user(
        user, client_id, purpose="edit" if request.method == "POST" else "view"
    )
    metrics = metrics_for_user(user)
    today = timezone.localdate()
    form = ObservationForm(
        request.POST or None, metrics=metrics, initial={"period_start": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            metric = form.metrics.get(form.cleaned_data["metric"])
            if metric is None:
                raise ValidationError({"metric": "Choose a metric of this practice."})
            observation = services.observation_add(
                actor=user,
                client=client,
                metric=metric,
                value=form.cleaned_data["value"],
                period_start=form.cleaned_data["period_start"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            same = observations_for_client(user, client, metric=metric)
            messages.success(request, saved_words(observation, same, today=today))
            return redirect("plans:observations", client_id=client.public_id)
    rows = observations_for_client(user, client)
    totals = period_totals(rows)
    return render(
        request,
        "plans/observations.html",
        {
            "client": client,
            "form": form,
            "rows": [
                Row(
                    o,
                    when(o, today=today),
                    ": ".join(totals.get((o.metric_id, o.period_start), ())),
                )
                for o in reversed(rows)
            ],
            "metrics": metrics,
        },
    )


@dataclass(frozen=True)
class Row:
    """An entry of the list, with its period in words and, when its period holds other
    values that count, the period's value (they add up: decision 0831)."""

    observation: Observation
    when: str
    period_value: str


def when(observation: Observation, *, today: dt.date) -> str:
    """ "week of 4 May", "May 2026", or the day: the period the value is filed under."""
    metric = observation.metric
    if metric.period in (periods.WEEK, periods.MONTH):
        return periods.period_label(metric.period, observation.period_start, today=today)
    return f"{observation.period_start.day} {observation.period_start:%b %Y}"


def period_totals(rows: list[Observation]) -> dict[tuple[int, dt.date], tuple[str, str]]:
    """("total" or "average", the value in words) of each period holding more than one
    entry that counts."""
    groups: dict[tuple[int, dt.date], list[Observation]] = defaultdict(list)
    for o in rows:
        if o.counts:
            groups[(o.metric_id, o.period_start)].append(o)
    totals = {}
    for key, items in groups.items():
        if len(items) < 2:
            continue
        metric = items[0].metric
        kind = log_units.rule_for(metric.unit, metric.name).kind
        [(_, value)] = periods.one_per_period(
            [(o.period_start, o.value) for o in items], metric.period, week_start=None, kind=kind
        )
        how = "average" if kind == periods.SCALE else "total"
        totals[key] = (how, f"{value:g} {metric.unit}")
    return totals


def saved_words(observation: Observation, same_metric: list[Observation], *, today: dt.date) -> str:
    """What the clinician is told: where the value was filed and, when its period already
    held values, what they now add up to."""
    filed = observation.metric.period in (periods.WEEK, periods.MONTH)
    text = f"Saved {'under the' if filed else 'for'} {when(observation, today=today)}"
    total = period_totals(same_metric).get((observation.metric_id, observation.period_start))
    if total is None:
        return f"{text}."
    how, amount = total
    return f"{text}; its values {'average' if how == 'average' else 'add up to'} {amount}."
