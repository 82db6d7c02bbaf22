from __future__ import annotations

from django.urls import path

from milepost.invites import views

app_name = "invites"
urlpatterns = [
    path("<str:token>/", views.accept, name="accept"),
]
