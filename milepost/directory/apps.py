from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "milepost.directory"
    label = "directory"
    verbose_name = "Find a therapist"
