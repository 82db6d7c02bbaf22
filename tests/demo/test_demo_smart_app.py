"""The demo practice has a SMART app to try the FHIR API's sign-in with."""

from __future__ import annotations

import pytest

from milepost.demo import data, smart_apps
from milepost.fhirapi.models import SmartApp


@pytest.mark.django_db
def test_the_demo_admin_registers_one_public_smart_app_once():
    data.load()
    data.load()  # reloading keeps one
    [app] = SmartApp.objects.filter(application__client_id=smart_apps.CLIENT_ID)
    assert app.registered_by is not None
    assert app.registered_by.email.startswith("erin@")
    assert app.organization is not None
    assert app.organization.name == data.ORGANIZATION_NAME
    assert app.application.client_type == "public"
    assert app.launch_uri == smart_apps.LAUNCH_URI
    assert app.application.redirect_uris == smart_apps.REDIRECT_URI
