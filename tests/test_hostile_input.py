"""Bad input anywhere never reaches a 500, and nothing typed is echoed unescaped.

Every route is sent, by every persona who may open it, the field names our forms use
filled with hostile values, as a query string and as a form post.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.base import Personas
from tests.test_access_matrix import SAMPLE_KWARGS, _url, project_routes

# A route sweep: CI runs it once, on PostgreSQL (docs/decisions/0014-ci-split.md).
pytestmark = pytest.mark.sweep

FIELDS = (
    "username",
    "password",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "pronouns",
    "email",
    "phone",
    "status",
    "referral_reason",
    "clinician",
    "is_primary",
    "full_name",
    "credentials",
    "role",
    "is_active",
    "q",
    "next",
    "administered_on",
    "action",
    "note",
    "reason",
    *(f"item_{n}" for n in range(1, 21)),
    # The formulation and plan editor.
    "presenting_problems",
    "situation",
    "thoughts",
    "emotions",
    "behaviours",
    "kind",
    "text",
    "strengths",
    "discharge_criteria",
    "review_interval_days",
    "code",
    "statement",
    "client_words",
    "factors",
    "goal",
    "direction",
    "modality",
    "type",
    "frequency",
    "session_minutes",
    "responsible",
    "measure",
    "new_metric_name",
    "new_metric_unit",
    "new_metric_period",
    "baseline",
    "comparator",
    "target_value",
    "due_date",
    "confirmed",
    "metric",
    "value",
    "period_start",
    "item",
    "into",
    "area",
    "check",
    # Session notes (the per-objective fields are named by id: tests/notes/test_views.py).
    "held_on",
    "started_at",
    "ended_at",
    "setting",
    "narrative",
    # Signing, reviews, the audit report, emergency access, settings, tokens, two-factor.
    "override_reason",
    "typed_name",
    "read_together",
    "participants",
    "summary",
    "actor",
    "client",
    "date_from",
    "date_to",
    "given_name",
    "payer_profile",
    "mfa_required",
    "severity",
    "pl",
    "name",
    "expires_at",
    "otp_code",
    "last_seen",
    # The portal, invitations and assignments.
    "how_you_would_know",
    "has_read",
    "comment",
    "answer",
    "intensity",
    "shared",
    "password_again",
    "instrument",
    "schedule",
    "start_on",
    "next_session_on",
)

HOSTILE = (
    "\x00",
    # Markup, SQL and percent-encoded bytes are all just text to a field: one value carries
    # the three (the echo check below looks for the script tag).
    "<script>alert(1)</script>' OR 1=1 -- %00%ff",
    "9999-99-99",
    "-1",
    "\U0001d518\u00e9\u202e\ufeff " * 400,  # astral, accented, bidi override, BOM
    "https://evil.example/",
)

# One persona of each kind that reaches forms: a clinician, a supervisor, the admin and a
# client. A clinician of another practice (charlie) reaches only what alice reaches on his
# own records, and is refused the sample records: the access matrix checks that refusal.
WHO = ("alice", "sam", "erin", "dana")


@pytest.mark.django_db
@pytest.mark.parametrize("name", WHO)
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_no_route_fails_on_hostile_input(personas: Personas, value: str, name: str):
    # One case per value and persona (twenty-four cases of a few seconds, which the parallel
    # workers share evenly), each sending every route in turn.
    for route in project_routes():
        url = _url(route, personas)
        http = HttpClient()
        http.force_login(getattr(personas, name))
        data = dict.fromkeys(FIELDS, value)
        for response in (http.get(url, data), http.post(url, data)):
            assert response.status_code < 500, f"{name} {route.name}: {response.status_code}"
            body = response.getvalue()  # streamed downloads (CSV) too
            kind = response.get("Content-Type", "")
            if b"<script>alert(1)</script>" in body:
                # Stored text travels as is in data downloads (the FHIR Bundle, CSVs), never
                # in a page: the browser must not be able to read the download as HTML.
                assert not kind.startswith("text/html"), f"{route.name} echoes a script"
                assert response["X-Content-Type-Options"] == "nosniff", route.name
            if response.status_code in (301, 302):
                assert not response["Location"].startswith("https://evil.example")


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_url_segments_are_not_found_never_a_failure(personas: Personas, value: str):
    http = HttpClient()
    http.force_login(personas.alice)
    for route in project_routes():
        for name in route.kwarg_names:
            kwargs = {k: SAMPLE_KWARGS[k](personas) for k in route.kwarg_names}
            kwargs[name] = "SEGMENT"
            url = reverse(route.name, kwargs=kwargs).replace("SEGMENT", quote(value, safe=""))
            for response in (http.get(url), http.post(url)):
                assert response.status_code < 500, (
                    f"{route.name} with {name}: {response.status_code}"
                )
