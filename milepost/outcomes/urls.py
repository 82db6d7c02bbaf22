"""The practice outcomes dashboard, under practice/ (supervisors and admins with the
permission); a clinician's own track record and the practice's intake (decision 1220)."""

from __future__ import annotations

from django.urls import path

from milepost.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("outcomes/", views.dashboard, name="dashboard"),
    path("outcomes.csv", views.dashboard_csv, name="dashboard_csv"),
    path("outcomes.svg", views.dashboard_chart, name="dashboard_chart"),
    path("outcomes/group/", views.group, name="group"),
    path("outcomes/refresh/", views.refresh, name="refresh"),
    path("outcomes/mine/", views.track_record, name="track_record"),
    path("outcomes/intake/", views.intake_list, name="intake_list"),
    path("outcomes/intake/<str:referral_id>/", views.intake, name="intake"),
]
