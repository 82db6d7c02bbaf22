"""The practice admin's staff invitation routes, included under practice/ by config/urls.py
(before accounts' routes, so "users/new/" is not taken for a user id)."""

from __future__ import annotations

from django.urls import path

from milepost.invites import staff_views

app_name = "staff_invites"
urlpatterns = [
    path("users/new/", staff_views.user_create, name="user_create"),
    path("users/<str:user_id>/invite/", staff_views.resend, name="resend"),
]
