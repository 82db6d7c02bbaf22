"""Every operation of the API, for every persona, gets exactly what that persona may.

The operations are read from the OpenAPI schema, so an endpoint added later fails here
until it is given an expectation below (the same idea as tests/test_access_matrix.py
for the pages). Every persona calls with a token of their own; anonymous sends none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from milepost.api.main import api
from tests.api.helpers import api_as, dana_metric_target
from tests.base import PERSONA_NAMES, Personas, dana_plan
from tests.test_access_matrix import DANA_SECRETS

# A route sweep: CI runs it once, on PostgreSQL (docs/decisions/0014-ci-split.md).
pytestmark = pytest.mark.sweep

ALLOWED = "allowed"  # 200 or 201
UNAUTHENTICATED = 401
FORBIDDEN = 403
HIDDEN = 404

# Operations on one of dana's records: her care team (alice, bob) and their supervisor.
RECORD: dict[str, object] = {
    "anonymous": UNAUTHENTICATED,
    "alice": ALLOWED,
    "bob": ALLOWED,
    "sam": ALLOWED,
    "frank": HIDDEN,
    "charlie": HIDDEN,
    "erin": FORBIDDEN,
    "dana": FORBIDDEN,
}
# Operations on no record: any clinician or supervisor, of any practice.
CLINICAL: dict[str, object] = {
    "anonymous": UNAUTHENTICATED,
    **dict.fromkeys(["alice", "bob", "sam", "frank", "charlie"], ALLOWED),
    "erin": FORBIDDEN,
    "dana": FORBIDDEN,
}

Body = Callable[[Personas], dict[str, Any]] | None

# The specification: operation id -> (who may, a valid body). A new operation needs a line.
OPERATIONS: dict[str, tuple[dict[str, object], Body]] = {
    "client_list": (CLINICAL, None),
    "client_search": (CLINICAL, lambda p: {"search": "quill"}),
    "client_detail": (RECORD, None),
    "plan_list": (RECORD, None),
    "plan_detail": (RECORD, None),
    "goal_detail": (RECORD, None),
    "goal_create": (RECORD, lambda p: {"statement": "Sleep 7 hours a night within 8 weeks"}),
    "goal_update": (RECORD, lambda p: {"client_words": "I want to sleep again"}),
    "objective_detail": (RECORD, None),
    "objective_create": (RECORD, lambda p: {"statement": "Go to bed by 11pm 5 nights a week"}),
    "objective_update": (RECORD, lambda p: {"statement": "Do 4 pleasurable activities a week"}),
    "administration_list": (RECORD, None),
    "administration_detail": (RECORD, None),
    "administration_submit": (
        RECORD,
        lambda p: {"instrument": "gad7", "answers": [1, 1, 1, 0, 0, 1, 1]},
    ),
    "observation_list": (RECORD, None),
    "observation_record": (RECORD, lambda p: {"value": 3, "period_start": "2026-01-05"}),
    "smart_check": (CLINICAL, lambda p: {"text": "Walk for 20 minutes 3 times a week by June"}),
}

# Path parameters, by name (dana's records).
PATH_PARAMS: dict[str, Callable[[Personas], str]] = {
    "client_id": lambda p: p.dana_client.public_id,
    "plan_id": lambda p: dana_plan(p).plan.public_id,
    "goal_id": lambda p: dana_plan(p).goal.public_id,
    "objective_id": lambda p: dana_plan(p).objective.public_id,
    "administration_id": lambda p: p.dana_phq9.public_id,
    "target_id": lambda p: dana_metric_target(p).public_id,
}


def schema_operations() -> Iterator[tuple[str, str, str]]:
    """(operation id, method, path) of every operation the schema documents."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield operation["operationId"], method, path


def test_every_operation_has_an_expectation():
    documented = {op for op, _, _ in schema_operations()}
    assert documented == set(OPERATIONS), (
        f"give these operations an expectation: {sorted(documented - set(OPERATIONS))}; "
        f"these are gone: {sorted(set(OPERATIONS) - documented)}"
    )


def test_every_operation_needs_authentication():
    schema = api.get_openapi_schema()
    for operation_id, method, path in schema_operations():
        security = schema["paths"][path][method].get("security")
        assert security, f"{operation_id} is open to anyone"


@pytest.fixture(scope="module")
def world(module_world) -> Personas:
    """The personas and every sample the paths name, made once per module and worker."""
    from tests.base import make_personas

    personas = make_personas()
    for make in PATH_PARAMS.values():
        make(personas)
    return personas


@pytest.fixture
def personas(world, db) -> Personas:
    """Each case runs in a savepoint inside the module's transaction: its changes go."""
    return world


def _cases() -> Iterator[tuple[str, str, str, str]]:
    for operation_id, method, path in schema_operations():
        for persona in PERSONA_NAMES:
            yield operation_id, method, path, persona


@pytest.mark.django_db
@pytest.mark.parametrize(("operation_id", "method", "path", "persona"), list(_cases()))
def test_each_persona_gets_exactly_what_it_may(personas, operation_id, method, path, persona):
    assert operation_id in OPERATIONS, f"{operation_id}: add it to OPERATIONS"
    expected, body = OPERATIONS[operation_id]
    params = {name: make(personas) for name, make in PATH_PARAMS.items() if f"{{{name}}}" in path}
    url = path.format(**params)
    assert "{" not in url, f"{operation_id}: add a sample for {url} to PATH_PARAMS"
    client = api_as(personas.by_name(persona))
    if method == "get":
        response = client.get(url)
    else:
        assert body is not None, f"{operation_id}: give OPERATIONS a valid body"
        response = client.request(method, url, body(personas))
    status = response.status_code
    outcome = ALLOWED if status in (200, 201) else status
    assert outcome == expected[persona], (
        f"{persona} {method.upper()} {operation_id}: got {status} {response.content[:200]!r}, "
        f"expected {expected[persona]}"
    )
    assert "no-store" in response.get("Cache-Control", ""), operation_id
    payload = response.json()
    if outcome != ALLOWED:
        assert set(payload) == {"message", "field"}
    if persona in ("anonymous", "erin", "dana", "frank", "charlie"):
        for secret in DANA_SECRETS:
            assert secret not in response.content, f"{persona} saw dana's data via {operation_id}"
