"""Every error is JSON {"message", "field"}; no input, however hostile, reaches a 500."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from tests.api.helpers import ApiClient, api_as, token_for
from tests.base import dana_plan

pytestmark = pytest.mark.django_db


def _error(response, status: int, field: str | None) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "field"}
    assert body["field"] == field
    assert body["message"]
    return body["message"]


class ErrorShapeTests:
    def test_401_403_404(self, personas):
        client_id = personas.dana_client.public_id
        _error(ApiClient().get(f"/clients/{client_id}"), 401, None)
        _error(api_as(personas.erin).get(f"/clients/{client_id}"), 403, None)
        _error(api_as(personas.frank).get(f"/clients/{client_id}"), 404, None)
        _error(api_as(personas.alice).get("/clients/0000000000000000"), 404, None)

    def test_a_validation_error_names_the_dotted_path_of_the_first_field(self, personas):
        url = f"/clients/{personas.dana_client.public_id}/administrations"
        alice = api_as(personas.alice)
        _error(alice.post(url, {"instrument": "phq9", "answers": [1, "2"]}), 422, "answers.1")
        _error(alice.post(url, {"answers": [1]}), 422, "instrument")
        _error(alice.post(url, {"instrument": "phq9", "answers": [1], "extra": 1}), 422, "extra")
        _error(alice.get(url, instrument="PHQ 9"), 422, "instrument")

    def test_a_service_error_is_400_with_its_field(self, personas):
        url = f"/clients/{personas.dana_client.public_id}/administrations"
        message = _error(
            api_as(personas.alice).post(url, {"instrument": "nope", "answers": [1]}),
            400,
            "instrument",
        )
        assert "nope" in message or "instrument" in message.lower()

    def test_a_body_that_is_not_json(self, personas):
        alice = api_as(personas.alice)
        _error(alice.post("/smart", "{not json"), 400, None)
        _error(alice.post("/smart", '"just a string"'), 422, None)
        _error(alice.post("/smart", "[1, 2]"), 422, None)


HOSTILE_BODIES = [
    {"text": "\x00"},
    {"text": "\ud800"},
    {"text": "x" * 100_000},
    {"text": 12},
    {"text": None},
    {"text": ["a"]},
    {"text": "ok", "today": "9999-99-99"},
    {"text": "ok", "today": 0},
    {"text": "ok", "today": "0001-01-01"},
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_smart_bodies_are_refused_by_field(personas, body):
    response = api_as(personas.alice).post("/smart", body)
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert response.json()["field"] in ("text", "today")


HOSTILE_VALUES = [
    "\x00",
    "\ud800",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9999-99-99",
    -1,
    10**400,
    1e308,
    -0.0,
    True,
    None,
    [],
    {},
    "\U0001d518\u00e9\u202e\ufeff " * 400,
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_no_write_fails_on_hostile_values(personas, value):
    """Each field of each write, filled with a hostile value: 4xx with the field, no 500."""
    from tests.api.helpers import dana_metric_target

    made = dana_plan(personas)
    target = dana_metric_target(personas)
    client_id = personas.dana_client.public_id
    writes: list[tuple[str, str, dict[str, object]]] = [
        (
            "post",
            f"/clients/{client_id}/plans/{made.plan.public_id}/goals",
            {"statement": "Sleep 7 hours", "client_words": "", "factors": []},
        ),
        (
            "patch",
            f"/clients/{client_id}/goals/{made.goal.public_id}",
            {"statement": "Sleep 7 hours", "status": "active"},
        ),
        (
            "post",
            f"/clients/{client_id}/goals/{made.goal.public_id}/objectives",
            {"statement": "Bed by 11pm"},
        ),
        (
            "patch",
            f"/clients/{client_id}/objectives/{made.objective.public_id}",
            {"statement": "Bed by 11pm"},
        ),
        (
            "post",
            f"/clients/{client_id}/administrations",
            {"instrument": "gad7", "answers": [1] * 7, "administered_at": None},
        ),
        (
            "post",
            f"/clients/{client_id}/targets/{target.public_id}/observations",
            {"value": 2, "period_start": "2026-01-05"},
        ),
        ("post", "/smart", {"text": "Walk daily", "today": None}),
    ]
    alice = ApiClient(token_for(personas.alice))
    for method, url, valid in writes:
        for name in valid:
            body = {**valid, name: value}
            response = alice.request(method, url, body)
            assert response.status_code < 500, f"{method} {url} {name}: {response.content[:200]}"
            if response.status_code >= 400:
                # An error never quotes what was sent (a 2xx returns stored data as JSON).
                assert set(response.json()) == {"message", "field"}
                assert b"<script>" not in response.content


# A URL travels as bytes: a lone surrogate cannot be sent in one (Django decodes what comes).
URL_VALUES = [v for v in HOSTILE_VALUES if v != "\ud800"]


@pytest.mark.parametrize("value", URL_VALUES, ids=range(len(URL_VALUES)))
def test_hostile_path_and_query_values_are_not_failures(personas, value):
    from urllib.parse import quote

    http = HttpClient()
    token = token_for(personas.alice)
    segment = quote(str(value), safe="")
    client_id = personas.dana_client.public_id
    for url in (
        f"/api/v1/clients/{segment}",
        f"/api/v1/clients/{client_id}/plans/{segment}",
        f"/api/v1/clients/{client_id}/administrations?instrument={segment}",
        f"/api/v1/clients/{client_id}/observations?metric={segment}",
        f"/api/v1/clients?search={segment}&status={segment}",
    ):
        response = http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (200, 400, 404, 422), f"{url}: {response.status_code}"
        assert b"<script>" not in response.content
