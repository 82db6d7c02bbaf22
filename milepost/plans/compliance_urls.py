"""The caseload compliance report, under practice/ (supervisors and practice admins)."""

from __future__ import annotations

from django.urls import path

from milepost.plans import compliance_views

app_name = "compliance"
urlpatterns = [
    path("compliance/", compliance_views.report, name="report"),
    path("compliance.csv", compliance_views.report_csv, name="report_csv"),
]
