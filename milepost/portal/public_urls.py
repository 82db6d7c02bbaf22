from __future__ import annotations

from django.urls import path

from milepost.portal.views import help

app_name = "portal_public"
urlpatterns = [
    path("", help.help_now, name="help"),
]
