"""`/account/apps/`: the backend services that act for a clinician, to approve or refuse."""

from __future__ import annotations

from django.urls import path

from milepost.fhirapi import app_views

app_name = "connected_apps"
urlpatterns = [
    path("", app_views.connected_apps, name="list"),
    path("decide/", app_views.connected_app_decide, name="decide"),
]
