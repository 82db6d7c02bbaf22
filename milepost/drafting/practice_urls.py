from __future__ import annotations

from django.urls import path

from milepost.drafting import views

app_name = "drafting_practice"
urlpatterns = [
    path("assistant/", views.endpoint_settings, name="endpoint"),
]
