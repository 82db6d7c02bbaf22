from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "milepost.measures"
    label = "measures"
    verbose_name = "Outcome measures"
