from __future__ import annotations

from django.urls import path

from milepost.clients import views

app_name = "clients_practice"
urlpatterns = [
    path("programmes/", views.programmes, name="programmes"),
    path("emergency-access/", views.emergency_access_report, name="emergency_access_report"),
]
