"""The invitation routes under hostile input (as tests/test_hostile_input.py, which covers
them too once config/urls.py includes the clinicians' routes)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.test_hostile_input import FIELDS, HOSTILE, WHO

pytestmark = [pytest.mark.sweep, pytest.mark.django_db, pytest.mark.urls("tests.invites.urls")]

ROUTES = ("invites:accept", "invites_clinician:invite", "invites_clinician:revoke")


def _urls(personas, segment: str | None = None):
    client_id = personas.dana_client.public_id
    yield reverse("invites:accept", kwargs={"token": segment or "made-up-token-000000000000"})
    for name in ROUTES[1:]:
        url = reverse(name, kwargs={"client_id": "SEGMENT" if segment else client_id})
        yield url.replace("SEGMENT", segment) if segment else url


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_no_invitation_route_fails_on_hostile_input(personas, value):
    data = dict.fromkeys((*FIELDS, "password_again"), value)
    for url in _urls(personas):
        for name in (*WHO, None):
            http = HttpClient()
            if name:
                http.force_login(getattr(personas, name))
            for response in (http.get(url, data), http.post(url, data)):
                assert response.status_code < 500, f"{name} {url}: {response.status_code}"
                assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_url_segments_are_refused_never_a_failure(personas, value):
    http = HttpClient()
    http.force_login(personas.alice)
    for url in _urls(personas, quote(value, safe="")):
        for response in (http.get(url), http.post(url)):
            assert response.status_code in (404, 405, 410), f"{url}: {response.status_code}"
