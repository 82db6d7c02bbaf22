from __future__ import annotations

from django.urls import path

from milepost.interop import views

app_name = "interop"
urlpatterns = [
    path("<str:client_id>/fhir.json", views.client_fhir, name="client_fhir"),
    path("<str:client_id>/fhir/import/", views.client_fhir_import, name="client_fhir_import"),
    path(
        "<str:client_id>/fhir/import/<str:job_id>/",
        views.client_fhir_import_job,
        name="client_fhir_import_job",
    ),
]
