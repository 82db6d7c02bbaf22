"""The access matrix (tests/test_access_matrix.py) for the clinician routes of the portal's
plan side, with milepost.portal.clinician_urls mounted as config/urls.py mounts it.

Once config/urls.py includes it, the project matrix covers these routes too; this test
then checks the same thing twice, which is cheap."""

from __future__ import annotations

import pytest

from tests.test_access_matrix import (
    EXPECTED_FOR_CLIENT_RECORD,
    PERSONA_NAMES,
    _http,
    _outcome,
    _url,
    project_routes,
)

pytestmark = [pytest.mark.sweep, pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]


def _routes():
    return [r for r in project_routes() if r.namespace == "portal_clinician"]


def test_the_clinician_routes_are_mounted_here():
    names = {r.name for r in _routes()}
    assert names == {
        "portal_clinician:inbox",
        "portal_clinician:proposal_adopt",
        "portal_clinician:proposal_decline",
        "portal_clinician:change_answer",
        "portal_clinician:goal_visibility",
    }


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_each_persona_gets_exactly_what_it_may(personas, persona, method):
    for route in _routes():
        assert "client_id" in route.kwarg_names
        response = getattr(_http(personas, persona), method)(_url(route, personas))
        if response.status_code == 405:
            continue
        expected = EXPECTED_FOR_CLIENT_RECORD[persona]
        assert _outcome(response) == expected, (route.name, persona, method, response.status_code)
        if persona in ("anonymous", "erin", "charlie", "frank", "dana"):
            assert b"cook dinner" not in response.content
