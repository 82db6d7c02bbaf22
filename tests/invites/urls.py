"""The project's URLs with the clinicians' invitation routes, whether or not config/urls.py
includes them yet (it should: `path("clients/", include("milepost.invites.clinician_urls"))`)."""

from __future__ import annotations

from django.urls import include, path

from config import urls as project

handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500

urlpatterns = list(project.urlpatterns)
if not any(getattr(p, "namespace", None) == "invites_clinician" for p in urlpatterns):
    urlpatterns.append(path("clients/", include("milepost.invites.clinician_urls")))
