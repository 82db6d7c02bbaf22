"""Hostile input to every route of the portal's plan side never reaches a 500 and is never
echoed unescaped (tests/test_hostile_input.py, for these routes and their own fields)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from tests.test_access_matrix import _url, project_routes
from tests.test_hostile_input import FIELDS, HOSTILE

pytestmark = [pytest.mark.sweep, pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]

OUR_FIELDS = (
    "typed_name",
    "has_read",
    "password",
    "comment",
    "how_you_would_know",
    "intensity",
    "occurred_at",
    "answer",
    "hidden",
    "proposal",
    "entry",
)
MODULES = tuple(
    f"milepost.portal.views.{name}"
    for name in ("home", "goals", "proposals", "plan", "logs", "journal", "clinician")
)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_no_plan_side_route_fails_on_hostile_input(personas, value):
    ours = [r for r in project_routes() if r.callback.__module__ in MODULES]
    assert len(ours) >= 15
    for route in ours:
        url = _url(route, personas)
        for who in ("dana", "alice"):
            http = HttpClient()
            http.force_login(getattr(personas, who))
            data = dict.fromkeys((*FIELDS, *OUR_FIELDS), value)
            for response in (http.get(url, data), http.post(url, data)):
                assert response.status_code < 500, f"{who} {route.name}: {response.status_code}"
                assert b"<script>alert(1)</script>" not in response.content
