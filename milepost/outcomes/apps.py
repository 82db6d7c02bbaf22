from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "milepost.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes across a practice (NHS Talking Therapies measures, goals, reviews)"
