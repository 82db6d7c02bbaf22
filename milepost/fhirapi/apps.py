from __future__ import annotations

from django.apps import AppConfig


class FhirApiConfig(AppConfig):
    name = "milepost.fhirapi"
    label = "fhirapi"
    verbose_name = "FHIR API and SMART on FHIR"
