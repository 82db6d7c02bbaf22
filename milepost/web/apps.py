from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "milepost.web"
    label = "web"
    verbose_name = "Web shell (home, errors)"
