"""`/api/v1/`: the JSON API (namespace "api"), its OpenAPI schema and docs page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from milepost.api import views
from milepost.api.main import api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/assets/<str:name>", views.docs_asset, name="docs_asset"),
    *api.urls[0],
]
