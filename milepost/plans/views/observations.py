"""Self-monitoring values of the practice's custom metrics, entered by the clinician."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import metrics_for_user, observations_for_client
from milepost.plans.forms import ObservationForm


@policy(Policy.CLINICAL)
def observations(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """Self-monitoring values the clinician enters (the client's portal comes later)."""
    user = request.user
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
