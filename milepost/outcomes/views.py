"""The practice outcomes dashboard, its CSV, its chart, the drill-down and the refresh; a
clinician's own track record and the practice's intake ranking (decisions 1220, 1221)."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.domain.outcomes import DEFINITIONS
from milepost.outcomes.access import (
    group_cases,
    intake_match,
    intake_referrals,
    own_track_records,
    practice_outcomes,
    require_outcomes_viewer,
)
from milepost.outcomes.charts import outcome_chart_svg
from milepost.outcomes.forms import DrillForm, OutcomeFilterForm
from milepost.outcomes.selectors import GROUP_LABELS, Report, Row
from milepost.outcomes.services import outcomes_refresh_request

# The two outcomes a track record shows, with their published wording and sources.
TRACK_DEFINITIONS = tuple(d for d in DEFINITIONS if d.code in ("recovery", "reliable_improvement"))

CSV_COLUMNS = (
    "group",
    "cases",
    "recovery_percent",
    "reliable_improvement_percent",
    "reliable_recovery_percent",
    "reliable_deterioration_percent",
    "targets_due",
    "goal_attainment_percent",
    "reviews_due",
    "review_timeliness_percent",
    "clients",
    "days_to_first_measure",
    "measures_per_session",
)


def _form(request: HttpRequest) -> OutcomeFilterForm:
    form = OutcomeFilterForm(request.GET or {})
    form.is_valid()
    return form


def _page(request: HttpRequest, form: OutcomeFilterForm, report: Report | None) -> HttpResponse:
    context = {
        "form": form,
        "report": report,
        "query": request.GET.urlencode(),
        "definitions": DEFINITIONS,
        "group_label": GROUP_LABELS[report.filters.group_by] if report else "",
    }
    return render(request, "outcomes/dashboard.html", context, status=200 if report else 400)


@require_safe
@policy(Policy.OVERSIGHT)
def dashboard(request: SignedInRequest) -> HttpResponseBase:
    require_outcomes_viewer(request.user)
    form = _form(request)
    if form.errors:
        return _page(request, form, None)
    return _page(request, form, practice_outcomes(request.user, form.filters()))


def _cell(value: object, digits: int = 1) -> str:
    if value is None:
        return "suppressed"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    text = str(value)
    # A spreadsheet runs a cell that starts like a formula (OWASP CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_row(row: Row) -> list[str]:
    return [
        _cell(row.label),
        *(
            _cell(getattr(row, name.removesuffix("_percent")), 2 if "per_session" in name else 1)
            for name in CSV_COLUMNS[1:]
        ),
    ]


@require_safe
@policy(Policy.OVERSIGHT)
def dashboard_csv(request: SignedInRequest) -> HttpResponseBase:
    require_outcomes_viewer(request.user)
    form = _form(request)
    if form.errors:
        return _page(request, form, None)
    report = practice_outcomes(request.user, form.filters(), purpose="csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(row) for row in [*report.rows, report.total])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="outcomes-{stamp}.csv"'
    return response


@require_safe
@policy(Policy.OVERSIGHT)
def dashboard_chart(request: SignedInRequest) -> HttpResponseBase:
    require_outcomes_viewer(request.user)
    form = _form(request)
    if form.errors:
        return _page(request, form, None)
    report = practice_outcomes(request.user, form.filters(), purpose="chart")
    return HttpResponse(outcome_chart_svg(report), content_type="image/svg+xml")


@require_safe
@policy(Policy.OVERSIGHT)
def group(request: SignedInRequest) -> HttpResponseBase:
    require_outcomes_viewer(request.user)
    form = DrillForm(request.GET or {})
    if not form.is_valid():
        return render(request, "outcomes/group.html", {"form": form, "rows": None}, status=400)
    filters = form.filters()
    rows = group_cases(request.user, filters, form.cleaned_data["key"])
    context = {
        "form": form,
        "rows": rows,
        "group_label": GROUP_LABELS[filters.group_by],
        "is_admin": request.user.membership.role == "admin",
    }
    return render(request, "outcomes/group.html", context)


@require_POST
@policy(Policy.OVERSIGHT)
def refresh(request: SignedInRequest) -> HttpResponseBase:
    membership = require_outcomes_viewer(request.user)
    outcomes_refresh_request(actor=request.user, organization=membership.organization)
    return redirect("outcomes:dashboard")


# --------------------------------------------------------------------------- track records


@require_safe
@policy(Policy.CLINICAL)
def track_record(request: SignedInRequest) -> HttpResponseBase:
    """The clinician's own figures per problem area (decision 1221)."""
    own = own_track_records(request.user)
    return render(
        request, "outcomes/track_record.html", {"own": own, "definitions": TRACK_DEFINITIONS}
    )


@require_safe
@policy(Policy.CLINICAL)
def intake_list(request: SignedInRequest) -> HttpResponseBase:
    return render(
        request, "outcomes/intake_list.html", {"referrals": intake_referrals(request.user)}
    )


@require_safe
@policy(Policy.CLINICAL)
def intake(request: SignedInRequest, referral_id: str) -> HttpResponseBase:
    """A referral's ranked clinicians, with the outcome figures the reader may see."""
    match = intake_match(request.user, referral_id)
    return render(
        request, "outcomes/intake.html", {"match": match, "definitions": TRACK_DEFINITIONS}
    )
