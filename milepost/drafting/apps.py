from __future__ import annotations

from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "milepost.drafting"
    label = "drafting"
    verbose_name = "Drafting assistant"
