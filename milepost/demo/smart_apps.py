"""A registered SMART app in the demo practice, to try the FHIR API's sign-in with
(docs/fhir.md, "How an EHR connects"): a public app for a client-side SMART app running on
the same machine (PKCE; no secret), registered by the practice admin, Erin, on the SMART
apps page's service."""

from __future__ import annotations

from milepost.accounts.models import User
from milepost.fhirapi import services
from milepost.fhirapi.models import SmartApp

CLIENT_ID = "milepost-demo-outcome-viewer"
REDIRECT_URI = "http://localhost:9000/callback"
LAUNCH_URI = "http://localhost:9000/launch"


def load_smart_app(admin: User) -> SmartApp:
    existing = SmartApp.objects.filter(application__client_id=CLIENT_ID).first()
    if existing is not None:
        return existing
    app, _ = services.smart_app_register(
        actor=admin,
        name="Outcome viewer (demo SMART app)",
        redirect_uris=REDIRECT_URI,
        launch_uri=LAUNCH_URI,
        client_id=CLIENT_ID,
    )
    return app
