"""The caseload compliance report, under practice/ (supervisors and practice admins).

The namespace is still "compliance", as when the report lived in the plans app, so its paths
and names (compliance:report, compliance:report_csv) did not change when it moved.
"""

from __future__ import annotations

from django.urls import path

from milepost.reports import compliance_views

app_name = "compliance"
urlpatterns = [
    path("compliance/", compliance_views.report, name="report"),
    path("compliance.csv", compliance_views.report_csv, name="report_csv"),
]
