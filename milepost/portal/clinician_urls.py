"""The clinician's routes for the portal's plan side, under clients/ (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from milepost.portal import clinician_views as views

app_name = "portal_clinician"
C = "<str:client_id>"
urlpatterns = [
    path(f"{C}/portal/", views.inbox, name="inbox"),
    path(
        f"{C}/portal/proposals/<str:proposal_id>/adopt/",
        views.proposal_adopt,
        name="proposal_adopt",
    ),
    path(
        f"{C}/portal/proposals/<str:proposal_id>/decline/",
        views.proposal_decline,
        name="proposal_decline",
    ),
    path(
        f"{C}/portal/changes/<str:change_request_id>/answer/",
        views.change_answer,
        name="change_answer",
    ),
    path(
        f"{C}/goals/<str:goal_id>/portal-visibility/",
        views.goal_visibility,
        name="goal_visibility",
    ),
]
