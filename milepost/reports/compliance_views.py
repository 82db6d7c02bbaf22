"""The caseload compliance report: every current plan version a supervisor (their teams'
clients) or a practice admin (the whole organisation) oversees, with its findings under the
practice's payer profile, as a page and as a CSV file.

An admin never reads clinical content: their page and every CSV show the client's public
id, the clinician, the version and status, and per finding its code, checklist item,
severity and the check's generic wording — never the plan's text. A supervisor's page,
whose clients they may read, names the client and links to the plan.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.domain.compliance import RULES
from milepost.reports.compliance import Report, caseload_compliance

SEVERITY_CHOICES = [
    ("", "Any severity"),
    ("error", "Errors"),
    ("warning", "Warnings"),
    ("info", "Info"),
]
PL_CHOICES = [("", "Any checklist item"), *((r.pl, f"{r.pl}: {r.check}") for r in RULES)]
CSV_COLUMNS = (
    "client_id",
    "clinician",
    "plan_version",
    "plan_status",
    "severity",
    "code",
    "pl",
    "check",
)


class ReportFilterForm(forms.Form):
    severity = forms.ChoiceField(choices=SEVERITY_CHOICES, required=False)
    pl = forms.ChoiceField(choices=PL_CHOICES, required=False, label="Checklist item")


def _filters(request: HttpRequest) -> tuple[ReportFilterForm, dict[str, str] | None]:
    """The form and its filters; None when a filter is not one of the choices."""
    form = ReportFilterForm(request.GET or None)
    if not request.GET:
        return form, {"severity": "", "pl": ""}
    if not form.is_valid():
        return form, None
    return form, {"severity": form.cleaned_data["severity"], "pl": form.cleaned_data["pl"]}


def _cell(value: object) -> str:
    text = str(value)
    # A spreadsheet runs a cell that starts like a formula (OWASP CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(report: Report) -> list[list[str]]:
    """One row per finding, generic words only (the same for supervisors and admins)."""
    rows = []
    for row in report.rows:
        for f in row.findings:
            rows.append(
                [
                    _cell(v)
                    for v in (
                        row.client.public_id,
                        row.clinician,
                        row.plan.version,
                        row.plan.status,
                        f.severity,
                        f.code,
                        f.pl,
                        f.generic,
                    )
                ]
            )
    return rows


def _page(
    request: HttpRequest, form: ReportFilterForm, report: Report | None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "report": report, "query": request.GET.urlencode()}
    if report is not None:
        context["errors"] = sum(r.errors for r in report.rows)
        context["warnings"] = sum(r.warnings for r in report.rows)
    return render(request, "reports/compliance.html", context, status=status)


@require_safe
@policy(Policy.OVERSIGHT)
def report(request: SignedInRequest) -> HttpResponseBase:
    form, filters = _filters(request)
    if filters is None:
        return _page(request, form, None, status=400)
    user = request.user
    return _page(
        request, form, caseload_compliance(user, severity=filters["severity"], pl=filters["pl"])
    )


@require_safe
@policy(Policy.OVERSIGHT)
def report_csv(request: SignedInRequest) -> HttpResponseBase:
    form, filters = _filters(request)
    if filters is None:
        return _page(request, form, None, status=400)
    user = request.user
    found = caseload_compliance(user, severity=filters["severity"], pl=filters["pl"], purpose="csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(found))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="compliance-{stamp}.csv"'
    return response
