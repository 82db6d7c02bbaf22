"""Scores that came into the demo through the FHIR import: Tom's PHQ-9s from his primary-care
practice's EHR (docs/examples/fhir/tom-phq9-from-primary-care.json, docs/fhir.md "Try it"),
imported by Alice, each kept with the sender's identifier. The same file, imported again, is
three duplicates; docs/examples/fhir/tom-phq9-amended.json is an amended re-send."""

from __future__ import annotations

from django.conf import settings

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.interop.fhir.import_ import ImportResult, bundle_import

EXAMPLES = settings.BASE_DIR / "docs" / "examples" / "fhir"
BUNDLE = EXAMPLES / "tom-phq9-from-primary-care.json"
SENDER = "https://ehr.northside-primary-care.example/fhir/sid/questionnaire-response"


def load_fhir_import(client: Client, clinician: User) -> ImportResult | None:
    """Import the example Bundle into `client` once (None when it was imported already)."""
    if client.administrations.filter(sender_system=SENDER).exists():
        return None
    return bundle_import(clinician, client, BUNDLE.read_bytes())
