"""`/practice/apps/`: the practice's SMART apps, for its admins."""

from __future__ import annotations

from django.urls import path

from milepost.fhirapi import app_views

app_name = "smart_apps"
urlpatterns = [
    path("apps/", app_views.practice_apps, name="list"),
    path("apps/revoke/", app_views.practice_app_revoke, name="revoke"),
]
