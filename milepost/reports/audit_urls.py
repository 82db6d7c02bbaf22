"""The audit trail report, under practice/ (practice admins).

The namespace is still "audit", as when the report lived in the audit app, so its paths and
names (audit:report, audit:report_csv) did not change when it moved.
"""

from __future__ import annotations

from django.urls import path

from milepost.reports import audit_views as views

app_name = "audit"
urlpatterns = [
    path("audit/", views.report, name="report"),
    path("audit.csv", views.report_csv, name="report_csv"),
]
