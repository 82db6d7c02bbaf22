"""The caseload page: the dashboard of every client a clinician or supervisor may see
(reports/dashboard.py), with the open risk alerts across them."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.shortcuts import redirect, render

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.forms import CaseloadFilterForm
from milepost.clients.models import ClientStatus
from milepost.measures.access import open_alerts_for_user
from milepost.reports.dashboard import caseload_dashboard

_CASELOAD_FILTERS = "caseload_filters"


@policy(Policy.CLINICAL)
def caseload(request: SignedInRequest) -> HttpResponseBase:
    # The search names clients, so it never travels in the URL (logs, history, `next=`):
    # it is posted, kept in the session, and the page redirects to itself.
    saved = request.session.get(_CASELOAD_FILTERS, {"status": "active", "q": ""})
    filters = CaseloadFilterForm(request.POST if request.method == "POST" else saved)
    status, search = "active", ""
    if filters.is_valid():
        status = filters.cleaned_data["status"] or "active"
        search = filters.cleaned_data["q"]
        if request.method == "POST":
            request.session[_CASELOAD_FILTERS] = {"status": status, "q": search}
            return redirect("reports:caseload")
    dashboard = caseload_dashboard(
        request.user,
        status=None if status == "all" else status,
        search=search,
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "alerts": open_alerts_for_user(request.user),
            "dashboard": dashboard,
            "status": status,
            "search": search,
            "statuses": [("all", "All"), *ClientStatus.choices],
            "filters": filters,
        },
    )
