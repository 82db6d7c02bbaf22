"""The clinician's routes for the portal's plan side, under clients/ (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from milepost.portal.views import clinician

app_name = "portal_clinician"
C = "<str:client_id>"
urlpatterns = [
    path(f"{C}/portal/", clinician.inbox, name="inbox"),
    path(
        f"{C}/portal/proposals/<str:proposal_id>/adopt/",
        clinician.proposal_adopt,
        name="proposal_adopt",
    ),
    path(
        f"{C}/portal/proposals/<str:proposal_id>/decline/",
        clinician.proposal_decline,
        name="proposal_decline",
    ),
    path(
        f"{C}/portal/changes/<str:change_request_id>/answer/",
        clinician.change_answer,
        name="change_answer",
    ),
    path(
        f"{C}/goals/<str:goal_id>/portal-visibility/",
        clinician.goal_visibility,
        name="goal_visibility",
    ),
]
