"""The user's API tokens, under `account/tokens/` (namespace "tokens")."""

from __future__ import annotations

from django.urls import path

from milepost.api import views

app_name = "tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("revoke/", views.token_revoke, name="revoke"),
]
