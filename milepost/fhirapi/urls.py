"""`/fhir/`: the FHIR REST API (namespace "fhir"), its discovery documents and SMART sign-in."""

from __future__ import annotations

from django.urls import path

from milepost.fhirapi import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path(".well-known/smart-configuration", views.smart_configuration, name="smart_configuration"),
    path("auth/authorize", views.authorize, name="authorize"),
    path("auth/token", views.token, name="token"),
    path("auth/revoke", views.revoke, name="revoke"),
    path("auth/jwks", views.jwks, name="jwks"),
    path("auth/userinfo", views.userinfo, name="userinfo"),
    path("launch/<str:client_id>/", views.launch, name="launch"),
    path("<str:resource_type>", views.resource_type, name="type"),
    path("<str:resource_type>/<str:resource_id>", views.resource_read, name="read"),
]
