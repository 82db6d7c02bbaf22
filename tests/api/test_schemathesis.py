"""Property-based fuzzing of every API operation from its own OpenAPI schema.

schemathesis generates requests (valid and invalid bodies, query strings and headers)
and sends them through the WSGI app in-process, with a clinician's token. Whatever it
sends, the answer must never be a server error.

Database: the WSGI app runs in this thread, on the test's own connection, so a plain
`django_db` test (one transaction, rolled back at the end) sees the personas and keeps
what the examples write until then; no live server and no `transaction=True` needed.
One thing Django's own test client does must be done here too: a WSGI request ends by
closing "old" database connections (the request_started/finished signals), which would
close the test's connection mid-transaction; `_keep_the_test_connection` unhooks that.
The personas are made once per operation, not per example: hence the suppressed
`function_scoped_fixture` health check.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.api.helpers import dana_metric_target, token_for
from tests.base import Personas, dana_plan

# A route sweep: CI runs it once, on PostgreSQL (docs/decisions/0014-ci-split.md).
pytestmark = pytest.mark.sweep

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Real ids of dana's records: with them, generated bodies reach the services (a random id
# only ever reaches the 404 of the access function). Half the examples keep theirs.
def _real_ids(p: Personas) -> dict[str, str]:
    made = dana_plan(p)
    return {
        "client_id": p.dana_client.public_id,
        "plan_id": made.plan.public_id,
        "goal_id": made.goal.public_id,
        "objective_id": made.objective.public_id,
        "administration_id": p.dana_phq9.public_id,
        "target_id": dana_metric_target(p).public_id,
    }


@pytest.mark.django_db
@schema.parametrize()
@schema.given(use_real_ids=st.booleans())
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run and in CI
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_request_is_a_server_error(case, use_real_ids, personas):
    if use_real_ids and case.path_parameters:
        real = _real_ids(personas)
        case.path_parameters = {
            name: real.get(name, value) for name, value in case.path_parameters.items()
        }
    token = _TOKENS.get(id(personas))
    if token is None or token[0] is not personas:
        token = (personas, token_for(personas.alice))
        _TOKENS[id(personas)] = token
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token[1]}"}, checks=[not_a_server_error]
    )


_TOKENS: dict[int, tuple[Personas, str]] = {}
