"""A plan's progress page and the chart of each of its targets."""

from __future__ import annotations

from django.urls import path

from milepost.plans import progress_views

app_name = "progress"
C = "<str:client_id>"
urlpatterns = [
    path(f"{C}/plans/<str:plan_id>/progress/", progress_views.plan_progress, name="plan"),
    path(f"{C}/targets/<str:target_id>/chart.svg", progress_views.target_chart, name="chart"),
]
