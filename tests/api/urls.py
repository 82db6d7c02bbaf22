"""The project's URLs plus the token pages, for their tests until config/urls.py includes
them (then this adds nothing)."""

from __future__ import annotations

from django.urls import include, path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project

urlpatterns = list(project)
if not any(getattr(entry, "namespace", None) == "tokens" for entry in project):
    urlpatterns.append(path("account/tokens/", include("milepost.api.token_urls")))

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
