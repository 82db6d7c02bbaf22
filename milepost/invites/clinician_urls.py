"""The care team's invitation routes, included under clients/ by config/urls.py."""

from __future__ import annotations

from django.urls import path

from milepost.invites import views

app_name = "invites_clinician"
urlpatterns = [
    path("<str:client_id>/invite/", views.invite, name="invite"),
    path("<str:client_id>/invite/revoke/", views.revoke, name="revoke"),
]
