"""The project's URLs without the clinicians' invitation routes: the client page must
still render (without the invitation panel)."""

from __future__ import annotations

from config import urls as project

handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500

urlpatterns = [
    p for p in project.urlpatterns if getattr(p, "namespace", None) != "invites_clinician"
]
