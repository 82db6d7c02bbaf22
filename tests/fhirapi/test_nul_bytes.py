"""A NUL byte sent to the OAuth endpoints is a clear invalid_request, never a 500: PostgreSQL
refuses NUL in text, so the library must not query with it."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["fhir:token", "fhir:revoke"])
def test_a_nul_byte_is_an_invalid_request(client, name):
    response = client.post(
        reverse(name), {"grant_type": "authorization_code", "client_id": "app\x00", "code": "x"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.django_db
def test_a_clean_request_still_reaches_the_library(client):
    response = client.post(
        reverse("fhir:token"), {"grant_type": "authorization_code", "client_id": "nobody"}
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] != "invalid_request" or "NUL" not in response.content.decode()
