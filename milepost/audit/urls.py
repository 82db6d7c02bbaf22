from __future__ import annotations

from django.urls import path

from milepost.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.report, name="report"),
    path("audit.csv", views.report_csv, name="report_csv"),
]
