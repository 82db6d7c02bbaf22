from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.instruments import Instrument
from milepost.domain.narrative import change_in_words
from milepost.domain.progress import change
from milepost.lib.forms import add_service_errors
from milepost.measures import assignments, services
from milepost.measures.access import (
    administration_get_for_user,
    administrations_for_client,
    alert_get_for_user,
    assignment_get_for_user,
    open_alerts_for_client,
)
from milepost.measures.charts import score_chart_svg
from milepost.measures.forms import (
    AdministrationForm,
    AlertAcknowledgeForm,
    AssignmentForm,
    EnteredInErrorForm,
    NextSessionForm,
)
from milepost.measures.models import Administration


def _instrument_or_404(code: str) -> Instrument:
    try:
        return instruments.get(code)
    except UnknownInstrument:
        raise Http404 from None


@dataclass(frozen=True)
class InstrumentSummary:
    instrument: Instrument
    administrations: list[Administration]
    change_words: str | None

    @property
    def latest(self) -> Administration | None:
        """The newest entry that counts (not entered in error) and could be scored."""
        scored = [a for a in self.administrations if a.counts and a.total is not None]
        return scored[-1] if scored else None


def _summaries(items: list[Administration]) -> list[InstrumentSummary]:
    by_code: dict[str, list[Administration]] = {}
    for administration in items:
        by_code.setdefault(administration.instrument_code, []).append(administration)
    summaries = []
    for instrument in instruments.all_instruments():
        rows = by_code.get(instrument.code, [])
        if not rows:
            continue
        scored = [a for a in rows if a.counts and a.total is not None]
        words = None
        if len(scored) >= 2:
            first, last = scored[0].total, scored[-1].total
            assert first is not None
            assert last is not None
            words = change_in_words(change(instrument, first, last))
        summaries.append(InstrumentSummary(instrument, rows, words))
    return summaries


def _measures_page(
    request: HttpRequest, user: User, client: Client, assign_form: AssignmentForm
) -> HttpResponse:
    summaries = _summaries(administrations_for_client(user, client))
    return render(
        request,
        "measures/client_measures.html",
        {
            "client": client,
            "summaries": summaries,
            "alerts": open_alerts_for_client(user, client),
            "all_instruments": instruments.all_instruments(),
            "assign_form": assign_form,
        },
    )


@policy(Policy.CLINICAL)
def client_measures(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id)
    return _measures_page(request, user, client, AssignmentForm())


@policy(Policy.CLINICAL)
def assignment_create(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """Assign a questionnaire to the portal; the form lives on the measures page."""
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    if request.method != "POST":
        return redirect("measures:client_measures", client_id=client.public_id)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignment = assignments.assignment_create(
                actor=user,
                client=client,
                instrument_code=form.cleaned_data["instrument"],
                schedule=form.cleaned_data["schedule"],
                start_on=form.cleaned_data["start_on"],
                next_session_on=form.cleaned_data["next_session_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{assignment.instrument.short_name} assigned to the portal: "
                f"{assignment.get_schedule_display().lower()}.",
            )
            return redirect("measures:client_measures", client_id=client.public_id)
    return _measures_page(request, user, client, form)


@require_POST
@policy(Policy.CLINICAL)
def assignment_end(
    request: SignedInRequest, client_id: str, assignment_id: str
) -> HttpResponseBase:
    user = request.user
    assignment = assignment_get_for_user(user, client_id, assignment_id, purpose="edit")
    try:
        assignments.assignment_end(actor=user, assignment=assignment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"End assignment: {message}")
    else:
        messages.success(
            request, f"{assignment.instrument.short_name} is no longer asked for in the portal."
        )
    return redirect("measures:client_measures", client_id=assignment.client.public_id)


@require_POST
@policy(Policy.CLINICAL)
def assignment_next_session(
    request: SignedInRequest, client_id: str, assignment_id: str
) -> HttpResponseBase:
    user = request.user
    assignment = assignment_get_for_user(user, client_id, assignment_id, purpose="edit")
    form = NextSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Next session: enter a date.")
    else:
        try:
            assignments.assignment_next_session_set(
                actor=user,
                assignment=assignment,
                next_session_on=form.cleaned_data["next_session_on"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"Next session: {message}")
        else:
            messages.success(request, "Next session date saved.")
    return redirect("measures:client_measures", client_id=assignment.client.public_id)


@policy(Policy.CLINICAL)
def administer(request: SignedInRequest, client_id: str, instrument: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    definition = _instrument_or_404(instrument)
    form = AdministrationForm(request.POST or None, instrument=definition)
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_submit(
                actor=user,
                client=client,
                instrument_code=definition.code,
                answers=form.answers(),
                administered_at=form.administered_at(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "administered_at" in error.error_dict:
                error.error_dict["administered_on"] = error.error_dict.pop("administered_at")
            add_service_errors(form, error)
        else:
            for alert in administration.alerts.all():
                messages.error(request, f"Urgent: {alert.message}")
            if administration.total is None:
                messages.warning(
                    request,
                    f"Saved, but the {definition.short_name} could not be scored: "
                    f"{administration.unscorable_reason}",
                )
            else:
                messages.success(
                    request,
                    f"{definition.short_name} saved: {administration.total} "
                    f"({administration.band_label}).",
                )
            return redirect("measures:client_measures", client_id=client.public_id)
    return render(
        request,
        "measures/administer.html",
        {"client": client, "instrument": definition, "form": form},
    )


@policy(Policy.CLINICAL)
def chart(request: SignedInRequest, client_id: str, instrument: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id)
    definition = _instrument_or_404(instrument)
    rows = administrations_for_client(user, client, instrument_code=definition.code)
    points = [(a.administered_at, float(a.total)) for a in rows if a.counts and a.total is not None]
    response = HttpResponse(score_chart_svg(definition, points), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@policy(Policy.CLINICAL)
def alert_acknowledge(request: SignedInRequest, client_id: str, alert_id: str) -> HttpResponseBase:
    user = request.user
    alert = alert_get_for_user(user, client_id, alert_id)
    form = AlertAcknowledgeForm(request.POST or None)
    if request.method == "POST" and alert.is_open and form.is_valid():
        try:
            services.risk_alert_acknowledge(actor=user, alert=alert, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Alert acknowledged; your action is on the record.")
            return redirect("measures:client_measures", client_id=alert.client.public_id)
    return render(
        request,
        "measures/alert.html",
        {"alert": alert, "client": alert.client, "form": form},
    )


@require_POST
@policy(Policy.CLINICAL)
def entered_in_error(
    request: SignedInRequest, client_id: str, administration_id: str
) -> HttpResponseBase:
    user = request.user
    administration = administration_get_for_user(user, client_id, administration_id)
    form = EnteredInErrorForm(request.POST)
    if form.is_valid():
        try:
            services.administration_mark_entered_in_error(
                actor=user, administration=administration, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"Entered in error: {message}")
        else:
            messages.success(request, "Marked as entered in error; it no longer counts.")
    else:
        messages.error(request, "Entered in error: say why this entry is a mistake.")
    return redirect("measures:client_measures", client_id=client_id)
