from __future__ import annotations

from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "milepost.notes"
    label = "notes"
    verbose_name = "Session notes"
