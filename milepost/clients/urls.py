from __future__ import annotations

from django.urls import path

from milepost.clients import views

app_name = "clients"
urlpatterns = [
    path("new/", views.client_create, name="create"),
    # Before "<client_id>/": "emergency" is not a client id.
    path("emergency/", views.emergency_access, name="emergency_access"),
    path("emergency/end/", views.emergency_access_end, name="emergency_access_end"),
    path("<str:client_id>/", views.client_detail, name="detail"),
    path("<str:client_id>/edit/", views.client_edit, name="edit"),
    path("<str:client_id>/coverage/", views.coverage_edit, name="coverage"),
    path("<str:client_id>/programme/", views.client_programme, name="programme"),
    path("<str:client_id>/care-team/add/", views.care_team_add, name="care_team_add"),
    path("<str:client_id>/care-team/remove/", views.care_team_remove, name="care_team_remove"),
]
