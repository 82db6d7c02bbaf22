from __future__ import annotations

from django.urls import path

from milepost.interop import views

app_name = "portability"
urlpatterns = [
    path("export/", views.archive, name="archive"),
    path("export/clinical/", views.clinical_archive, name="clinical_archive"),
]
