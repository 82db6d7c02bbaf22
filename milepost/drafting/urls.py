from __future__ import annotations

from django.urls import path

from milepost.drafting import views

app_name = "drafting"
urlpatterns = [
    path(
        "<str:client_id>/plans/<str:plan_id>/assistant/",
        views.assistant,
        name="assistant",
    ),
]
