"""The project's URLs with the clinician side of the portal's plan features mounted, as
config/urls.py mounts it (`path("clients/", include(_NAME))`);
for tests that run before, or without, that line."""

from __future__ import annotations

from django.urls import include, path

from config import urls as project

_NAME = "milepost.portal.clinician_urls"
_MOUNTED = any(
    getattr(getattr(p, "urlconf_module", None), "__name__", "") == _NAME
    for p in project.urlpatterns
)
urlpatterns = [*project.urlpatterns]
if not _MOUNTED:
    urlpatterns.append(path("clients/", include(_NAME)))

handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
