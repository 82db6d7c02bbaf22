"""The caseload page, under clients/ (config/urls.py): the address it has always had."""

from __future__ import annotations

from django.urls import path

from milepost.reports import dashboard_views as views

app_name = "reports"
urlpatterns = [
    path("", views.caseload, name="caseload"),
]
