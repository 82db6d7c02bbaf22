"""A plan's progress page, the chart of each of its targets and the plan's PDF documents."""

from __future__ import annotations

from django.urls import path

from milepost.plans.views import progress

app_name = "progress"
C = "<str:client_id>"
urlpatterns = [
    path(f"{C}/plans/<str:plan_id>/progress/", progress.plan_progress, name="plan"),
    path(f"{C}/plans/<str:plan_id>/plan.pdf", progress.plan_pdf, name="plan_pdf"),
    path(f"{C}/plans/<str:plan_id>/progress.pdf", progress.progress_pdf, name="progress_pdf"),
    path(f"{C}/targets/<str:target_id>/chart.svg", progress.target_chart, name="chart"),
]
