from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "milepost.interop"
    label = "interop"
    verbose_name = "FHIR export and import, data portability"
